"""The report's Vietnamese sentences, as plain text, shared by the chat, DOCX and XLSX renderers.

Nothing here escapes: the HTML renderer escapes what it takes from here, the DOCX writer does not
need to. Dates are written ``dd/mm/yyyy``, numbers the Vietnamese way ("1.234", "33,6").
"""

from __future__ import annotations

from datetime import date

from locales import _
from models.text import fmt_date
from reports.summary import (
    STATUS_LABELS,
    AgencyStanding,
    Attributed,
    FigureNote,
    IndicatorLine,
    LeadReply,
    OverdueTask,
    Summary,
    UnreachableContact,
    fmt_number,
)

SECTION_TITLES = (
    _("I. KẾT QUẢ THỰC HIỆN"),
    _("II. KHÓ KHĂN, VƯỚNG MẮC"),
    _("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"),
    _("IV. ĐỀ XUẤT, KIẾN NGHỊ"),
)
ANNEX_TITLE = _("PHỤ LỤC: TÌNH HÌNH BÁO CÁO")
INDICATORS_TITLE = _("Kết quả các chỉ tiêu định lượng")
NOTHING = _("Không có.")


def subject_line(summary: Summary) -> str:
    """ "Kết quả thực hiện … tháng 11/2026" — the subject under "BÁO CÁO"."""
    return _("{subject} {period}").format(subject=summary.header.subject, period=summary.label)


def data_range_line(summary: Summary) -> str:
    """The data range, the due date and the compile date."""
    return _(
        "Số liệu từ ngày {start} đến ngày {end}; hạn báo cáo {due}; tổng hợp ngày {compiled}."
    ).format(
        start=fmt_date(summary.period.start),
        end=fmt_date(summary.period.end),
        due=fmt_date(summary.due),
        compiled=fmt_date(summary.compiled_on),
    )


def cancelled_line(summary: Summary) -> str | None:
    """For a cancelled ad hoc request: the line saying so (None otherwise)."""
    if summary.cancelled_on is None:
        return None
    return _(
        "Yêu cầu báo cáo đột xuất này đã được hủy ngày {day}; các báo cáo đã gửi trước đó vẫn "
        "được giữ."
    ).format(day=fmt_date(summary.cancelled_on))


def place_date_line(place: str, day: date) -> str:
    """ "Hà Tĩnh, ngày 05 tháng 01 năm 2027": day < 10 and months 1–2 take a leading zero
    (Nghị định 30/2020/NĐ-CP, Appendix I)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return _("{place}, ngày {day} tháng {month} năm {year}").format(
        place=place, day=f"{day.day:02d}", month=month, year=day.year
    )


def lead_lines(leads: list[LeadReply]) -> list[str]:
    """One line per lead agency that replied, then one line naming those that did not."""
    wording = _lead_wording()  # a province's task has a hundred lead agencies: look up once
    lines = [lead_line(lead, wording) for lead in leads if lead.status is not None]
    silent = [lead.agency for lead in leads if lead.status is None]
    if silent:
        lines.append(
            _("Chưa báo cáo ({count}): {agencies}.").format(
                count=len(silent), agencies="; ".join(silent)
            )
        )
    return lines


def task_label(code: str) -> str:
    """ "5a) " for a lettered task; "" for the single item of a section (2, 7), as the plan has it."""
    return f"{code}) " if code[-1:].isalpha() else ""


#: Telegram's refusals, in words a clerk understands.
_REASONS = (
    ("blocked", _("đã chặn bot")),
    ("chat not found", _("không tìm thấy cuộc trò chuyện")),
    ("deactivated", _("tài khoản Telegram đã bị xóa")),
)


def reason_text(reason: str) -> str:
    """A delivery failure reason in Vietnamese (Telegram's text kept when unknown)."""
    folded = reason.lower()
    return next((vi for key, vi in _REASONS if key in folded), reason)


def _lead_wording() -> tuple[str, str, str]:
    return (
        _("{agency}: {status}."),
        _("{agency}: {status} (báo cáo ngày {when}{late})."),
        _(", muộn"),
    )


def lead_line(lead: LeadReply, wording: tuple[str, str, str] | None = None) -> str:
    """ "Bộ Chỉ huy Quân sự tỉnh: Đang thực hiện (16/11/2026). <result>".

    ``wording``: ``_lead_wording()`` when the caller writes many lines.
    """
    unconfirmed, confirmed, late = wording or _lead_wording()
    status = STATUS_LABELS[lead.status]
    if lead.confirmed_on is None:
        return unconfirmed.format(agency=lead.agency, status=status)
    when = fmt_date(lead.confirmed_on)
    text = confirmed.format(
        agency=lead.agency, status=status, when=when, late=late if lead.late else ""
    )
    return f"{text} {lead.result}" if lead.result else text


def target_text(line: IndicatorLine) -> str:
    """The target as the plan states it: "10–12", "100 % của 12.000"; "" when none."""
    if line.denominator is not None:
        text = _("100% của {total} {unit}").format(
            total=fmt_number(line.denominator), unit=line.unit
        )
        if line.denominator_is_default:
            text += _(" (số ước tính, chờ Cơ quan Thường trực nhập)")
        return text
    if line.target_min is not None and line.target_max is not None:
        if line.target_min == line.target_max:
            return f"{fmt_number(line.target_min)} {line.unit}"
        return f"{fmt_number(line.target_min)}–{fmt_number(line.target_max)} {line.unit}"
    if line.target_min is not None:
        return _("tối thiểu {value} {unit}").format(
            value=fmt_number(line.target_min), unit=line.unit
        )
    return ""


def indicator_line(line: IndicatorLine) -> str:
    """ "Mộ đã lấy mẫu: trong kỳ 2.034 mộ; lũy kế 4.034 mộ (33,6%); chỉ tiêu …"."""
    text = _("{name}: trong kỳ {period} {unit}; lũy kế từ đầu Chiến dịch {total} {unit}").format(
        name=line.name,
        period=fmt_number(line.period_total),
        total=fmt_number(line.cumulative),
        unit=line.unit,
    )
    if line.percent is not None:
        text += f" ({fmt_number(line.percent)}%)"
    target = target_text(line)
    if target:
        text += _("; chỉ tiêu: {target}").format(target=target)
    return text + "."


def note_line(note: FigureNote) -> str:
    """A co-lead's figure, never summed."""
    return _("{agency} (nội dung {code}) báo cáo {value} — không cộng vào tổng.").format(
        agency=note.agency, code=note.task_code, value=fmt_number(note.value)
    )


def attributed_line(item: Attributed) -> str:
    """ "Sở Nội vụ (nội dung 6a): …"."""
    return _("{agency} (nội dung {code}): {text}").format(
        agency=item.agency, code=item.task_code, text=item.text
    )


def standing_line(standing: AgencyStanding, kind: str) -> str:
    """One agency in the annex: on time / late / missing, with its tasks."""
    if kind == "missing" and not standing.missing:  # asked for a report, not for tasks (ad hoc)
        return _("{agency}: chưa báo cáo.").format(agency=standing.agency)
    if kind == "missing":
        return _("{agency}: chưa báo cáo nội dung {codes}.").format(
            agency=standing.agency, codes=", ".join(standing.missing)
        )
    text = _("{agency}: đã báo cáo {count} nội dung ({codes})").format(
        agency=standing.agency, count=len(standing.replied), codes=", ".join(standing.replied)
    )
    if kind == "late":
        text += _(", muộn {days} ngày").format(days=standing.days_late)
    if standing.missing:
        text += _("; chưa báo cáo {codes}").format(codes=", ".join(standing.missing))
    return text + "."


def unreachable_line(contact: UnreachableContact) -> str:
    """A contact the bot cannot reach."""
    text = _("{name} ({agency}): không nhận được tin nhắn từ ngày {since}").format(
        name=contact.name,
        agency=contact.agency or _("chưa gắn cơ quan"),
        since=fmt_date(contact.since),
    )
    return f"{text} ({reason_text(contact.reason)})." if contact.reason else text + "."


def overdue_line(task: OverdueTask) -> str:
    """ "5b (hạn 31/05/2026, quá 167 ngày): Sở Nội vụ"."""
    return _("Nội dung {code} (hạn {due}, quá {days} ngày): {agencies}.").format(
        code=task.code,
        due=fmt_date(task.due),
        days=task.days_overdue,
        agencies="; ".join(task.agencies),
    )


def standing_counts(summary: Summary) -> str:
    """ "Đúng hạn 2, muộn 1, chưa báo cáo 1 cơ quan"."""
    return _("Đúng hạn: {on_time}; muộn: {late}; chưa báo cáo: {missing} cơ quan.").format(
        on_time=len(summary.on_time), late=len(summary.late), missing=len(summary.missing)
    )
