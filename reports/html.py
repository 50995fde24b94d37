"""The summary as Telegram HTML (``parse_mode=HTML``), split into messages of ≤ 4096 characters.

``render_html`` writes one line per item, every tag opened and closed on its line, user text
escaped (``html.escape``). ``split_html`` packs whole lines into chunks: a line is never cut, and a
tag left open across a line break (allowed in its input) is closed at the end of a chunk and
reopened at the start of the next, so each chunk is valid on its own. Lengths are counted in UTF-16
code units of the raw HTML — stricter than Telegram, which counts the text after parsing.
"""

from __future__ import annotations

import re
import textwrap
from bisect import bisect_right
from html import escape
from itertools import accumulate
from typing import TypeVar

from locales import _
from reports import phrases
from reports.summary import Summary

TELEGRAM_LIMIT = 4096
#: ``/baocao`` sends the brief form when the full one takes more messages than this (the files
#: carry everything).
CHAT_MAX_MESSAGES = 8
#: Longest line the renderer writes; a longer user paragraph continues on the next line.
MAX_LINE = 1000
#: Entries of each list (II–IV, notes) the brief form shows.
BRIEF_ITEMS = 10
#: Task contents are long in the plan; chat shows their start.
CONTENT_PREVIEW = 160

T = TypeVar("T")
#: A tag within one line (``split_html`` reads tags line by line: one never spans a line break).
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>\n]*)>")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _escape(text: str) -> str:
    """``html.escape(text)`` (quotes too), inlined: the renderer escapes thousands of lines."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


def _wrap(text: str, width: int = MAX_LINE) -> list[str]:
    """Escaped ``text`` in lines of ≤ ``width`` characters (at spaces; user newlines kept)."""
    paragraphs = text.splitlines()
    if len(paragraphs) == 1:  # the usual case: one paragraph that fits
        escaped = _escape(paragraphs[0])
        if len(escaped) <= width:
            return [escaped]
    lines: list[str] = []
    for paragraph in paragraphs or [""]:
        # Wrap before escaping so an entity (&amp;) is never split; escaping grows a line by at
        # most 5×, so wrap at width // 5 only when needed.
        escaped = _escape(paragraph)
        if len(escaped) <= width:
            lines.append(escaped)
            continue
        lines.extend(_escape(p) for p in textwrap.wrap(paragraph, width // 5 or 1))
    return lines


def _item(label_html: str, text: str) -> list[str]:
    """A bullet: ``label_html`` (trusted markup) then escaped ``text`` wrapped into lines."""
    first, *rest = _wrap(text)
    return [f"• {label_html}{first}", *rest]


def render_html(summary: Summary, *, brief: bool = False) -> str:
    """The whole report as Telegram HTML lines joined with ``\\n`` (see the module docstring).

    ``brief``: section I without the per-task lines, co-leads' notes and sections II–IV capped
    at ``BRIEF_ITEMS`` entries each, pointing to the DOCX/XLSX for the rest — for provinces whose
    full report would flood the chat.
    """
    h = summary.header
    out = [
        f"<b>{escape(h.committee)}</b>",
        f"<b>{escape(_('BÁO CÁO'))}</b>",
        *_wrap(phrases.subject_line(summary)),
        f"<i>{escape(phrases.data_range_line(summary))}</i>",
        *(
            [f"<b>{escape(cancelled)}</b>"]
            if (cancelled := phrases.cancelled_line(summary))
            else []
        ),
        "",
        f"<b>{escape(phrases.SECTION_TITLES[0])}</b>",
    ]
    if brief:
        tasks = sum(len(s.tasks) for s in summary.sections)
        out.append(
            escape(
                _(
                    "{count} nhiệm vụ trong kỳ: chi tiết từng cơ quan trong tệp DOCX và XLSX gửi kèm."
                ).format(count=tasks)
            )
        )
    for section in [] if brief else summary.sections:
        out.append(f"<b>{section.number}. {escape(section.title)}</b>")
        for task in section.tasks:
            content = task.content
            if len(content) > CONTENT_PREVIEW:
                content = content[:CONTENT_PREVIEW].rsplit(" ", 1)[0] + "…"
            label = phrases.task_label(task.code).strip()
            out.append(f"<b>{escape(label)}</b> {escape(content)}" if label else escape(content))
            for text in phrases.lead_lines(task.leads):
                out.extend(_item("", text))
    if summary.indicators:
        out.append(f"<b>{escape(phrases.INDICATORS_TITLE)}</b>")
        for line in summary.indicators:
            out.extend(_item("", phrases.indicator_line(line)))
            for note in _capped(line.notes, brief):
                out.append(f"   <i>{escape(phrases.note_line(note))}</i>")
            if brief and len(line.notes) > BRIEF_ITEMS:
                out.append(f"   <i>{escape(_more(len(line.notes)))}</i>")
    for title, items in zip(
        phrases.SECTION_TITLES[1:],
        (summary.difficulties, summary.next_steps, summary.proposals),
        strict=True,
    ):
        out += ["", f"<b>{escape(title)}</b>"]
        if not items:
            out.append(escape(phrases.NOTHING))
        for item in _capped(items, brief):
            label = escape(f"{item.agency} ({item.task_code}): ")
            out.extend(_item(f"<b>{label}</b>", item.text))
        if brief and len(items) > BRIEF_ITEMS:
            out.append(f"<i>{escape(_more(len(items)))}</i>")
    out += ["", *annex_lines(summary, brief=brief)]
    return "\n".join(out)


def _capped(items: list[T], brief: bool) -> list[T]:
    return items[:BRIEF_ITEMS] if brief else items


def _more(total: int) -> str:
    return _("… và {count} ý kiến khác: xem tệp DOCX gửi kèm.").format(count=total - BRIEF_ITEMS)


def annex_lines(summary: Summary, *, brief: bool = False) -> list[str]:
    """The annex "Tình hình báo cáo" as HTML lines (``brief``: on-time agencies by name only)."""
    out = [f"<b>{escape(phrases.ANNEX_TITLE)}</b>", escape(phrases.standing_counts(summary))]
    groups = (
        (_("Báo cáo đúng hạn"), summary.on_time, "on_time"),
        (_("Báo cáo muộn (sau hạn)"), summary.late, "late"),
        (_("Chưa báo cáo"), summary.missing, "missing"),
    )
    for title, standings, kind in groups:
        out.append(f"<b>{escape(title)} ({len(standings)}):</b>")
        if brief and kind == "on_time" and standings:
            out.extend(_item("", "; ".join(s.agency for s in standings) + "."))
            continue
        for standing in standings:
            out.extend(_item("", phrases.standing_line(standing, kind)))
    lists = (
        (
            _("Cán bộ đầu mối không liên lạc được"),
            map(phrases.unreachable_line, summary.unreachable),
        ),
        (_("Nhiệm vụ quá hạn chưa hoàn thành"), map(phrases.overdue_line, summary.overdue)),
        (
            _("Nhiệm vụ theo sự kiện chưa được kích hoạt"),
            (f"{code}: {event}" for code, event in summary.not_activated),
        ),
        (
            _("Sản phẩm đính kèm"),
            (f"{d.task_code} — {d.agency}: {d.name}" for d in summary.deliverables),
        ),
    )
    for title, texts in lists:
        items = list(texts)
        out.append(f"<b>{escape(title)} ({len(items)}):</b>")
        for text in items:
            out.extend(_item("", text))
    return out


def _line_stacks(text: str, starts: list[int]) -> dict[int, tuple[tuple[str, str], ...]]:
    """Line index → the tags (name, opening tag) still open at the end of that line, for the
    lines where some are (a tag never spans a line break here, as ``split_html`` reads lines).

    ``starts``: each line's first character offset in ``text``. Raises ValueError on a stray
    closing tag.
    """
    open_at: dict[int, tuple[tuple[str, str], ...]] = {}
    stack: list[tuple[str, str]] = []
    previous = 0  # just after the previous tag
    for match in _TAG.finditer(text):
        start = match.start()
        if stack and text.find("\n", previous, start) >= 0:  # lines ending inside open tags
            frozen = tuple(stack)
            line = bisect_right(starts, previous) - 1
            for index in range(line, bisect_right(starts, start) - 1):
                open_at[index] = frozen
        previous = match.end()
        closing, name = match[1], match[2].lower()
        if not closing:
            stack.append((name, match[0]))
        elif stack and stack[-1][0] == name:
            stack.pop()
        else:
            line = bisect_right(starts, start) - 1
            end = text.find("\n", start)
            source = text[starts[line] : end if end >= 0 else len(text)]
            raise ValueError(f"unbalanced </{name}> in line {source[:60]!r}")
    if stack:
        frozen = tuple(stack)
        for index in range(bisect_right(starts, previous) - 1, len(starts) - 1):
            open_at[index] = frozen
    return open_at


def split_html(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Whole lines of ``text`` packed into chunks of ≤ ``limit`` UTF-16 units, tags balanced in each.

    Greedy, in order: a chunk takes lines while the chunk — the tags left open by the previous
    chunk reopened, its lines, the tags still open closed — fits in ``limit``. Raises ValueError
    when one line (with the tags it must reopen and close) exceeds ``limit``, or on a closing tag
    that closes nothing open.

    Linear in the text: the tags are read in one pass, chunk ends found by bisection over the
    lines' cumulated lengths (only lines ending inside an open tag are checked one by one).
    """
    lines = text.split("\n")
    count = len(lines)
    widths = list(map(len, lines))
    starts = [0, *accumulate(w + 1 for w in widths)]  # character offsets (and one past the end)
    if len(text.encode("utf-16-le")) != 2 * len(text):  # characters beyond the BMP count twice
        widths = [utf16_len(line) for line in lines]
    # ends[i]: UTF-16 length of lines[0:i] joined, plus one: lines s..j take ends[j+1]-ends[s]-1.
    ends = [0, *accumulate(w + 1 for w in widths)]
    open_at = _line_stacks(text, starts)
    open_lines = sorted(open_at)
    closes: dict[tuple[tuple[str, str], ...], int] = {}

    def closing(tags: tuple[tuple[str, str], ...]) -> str:
        return "".join(f"</{name}>" for name, _open in reversed(tags))

    def close_cost(index: int) -> int:
        tags = open_at.get(index)
        if not tags:
            return 0
        if tags not in closes:
            closes[tags] = utf16_len(closing(tags))
        return closes[tags]

    chunks: list[str] = []
    first = 0
    while first < count:
        carried = open_at.get(first - 1, ()) if first else ()
        reopen = "".join(open_tag for _name, open_tag in carried)
        room = limit - utf16_len(reopen)
        if widths[first] + close_cost(first) > room:
            raise ValueError(f"a line of {widths[first]} characters does not fit in {limit}")
        # The last line that fits ignoring closing tags, then the lines ending inside open tags.
        last = bisect_right(ends, room + ends[first] + 1) - 2
        for index in open_lines[bisect_right(open_lines, first) : bisect_right(open_lines, last)]:
            if ends[index + 1] - ends[first] - 1 + close_cost(index) > room:
                last = index - 1
                break
        tail = open_at.get(last, ())
        chunks.append(reopen + "\n".join(lines[first : last + 1]) + closing(tail))
        first = last + 1
    return chunks


def render_chunks(
    summary: Summary, limit: int = TELEGRAM_LIMIT, max_messages: int | None = None
) -> list[str]:
    """The report as Telegram messages, in order; the brief form when the full one would take
    more than ``max_messages`` messages.

    The full text is rendered once; it is split only when it might fit: ``n`` chunks of at most
    ``limit`` units hold at most ``n * limit + n - 1`` units of the text (a line break between
    two chunks is dropped), so a longer text needs more than ``max_messages`` chunks.
    """
    text = render_html(summary)
    if max_messages is not None and utf16_len(text) > max_messages * (limit + 1) - 1:
        return split_html(render_html(summary, brief=True), limit)
    chunks = split_html(text, limit)
    if max_messages is not None and len(chunks) > max_messages:
        chunks = split_html(render_html(summary, brief=True), limit)
    return chunks
