"""The plan reader: raw appendix rows → ``PlanDocument`` (sections, tasks, schedules, agencies).

Rules (issue 2, DOMAIN.md): the header row repeats at each page break; a row with an empty TT right
after a repeated header continues the previous row cell by cell (joined with a space: "Sở Nội" +
"vụ"); a row with an empty TT right after a section row is that section's single item (code = the
section number). Items are a), b), c) (code "1a"). Any problem raises ``PlanParseError`` naming
the row.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from locales import _
from plan.errors import PlanParseError, TimelineError
from plan.registry import Registry, default_registry
from plan.schema import PlanDocument, SectionDoc, TaskDoc
from plan.table import RawDocument, RawRow, read_docx, read_txt
from plan.text import clean_cell, fold, squash
from plan.timeline import parse_timeline

#: The campaign window when the caller gives none (DOMAIN.md: the end is 27/7/2027, the start
#: defaults to 500 days before it). The bot passes its settings instead.
DEFAULT_CAMPAIGN_START = date(2026, 3, 14)
DEFAULT_CAMPAIGN_END = date(2027, 7, 27)

#: Provincial units since the 2025 merger, to name the plan's province (and its default key).
PROVINCES = (
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa",
    "Nghệ An", "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ",
    "Bắc Ninh", "Hưng Yên", "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi",
    "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Hồ Chí Minh", "Đồng Nai", "Tây Ninh",
    "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
)  # fmt: skip

_SECTION = re.compile(r"^(\d{1,2})\.?$")
_ITEM = re.compile(r"^([a-zđ])\s*[).]$")
_LETTERS = "abcdđeghiklmnopqrstuvxy"


@dataclass
class _Pending:
    code: str
    section: int
    where: str
    parts: list[list[str]] = field(default_factory=lambda: [[] for _ in range(6)])

    def extend(self, cells: list[str]) -> None:
        for index, cell in enumerate(cells[1:]):
            if cell.strip():
                self.parts[index].append(cell)


def parse_plan_file(
    path: Path,
    *,
    registry: Registry | None = None,
    campaign_start: date = DEFAULT_CAMPAIGN_START,
    campaign_end: date = DEFAULT_CAMPAIGN_END,
) -> PlanDocument:
    """Read the plan's appendix from ``path`` (.txt export or .docx, chosen by the suffix).

    ``registry`` defaults to DOMAIN.md's; the campaign window serves "Theo thời gian của Chiến
    dịch". Raises ``PlanParseError`` (Vietnamese message naming the row) on anything unreadable.
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".docx":
            raw = read_docx(path)
        elif suffix in (".txt", ".text", ""):
            raw = read_txt(path.read_text(encoding="utf-8-sig"))
        else:
            raise PlanParseError(
                _("Không đọc được tệp “{name}”: chỉ nhận .txt hoặc .docx.").format(name=path.name)
            )
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanParseError(
            _("Không đọc được tệp “{name}”: {error}").format(name=path.name, error=exc)
        ) from exc
    return assemble(raw, registry or default_registry(), campaign_start, campaign_end)


def parse_plan_text(
    text: str,
    *,
    registry: Registry | None = None,
    campaign_start: date = DEFAULT_CAMPAIGN_START,
    campaign_end: date = DEFAULT_CAMPAIGN_END,
) -> PlanDocument:
    """Like ``parse_plan_file`` for the text of a .txt export."""
    return assemble(read_txt(text), registry or default_registry(), campaign_start, campaign_end)


def assemble(
    raw: RawDocument, registry: Registry, campaign_start: date, campaign_end: date
) -> PlanDocument:
    """Sections and tasks from the raw rows (see the module docstring for the rules)."""
    sections: list[SectionDoc] = []
    pending: list[_Pending] = []
    last = "start"  # start | header | section | task
    for row in raw.rows:
        if row.is_header:
            last = "header" if last != "section" else "section"
            continue
        tt = squash(row.cells[0]).lower()
        if match := _SECTION.match(tt):
            number = int(match.group(1))
            if number != len(sections) + 1:
                raise PlanParseError(
                    _("{where}: mục {number} không đúng thứ tự (mong đợi mục {expected}).").format(
                        where=row.where, number=number, expected=len(sections) + 1
                    )
                )
            _close_section(sections, pending, row)
            sections.append(SectionDoc(number=number, title=squash(row.cells[1])))
            last = "section"
        elif match := _ITEM.match(tt):
            _start_item(sections, pending, row, match.group(1))
            last = "task"
        elif not tt:
            if last == "section":
                task = _Pending(str(sections[-1].number), sections[-1].number, row.where)
                task.extend(row.cells)
                pending.append(task)
                last = "task"
            elif last == "header" and pending:
                pending[-1].extend(row.cells)
                last = "task"
            else:
                raise PlanParseError(
                    _(
                        "{where}: dòng không có số thứ tự (TT) không nằm sau tiêu đề trang hay "
                        "tên mục."
                    ).format(where=row.where)
                )
        else:
            raise PlanParseError(
                _("{where}: không đọc được cột TT “{tt}”.").format(where=row.where, tt=row.cells[0])
            )
    if not sections:
        raise PlanParseError(_("Bảng Phụ lục không có mục nào."))
    _close_section(sections, pending, raw.rows[-1])
    tasks = [_finish(task, registry, campaign_start, campaign_end) for task in pending]
    title, province, year = _metadata(raw.preamble, tasks)
    return PlanDocument(title=title, province=province, year=year, sections=sections, tasks=tasks)


def _start_item(
    sections: list[SectionDoc], pending: list[_Pending], row: RawRow, letter: str
) -> None:
    if not sections:
        raise PlanParseError(_("{where}: nhiệm vụ trước mục đầu tiên.").format(where=row.where))
    section = sections[-1].number
    in_section = [t for t in pending if t.section == section]
    expected = _LETTERS[len(in_section)] if len(in_section) < len(_LETTERS) else "?"
    if letter != expected or any(t.code == str(section) for t in in_section):
        raise PlanParseError(
            _("{where}: nhiệm vụ {letter}) của mục {section} không đúng thứ tự.").format(
                where=row.where, letter=letter, section=section
            )
        )
    task = _Pending(f"{section}{letter}", section, row.where)
    task.extend(row.cells)
    pending.append(task)


def _close_section(sections: list[SectionDoc], pending: list[_Pending], row: RawRow) -> None:
    if sections and not any(t.section == sections[-1].number for t in pending):
        raise PlanParseError(
            _("{where}: mục {number} không có nhiệm vụ nào (bảng bị cắt?).").format(
                where=row.where, number=sections[-1].number
            )
        )


_COLUMN_NAMES = (
    "Nội dung",
    "Chỉ tiêu, biện pháp",
    "Thời gian",
    "chủ trì",
    "phối hợp",
    "Thủ trưởng",
)


def _finish(task: _Pending, registry: Registry, start: date, end: date) -> TaskDoc:
    where = _("{where} (nhiệm vụ {code})").format(where=task.where, code=task.code)
    joined = [" ".join(part) for part in task.parts]
    for index in (0, 2, 3, 5):
        if not squash(joined[index]):
            raise PlanParseError(
                _("{where}: cột “{column}” trống (bảng bị cắt?).").format(
                    where=where, column=_COLUMN_NAMES[index]
                )
            )
    content, measures, timeline, lead_cell, support_cell, leader = joined
    try:
        schedule = parse_timeline(timeline, campaign_start=start, campaign_end=end)
    except TimelineError as exc:
        raise PlanParseError(f"{where}: {exc}") from exc
    lead = registry.split(lead_cell, where=where)
    support = registry.split(support_cell, where=where) if squash(support_cell) else []
    return TaskDoc(
        code=task.code,
        section=task.section,
        content=clean_cell(content),
        measures=clean_cell(measures),
        timeline=schedule.text,
        lead=[e.canonical for e in lead],
        support=[e.canonical for e in support],
        leader=squash(leader),
        deadlines=schedule.deadlines,
        window_start=schedule.window_start,
        ongoing=schedule.ongoing,
        on_event=schedule.on_event,
        recurrence=schedule.recurrence,
        focus=schedule.focus,
        occurrences=schedule.occurrences,
        lead_groups=[e.canonical for e in lead if e.is_group],
        support_groups=[e.canonical for e in support if e.is_group],
    )


def _metadata(preamble: list[str], tasks: list[TaskDoc]) -> tuple[str, str, int | None]:
    """Title (the line after "KẾ HOẠCH"), province (the one the text names most) and year (of the
    appendix's "Ban hành theo …" line, else of the first deadline)."""
    title = ""
    for index, line in enumerate(preamble):
        if fold(line) == "ke hoach" and index + 1 < len(preamble):
            title = squash(preamble[index + 1])
            break
    names = [name for task in tasks for name in (*task.lead, *task.support)]
    text = fold(" ".join([*preamble, *names]))
    counts = Counter({p: text.count(fold(p)) for p in PROVINCES})
    province, hits = counts.most_common(1)[0]
    year: int | None = None
    for line in preamble:
        if "ban hanh theo" in fold(line) and (found := re.findall(r"/(\d{4})\b", line)):
            year = int(found[-1])
    if year is None:
        dues = [d for t in tasks for d in t.deadlines]
        year = min(dues).year if dues else None
    return title, (province if hits else ""), year
