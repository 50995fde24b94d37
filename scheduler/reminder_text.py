"""One Vietnamese message per recipient and sending time, built from that recipient's outbox rows.

Pure: takes rows, returns text (Telegram HTML) and an inline keyboard. The payload of an outbox row
(written by the planner, ``scheduler/planner.py``) is read with these keys, all optional:

- ``text`` (str): the item's line, plain text ("10b — Sơ kết 250 ngày: hạn 30/11/2026, còn 3 ngày");
  HTML-escaped here;
- ``tasks`` (list of ``{"code": str, "occurrence": int, "title": str}`` or plain code strings): the
  tasks the item is about — each gets "Cập nhật ngay" and "Đã hoàn thành" buttons;
- ``agency`` (str): the agency's canonical name (shown in the greeting);
- ``period`` (str | None): a report period identifier ("2026-11").

Each item also gets "Nhắc lại sau" (snooze that outbox row). Kinds (``OutboxMessage.kind``) are the
planner's: deadline, overdue, escalation, fyi, period, status_check, adhoc, plus ``notice`` (a notice
to the standing office, e.g. a contact became unreachable). Each kind has its own heading.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers import callback_data
from locales import N_, _
from models.reminders import OutboxMessage

#: Items per message: 3 buttons each keeps the keyboard far below Telegram's 100 buttons and the
#: text below 4096 characters even with long task titles.
MAX_ITEMS_PER_MESSAGE = 10
#: Safety margin under Telegram's 4096-character limit (counted after entity parsing).
MAX_TEXT = 3900

KIND_ORDER = (
    "escalation",
    "overdue",
    "deadline",
    "period",
    "adhoc",
    "status_check",
    "fyi",
    "notice",
)
_HEADINGS = {
    "deadline": N_("Sắp đến hạn"),
    "overdue": N_("Đã quá hạn"),
    "escalation": N_("Đôn đốc: nhiệm vụ quá hạn"),
    "fyi": N_("Để phối hợp"),
    "period": N_("Báo cáo định kỳ"),
    "status_check": N_("Đề nghị xác nhận tình trạng các nhiệm vụ"),
    "adhoc": N_("Báo cáo đột xuất"),
    "notice": N_("Thông báo"),
}
#: Kinds whose items can be answered by the recipient (a leader's escalation or a notice cannot).
_ANSWERABLE = {"deadline", "overdue", "period", "adhoc", "status_check", "fyi"}


@dataclass(frozen=True)
class RenderedMessage:
    """One message to send: the outbox rows it carries, its HTML text and its keyboard."""

    row_ids: tuple[int, ...]
    text: str
    keyboard: InlineKeyboardMarkup | None


def _tasks(payload: dict[str, Any]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for task in payload.get("tasks") or []:
        if isinstance(task, str):
            out.append((task, 0))
        elif isinstance(task, dict) and task.get("code"):
            out.append((str(task["code"]), int(task.get("occurrence") or 0)))
    return out


def item_line(row: OutboxMessage) -> str:
    """The item's line in HTML: the planner's ``text`` escaped, else the task codes and period."""
    payload = row.payload or {}
    text = payload.get("text")
    if text:
        return html.escape(str(text)[:1500])
    codes = ", ".join(code for code, _occ in _tasks(payload))
    period = payload.get("period")
    if codes and period:
        return _("Nhiệm vụ {codes} — kỳ báo cáo {period}").format(
            codes=html.escape(codes), period=html.escape(str(period))
        )
    if codes:
        return _("Nhiệm vụ {codes}").format(codes=html.escape(codes))
    if period:
        return _("Kỳ báo cáo {period}").format(period=html.escape(str(period)))
    return html.escape(row.key)


def item_buttons(row: OutboxMessage, number: int) -> list[list[InlineKeyboardButton]]:
    """Buttons of item ``number`` (1-based, as numbered in the text)."""
    if row.kind not in _ANSWERABLE:
        return []
    rows: list[list[InlineKeyboardButton]] = []
    for code, occurrence in _tasks(row.payload or {}):
        rows.append(
            [
                InlineKeyboardButton(
                    _("Cập nhật ngay {code}").format(code=code),
                    callback_data=callback_data.open_task(code, occurrence),
                ),
                InlineKeyboardButton(
                    _("Đã hoàn thành {code}").format(code=code),
                    callback_data=callback_data.done_task(code, occurrence),
                ),
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                _("Nhắc lại sau (mục {number})").format(number=number),
                callback_data=callback_data.snooze(row.id),
            )
        ]
    )
    return rows


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def render(rows: Sequence[OutboxMessage]) -> list[RenderedMessage]:
    """Merge one recipient's rows into as few messages as fit (≤ 10 items, ≤ 3900 characters each).

    Items are grouped under their kind's heading (escalations first, then overdue, due soon, …),
    numbered from 1 in each message. Raises ``ValueError`` on an empty ``rows``.
    """
    if not rows:
        raise ValueError("nothing to render")
    ordered = sorted(rows, key=lambda r: (_kind_rank(r.kind), r.scheduled_at, r.id))
    agency = next((r.payload.get("agency") for r in ordered if r.payload.get("agency")), None)
    header = _("<b>Nhắc việc — Chiến dịch 500 ngày đêm</b>")
    if agency:
        header += "\n" + _("Kính gửi: {agency}").format(agency=html.escape(str(agency)))
    footer = _("<i>Bấm nút dưới đây để cập nhật tiến độ hoặc hẹn nhắc lại.</i>")

    messages: list[RenderedMessage] = []
    chunk: list[OutboxMessage] = []
    lines: list[str] = []

    def flush() -> None:
        if not chunk:
            return
        keyboard: list[list[InlineKeyboardButton]] = []
        for number, row in enumerate(chunk, start=1):
            keyboard.extend(item_buttons(row, number))
        show_footer = any(row.kind in _ANSWERABLE for row in chunk)
        text = "\n".join([header, *lines, *(["", footer] if show_footer else [])])
        messages.append(
            RenderedMessage(
                row_ids=tuple(r.id for r in chunk),
                text=text,
                keyboard=InlineKeyboardMarkup(keyboard) if keyboard else None,
            )
        )
        chunk.clear()
        lines.clear()

    current_kind: str | None = None
    for row in ordered:
        line = item_line(row)
        heading = _(_HEADINGS.get(row.kind, _HEADINGS["notice"]))
        size = len(header) + sum(len(x) + 1 for x in lines) + len(line) + len(heading) + 300
        if chunk and (len(chunk) >= MAX_ITEMS_PER_MESSAGE or size > MAX_TEXT):
            flush()
            current_kind = None
        if row.kind != current_kind:
            lines.extend(["", f"<b>{heading}</b>"])
            current_kind = row.kind
        chunk.append(row)
        lines.append(f"{len(chunk)}. {line}")
    flush()
    return messages
