"""``split_html`` against the line-by-line chunker it replaced (kept here as the reference):
same chunks, or a ValueError from both, on random HTML with tags inside and across lines,
characters beyond the BMP (two UTF-16 units), empty lines and tight limits."""

from __future__ import annotations

import random
import re

import pytest

from reports.html import split_html, utf16_len

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")


def _tags_after(line: str, stack: list[tuple[str, str]]) -> list[tuple[str, str]]:
    stack = list(stack)
    for match in _TAG.finditer(line):
        closing, name = match[1], match[2].lower()
        if not closing:
            stack.append((name, match[0]))
        elif stack and stack[-1][0] == name:
            stack.pop()
        else:
            raise ValueError(f"unbalanced </{name}> in line {line[:60]!r}")
    return stack


def reference_split(text: str, limit: int) -> list[str]:
    """The chunker before the linear rewrite (commit 0108d19), verbatim in behaviour."""
    chunks: list[str] = []
    lines: list[str] = []
    size = 0
    stack: list[tuple[str, str]] = []
    reopen = ""

    def closing(tags: list[tuple[str, str]]) -> str:
        return "".join(f"</{name}>" for name, _open in reversed(tags))

    for line in text.split("\n"):
        after = _tags_after(line, stack)
        cost = utf16_len(line) + (1 if lines else 0)
        if lines and size + cost + utf16_len(closing(after)) > limit:
            chunks.append(reopen + "\n".join(lines) + closing(stack))
            reopen = "".join(open_tag for _name, open_tag in stack)
            lines, size = [], utf16_len(reopen)
            cost = utf16_len(line)
        if size + cost + utf16_len(closing(after)) > limit:
            raise ValueError(f"a line of {utf16_len(line)} characters does not fit in {limit}")
        lines.append(line)
        size += cost
        stack = after
    if lines:
        chunks.append(reopen + "\n".join(lines) + closing(stack))
    return chunks


WORDS = ["Sở", "Nội", "vụ", "&amp;", "&lt;5", "mộ", "liệt", "sĩ", "🎖️", "𝕏", "x" * 30, ""]


def random_html(rng: random.Random) -> str:
    lines = []
    depth: list[str] = []
    for _ in range(rng.randint(0, 120)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(0, 12))]
        if rng.random() < 0.3:
            words.insert(rng.randint(0, len(words)), "<b>")
            words.append("</b>")
        if rng.random() < 0.15:
            tag = rng.choice(["i", "b", 'a href="https://x.vn/?q=1"'])
            words.insert(0, f"<{tag}>")
            depth.append(tag.split()[0])
        elif depth and rng.random() < 0.25:
            words.append(f"</{depth.pop()}>")
        lines.append(" ".join(words))
    if rng.random() < 0.05:
        lines.append("</u>")  # a stray closing tag
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(300))
def test_split_html_matches_the_reference(seed: int) -> None:
    rng = random.Random(seed)
    text = random_html(rng)
    limit = rng.choice([40, 80, 120, 200, 500, 4096])
    try:
        expected: list[str] | type[ValueError] = reference_split(text, limit)
    except ValueError:
        expected = ValueError
    if expected is ValueError:
        with pytest.raises(ValueError):
            split_html(text, limit)
    else:
        assert split_html(text, limit) == expected


def test_split_html_empty_and_single_line() -> None:
    assert split_html("") == reference_split("", 4096) == [""]
    assert split_html("a\n\nb", 3) == reference_split("a\n\nb", 3) == ["a\n", "b"]
