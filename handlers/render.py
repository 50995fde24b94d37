"""Vietnamese rendering shared by the onboarding and task handlers (Telegram HTML)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from locales import N_, _
from models.agency_tasks import TaskLine
from models.people import Role
from models.plan import TaskRole
from models.progress import ProgressStatus
from models.text import fmt_date

ROLE_NAMES: dict[Role, str] = {
    Role.STANDING_OFFICE: N_("Cơ quan Thường trực"),
    Role.CONTACT: N_("cán bộ đầu mối"),
    Role.LEADER: N_("lãnh đạo (xem báo cáo)"),
    Role.ADMIN: N_("quản trị"),
}
STATUS_NAMES: dict[ProgressStatus, str] = {
    ProgressStatus.NOT_STARTED: N_("chưa triển khai"),
    ProgressStatus.IN_PROGRESS: N_("đang thực hiện"),
    ProgressStatus.DONE: N_("hoàn thành"),
    ProgressStatus.BLOCKED: N_("gặp khó khăn, vướng mắc"),
}
#: Longest task content shown in a list line; the full text is in the plan.
CONTENT_CHARS = 160


def role_names(roles: Sequence[Role] | frozenset[Role]) -> str:
    """Roles in a fixed order, translated, comma-separated."""
    return ", ".join(_(ROLE_NAMES[r]) for r in Role if r in roles)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CONTENT_CHARS else text[: CONTENT_CHARS - 1].rstrip() + "…"


def task_line(line: TaskLine, *, with_status: bool) -> str:
    """``• <b>5a</b> Nội dung… — hạn: 31/07/2027`` (+ status); a task that goes on after its
    deadlines (1a, "Tháng 6/2026 và thường xuyên") reads ``hạn: 30/06/2026, sau đó thường
    xuyên``; one without a deadline shows the plan's timeline text."""
    deadlines = ", ".join(fmt_date(d) for d in line.deadlines)
    if not deadlines:
        due = _("thời gian: {timeline}").format(timeline=html.escape(line.timeline_text))
    elif line.ongoing:
        due = _("hạn: {deadlines}, sau đó thường xuyên").format(deadlines=deadlines)
    else:
        due = _("hạn: {deadlines}").format(deadlines=deadlines)
    text = f"• <b>{html.escape(line.code)}</b> {html.escape(_short(line.content))} — {due}"
    if with_status:
        status = _(STATUS_NAMES[line.status]) if line.status else _("chưa báo cáo")
        text += " " + _("({status})").format(status=status)
    return text


def task_list(lines: Sequence[TaskLine], *, with_status: bool) -> str:
    """Tasks grouped: those the agency leads (chủ trì) first, then those it supports (phối hợp);
    a leader's listing (role None) has no headings."""
    if not lines:
        return _("Hiện chưa có nhiệm vụ nào.")
    leads = [x for x in lines if x.role is TaskRole.LEAD]
    supports = [x for x in lines if x.role is TaskRole.SUPPORT]
    others = [x for x in lines if x.role is None]
    parts: list[str] = []
    if leads:
        parts.append(_("<b>Chủ trì ({count} nhiệm vụ):</b>").format(count=len(leads)))
        parts += [task_line(x, with_status=with_status) for x in leads]
    if supports:
        parts.append(_("<b>Phối hợp ({count} nhiệm vụ):</b>").format(count=len(supports)))
        parts += [task_line(x, with_status=with_status) for x in supports]
    parts += [task_line(x, with_status=with_status) for x in others]
    return "\n".join(parts)


def confirm_keyboard(confirm_data: str, cancel_data: str) -> InlineKeyboardMarkup:
    """One row of two buttons, "Xác nhận" (``confirm_data``) and "Hủy" (``cancel_data``), under a
    question that changes something."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("Xác nhận"), callback_data=confirm_data),
                InlineKeyboardButton(_("Hủy"), callback_data=cancel_data),
            ]
        ]
    )


#: Telegram refuses texts longer than 4096 characters (after entity parsing; we count the source,
#: which is longer, so chunks are always safe).
MESSAGE_LIMIT = 4096


def chunks(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split ``text`` at line breaks into pieces of at most ``limit`` characters, so no HTML tag is
    cut (every tag we emit opens and closes on one line). A single longer line is cut hard."""
    out: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                out.append(current)
                current = ""
            out.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            out.append(current)
            current = line
        else:
            current = candidate
    if current:
        out.append(current)
    return out
