"""One Vietnamese message per recipient and sending time, built from that recipient's outbox rows.

Pure: takes rows, returns text (Telegram HTML) and an inline keyboard. Each outbox row is one item
(one planner reminder). Its payload (written by ``scheduler.planner``'s ``Reminder.payload()``) is
read with these keys, all optional:

- ``header`` (str): the item's first line ("Nhắc việc: nội dung sắp đến hạn của Sở Y tế");
  when absent, the kind's heading below;
- ``lines`` (list of str): its task lines ("10b. Sơ kết … — hạn 30/11/2026, còn 3 ngày"), or
  ``text`` (str): a single line (notices);
- ``tasks`` (list of codes, or ``{"code", "occurrence"}`` dicts): the tasks it is about — each gets
  "Cập nhật ngay" and "Đã hoàn thành" buttons (occurrence 0 = the next open deadline);
- ``period`` (str): an ad hoc request's ``adhoc:<request id>`` gets "Báo cáo ngay", which opens the
  progress dialog answering that request;
- ``requests`` (list of request ids): the ad hoc requests a status check folds, each with its
  "Báo cáo ngay" too (labelled with the request's number when there are several).

Plain texts are HTML-escaped here. Each answerable item also gets "Nhắc lại sau" (snooze that
outbox row). Kinds (``OutboxMessage.kind``) are the planner's — deadline, overdue, escalation, fyi,
period, status_check, adhoc — plus ``notice`` (to the standing office, e.g. an unreachable contact).
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
from scheduler.periods import adhoc_request_id

#: Items per message: 3 buttons each keeps the keyboard far below Telegram's 100 buttons and the
#: text below 4096 characters even with long task titles.
MAX_ITEMS_PER_MESSAGE = 10
#: Safety margin under Telegram's 4096-character limit (counted after entity parsing).
MAX_TEXT = 3900
#: Longest line kept (a planner line is a code, a short title and a due phrase).
MAX_LINE = 600
#: Task buttons kept per item (Telegram allows 100 buttons per keyboard).
MAX_TASK_BUTTONS = 40

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


def _requests(payload: dict[str, Any]) -> list[int]:
    """The ad hoc request ids an item answers: its ``period``'s, then its ``requests``."""
    found = adhoc_request_id(str(payload.get("period") or ""))
    out = [found] if found is not None else []
    for raw in payload.get("requests") or []:
        if isinstance(raw, int) and raw not in out:
            out.append(raw)
    return out


def item_lines(row: OutboxMessage, number: int) -> list[str]:
    """The item's lines in HTML: ``number. header`` in bold, then its task lines."""
    payload = row.payload or {}
    header = payload.get("header") or _(_HEADINGS.get(row.kind, _HEADINGS["notice"]))
    body = payload.get("lines") or ([payload["text"]] if payload.get("text") else [])
    if not body:
        codes = ", ".join(code for code, _occ in _tasks(payload))
        # A header that says it all (an ad hoc request's reminder) needs no line; the key is
        # shown only when there is nothing else to say.
        body = [codes] if codes else ([] if payload.get("header") else [row.key])
    out = [f"<b>{number}. {html.escape(str(header)[:MAX_LINE])}</b>"]
    out.extend(html.escape(str(line)[:MAX_LINE]) for line in body)
    return out


def item_buttons(row: OutboxMessage, number: int) -> list[list[InlineKeyboardButton]]:
    """Buttons of item ``number`` (1-based, as numbered in the text)."""
    if row.kind not in _ANSWERABLE:
        return []
    rows: list[list[InlineKeyboardButton]] = []
    for code, occurrence in _tasks(row.payload or {})[: MAX_TASK_BUTTONS // 2]:
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
    for request_id in (requests := _requests(row.payload or {})):
        label = (
            _("Báo cáo ngay (mục {number})").format(number=number)
            if len(requests) == 1
            else _("Báo cáo ngay (mục {number}, yêu cầu số {request})").format(
                number=number, request=request_id
            )
        )
        rows.append(
            [InlineKeyboardButton(label, callback_data=callback_data.open_adhoc(request_id))]
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


def _button_count(row: OutboxMessage, number: int) -> int:
    return sum(len(r) for r in item_buttons(row, number))


def render(rows: Sequence[OutboxMessage]) -> list[RenderedMessage]:
    """Merge one recipient's rows into as few messages as fit: ≤ 10 items, ≤ 90 buttons and
    ≤ 3900 characters each. Items are ordered by kind (escalations, overdue, due soon, …), then
    sending time, and numbered from 1 in each message. Raises ``ValueError`` on empty ``rows``."""
    if not rows:
        raise ValueError("nothing to render")
    ordered = sorted(rows, key=lambda r: (_kind_rank(r.kind), r.scheduled_at, r.id))
    title = _("<b>Nhắc việc — Chiến dịch 500 ngày đêm</b>")
    footer = _("<i>Bấm nút dưới đây để cập nhật tiến độ hoặc hẹn nhắc lại.</i>")

    messages: list[RenderedMessage] = []
    chunk: list[OutboxMessage] = []
    blocks: list[str] = []

    def flush() -> None:
        keyboard: list[list[InlineKeyboardButton]] = []
        for number, row in enumerate(chunk, start=1):
            keyboard.extend(item_buttons(row, number))
        tail = ["", footer] if keyboard else []
        messages.append(
            RenderedMessage(
                row_ids=tuple(r.id for r in chunk),
                text="\n".join([title, *blocks, *tail]),
                keyboard=InlineKeyboardMarkup(keyboard) if keyboard else None,
            )
        )
        chunk.clear()
        blocks.clear()

    for row in ordered:
        block = "\n".join(["", *item_lines(row, len(chunk) + 1)])
        size = len(title) + len(footer) + sum(len(b) + 1 for b in blocks) + len(block)
        buttons = sum(_button_count(r, i) for i, r in enumerate(chunk, 1))
        if chunk and (
            len(chunk) >= MAX_ITEMS_PER_MESSAGE
            or size > MAX_TEXT
            or buttons + _button_count(row, len(chunk) + 1) > 90
        ):
            flush()
            block = "\n".join(["", *item_lines(row, 1)])
        chunk.append(row)
        blocks.append(block)
    flush()
    return messages
