"""Button presses, callback answers, documents and photos both ways, getFile and downloads,
chat actions, bot commands with scopes and getChat — through a real PTB Application/Bot."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, ContextTypes, MessageHandler, filters

from emulator.client import ControlApiError
from emulator.pytest_plugin import TelegramEmulator
from tests.emulator.conftest import GROUP, LAN
from tests.emulator.helpers import builder, polling


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buffer, format="PNG")
    return buffer.getvalue()


async def test_button_press_and_answer(telegram_emulator: TelegramEmulator) -> None:
    app = builder(telegram_emulator).build()
    seen: list[tuple[str | None, str | None]] = []

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        seen.append((query.data, query.chat_instance))
        await query.answer("Đã ghi nhận", show_alert=True)
        await query.edit_message_text(f"Bạn chọn: {query.data}")

    app.add_handler(CallbackQueryHandler(on_press, pattern=r"^upd:v1:"))
    client = telegram_emulator.client
    await client.start(LAN)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Xong", callback_data="upd:v1:done")]])
    async with polling(app):
        sent = await app.bot.send_message(LAN.id, "Tiến độ?", reply_markup=keyboard)
        with pytest.raises(ControlApiError, match="no button with that data"):
            await client.press_button(LAN, sent.message_id, "upd:v1:other")
        query = await client.press_button(LAN, sent.message_id, "upd:v1:done")
        transcript = await client.wait_for(LAN.id, 3)
    assert query["message"]["message_id"] == sent.message_id
    assert seen == [("upd:v1:done", query["chat_instance"])]
    assert [e["kind"] for e in transcript] == ["message", "callback_answer", "edit"]
    assert transcript[1]["text"] == "Đã ghi nhận" and transcript[1]["show_alert"] is True
    assert transcript[2]["message"]["text"] == "Bạn chọn: upd:v1:done"
    assert "reply_markup" not in transcript[2]["message"]


async def test_callback_answer_twice_or_too_late(
    bot: Bot, telegram_emulator: TelegramEmulator
) -> None:
    client = telegram_emulator.client
    await client.start(LAN)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    sent = await bot.send_message(LAN.id, "?", reply_markup=keyboard)
    first = await client.press_button(LAN, sent.message_id, "a")
    assert await bot.answer_callback_query(first["id"]) is True
    too_old = r"^Query is too old and response timeout expired or query id is invalid$"
    with pytest.raises(BadRequest, match=too_old):
        await bot.answer_callback_query(first["id"])
    late = await client.press_button(LAN, sent.message_id, "a")
    telegram_emulator.clock.advance(16)  # the answer window is 15 s (a setting)
    with pytest.raises(BadRequest, match=too_old):
        await bot.answer_callback_query(late["id"])


async def test_documents_and_photos_both_ways(telegram_emulator: TelegramEmulator) -> None:
    app = builder(telegram_emulator).build()
    received: list[bytes] = []

    async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.document
        document = update.effective_message.document
        file = await document.get_file()
        received.append(bytes(await file.download_as_bytearray()))
        await update.effective_message.reply_text(f"{document.file_name} {document.file_size}")

    async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        size = update.effective_message.photo[-1]
        await update.effective_message.reply_text(f"{size.width}x{size.height}")

    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    app.add_handler(MessageHandler(filters.PHOTO, on_photo))
    client = telegram_emulator.client
    telegram_emulator.settings.rate_limits = False
    async with polling(app):
        await client.send_document(LAN, "bảng kê".encode(), "bao_cao.xlsx", caption="Báo cáo")
        await client.send_photo(LAN, png(40, 30))
        transcript = await client.wait_for(LAN.id, 2)
        texts = sorted(entry["message"]["text"] for entry in transcript)
        # "bảng kê" in UTF-8: ả (U+1EA3) 3 bytes, ê (U+00EA) 2 bytes, five ASCII: 10 bytes.
        assert texts == ["40x30", "bao_cao.xlsx 10"]
        assert received == ["bảng kê".encode()]

        # The bot sends a file by upload, then again by file_id; both can be downloaded.
        doc = await app.bot.send_document(LAN.id, b"%PDF-1.4", filename="ke_hoach.pdf")
        assert doc.document is not None
        assert (doc.document.file_name, doc.document.mime_type) == (
            "ke_hoach.pdf",
            "application/pdf",
        )
        again = await app.bot.send_document(LAN.id, doc.document.file_id)
        assert again.document is not None and again.document.file_id == doc.document.file_id
        file = await app.bot.get_file(doc.document.file_id)
        assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4"
        photo = await app.bot.send_photo(
            LAN.id, png(64, 48), caption="<b>Ảnh</b>", parse_mode="HTML"
        )
        assert [(p.width, p.height) for p in photo.photo] == [(64, 48)]
        assert photo.caption == "Ảnh"
        assert await client.file_content(photo.photo[0].file_id) == png(64, 48)
        with pytest.raises(BadRequest, match=r"^Image_process_failed$"):
            await app.bot.send_photo(LAN.id, b"not an image")
        with pytest.raises(BadRequest, match=r"^Wrong file identifier/http url specified$"):
            await app.bot.send_document(LAN.id, "no-such-file-id")
        with pytest.raises(BadRequest, match=r"^Invalid file_id$"):
            await app.bot.get_file("no-such-file-id")


async def test_chat_action_commands_and_get_chat(
    bot: Bot, telegram_emulator: TelegramEmulator
) -> None:
    client = telegram_emulator.client
    await client.start(LAN)
    await client.send_text(LAN, "hi", chat=GROUP)
    assert await bot.send_chat_action(LAN.id, "upload_document") is True
    with pytest.raises(BadRequest, match=r"^Wrong parameter action in request$"):
        await bot.send_chat_action(LAN.id, "dancing")
    assert (await client.transcript(LAN.id))[0] == {
        "kind": "chat_action",
        "date": 1_767_225_600,
        "action": "upload_document",
    }

    everyone = [BotCommand("start", "Bắt đầu"), BotCommand("help", "Trợ giúp")]
    private = [BotCommand("baocao", "Báo cáo tiến độ")]
    in_group = [BotCommand("tonghop", "Tổng hợp")]
    assert await bot.set_my_commands(everyone)
    assert await bot.set_my_commands(private, scope=BotCommandScopeAllPrivateChats())
    assert await bot.set_my_commands(in_group, scope=BotCommandScopeChat(GROUP.id))
    assert await bot.set_my_commands(private, language_code="en")
    assert await bot.get_my_commands() == tuple(everyone)
    assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == tuple(private)
    assert await bot.get_my_commands(scope=BotCommandScopeChat(GROUP.id)) == tuple(in_group)
    assert await bot.get_my_commands(language_code="en") == tuple(private)
    assert await bot.delete_my_commands(scope=BotCommandScopeChat(GROUP.id))
    assert await bot.get_my_commands(scope=BotCommandScopeChat(GROUP.id)) == ()
    with pytest.raises(BadRequest, match=r"^Bot_command_invalid$"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])

    lan = await bot.get_chat(LAN.id)
    assert (lan.id, lan.type, lan.first_name, lan.username) == (
        1001,
        "private",
        "Lan",
        "lan_nguyen",
    )
    group = await bot.get_chat(GROUP.id)
    assert (group.type, group.title) == ("group", "Ban Chỉ đạo tỉnh")
    with pytest.raises(BadRequest, match=r"^Chat not found$"):
        await bot.get_chat(424242)
