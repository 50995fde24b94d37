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
from html import escape
from typing import TypeVar

from locales import _
from reports import phrases
from reports.summary import Summary

TELEGRAM_LIMIT = 4096
#: Longest line the renderer writes; a longer user paragraph continues on the next line.
MAX_LINE = 1000
#: Entries of each list (II–IV, notes) the brief form shows.
BRIEF_ITEMS = 10
#: Task contents are long in the plan; chat shows their start.
CONTENT_PREVIEW = 160

T = TypeVar("T")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _wrap(text: str, width: int = MAX_LINE) -> list[str]:
    """Escaped ``text`` in lines of ≤ ``width`` characters (at spaces; user newlines kept)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        # Wrap before escaping so an entity (&amp;) is never split; escaping grows a line by at
        # most 5×, so wrap at width // 5 only when needed.
        escaped = escape(paragraph)
        if len(escaped) <= width:
            lines.append(escaped)
            continue
        lines.extend(escape(p) for p in textwrap.wrap(paragraph, width // 5 or 1))
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


def _tags_after(line: str, stack: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The open-tag stack (name, opening tag) after ``line``; raises ValueError on a stray close."""
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


def split_html(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Whole lines of ``text`` packed into chunks of ≤ ``limit`` UTF-16 units, tags balanced in each.

    Raises ValueError when one line (with the tags it must reopen and close) exceeds ``limit``.
    """
    chunks: list[str] = []
    lines: list[str] = []
    size = 0
    stack: list[tuple[str, str]] = []  # open at the end of ``lines``
    reopen = ""  # tags open when the current chunk started

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


def render_chunks(
    summary: Summary, limit: int = TELEGRAM_LIMIT, max_messages: int | None = None
) -> list[str]:
    """The report as Telegram messages, in order; the brief form when the full one would take
    more than ``max_messages`` messages."""
    chunks = split_html(render_html(summary), limit)
    if max_messages is not None and len(chunks) > max_messages:
        chunks = split_html(render_html(summary, brief=True), limit)
    return chunks
