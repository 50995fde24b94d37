"""Vietnamese texts of reminder items (through the Babel catalog: ``from locales import _``).

Days left are calendar days from the sending day to the deadline (issue 5: "hạn 30/11/2026, còn 3
ngày"); dates are written dd/mm/yyyy.
"""

from __future__ import annotations

import html
from datetime import date

from locales import _
from models.text import fmt_date
from scheduler.rules import ReminderKind

#: Task titles are long sentences; a reminder shows their beginning.
TITLE_CHARS = 90


def short_title(title: str) -> str:
    """The title cut at a word boundary to about ``TITLE_CHARS`` characters, with "…"."""
    title = " ".join(title.split())
    if len(title) <= TITLE_CHARS:
        return title
    cut = title[:TITLE_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def due_phrase(due: date, today: date) -> str:
    """ "hạn 30/11/2026, còn 3 ngày" / "hạn hôm nay (30/11/2026)" / "hạn 30/11/2026, quá hạn 2 ngày"."""
    days = (due - today).days
    if days > 0:
        return _("hạn {due}, còn {days} ngày").format(due=fmt_date(due), days=days)
    if days == 0:
        return _("hạn hôm nay ({due})").format(due=fmt_date(due))
    return _("hạn {due}, quá hạn {days} ngày").format(due=fmt_date(due), days=-days)


def task_line(code: str, title: str, due: date | None, today: date) -> str:
    """One task of a reminder: "10b. Sơ kết … — hạn 30/11/2026, còn 3 ngày"."""
    if due is None:
        return _("{code}. {title}").format(code=code, title=short_title(title))
    return _("{code}. {title} — {due}").format(
        code=code, title=short_title(title), due=due_phrase(due, today)
    )


def header(
    kind: ReminderKind,
    *,
    agency: str,
    period: str | None = None,
    subject: str | None = None,
    due: date | None = None,
    today: date,
) -> str:
    """The first line of a reminder of ``kind`` for ``agency``."""
    if kind == ReminderKind.DEADLINE:
        return _("Nhắc việc: nội dung sắp đến hạn của {agency}").format(agency=agency)
    if kind == ReminderKind.OVERDUE:
        if subject is not None:  # an ad hoc request: its subject, not its identifier
            return _("Quá hạn báo cáo đột xuất: {subject} ({due}) của {agency}").format(
                subject=subject, due=due_phrase(due, today) if due else "", agency=agency
            )
        if period is not None:
            return _("Quá hạn báo cáo kỳ {period} ({due}) của {agency}").format(
                period=period, due=due_phrase(due, today) if due else "", agency=agency
            )
        return _("Nội dung quá hạn của {agency}").format(agency=agency)
    if kind == ReminderKind.ESCALATION:
        return _("Đôn đốc: {agency} chưa báo cáo hoàn thành các nội dung sau").format(agency=agency)
    if kind == ReminderKind.FYI:
        return _("Để biết (cơ quan phối hợp): nội dung sắp đến hạn").format()
    if kind == ReminderKind.PERIOD:
        return _("Báo cáo định kỳ kỳ {period} — {due}").format(
            period=period or "", due=due_phrase(due, today) if due else ""
        )
    if kind == ReminderKind.STATUS_CHECK:
        return _("Đề nghị {agency} xác nhận tình trạng của các nội dung sau").format(agency=agency)
    return _("Báo cáo đột xuất: {subject} — {due}").format(
        subject=subject or "", due=due_phrase(due, today) if due else ""
    )


def render_html(payloads: list[dict[str, object]]) -> str:
    """One Telegram message (``parse_mode=HTML``) from the payloads of a recipient's outbox rows
    due at one sending time (``Reminder.payload()``), in the given order: each header in bold,
    its lines as "• …". Texts come from the plan and users, so they are HTML-escaped."""
    blocks = []
    for payload in payloads:
        lines = [f"<b>{html.escape(str(payload.get('header', '')))}</b>"]
        lines += [f"• {html.escape(str(line))}" for line in payload.get("lines", []) or []]  # type: ignore[attr-defined]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
