"""Sending, editing and deleting messages, documents and photos, and getFile — with Telegram's
checks and error texts: text 1–4096 and caption ≤ 1024 UTF-16 units after entity parsing,
``parse_mode=HTML`` (see :mod:`emulator.text`), callback_data 1–64 bytes, inline keyboard shape,
message not found / not modified, and the flood limits (:mod:`emulator.ratelimit`)."""

from __future__ import annotations

import io
import mimetypes
from typing import TYPE_CHECKING, Any

from .errors import bad_request
from .html_parse import parse_html
from .params import Params, Upload
from .state import Chat, Json, StoredFile
from .text import check_entities, finalize, utf16_len

if TYPE_CHECKING:
    from .core import Emulator

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


def formatted(emu: Emulator, p: Params, field: str, entities_field: str) -> tuple[str, list[Json]]:
    """The text of ``field`` after ``parse_mode``/explicit entities, trimmed like Telegram."""
    raw = p.text(field) or ""
    mode = (p.text("parse_mode") or "").lower()
    if mode == "html":
        text, entities = parse_html(raw)
    elif mode in ("markdown", "markdownv2"):
        raise bad_request("the emulator supports parse_mode HTML only")
    elif mode:
        raise bad_request("unsupported parse_mode")
    else:
        text = raw
        explicit = p.obj(entities_field, "entities JSON object")
        entities = check_entities(text, explicit) if explicit is not None else []
    text, entities = finalize(text, entities)
    users = emu.state.users
    for entity in entities:
        user_id = entity.pop("_user_id", None)
        if user_id is not None:
            entity["user"] = users.get(user_id, {"id": user_id, "is_bot": False, "first_name": ""})
    return text, entities


def message_text(emu: Emulator, p: Params) -> tuple[str, list[Json]]:
    """The ``text`` parameter, parsed and checked: 1–4096 UTF-16 units."""
    text, entities = formatted(emu, p, "text", "entities")
    if not text:
        raise bad_request("message text is empty")
    if utf16_len(text) > emu.settings.max_text_length:
        raise bad_request("message is too long")
    return text, entities


def caption(emu: Emulator, p: Params) -> Json:
    """The ``caption`` fields, parsed and checked: ≤ 1024 UTF-16 units."""
    text, entities = formatted(emu, p, "caption", "caption_entities")
    if utf16_len(text) > emu.settings.max_caption_length:
        raise bad_request("message caption is too long")
    fields: Json = {}
    if text:
        fields["caption"] = text
        if entities:
            fields["caption_entities"] = entities
    return fields


def reply_markup(emu: Emulator, p: Params) -> Json | None:
    """Validate ``reply_markup``; inline keyboards as Telegram checks them."""
    markup = p.obj("reply_markup", "reply keyboard markup JSON object")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        if sum(len(r) for r in rows) > 100:
            raise bad_request("reply markup is too long")
        for row in rows:
            for button in row:
                if not isinstance(button, dict):
                    raise bad_request(
                        "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                    )
                if not isinstance(button.get("text"), str):
                    raise bad_request(
                        'can\'t parse inline keyboard button: Field "text" must be of type String'
                    )
                if "callback_data" in button:
                    data = button["callback_data"]
                    size = len(str(data).encode("utf-8"))
                    if not 1 <= size <= emu.settings.max_callback_data_bytes:
                        raise bad_request("BUTTON_DATA_INVALID")
                elif "url" in button:
                    if not str(button["url"]).strip():
                        raise bad_request("BUTTON_URL_INVALID")
                elif not any(
                    k in button
                    for k in (
                        "web_app",
                        "login_url",
                        "switch_inline_query",
                        "copy_text",
                        "pay",
                        "switch_inline_query_current_chat",
                        "switch_inline_query_chosen_chat",
                        "callback_game",
                    )
                ):
                    raise bad_request(
                        "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                    )
        return {"inline_keyboard": rows}
    if "keyboard" in markup or "remove_keyboard" in markup or "force_reply" in markup:
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def reply_fields(chat: Chat, p: Params) -> Json:
    """``reply_to_message`` from ``reply_parameters``/``reply_to_message_id``."""
    params = p.obj("reply_parameters", "reply parameters JSON object") or {}
    target = params.get("message_id") if isinstance(params, dict) else None
    if target is None:
        target = p.integer("reply_to_message_id")
    if target is None:
        return {}
    original = chat.messages.get(int(target))
    if original is None:
        if params.get("allow_sending_without_reply") or p.flag("allow_sending_without_reply"):
            return {}
        raise bad_request("message to be replied not found")
    return {"reply_to_message": {k: v for k, v in original.items() if k != "reply_to_message"}}


def deliver(emu: Emulator, chat: Chat, fields: Json, markup: Json | None, kind: str) -> Json:
    """Count the message against the flood limits, store it and record it in the transcript."""
    emu.limiter.hit(chat.id, chat.type != "private")
    if markup is not None and "inline_keyboard" in markup:
        fields["reply_markup"] = markup
    message = emu.state.new_message(chat, emu.state.bot_user, fields)
    entry: Json = {"message_id": message["message_id"], "message": dict(message)}
    if markup is not None and "inline_keyboard" not in markup:
        entry["reply_keyboard"] = markup
    emu.state.record(chat, kind, entry)
    return message


async def send_message(emu: Emulator, p: Params) -> Json:
    """sendMessage."""
    chat = emu.state.writable_chat(p.chat_id())
    text, entities = message_text(emu, p)
    markup = reply_markup(emu, p)
    fields: Json = {"text": text}
    if entities:
        fields["entities"] = entities
    fields.update(reply_fields(chat, p))
    return deliver(emu, chat, fields, markup, "message")


def _editable(emu: Emulator, p: Params) -> tuple[Chat, Json]:
    if p.text("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = emu.state.writable_chat(p.chat_id())
    message = chat.messages.get(p.message_id())
    if message is None:
        raise bad_request("message to edit not found")
    if message["from"]["id"] != emu.settings.bot_id:
        raise bad_request("message can't be edited")
    return chat, message


def _apply_edit(emu: Emulator, chat: Chat, message: Json, changes: Json) -> Json:
    if all(message.get(k) == v for k, v in changes.items()):
        raise bad_request(NOT_MODIFIED)
    emu.limiter.hit(chat.id, chat.type != "private")
    for key, value in changes.items():
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value
    message["edit_date"] = emu.state.now()
    emu.state.record(chat, "edit", {"message_id": message["message_id"], "message": dict(message)})
    return message


async def edit_message_text(emu: Emulator, p: Params) -> Json:
    """editMessageText: returns the edited Message; no markup removes the keyboard."""
    chat, message = _editable(emu, p)
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    text, entities = message_text(emu, p)
    markup = reply_markup(emu, p)
    changes = {"text": text, "entities": entities or None, "reply_markup": markup}
    return _apply_edit(emu, chat, message, changes)


async def edit_message_caption(emu: Emulator, p: Params) -> Json:
    """editMessageCaption: returns the edited Message."""
    chat, message = _editable(emu, p)
    if "text" in message:
        raise bad_request("there is no caption in the message to edit")
    fields = caption(emu, p)
    changes = {
        "caption": fields.get("caption"),
        "caption_entities": fields.get("caption_entities"),
        "reply_markup": reply_markup(emu, p),
    }
    return _apply_edit(emu, chat, message, changes)


async def edit_message_reply_markup(emu: Emulator, p: Params) -> Json:
    """editMessageReplyMarkup: returns the edited Message."""
    chat, message = _editable(emu, p)
    return _apply_edit(emu, chat, message, {"reply_markup": reply_markup(emu, p)})


async def delete_message(emu: Emulator, p: Params) -> bool:
    """Private chats: any message; groups: the bot's own; all within ``delete_window``."""
    chat = emu.state.find_chat(p.chat_id())
    message = chat.messages.get(p.message_id())
    if message is None:
        raise bad_request("message to delete not found")
    own = message["from"]["id"] == emu.settings.bot_id
    if chat.type != "private" and not own:
        raise bad_request("message can't be deleted")
    if emu.clock.now() - message["date"] > emu.settings.delete_window:
        raise bad_request("message can't be deleted for everyone")
    del chat.messages[message["message_id"]]
    emu.state.record(chat, "delete", {"message_id": message["message_id"]})
    return True


# -- files ------------------------------------------------------------------------------------
def store_file(emu: Emulator, upload: Upload, kind: str, meta: Json) -> StoredFile:
    """Keep an uploaded file; ``kind`` is "document" or "photo"."""
    n = emu.state.next_id()
    ext = mimetypes.guess_extension(upload.content_type or "") or ""
    if kind == "document" and "." in upload.filename:
        ext = "." + upload.filename.rsplit(".", 1)[1]
    prefix = "BQACAgIAAxkBAA" if kind == "document" else "AgACAgIAAxkBAA"
    stored = StoredFile(
        file_id=f"{prefix}{n:06d}{emu.settings.bot_id:x}",
        file_unique_id=f"AQAD{n:06d}",
        content=upload.content,
        file_path=f"{kind}s/file_{n}{ext}",
        meta=meta,
    )
    stored.meta.update(
        file_id=stored.file_id, file_unique_id=stored.file_unique_id, file_size=len(upload.content)
    )
    emu.state.files[stored.file_id] = stored
    emu.state.files_by_path[stored.file_path] = stored
    return stored


def input_file(emu: Emulator, p: Params, field: str) -> StoredFile | Upload:
    """An uploaded part (named ``field`` or referenced as ``attach://name``) or a stored file_id."""
    upload = p.uploads.get(field)
    value = p.text(field)
    if upload is None and value and value.startswith("attach://"):
        upload = p.uploads.get(value[len("attach://") :])
    if upload is not None:
        if len(upload.content) > emu.settings.max_upload_bytes:
            raise bad_request("file is too big")
        return upload
    if not value:
        raise bad_request(f"there is no {field} in the request")
    if value.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    stored = emu.state.files.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    return stored


def image_size(content: bytes) -> tuple[int, int]:
    """(width, height) of an image, else 400 IMAGE_PROCESS_FAILED (as Telegram)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            return image.size
    except (UnidentifiedImageError, OSError):
        raise bad_request("IMAGE_PROCESS_FAILED") from None


async def send_document(emu: Emulator, p: Params) -> Json:
    """sendDocument: a multipart upload or an existing file_id."""
    chat = emu.state.writable_chat(p.chat_id())
    source = input_file(emu, p, "document")
    fields = caption(emu, p)
    markup = reply_markup(emu, p)
    if isinstance(source, Upload):
        meta: Json = {"file_name": source.filename}
        mime = source.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(source.filename)[0] or mime
        if mime:
            meta["mime_type"] = mime
        source = store_file(emu, source, "document", meta)
    fields["document"] = dict(source.meta)
    fields.update(reply_fields(chat, p))
    return deliver(emu, chat, fields, markup, "document")


async def send_photo(emu: Emulator, p: Params) -> Json:
    """sendPhoto: a real image upload (one PhotoSize) or an existing file_id."""
    chat = emu.state.writable_chat(p.chat_id())
    source = input_file(emu, p, "photo")
    fields = caption(emu, p)
    markup = reply_markup(emu, p)
    if isinstance(source, Upload):
        width, height = image_size(source.content)
        source = store_file(emu, source, "photo", {"width": width, "height": height})
    fields["photo"] = [dict(source.meta)]
    fields.update(reply_fields(chat, p))
    return deliver(emu, chat, fields, markup, "photo")


async def get_file(emu: Emulator, p: Params) -> Json:
    """getFile: ``file_path`` for ``/file/bot<token>/<file_path>``; ≤ 20 MB."""
    stored = emu.state.files.get(p.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.content) > 20 * 1024 * 1024:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "file_path": stored.file_path,
    }


async def always_true(emu: Emulator, p: Params) -> Any:
    """logOut / close: accepted and ignored."""
    return True
