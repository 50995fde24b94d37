"""Message text as Telegram sees it: ``parse_mode=HTML`` parsing, UTF-16 lengths, trimming and
the entities Telegram finds on its own (bot commands, mentions, hashtags, URLs).

The HTML parser follows Telegram's own algorithm (TDLib ``td/telegram/MessageEntity.cpp``,
``parse_html``), which is a tag scanner over the UTF-8 bytes, not an HTML5 parser:

- tags: ``b strong i em u ins s strike del span class="tg-spoiler" tg-spoiler a href code
  pre (with a nested ``code class="language-…"``) blockquote [expandable] tg-emoji emoji-id``;
  names and unquoted attribute values are case-insensitive; unknown attributes are ignored;
- character references: only ``&lt; &gt; &amp; &quot;`` and numeric ones (``&#NN;`` /
  ``&#xHH;``, the ``;`` optional); any other ``&…`` stays literal text;
- tags must nest properly; ``</>`` closes the innermost open tag;
- every error is a 400 ``Bad Request: can't parse entities: …`` with Telegram's wording and the
  byte offset into the UTF-8 text.

Why not :mod:`html.parser`: it tokenizes differently from Telegram (it decodes every HTML5 named
entity, treats ``<1>``/``a < b`` as text, swallows ``</>``, parses ``<!…>`` as comments), so using
it would accept texts Telegram rejects and reject none of those; we mirror Telegram's scanner.

Offsets and lengths of entities are in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re

from .errors import ApiError, bad_request
from .text import Entity, order_key, utf16_len

_TAGS = frozenset(
    "a b strong i em s strike del u ins tg-spoiler tg-emoji span pre code blockquote".split()
)
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_SPACE = frozenset(b" \t\r\n\v\f")
_SPECIAL = re.compile(rb"[<&]")
_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}


def _entity_error(what: str) -> ApiError:
    return bad_request(f"can't parse entities: {what}")


def _decode_entity(src: bytes, pos: int) -> tuple[str, int] | None:
    """Decode the character reference at ``src[pos] == '&'``: (character, next position) or None."""
    n = len(src)
    end = pos + 1
    if end < n and src[end] == 0x23:  # '#'
        end += 1
        value = 0
        if end < n and src[end] == 0x78:  # 'x'
            end += 1
            while end < n and chr(src[end]) in "0123456789abcdefABCDEF":
                value = value * 16 + int(chr(src[end]), 16)
                end += 1
                if value >= 0x10FFFF:
                    return None
        else:
            while end < n and 0x30 <= src[end] <= 0x39:
                value = value * 10 + src[end] - 0x30
                end += 1
                if value >= 0x10FFFF:
                    return None
        if value == 0:
            return None
        if 0xD800 <= value <= 0xDFFF:
            raise _entity_error(
                "Text contains invalid Unicode characters after decoding HTML entities, check "
                "for unmatched surrogate code units"
            )
        char = chr(value)
    else:
        while end < n and chr(src[end]).isalpha() and src[end] < 0x80:
            end += 1
        found = _NAMED.get(src[pos + 1 : end])
        if found is None:
            return None
        char = found
    if end < n and src[end] == 0x3B:  # ';'
        end += 1
    return char, end


def _normalize_url(url: str) -> str | None:
    """Telegram's link check, simplified: no whitespace, a known scheme (``http://`` is added
    when there is none), a dotted host; a bare host gets a ``/`` (``telegram.org?x`` →
    ``http://telegram.org/?x``). Returns None for what Telegram would drop."""
    if not url or any(c.isspace() for c in url):
        return None
    lower = url.lower()
    if lower.startswith(("tg:", "ton:")):
        return url
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "http", url
    if scheme.lower() not in {"http", "https", "ftp", "tonsite"}:
        return None
    cut = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0), default=-1)
    host = rest if cut < 0 else rest[:cut]
    tail = "" if cut < 0 else rest[cut:]
    if "." not in host.strip(".") and host.split(":")[0] != "localhost":
        return None
    if not tail.startswith("/"):
        tail = "/" + tail
    return f"{scheme}://{host}{tail}"


def parse_html(text: str) -> tuple[str, list[Entity]]:
    """Parse Telegram-flavoured HTML: returns (plain text, entities with UTF-16 offsets).

    Raises :class:`ApiError` 400 "Bad Request: can't parse entities: …" as Telegram does.
    """
    src = text.encode("utf-8")
    n = len(src)
    out: list[str] = []
    utf16 = 0
    stack: list[tuple[str, str, int, int]] = []  # tag, argument, utf16 start, out index
    entities: list[Entity] = []
    i = 0

    def peek(k: int) -> int:
        return src[k] if k < n else 0

    while i < n:
        m = _SPECIAL.search(src, i)
        stop = m.start() if m else n
        if stop > i:
            chunk = src[i:stop].decode("utf-8")
            out.append(chunk)
            utf16 += utf16_len(chunk)
            i = stop
            if i >= n:
                break
        if src[i] == 0x26:  # '&'
            decoded = _decode_entity(src, i)
            if decoded is None:
                out.append("&")
                utf16 += 1
                i += 1
            else:
                out.append(decoded[0])
                utf16 += 2 if ord(decoded[0]) > 0xFFFF else 1
                i = decoded[1]
            continue
        begin = i
        i += 1
        if peek(i) != 0x2F:  # not '/': a start tag
            while peek(i) not in _SPACE and peek(i) != 0x3E and i < n:
                i += 1
            if i >= n:
                raise _entity_error(f"Unclosed start tag at byte offset {begin}")
            tag = src[begin + 1 : i].decode("utf-8", "replace").lower()
            if tag not in _TAGS:
                raise _entity_error(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument = ""
            while peek(i) != 0x3E:
                while i < n and peek(i) in _SPACE:
                    i += 1
                if peek(i) == 0x3E:
                    break
                if i >= n:
                    raise _entity_error(f'Unclosed start tag "{tag}" at byte offset {begin}')
                attr_begin = i
                while i < n and peek(i) not in _SPACE and peek(i) not in (0x3D, 0x3E):
                    i += 1
                name = src[attr_begin:i].decode("utf-8", "replace")
                if not name:
                    raise _entity_error(
                        f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
                    )
                while i < n and peek(i) in _SPACE:
                    i += 1
                value = ""
                if peek(i) != 0x3D and not (tag == "blockquote" and name.lower() == "expandable"):
                    raise _entity_error(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag}" at byte offset {begin}'
                    )
                if peek(i) == 0x3D:  # '='
                    i += 1
                    while i < n and peek(i) in _SPACE:
                        i += 1
                    if i >= n:
                        raise _entity_error(f'Unclosed start tag "{tag}" at byte offset {begin}')
                    quote = peek(i)
                    if quote not in (0x22, 0x27):
                        token_begin = i
                        while i < n and (
                            (chr(peek(i)).isalnum() and peek(i) < 0x80) or peek(i) in b".-"
                        ):
                            i += 1
                        value = src[token_begin:i].decode().lower()
                        if peek(i) not in _SPACE and peek(i) != 0x3E:
                            raise _entity_error(
                                f"Unexpected end of name token at byte offset {token_begin}"
                            )
                    else:
                        i += 1
                        parts: list[str] = []
                        while i < n and peek(i) != quote:
                            if peek(i) == 0x26:
                                dec = _decode_entity(src, i)
                                if dec is not None:
                                    parts.append(dec[0])
                                    i = dec[1]
                                    continue
                            j = i + 1
                            while j < n and src[j] not in (quote, 0x26):
                                j += 1
                            parts.append(src[i:j].decode("utf-8", "replace"))
                            i = j
                        if peek(i) == quote:
                            i += 1
                        value = "".join(parts)
                    if i >= n:
                        raise _entity_error(f"Unclosed start tag at byte offset {begin}")
                elif i >= n:
                    raise _entity_error(f'Unclosed start tag "{tag}" at byte offset {begin}')
                name = name.lower()
                if tag == "a" and name == "href":
                    argument = value
                elif tag == "code" and name == "class" and value.startswith("language-"):
                    argument = value[9:]
                elif tag == "span" and name == "class" and value.startswith("tg-"):
                    argument = value[3:]
                elif tag == "tg-emoji" and name == "emoji-id":
                    argument = value
                elif tag == "blockquote" and name == "expandable":
                    argument = "1"
            if tag == "span" and argument != "spoiler":
                raise _entity_error(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
                )
            stack.append((tag, argument, utf16, len(out)))
            i += 1  # past '>'
            continue
        # an end tag
        if not stack:
            raise _entity_error(f"Unexpected end tag at byte offset {begin}")
        i += 1
        while i < n and peek(i) not in _SPACE and peek(i) != 0x3E:
            i += 1
        end_name = src[begin + 2 : i].decode("utf-8", "replace").lower()
        while i < n and peek(i) in _SPACE:
            i += 1
        if peek(i) != 0x3E:
            raise _entity_error(f"Unclosed end tag at byte offset {begin}")
        i += 1
        tag, argument, start16, start_index = stack.pop()
        if end_name and end_name != tag:
            raise _entity_error(
                f'Unmatched end tag at byte offset {begin}, expected "</{tag}>", found "</{end_name}>"'
            )
        length = utf16 - start16
        if length > 0:
            _close(tag, argument, start16, length, "".join(out[start_index:]), entities)
    if stack:
        raise _entity_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    for entity in entities:
        entity.pop("_language", None)
    entities.sort(key=order_key)
    return "".join(out), entities


def _close(
    tag: str, argument: str, offset: int, length: int, inner: str, entities: list[Entity]
) -> None:
    simple = _SIMPLE.get(tag)
    if simple:
        entities.append({"type": simple, "offset": offset, "length": length})
    elif tag == "a":
        url = argument or inner
        user = re.fullmatch(r"tg:(?://)?user\?id=(\d+)", url)
        if user:
            entities.append(
                {
                    "type": "text_mention",
                    "offset": offset,
                    "length": length,
                    "_user_id": int(user[1]),
                }
            )
            return
        normalized = _normalize_url(url)
        if normalized is not None:
            entities.append(
                {"type": "text_link", "offset": offset, "length": length, "url": normalized}
            )
    elif tag == "tg-emoji":
        if argument.isdigit():
            entities.append(
                {
                    "type": "custom_emoji",
                    "offset": offset,
                    "length": length,
                    "custom_emoji_id": argument,
                }
            )
    elif tag == "pre":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "code"
            and last["offset"] == offset
            and last["length"] == length
            and last.get("_language")
        ):
            entities[-1] = {
                "type": "pre",
                "offset": offset,
                "length": length,
                "language": last["_language"],
            }
        else:
            entities.append({"type": "pre", "offset": offset, "length": length})
    elif tag == "code":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "pre"
            and last["offset"] == offset
            and last["length"] == length
            and argument
        ):
            last["language"] = argument
        else:
            entity: Entity = {"type": "code", "offset": offset, "length": length}
            if argument:
                entity["_language"] = argument
            entities.append(entity)
    elif tag == "blockquote":
        kind = "expandable_blockquote" if argument else "blockquote"
        entities.append({"type": kind, "offset": offset, "length": length})
