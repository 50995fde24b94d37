"""The guided progress dialog (``/capnhat``) as plain async functions; diagram in ``progress.mmd``.

Each event function takes the caller's session (one transaction per step, committed by the caller),
the contact (an agency contact: ``contact.agency_id`` set) and ``now`` (aware UTC), writes the
``dialog_states`` row and its draft, and returns what to show: a ``Screen`` (text and buttons), or a
``Notice`` for a button that must change nothing (an old or finished dialog, a second tap).

Rules (issue 6, DESIGN.md decision 4): the state lives only in the database; a dialog idle longer
than ``cfg.timeout`` (judged from the stored ``last_activity_at`` against ``now``) pauses with its
draft kept and offered on return; a reply counts only on Xác nhận, stored as a new ``ProgressReport``
or the next version of it; texts are stored NFC. The reply answers ``draft.period``: the default open
period (``scheduler.periods.open_periods``), changeable in the summary when two are open. The ad hoc
requests open to the agency (``scheduler.adhoc``) are periods too (``adhoc:<request id>``), offered
after the regular ones and preselected when the dialog opens from the request's reminder.

Nothing the contact sends is lost (issue: attachments and long texts):

- a text over ``MAX_TEXT`` characters is not stored; the reply gives the limit and echoes (escaped,
  in a copyable block) the part a cut would drop, and the draft keeps the whole text for one step
  (``Draft.too_long``) behind the button "Dùng 2000 ký tự đầu", which stores it cut at the last
  word boundary before the limit (``cut_text``) and moves on as a typed answer would;
- a document or photo sent with a caption at one of the four text steps: the caption is that step's
  answer (same rules as typed text) and the file is attached; at any other step the file is
  attached and the reply says the caption was not used, where to type it, and echoes it;
- a second attachment replaces the first (one per reply), and the reply names both.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs import queries, screens, steps, store
from dialogs.config import AnyContact, DialogConfig
from dialogs.draft import TEXT_STEPS, Attachment, Draft, Outcome, Waiting
from dialogs.numbers import Ambiguous, Parsed, parse_figure
from dialogs.render import Notice, Screen, attachment_name
from locales import _
from models.db import as_utc
from models.text import nfc
from scheduler import adhoc

#: Longest text part accepted (a "short text"; the summary must fit one Telegram message).
MAX_TEXT = screens.MAX_TEXT
#: How far back from the limit a word boundary is looked for when a too long text is cut.
CUT_WINDOW = 100

__all__ = [
    "Attachment",
    "DialogConfig",
    "Notice",
    "Screen",
    "Waiting",
    "cancel",
    "expire_idle",
    "open_adhoc",
    "open_task",
    "press",
    "receive_file",
    "receive_text",
    "start",
]


P = ParamSpec("P")
R = TypeVar("R")


def _event(
    fn: Callable[Concatenate[AsyncSession, P], Awaitable[R]],
) -> Callable[Concatenate[AsyncSession, P], Awaitable[R]]:
    """An event of the dialog: once it has decided, the dialog rows it claimed are written back
    (``store.write_back``), in the caller's transaction, before the caller commits."""

    @functools.wraps(fn)
    async def event(session: AsyncSession, *args: P.args, **kwargs: P.kwargs) -> R:
        result = await fn(session, *args, **kwargs)
        await store.write_back(session)
        return result

    return event


def _require_agency(contact: AnyContact) -> None:
    if contact.agency_id is None:
        raise ValueError("the progress dialog is for agency contacts (contact.agency_id is None)")


@_event
async def start(
    session: AsyncSession, contact: AnyContact, now: datetime, cfg: DialogConfig
) -> Screen:
    """``/capnhat``: a new dialog at CHOOSING_TASK, or the offer of an unfinished draft.

    Raises ``ValueError`` when ``contact`` acts for no agency (the adapter checks the role first).
    """
    _require_agency(contact)
    row = await store.load(session, contact.id)
    if row is not None and row.outcome in (Outcome.ACTIVE, Outcome.TIMED_OUT):
        if store.draft_of(row).task_id is not None:
            claimed = await store.claim(session, contact.id, row.token, row.step, now)
            if claimed is not None:
                if steps.expired(row, now, cfg):
                    claimed.outcome = Outcome.TIMED_OUT
                return steps.offer(claimed, cfg, switch=None)
    assert contact.agency_id is not None
    # The period first: the list's one statement also reads what was reported for it.
    draft = await steps.new_draft(session, contact, now, cfg)
    if not await queries.agency_tasks(session, contact.plan_id, contact.agency_id, draft.period):
        return Screen(text=_("Cơ quan của bạn chưa được giao nhiệm vụ nào trong kế hoạch."))
    return await steps.new(session, contact, now, cfg, draft=draft)


@_event
async def open_task(
    session: AsyncSession,
    contact: AnyContact,
    now: datetime,
    cfg: DialogConfig,
    code: str,
    occurrence: int = 0,
    *,
    one_tap: bool = False,
) -> Screen | Notice:
    """The reminder's "Cập nhật ngay" (``one_tap`` False) or "Đã hoàn thành" (True) on task ``code``.

    An unfinished draft on another task is not dropped silently: it is offered first. Returns a
    ``Notice`` when the contact's agency has no role on the task.
    """
    _require_agency(contact)
    assert contact.agency_id is not None
    task = await queries.agency_task(session, contact.plan_id, contact.agency_id, code)
    if task is None:
        return Notice(_("Nhiệm vụ {code} không thuộc cơ quan của bạn.").format(code=code))
    row = await store.load(session, contact.id)
    if row is not None and row.outcome in (Outcome.ACTIVE, Outcome.TIMED_OUT):
        draft = store.draft_of(row)
        if draft.task_id is not None and draft.task_id != task.id:
            claimed = await store.claim(session, contact.id, row.token, row.step, now)
            if claimed is not None:
                if steps.expired(row, now, cfg):
                    claimed.outcome = Outcome.TIMED_OUT
                kind = "d" if one_tap else "o"
                return steps.offer(claimed, cfg, switch=f"{kind}.{code}.{occurrence}")
    return await steps.new(session, contact, now, cfg, task, occurrence, one_tap)


@_event
async def open_adhoc(
    session: AsyncSession,
    contact: AnyContact,
    now: datetime,
    cfg: DialogConfig,
    request_id: int,
) -> Screen | Notice:
    """An ad hoc reminder's "Báo cáo ngay": a new dialog at CHOOSING_TASK answering request
    ``request_id`` (``adhoc:<id>``). An unfinished draft is offered first. Returns a ``Notice``
    when the request is not open to the contact's agency (another agency's, cancelled, or closed:
    it stays open ``scheduler.adhoc.OPEN_DAYS_AFTER_DUE`` days after its due date)."""
    _require_agency(contact)
    today = cfg.local_date(now)
    found = await adhoc.get_request(session, contact.plan_id, request_id, cfg.tz)
    if (
        found is not None
        and found.cancelled_on is not None
        and contact.agency_id in found.agency_ids
    ):
        return Notice(adhoc.cancelled_notice(found.cancelled_on))
    if found is None or contact.agency_id not in found.agency_ids or not found.is_open(today):
        return Notice(_("Yêu cầu báo cáo đột xuất này không còn mở cho cơ quan của bạn."))
    row = await store.load(session, contact.id)
    if row is not None and row.outcome in (Outcome.ACTIVE, Outcome.TIMED_OUT):
        draft = store.draft_of(row)
        if draft.task_id is not None:
            claimed = await store.claim(session, contact.id, row.token, row.step, now)
            if claimed is not None:
                if steps.expired(row, now, cfg):
                    claimed.outcome = Outcome.TIMED_OUT
                return steps.offer(claimed, cfg, switch=f"a.{request_id}.0")
    return await steps.new(session, contact, now, cfg, adhoc_id=request_id)


@_event
async def press(
    session: AsyncSession,
    contact: AnyContact,
    now: datetime,
    cfg: DialogConfig,
    token: int,
    step: int,
    action: str,
    arg: str = "",
) -> Screen | Notice:
    """A dialog button (callback data ``upd:v1:<action>:<token>:<step>[:<arg>]``).

    Applied only while the dialog is at ``(token, step)``; otherwise a ``Notice`` and no change (an
    old message, a finished dialog, the second of a double tap).
    """
    _require_agency(contact)
    # Fast path: one statement claims a live dialog at this step.
    claimed = await store.claim(
        session, contact.id, token, step, now, active_since=now - cfg.timeout
    )
    expired = False
    if claimed is None:
        row = await store.load(session, contact.id)
        if row is None or row.token != token or row.step != step:
            if row is not None and row.token == token and row.outcome == Outcome.DONE:
                return Notice(_("Báo cáo này đã được ghi nhận."))
            return steps.stale()
        if row.outcome in (Outcome.CANCELLED, Outcome.DONE):
            return steps.stale()
        expired = steps.expired(row, now, cfg)
        claimed = await store.claim(session, contact.id, token, step, now)
        if claimed is None:  # a concurrent tap won the compare-and-set
            return steps.stale()
    row = claimed
    if action == "cancel":
        return steps.cancel(row)
    if action == "restart":
        return await steps.new(session, contact, now, cfg)
    if action == "switch":
        kind, code, occurrence = [*arg.split("."), "", "", "0"][:3]
        if kind == "a" and code.isdigit():  # the draft gives way to an ad hoc request
            return await steps.new(session, contact, now, cfg, adhoc_id=int(code))
        task = await queries.agency_task(session, contact.plan_id, contact.agency_id or 0, code)
        if task is None:
            return steps.stale()
        return await steps.new(session, contact, now, cfg, task, int(occurrence or 0), kind == "d")
    if expired or row.outcome == Outcome.TIMED_OUT:
        if action != "resume":
            row.outcome = Outcome.TIMED_OUT
            return steps.offer(
                row, cfg, None, _("Phiên cập nhật đã tạm dừng vì lâu không trả lời.")
            )
        row.outcome = Outcome.ACTIVE
    draft = store.draft_of(row)
    if action == "resume":  # a text over the limit stays offered
        return await steps.show(session, contact, row, draft, cfg)
    too_long, draft.too_long = draft.too_long, None  # offered for one step only
    at = Waiting(row.state)
    if action == "cut" and too_long is not None and at in TEXT_STEPS:
        kept, _dropped = cut_text(too_long)
        setattr(draft, TEXT_STEPS[at], kept)
        steps.advance(row, draft)
        prefix = _(
            "Đã ghi {kept} ký tự đầu vào phần «{part}»; phần không được ghi có trong tin nhắn "
            "trước của bot."
        ).format(kept=len(kept), part=screens.field_label(TEXT_STEPS[at]))
        return await steps.show(session, contact, row, draft, cfg, prefix=prefix)
    if action == "back":
        if draft.history:
            state, index = draft.history.pop()
            row.state, draft.figure_index = state, index
            if state in (Waiting.CHOOSING_FIELD, Waiting.CONFIRMING):
                draft.editing_one = False
        return await steps.show(session, contact, row, draft, cfg)
    return await steps.on_button(session, contact, row, draft, now, cfg, action, arg)


def cut_text(text: str, limit: int = MAX_TEXT) -> tuple[str, str]:
    """``text`` split into (the part kept, the part dropped) so that the kept part has at most
    ``limit`` characters and ends at a word: at the last whitespace among the last ``CUT_WINDOW``
    characters before the limit, else (one very long word) exactly at the limit. The whitespace at
    the cut is dropped; a text within the limit is kept whole."""
    if len(text) <= limit:
        return text, ""
    end = limit
    if not text[limit].isspace():
        boundary = max(
            (i for i in range(limit - 1, max(limit - CUT_WINDOW, 0) - 1, -1) if text[i].isspace()),
            default=None,
        )
        if boundary is not None:
            end = boundary
    return text[:end].rstrip(), text[end:].lstrip()


def _take_text(row: store.DialogRow, draft: Draft, state: Waiting, text: str) -> str | None:
    """Store ``text`` (NFC, stripped) as the answer of text step ``state`` and move on; None.
    Over ``MAX_TEXT`` characters nothing is stored: the draft keeps the text for the cut button
    and the returned HTML says why, echoing the part the cut would drop."""
    if len(text) <= MAX_TEXT:
        setattr(draft, TEXT_STEPS[state], text or None)
        steps.advance(row, draft)
        return None
    draft.too_long = text
    kept, dropped = cut_text(text)
    return (
        _(
            "Nội dung dài {length} ký tự, quá giới hạn {limit} ký tự nên chưa được ghi. Gõ lại ngắn "
            "gọn hơn, hoặc bấm «{button}» để ghi {kept} ký tự đầu (cắt ở cuối một từ); phần sau "
            "đây ({dropped} ký tự) sẽ không được ghi, bạn chép lại nếu cần:"
        ).format(
            length=len(text),
            limit=MAX_TEXT,
            button=screens.cut_label(),
            kept=len(kept),
            dropped=len(dropped),
        )
        + f"\n<pre>{html.escape(dropped)}</pre>"
    )


async def _active_row(
    session: AsyncSession, contact: AnyContact, now: datetime, cfg: DialogConfig
) -> tuple[store.DialogRow | None, Screen | None]:
    """Claim the contact's active dialog for a typed input: (row, None) to go on, (None, screen)
    when the dialog had paused (the offer), (None, None) when there is no dialog."""
    live = await store.claim_live(session, contact.id, now, now - cfg.timeout)
    if live is not None:
        return live, None
    for _attempt in range(3):
        row = await store.load(session, contact.id)
        if row is None or row.outcome in (Outcome.CANCELLED, Outcome.DONE):
            return None, None
        expired = steps.expired(row, now, cfg)
        claimed = await store.claim(session, contact.id, row.token, row.step, now)
        if claimed is None:
            continue
        if expired or claimed.outcome == Outcome.TIMED_OUT:
            claimed.outcome = Outcome.TIMED_OUT
            lead = _("Phiên cập nhật đã tạm dừng vì lâu không trả lời; tin vừa gửi chưa được ghi.")
            return None, steps.offer(claimed, cfg, None, lead)
        return claimed, None
    return None, None


@_event
async def receive_text(
    session: AsyncSession, contact: AnyContact, now: datetime, cfg: DialogConfig, text: str
) -> Screen | None:
    """A typed message while a dialog is active (None: no active dialog, the text is not ours).

    The text is stored NFC; a figure is read as a Vietnamese number (``dialogs.numbers``).
    """
    _require_agency(contact)
    row, paused = await _active_row(session, contact, now, cfg)
    if row is None:
        return paused
    draft = store.draft_of(row)
    draft.too_long = None  # a text over the limit is offered for one step only
    state = Waiting(row.state)
    text = nfc(text).strip()  # keyboards may send NFD
    if state is Waiting.TYPING_FIGURE:
        indicator = draft.indicators[draft.figure_index]
        result = parse_figure(text, whole=indicator.whole)
        if isinstance(result, Parsed):
            draft.figures[str(indicator.id)] = str(result.value)
            steps.advance(row, draft)
        elif isinstance(result, Ambiguous):
            draft.candidates = [str(v) for v in result.candidates]
            draft.dropped = [str(v) for v in result.dropped]
            draft.ambiguous_text = text
            steps.go(row, draft, Waiting.CONFIRMING_FIGURE)
        else:  # asked again; the figure entered before (if any) stays in the draft
            prefix = steps.invalid_figure(result, text, indicator)
            return await steps.show(session, contact, row, draft, cfg, prefix=prefix)
    elif state in TEXT_STEPS:
        refused = _take_text(row, draft, state, text)
        if refused is not None:
            return await steps.show(session, contact, row, draft, cfg, prefix=refused)
    else:
        return await steps.show(
            session, contact, row, draft, cfg, prefix=_("Xin chọn bằng các nút bên dưới.")
        )
    return await steps.show(session, contact, row, draft, cfg)


@_event
async def receive_file(
    session: AsyncSession,
    contact: AnyContact,
    now: datetime,
    cfg: DialogConfig,
    attachment: Attachment,
    caption: str | None = None,
) -> Screen | None:
    """A document or photo (with its ``caption``, if any) while a dialog is active: kept as the
    deliverable (by ``file_id``), replacing an earlier one (the reply names both).

    At SENDING_ATTACHMENT it moves on to the summary. At a text step a caption is that step's
    answer (as if typed: NFC, at most ``MAX_TEXT`` characters) and the dialog moves on; at any
    other step after the task is chosen the step is shown again, and a caption is echoed back as
    not used, with where to type it. None: no active dialog.
    """
    _require_agency(contact)
    row, paused = await _active_row(session, contact, now, cfg)
    if row is None:
        return paused
    draft = store.draft_of(row)
    draft.too_long = None
    if draft.task_id is None:
        return await steps.show(
            session, contact, row, draft, cfg, prefix=_("Xin chọn nhiệm vụ trước.")
        )
    new = Attachment(
        file_id=attachment.file_id,
        kind=attachment.kind,
        name=nfc(attachment.name).strip() if attachment.name else None,
    )
    old = draft.attachment
    draft.attachment = new
    if old is not None and old.file_id != new.file_id:
        notes = [
            _("Đã thay tệp đính kèm «{old}» bằng «{new}».").format(
                old=html.escape(attachment_name(old)), new=html.escape(attachment_name(new))
            )
        ]
    else:
        notes = [_("Đã nhận tệp đính kèm.")]
    state = Waiting(row.state)
    text = nfc(caption or "").strip()
    if text and state in TEXT_STEPS:
        refused = _take_text(row, draft, state, text)
        if refused is not None:
            notes.append(refused)
        else:
            notes.append(
                _("Chú thích kèm tệp được ghi vào phần «{part}».").format(
                    part=screens.field_label(TEXT_STEPS[state])
                )
            )
        return await steps.show(session, contact, row, draft, cfg, prefix="\n".join(notes))
    if text:
        ahead = not draft.editing_one and state in _BEFORE_TEXT_STEPS
        notes.append(
            (
                _(
                    "Chú thích kèm tệp chưa được ghi vào báo cáo; bạn gõ lại nội dung ở bước Kết quả."
                )
                if ahead
                else _(
                    "Chú thích kèm tệp chưa được ghi vào báo cáo; muốn ghi, bạn bấm Sửa ở bản "
                    "tóm tắt rồi gõ lại ở phần cần ghi."
                )
            )
            + " "
            + _("Chú thích bạn đã gửi:")
            + f"\n<pre>{html.escape(text)}</pre>"
        )
    if state is Waiting.SENDING_ATTACHMENT:
        steps.advance(row, draft)
        if old is None and not text:
            return await steps.show(session, contact, row, draft, cfg)
    return await steps.show(session, contact, row, draft, cfg, prefix="\n".join(notes))


#: The states the text steps follow on the way to the summary (a caption there is asked again).
_BEFORE_TEXT_STEPS = frozenset(
    {
        Waiting.CHOOSING_OCCURRENCE,
        Waiting.CHOOSING_CORRECTION,
        Waiting.CHOOSING_STATUS,
        Waiting.TYPING_FIGURE,
        Waiting.CONFIRMING_FIGURE,
    }
)


@_event
async def expire_idle(
    session: AsyncSession, now: datetime, cfg: DialogConfig
) -> list[tuple[int, Screen]]:
    """Pause every active dialog idle longer than ``cfg.timeout`` (judged from the stored
    ``last_activity_at`` against ``now``); returns (Telegram user id, notice) to send each contact.

    The draft is kept and the notice offers it; a dialog that had not chosen a task yet is closed.
    """
    limit = now - cfg.timeout
    rows = await store.idle(session, limit)
    out: list[tuple[int, Screen]] = []
    minutes = int(cfg.timeout.total_seconds() // 60)
    lead = _("Phiên cập nhật đã tạm dừng sau {minutes} phút không có trả lời.").format(
        minutes=minutes
    )
    for row, telegram_user_id in rows:
        claimed = await store.claim(
            session, row.contact_id, row.token, row.step, as_utc(row.last_activity_at)
        )
        if claimed is None:
            continue
        if store.draft_of(claimed).task_id is None:
            claimed.outcome = Outcome.CANCELLED
            text = lead + " " + _("Gõ /capnhat khi bạn muốn cập nhật.")
            out.append(
                (
                    telegram_user_id,
                    Screen(text=text, token=claimed.token, step=claimed.step),
                )
            )
        else:
            claimed.outcome = Outcome.TIMED_OUT
            out.append(
                (
                    telegram_user_id,
                    steps.offer(claimed, cfg, None, lead + " " + _("Bản nháp vẫn được giữ.")),
                )
            )
    return out


@_event
async def cancel(session: AsyncSession, contact: AnyContact, now: datetime) -> Screen | None:
    """``/huy``: cancel the contact's active or paused dialog (None when there is none)."""
    row = await store.load(session, contact.id)
    if row is None or row.outcome not in (Outcome.ACTIVE, Outcome.TIMED_OUT):
        return None
    claimed = await store.claim(session, contact.id, row.token, row.step, now)
    return steps.cancel(claimed) if claimed is not None else None
