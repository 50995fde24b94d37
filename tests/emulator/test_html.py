"""The HTML parser against Telegram's own expectations.

Expected texts, offsets and error messages are TDLib's (test/message_entities.cpp,
``TEST(MessageEntities, parse_html)``) — the code behind the Bot API's ``parse_mode=HTML`` —
translated from TDLib entity types to Bot API entity dicts. Offsets are UTF-16 units: "🏟" is 2,
"➡️" is 2 (U+27A1 U+FE0F), so "🏟 🏟" is 5.
"""

from __future__ import annotations

import pytest

from emulator.errors import ApiError
from emulator.html_parse import parse_html
from emulator.text import finalize, to_html, utf16_len

PREFIX = "Bad Request: can't parse entities: "


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"),
        ("🏟 🏟&lt;<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
        ("🏟 🏟&lt;<abac>", 'Unsupported start tag "abac" at byte offset 13'),
        ("🏟 🏟&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
        (
            "🏟 🏟&lt;<i    aba>",
            'Expected equal sign in declaration of an attribute of the tag "i" at byte offset 13',
        ),
        ("🏟 🏟&lt;<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'),
        ("🏟 🏟&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"),
        ('🏟 🏟&lt;<i    aba  =  "&lt;&gt;&quot;>', "Unclosed start tag at byte offset 13"),
        ("🏟 🏟&lt;<i    aba  =  '&lt;&gt;&quot;>", "Unclosed start tag at byte offset 13"),
        ("🏟 🏟&lt;</", "Unexpected end tag at byte offset 13"),
        ("🏟 🏟&lt;<b></b></", "Unexpected end tag at byte offset 20"),
        ("🏟 🏟&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"),
        (
            "🏟 🏟&lt;<i>a</em   >",
            'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"',
        ),
        (
            "&#57311;",
            "Text contains invalid Unicode characters after decoding HTML entities, check for "
            "unmatched surrogate code units",
        ),
        # Not in TDLib's list, worked out by hand from the same rules:
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<br/>", 'Unsupported start tag "br/" at byte offset 0'),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<kahn@inbox.ru>", 'Unsupported start tag "kahn@inbox.ru" at byte offset 0'),
    ],
)
def test_errors(source: str, error: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_html(source)
    assert caught.value.code == 400
    assert caught.value.description == PREFIX + error


def e(kind: str, offset: int, length: int, **extra: object) -> dict[str, object]:
    return {"type": kind, "offset": offset, "length": length, **extra}


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("", "", []),
        ("➡️ ➡️", "➡️ ➡️", []),
        ("&lt;&gt;&amp;&quot;&laquo;&raquo;&#12345678;", '<>&"&laquo;&raquo;&#12345678;', []),
        ("➡️ ➡️<i>➡️ ➡️</i>", "➡️ ➡️➡️ ➡️", [e("italic", 5, 5)]),
        ("➡️ ➡️<strong>➡️ ➡️</strong>", "➡️ ➡️➡️ ➡️", [e("bold", 5, 5)]),
        ("➡️ ➡️<ins>➡️ ➡️</ins>", "➡️ ➡️➡️ ➡️", [e("underline", 5, 5)]),
        ("➡️ ➡️<del>➡️ ➡️</del>", "➡️ ➡️➡️ ➡️", [e("strikethrough", 5, 5)]),
        (
            "➡️ ➡️<i>➡️ ➡️</i><b>➡️ ➡️</b>",
            "➡️ ➡️➡️ ➡️➡️ ➡️",
            [e("italic", 5, 5), e("bold", 10, 5)],
        ),
        ("🏟 🏟<i>🏟 &lt🏟</i>", "🏟 🏟🏟 <🏟", [e("italic", 5, 6)]),
        (
            "🏟 🏟<i>🏟 &gt;<b aba   =   caba>&lt🏟</b></i>",
            "🏟 🏟🏟 ><🏟",
            [e("italic", 5, 7), e("bold", 9, 3)],
        ),
        ("🏟 🏟&lt;<i    aba  =  190azAz-.   >a</i>", "🏟 🏟<a", [e("italic", 6, 1)]),
        ("🏟 🏟&lt;<i    aba  =  '&lt;&gt;&quot;'>a</>", "🏟 🏟<a", [e("italic", 6, 1)]),
        ("🏟 🏟&lt;<i>a</    >", "🏟 🏟<a", [e("italic", 6, 1)]),
        ("🏟 🏟&lt;<b></b>", "🏟 🏟<", []),
        (
            "<code><i><b> </b></i></code><i><b><code> </code></b></i>",
            "  ",
            [
                *(e("code", 0, 1), e("bold", 0, 1), e("italic", 0, 1)),
                *(e("code", 1, 1), e("bold", 1, 1), e("italic", 1, 1)),
            ],
        ),
        ("<a href=telegram.org> </a>", " ", [e("text_link", 0, 1, url="http://telegram.org/")]),
        (
            "<a   href=  'telegram.org?&lt;'   > </a>",
            " ",
            [e("text_link", 0, 1, url="http://telegram.org/?<")],
        ),
        ("<a> </a>", " ", []),
        ("<a>telegram.org </a>", "telegram.org ", []),
        (
            "<a>telegram.org</a>",
            "telegram.org",
            [e("text_link", 0, 12, url="http://telegram.org/")],
        ),
        ("🏟 🏟&lt;<pre  >🏟 🏟&lt;</>", "🏟 🏟<🏟 🏟<", [e("pre", 6, 6)]),
        (
            '🏟 🏟&lt;<pre><code class="language-">🏟 🏟&lt;</code></>',
            "🏟 🏟<🏟 🏟<",
            [e("pre", 6, 6), e("code", 6, 6)],
        ),
        (
            '🏟 🏟&lt;<pre><code class="language-fift">🏟 🏟&lt;</></>',
            "🏟 🏟<🏟 🏟<",
            [e("pre", 6, 6, language="fift")],
        ),
        (
            '🏟 🏟&lt;<code class="language-fift"><pre>🏟 🏟&lt;</></>',
            "🏟 🏟<🏟 🏟<",
            [e("pre", 6, 6, language="fift")],
        ),
        (
            '🏟 🏟&lt;<pre><code class="language-fift">🏟 🏟&lt;</> </>',
            "🏟 🏟<🏟 🏟< ",
            [e("pre", 6, 7), e("code", 6, 6)],
        ),
        # From the Bot API documentation's list of HTML tags:
        (
            '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>',
            "st",
            [e("spoiler", 0, 1), e("spoiler", 1, 1)],
        ),
        (
            "<blockquote>q</blockquote><blockquote expandable>x</blockquote>",
            "qx",
            [e("blockquote", 0, 1), e("expandable_blockquote", 1, 1)],
        ),
        (
            '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
            "👍",
            [e("custom_emoji", 0, 2, custom_emoji_id="5368324170671202286")],
        ),
        (
            '<B>x</B><a href="tg://user?id=42">u</a>',
            "xu",
            [e("bold", 0, 1), e("text_mention", 1, 1, _user_id=42)],
        ),
        ("&#x1F3DF;&#127967", "🏟🏟", []),
    ],
)
def test_parses(source: str, text: str, entities: list[dict[str, object]]) -> None:
    assert parse_html(source) == (text, entities)


def test_finalize_trims_and_finds_commands() -> None:
    # "  /start@emulated_bot hi " → trimmed by 2 units; the command entity is 19 units long.
    text, entities = finalize("  /start@emulated_bot hi ", [e("bold", 2, 6)])
    assert text == "/start@emulated_bot hi"
    assert entities == [e("bot_command", 0, 19), e("bold", 0, 6)]


def test_utf16_len() -> None:
    assert utf16_len("Hà Nội") == 6
    assert utf16_len("🏟") == 2
    assert utf16_len("a" * 4096) == 4096


@pytest.mark.parametrize(
    "source",
    [
        "<b>Hạn</b> 5 ngày",
        '🏟 <i>nghiêng <b>đậm</b></i> <a href="https://example.org/">link</a> &lt;3',
        '<pre><code class="language-python">x &lt; 1</code></pre>',
        "<blockquote expandable>dài</blockquote><tg-spoiler>bí mật</tg-spoiler>",
    ],
)
def test_to_html_round_trips(source: str) -> None:
    # Rendering the parsed entities gives back the source (written in the canonical tags).
    text, entities = parse_html(source)
    assert to_html(text, entities) == source
