"""What the progress dialog shows: Vietnamese texts (Telegram HTML) and abstract buttons.

Every user-typed text is HTML-escaped here, at the one place it is shown back. The adapter turns a
``Button`` into an inline button whose callback data carries the dialog's (token, step).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from dialogs.draft import Attachment, Draft
from dialogs.numbers import format_figure
from locales import _
from models.progress import ProgressStatus
from models.text import fmt_date, fmt_moment
from scheduler.periods import PeriodKind, ReportingPeriod, quarter_numeral

#: Longest user text shown back in a summary (the message must stay under Telegram's 4096).
SHOWN_TEXT_MAX = 600
BUTTON_TITLE_MAX = 48


@dataclass(frozen=True)
class Button:
    """An inline button of the dialog: ``action`` (≤ 8 ASCII letters) and an optional ``arg``."""

    label: str
    action: str
    arg: str = ""


@dataclass(frozen=True)
class Screen:
    """One message of the dialog: HTML ``text`` and rows of buttons, for dialog ``(token, step)``.

    ``notice`` is the short text a button press is answered with (None: a silent answer).
    ``stored_version`` is set when this step stored a reply. ``replaces``: the new HTML text of the
    message whose button led here, when it must change (the summary, once confirmed, no longer
    says it is unconfirmed); None: that message only loses its buttons.
    """

    text: str
    rows: tuple[tuple[Button, ...], ...] = ()
    token: int = 0
    step: int = 0
    notice: str | None = None
    stored_version: int | None = None
    replaces: str | None = None


@dataclass(frozen=True)
class Notice:
    """A button press refused or answered without changing anything: only a notice is shown."""

    text: str


def status_label(status: str | ProgressStatus) -> str:
    """The Vietnamese name of a status (``ProgressStatus.label``)."""
    return ProgressStatus(status).label


def period_label(period: ReportingPeriod) -> str:
    """ "tháng 11/2026 (15/10/2026–14/11/2026)", "quý IV/2026 (15/09/2026–14/12/2026)" and the
    like (the period's name as the report gives it, with its dates)."""
    return _("{name} ({start}–{end})").format(
        name=period_title(period), start=fmt_date(period.start), end=fmt_date(period.end)
    )


def period_title(period: ReportingPeriod) -> str:
    """ "tháng 11/2026", "quý IV/2026", "6 tháng cuối năm 2026", "năm 2026", "sơ kết", "tổng kết",
    "đột xuất": the period's name without its dates."""
    end = period.end
    if period.kind is PeriodKind.MONTHLY:
        name = _("tháng {month}/{year}").format(month=end.month, year=end.year)
    elif period.kind is PeriodKind.QUARTERLY:
        name = _("quý {quarter}/{year}").format(quarter=quarter_numeral(period), year=end.year)
    elif period.kind is PeriodKind.HALF_YEARLY:
        name = (
            _("6 tháng đầu năm {year}") if end.month == 6 else _("6 tháng cuối năm {year}")
        ).format(year=end.year)
    elif period.kind is PeriodKind.YEARLY:
        name = _("năm {year}").format(year=end.year)
    elif period.id == "soket":
        name = _("sơ kết")
    elif period.id == "tongket":
        name = _("tổng kết")
    else:
        name = _("đột xuất")
    return name


def shown(text: str | None, limit: int = SHOWN_TEXT_MAX) -> str:
    """User text made safe for Telegram HTML, cut to ``limit`` characters (before escaping)."""
    if not text:
        return _("(bỏ trống)")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text)


def attachment_name(attachment: Attachment) -> str:
    """What an attachment is called in a message (plain text, not escaped): the document's file
    name, else "ảnh" for a photo (Telegram gives a photo no name), "tệp" for a nameless document."""
    if attachment.name:
        return attachment.name
    return _("ảnh") if attachment.kind == "photo" else _("tệp")


def short_title(content: str, limit: int = BUTTON_TITLE_MAX) -> str:
    """A task's content cut at a word to fit a button."""
    content = " ".join(content.split())
    if len(content) <= limit:
        return content
    cut = content[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def task_header(draft: Draft) -> str:
    """ "<b>Nhiệm vụ 5a</b>: …" for the top of each step."""
    return _("<b>Nhiệm vụ {code}</b>: {title}").format(
        code=html.escape(draft.task_code), title=html.escape(short_title(draft.task_title, 120))
    )


def back_cancel() -> tuple[Button, ...]:
    """The row every step ends with."""
    return (Button(_("« Quay lại"), "back"), Button(_("Hủy"), "cancel"))


def figure_value(value: Decimal | None, unit: str) -> str:
    """ "1.234 bộ" or "(bỏ trống)"."""
    if value is None:
        return _("(bỏ trống)")
    return _("{value} {unit}").format(value=format_figure(value), unit=html.escape(unit))


def summary(
    draft: Draft,
    period: ReportingPeriod | str,
    tz: ZoneInfo,
    corrects_at: datetime | None,
    confirmed_version: int | None = None,
) -> str:
    """The summary shown before Xác nhận (every part, user texts escaped). ``period`` is the
    period, or its plain-text label (an ad hoc request's carries its subject). With
    ``confirmed_version``, the same summary once that version was stored (what the message then
    says instead of asking for Xác nhận)."""
    title = _("<b>Xem lại báo cáo</b>") if confirmed_version is None else _("<b>Báo cáo đã gửi</b>")
    lines = [title, task_header(draft)]
    if draft.occurrence and draft.deadlines:
        due = date.fromisoformat(draft.deadlines[draft.occurrence - 1])
        lines.append(
            _("Thời hạn: lần {number} (hạn {due})").format(
                number=draft.occurrence, due=fmt_date(due)
            )
        )
    label = period if isinstance(period, str) else period_label(period)
    lines.append(_("Kỳ báo cáo: {period}").format(period=html.escape(label)))
    lines.append(_("Tình trạng: {status}").format(status=status_label(draft.status or "")))
    for indicator in draft.indicators:
        lines.append(
            _("{name}: {value}").format(
                name=html.escape(indicator.name),
                value=figure_value(draft.figure(indicator.id), indicator.unit),
            )
        )
    lines.append(_("Kết quả: {text}").format(text=shown(draft.result)))
    lines.append(_("Khó khăn, vướng mắc: {text}").format(text=shown(draft.difficulties)))
    lines.append(_("Phương hướng tiếp theo: {text}").format(text=shown(draft.next_steps)))
    lines.append(_("Đề xuất, kiến nghị: {text}").format(text=shown(draft.proposals)))
    if draft.attachment is not None:
        lines.append(
            _("Tệp đính kèm: {name}").format(name=html.escape(attachment_name(draft.attachment)))
        )
    if draft.corrects_version is not None and corrects_at is not None:
        lines.append(
            _("<i>Bản sửa của phiên bản {version} (xác nhận lúc {when}).</i>").format(
                version=draft.corrects_version, when=fmt_moment(corrects_at, tz)
            )
        )
    if confirmed_version is None:
        lines.append(_("Báo cáo chỉ được ghi nhận khi bạn bấm <b>Xác nhận</b>."))
    else:
        lines.append(
            _("✅ Đã xác nhận, ghi nhận là phiên bản {version}.").format(version=confirmed_version)
        )
    return "\n".join(lines)
