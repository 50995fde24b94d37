"""The summary's annex as a workbook (.xlsx, openpyxl): tasks, indicators, who has not reported.

Sheets:
- "Nhiệm vụ": one row per task × lead agency — section, code, content, agency, status, reply date
  (a date cell), late (days, a number), the task's deadline (a date cell), the result, then one numeric column per indicator holding the *owner's*
  figure of the period only, so a column's sum is the period total; co-leads' figures go in the
  "Ghi chú" column as text, never in a number cell.
- "Chỉ tiêu": per indicator the period and cumulative totals, target min/max, the denominator and
  the percentage (numbers, with number formats).
- "Chưa báo cáo": agency × task with no reply, with the period and its due date (date cells).
Pure function of the summary: safe in a worker thread.
"""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from locales import _
from reports.summary import STATUS_LABELS, Summary, fmt_number

DATE_FORMAT = "dd/mm/yyyy"
#: Not "#,##0.##": Excel and LibreOffice show a whole number in it with a trailing decimal mark.
WHOLE_FORMAT = "#,##0"
FRACTION_FORMAT = "#,##0.0#"
BOLD = Font(bold=True)


def _number(value: Decimal | int | None) -> int | float | None:
    """A real number for a cell: int when whole, float otherwise (openpyxl stores both as numbers)."""
    if value is None:
        return None
    dec = Decimal(value)
    return int(dec) if dec == dec.to_integral_value() else float(dec)


def _number_format(value: object) -> str:
    """The cell format for ``value`` (a result of ``_number``): thousands grouped, decimals only
    when there are some (the two a figure may have, ``Numeric(14, 2)``)."""
    return FRACTION_FORMAT if isinstance(value, float) else WHOLE_FORMAT


def _header(sheet: Worksheet, titles: list[str], widths: list[int]) -> None:
    sheet.append(titles)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.cell(row=1, column=index).font = BOLD
        sheet.cell(row=1, column=index).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def _tasks_sheet(sheet: Worksheet, summary: Summary) -> None:
    indicators = summary.indicators
    titles = [
        _("Mục"),
        _("Mã"),
        _("Nội dung nhiệm vụ"),
        _("Cơ quan chủ trì"),
        _("Tình trạng"),
        _("Ngày báo cáo"),
        _("Số ngày muộn"),
        _("Hạn hoàn thành"),
        _("Kết quả"),
        *(f"{i.name} ({i.unit})" for i in indicators),
        _("Ghi chú"),
    ]
    _header(sheet, titles, [6, 8, 50, 28, 18, 13, 10, 13, 50, *([14] * len(indicators)), 40])
    owner_value: dict[tuple[str, str, str], Decimal] = {}
    notes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for ind in indicators:
        for note in ind.notes:
            notes[(note.task_code, note.agency)].append(
                _("{name}: {value} (không cộng vào tổng)").format(
                    name=ind.name, value=fmt_number(note.value)
                )
            )
    for ind in indicators:
        for code, agency, value in ind.owner_figures:
            key = (ind.code, code, agency)
            owner_value[key] = owner_value.get(key, Decimal(0)) + value
    for section in summary.sections:
        for task in section.tasks:
            for lead in task.leads:
                row = [
                    section.number,
                    task.code,
                    task.content,
                    lead.agency,
                    STATUS_LABELS[lead.status],
                    lead.confirmed_on,
                    lead.days_late if lead.confirmed_on else None,
                    task.due,
                    lead.result or None,
                    *(
                        _number(owner_value.get((ind.code, task.code, lead.agency)))
                        for ind in indicators
                    ),
                    "; ".join(notes.get((task.code, lead.agency), [])) or None,
                ]
                sheet.append(row)
                current = sheet.max_row
                for col in (6, 8):
                    sheet.cell(row=current, column=col).number_format = DATE_FORMAT
                for col in range(10, 10 + len(indicators)):
                    cell = sheet.cell(row=current, column=col)
                    cell.number_format = _number_format(cell.value)
                for col in (3, 9):
                    sheet.cell(row=current, column=col).alignment = Alignment(
                        wrap_text=True, vertical="top"
                    )


def _indicators_sheet(sheet: Worksheet, summary: Summary) -> None:
    titles = [
        _("Mã"),
        _("Chỉ tiêu"),
        _("Đơn vị"),
        _("Trong kỳ"),
        _("Lũy kế từ đầu Chiến dịch"),
        _("Chỉ tiêu tối thiểu"),
        _("Chỉ tiêu tối đa"),
        _("Tổng số (mẫu số)"),
        _("Tỷ lệ đạt"),
    ]
    _header(sheet, titles, [18, 36, 10, 12, 16, 12, 12, 14, 10])
    for ind in summary.indicators:
        sheet.append(
            [
                ind.code,
                ind.name,
                ind.unit,
                _number(ind.period_total),
                _number(ind.cumulative),
                _number(ind.target_min),
                _number(ind.target_max),
                ind.denominator,
                float(ind.percent / 100) if ind.percent is not None else None,
            ]
        )
        row = sheet.max_row
        for col in range(4, 9):
            cell = sheet.cell(row=row, column=col)
            cell.number_format = _number_format(cell.value)
        sheet.cell(row=row, column=9).number_format = "0.0%"


def _missing_sheet(sheet: Worksheet, summary: Summary) -> None:
    _header(
        sheet, [_("Cơ quan"), _("Nhiệm vụ"), _("Kỳ báo cáo"), _("Hạn báo cáo")], [34, 10, 16, 13]
    )
    for agency, code in summary.unreported:
        sheet.append([agency, code, summary.label, summary.due])
        sheet.cell(row=sheet.max_row, column=4).number_format = DATE_FORMAT


def build_xlsx(summary: Summary) -> bytes:
    """The workbook as .xlsx bytes (sheets in the module docstring)."""
    workbook = Workbook()
    tasks = workbook.active
    assert tasks is not None
    tasks.title = _("Nhiệm vụ")
    _tasks_sheet(tasks, summary)
    _indicators_sheet(workbook.create_sheet(_("Chỉ tiêu")), summary)
    _missing_sheet(workbook.create_sheet(_("Chưa báo cáo")), summary)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
