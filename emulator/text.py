"""Message text as Telegram sees it: lengths in UTF-16 code units, trimming, the entities
Telegram detects on its own (bot commands, mentions, hashtags, URLs), validation of explicit
``entities``, and :func:`to_html` (entities back to Telegram HTML, for tests that assert on
formatting). HTML parsing is in :mod:`emulator.html_parse`."""

from __future__ import annotations

import html
import re
from typing import Any

from .errors import bad_request

Entity = dict[str, Any]


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (characters beyond the BMP count twice)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def order_key(entity: Entity) -> tuple[int, int, int]:
    """Sort key of entities: by offset, outer (longer) first, then TDLib's type order."""
    return entity["offset"], -entity["length"], _PRIORITY.get(entity["type"], 50)


_AUTO = re.compile(
    r"(?P<bot_command>(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/]))"
    r"|(?P<mention>(?<![\w@])@[A-Za-z0-9_]{4,32}\b)"
    r"|(?P<hashtag>(?<![\w#])#[^\W\d]\w*)"
    r"|(?P<url>\bhttps?://[^\s<>\"]+[^\s<>\".,:;!?)\]])"
)
_TRIM = " \t\r\n"


def finalize(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Trim surrounding whitespace as Telegram does, shift and clip entities, add the entities
    Telegram detects itself (bot commands, mentions, hashtags, URLs) where no other entity lies,
    and sort them by offset (outer before inner). Offsets are UTF-16 code units."""
    stripped_left = text.lstrip(_TRIM)
    cut = utf16_len(text) - utf16_len(stripped_left)
    text = stripped_left.rstrip(_TRIM)
    total = utf16_len(text)
    result: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - cut, 0)
        end = min(entity["offset"] + entity["length"] - cut, total)
        if end > start:
            entity = {k: v for k, v in entity.items() if k != "_language"}
            entity["offset"], entity["length"] = start, end - start
            result.append(entity)
    if "/" in text or "@" in text or "#" in text or "://" in text:
        taken = [(e["offset"], e["offset"] + e["length"]) for e in result if e["type"] in _OPAQUE]
        for m in _AUTO.finditer(text):
            offset = utf16_len(text[: m.start()])
            length = utf16_len(m.group())
            if any(a < offset + length and offset < b for a, b in taken):
                continue
            kind = m.lastgroup or "url"
            result.append({"type": kind, "offset": offset, "length": length})
    result.sort(key=order_key)
    return text, result


# TDLib's order for entities over the same range (lower first).
_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 1,
    "pre": 11,
    "code": 20,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}

# Entities inside which Telegram does not look for commands, mentions or links.
_OPAQUE = frozenset({"code", "pre", "text_link", "text_mention", "custom_emoji"})


def check_entities(text: str, raw: Any) -> list[Entity]:
    """Validate an explicit ``entities`` parameter (a JSON list of MessageEntity objects)."""
    if not isinstance(raw, list):
        raise bad_request("can't parse entities JSON object")
    total = utf16_len(text)
    out: list[Entity] = []
    for item in raw:
        if not isinstance(item, dict) or not {"type", "offset", "length"} <= item.keys():
            raise bad_request('can\'t parse MessageEntity: Field "type" must be of type String')
        offset, length = int(item["offset"]), int(item["length"])
        if offset < 0 or length <= 0 or offset + length > total:
            continue  # Telegram silently drops entities outside the text
        out.append(dict(item, offset=offset, length=length))
    return out


_TAG = {
    "bold": "b",
    "italic": "i",
    "underline": "u",
    "strikethrough": "s",
    "spoiler": "tg-spoiler",
    "code": "code",
    "blockquote": "blockquote",
}


def to_html(text: str, entities: list[Entity] | None) -> str:
    """Render ``text`` with its formatting ``entities`` (UTF-16 offsets, properly nested) as
    Telegram HTML, e.g. ``to_html("Hạn 5 ngày", [bold 0..3])`` → ``"<b>Hạn</b> 5 ngày"``.
    Detected entities (bot_command, url, mention, hashtag) add no tags. For assertions in tests."""
    units = text.encode("utf-16-le")
    opens: dict[int, list[str]] = {}
    closes: dict[int, list[str]] = {}
    for entity in sorted(entities or [], key=order_key):
        kind = entity["type"]
        if kind in _TAG:
            start, end = f"<{_TAG[kind]}>", f"</{_TAG[kind]}>"
        elif kind == "expandable_blockquote":
            start, end = "<blockquote expandable>", "</blockquote>"
        elif kind == "pre":
            language = entity.get("language")
            start = f'<pre><code class="language-{html.escape(language)}">' if language else "<pre>"
            end = "</code></pre>" if language else "</pre>"
        elif kind == "text_link":
            start, end = f'<a href="{html.escape(entity["url"])}">', "</a>"
        elif kind == "text_mention":
            start, end = f'<a href="tg://user?id={entity["user"]["id"]}">', "</a>"
        elif kind == "custom_emoji":
            start, end = f'<tg-emoji emoji-id="{entity["custom_emoji_id"]}">', "</tg-emoji>"
        else:
            continue
        opens.setdefault(entity["offset"], []).append(start)
        closes.setdefault(entity["offset"] + entity["length"], []).insert(0, end)
    out: list[str] = []
    n = len(units) // 2
    run_start = 0
    for position in sorted({0, n, *opens, *closes}):
        if position > run_start:
            out.append(html.escape(units[run_start * 2 : position * 2].decode("utf-16-le"), False))
            run_start = position
        out.extend(closes.get(position, ()))
        out.extend(opens.get(position, ()))
    return "".join(out)
