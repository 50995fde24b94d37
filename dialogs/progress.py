"""The guided progress dialog (``/capnhat``) as plain async functions; diagram in ``progress.mmd``.

Each event function takes the caller's session (one transaction per step, committed by the caller),
the contact (an agency contact: ``contact.agency_id`` set) and ``now`` (aware UTC), writes the
``DialogState`` row and its draft, and returns what to show: a ``Screen`` (text and buttons), or a
``Notice`` for a button that must change nothing (an old or finished dialog, a second tap).

Rules (issue 6, DESIGN.md decision 4): the state lives only in the database; a dialog idle longer
than ``cfg.timeout`` (judged from the stored ``last_activity_at`` against ``now``) pauses with its
draft kept and offered on return; a reply counts only on Xác nhận, stored as a new ``ProgressReport``
or the next version of it; texts are stored NFC. The reply answers ``draft.period``: the default open
period (``scheduler.periods.open_periods``), changeable in the summary when two are open.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs import queries, screens, store
from dialogs.config import DialogConfig
from dialogs.draft import TEXT_STEPS, Attachment, Draft, Outcome, Waiting
from dialogs.numbers import Ambiguous, Invalid, InvalidReason, Parsed, parse_figure
from dialogs.render import Button, Notice, Screen, moment, period_label
from locales import _
from models.people import Contact
from models.progress import DialogState, ProgressStatus
from scheduler.periods import open_periods

#: Longest text part accepted (a "short text"; the summary must fit one Telegram message).
MAX_TEXT = 2000

__all__ = [
    "Attachment",
    "DialogConfig",
    "Notice",
    "Screen",
    "Waiting",
    "cancel",
    "expire_idle",
    "open_task",
    "press",
    "receive_file",
    "receive_text",
    "start",
]


def nfc(text: str) -> str:
    """``text`` in Unicode NFC, stripped (Vietnamese keyboards may send NFD)."""
    return unicodedata.normalize("NFC", text).strip()


def _stale() -> Notice:
    return Notice(
        _("Nút này thuộc một phiên cập nhật đã kết thúc hoặc đã cũ; không có gì thay đổi.")
    )


def _expired(row: DialogState, now: datetime, cfg: DialogConfig) -> bool:
    return row.outcome == Outcome.ACTIVE and now - store.as_utc(row.last_activity_at) > cfg.timeout


def _go(row: DialogState, draft: Draft, state: Waiting) -> None:
    draft.history.append((row.state, draft.figure_index))
    row.state = state


def _to_summary(row: DialogState, draft: Draft) -> None:
    marks = [i for i, (state, _idx) in enumerate(draft.history) if state == Waiting.CONFIRMING]
    draft.editing_one = False
    if marks:
        draft.history = draft.history[: marks[-1]]
        row.state = Waiting.CONFIRMING
    else:
        _go(row, draft, Waiting.CONFIRMING)


def _advance(row: DialogState, draft: Draft) -> None:
    """Move past the part just answered."""
    state = Waiting(row.state)
    order = [*TEXT_STEPS, Waiting.SENDING_ATTACHMENT, Waiting.CONFIRMING]
    if state is Waiting.CHOOSING_STATUS:
        nxt = Waiting.TYPING_FIGURE if draft.indicators else Waiting.TYPING_RESULT
        if draft.editing_one:
            return _to_summary(row, draft)
        _go(row, draft, nxt)
        draft.figure_index = 0
    elif state is Waiting.TYPING_FIGURE and draft.figure_index + 1 < len(draft.indicators):
        _go(row, draft, Waiting.TYPING_FIGURE)
        draft.figure_index += 1
    elif draft.editing_one:
        _to_summary(row, draft)
    elif state is Waiting.TYPING_FIGURE:
        _go(row, draft, Waiting.TYPING_RESULT)
    else:
        _go(row, draft, order[order.index(state) + 1])


async def _show(
    session: AsyncSession,
    contact: Contact,
    row: DialogState,
    draft: Draft,
    cfg: DialogConfig,
    **kw: str,
) -> Screen:
    store.put_draft(row, draft)
    await session.flush()
    return await screens.current(session, contact, row, cfg, **kw)


def _offer(
    row: DialogState, cfg: DialogConfig, switch: str | None, lead: str | None = None
) -> Screen:
    """Offer the unfinished draft: continue it, start another, or drop it."""
    draft = store.draft_of(row)
    text = _("Bạn có một báo cáo chưa xong: nhiệm vụ {code}, bắt đầu lúc {when}.").format(
        code=draft.task_code, when=moment(store.as_utc(row.started_at), cfg.tz)
    )
    if lead:
        text = lead + "\n" + text
    other = (
        Button(_("Bỏ bản nháp, báo cáo nhiệm vụ khác"), "switch", switch)
        if switch
        else Button(_("Bắt đầu lại"), "restart")
    )
    rows = ((Button(_("Tiếp tục"), "resume"),), (other,), (Button(_("Hủy bản nháp"), "cancel"),))
    return Screen(text=text, rows=rows, token=row.token, step=row.step)


async def _new(
    session: AsyncSession,
    contact: Contact,
    now: datetime,
    cfg: DialogConfig,
    task: queries.TaskChoice | None = None,
    occurrence: int = 0,
    one_tap: bool = False,
) -> Screen:
    calendar = cfg.calendar or await queries.load_calendar(session, contact.plan_id)
    periods = open_periods(cfg.local_date(now), calendar, cfg.due_working_days)
    draft = Draft(periods=[p.id for p in periods], period=periods[0].id)
    row = await store.begin_new(session, contact, now, Waiting.CHOOSING_TASK, draft)
    if task is None:
        return await screens.current(session, contact, row, cfg)
    return await _enter_task(session, contact, row, draft, task, occurrence, now, cfg, one_tap)


async def _enter_task(
    session: AsyncSession,
    contact: Contact,
    row: DialogState,
    draft: Draft,
    task: queries.TaskChoice,
    occurrence: int | None,
    now: datetime,
    cfg: DialogConfig,
    one_tap: bool = False,
) -> Screen:
    """``occurrence`` None: ask it when the task has several deadlines; 0: the next deadline (the
    first not before today, else the last) — the reminder's "Cập nhật ngay" convention."""
    draft.task_id, draft.task_code, draft.task_title = task.id, task.code, task.content
    draft.is_lead = task.is_lead
    draft.indicators = await queries.task_indicators(session, task.id) if task.is_lead else []
    draft.deadlines = [d.isoformat() for d in task.deadlines]
    count = len(task.deadlines)
    if count <= 1:
        draft.occurrence = 0
    elif occurrence is None:
        _go(row, draft, Waiting.CHOOSING_OCCURRENCE)
        return await _show(session, contact, row, draft, cfg)
    elif 1 <= occurrence <= count:
        draft.occurrence = occurrence
    else:
        today = cfg.local_date(now)
        upcoming = [i for i, due in enumerate(task.deadlines, start=1) if due >= today]
        draft.occurrence = upcoming[0] if upcoming else count
    return await _after_occurrence(session, contact, row, draft, cfg, one_tap)


async def _after_occurrence(
    session: AsyncSession,
    contact: Contact,
    row: DialogState,
    draft: Draft,
    cfg: DialogConfig,
    one_tap: bool = False,
) -> Screen:
    assert contact.agency_id is not None and draft.task_id is not None
    report = await store.find_report(
        session,
        task_id=draft.task_id,
        agency_id=contact.agency_id,
        occurrence=draft.occurrence,
        period=draft.period,
    )
    if one_tap:
        if report is not None and report.versions:
            # Only the status changes: the texts of the last version are carried over.
            draft = store.draft_from_version(draft, report.versions[-1])
        draft.status = ProgressStatus.DONE.value
        row.state = Waiting.CONFIRMING_DONE
    elif report is not None:
        _go(row, draft, Waiting.CHOOSING_CORRECTION)
    else:
        _go(row, draft, Waiting.CHOOSING_STATUS)
    return await _show(session, contact, row, draft, cfg)


async def _store(
    session: AsyncSession,
    contact: Contact,
    row: DialogState,
    draft: Draft,
    now: datetime,
    cfg: DialogConfig,
) -> Screen:
    version = await store.store_reply(session, contact=contact, draft=draft, now=now)
    row.outcome = Outcome.DONE
    store.put_draft(row, draft)
    await session.flush()
    text = _(
        "✅ Đã ghi nhận báo cáo nhiệm vụ {code}, kỳ {period} (phiên bản {version}). Cảm ơn bạn!"
    ).format(
        code=draft.task_code, period=period_label(cfg.period(draft.period)), version=version.version
    )
    return Screen(text=text, token=row.token, step=row.step, stored_version=version.version)


def _cancel(row: DialogState) -> Screen:
    draft = store.draft_of(row)
    row.outcome = Outcome.CANCELLED
    text = _("Đã hủy. Không có gì được ghi nhận.")
    if draft.corrects_version is not None:
        text += " " + _("Báo cáo đã gửi trước đó vẫn giữ nguyên.")
    return Screen(text=text, token=row.token, step=row.step)


def _require_agency(contact: Contact) -> None:
    if contact.agency_id is None:
        raise ValueError("the progress dialog is for agency contacts (contact.agency_id is None)")


async def start(
    session: AsyncSession, contact: Contact, now: datetime, cfg: DialogConfig
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
                if _expired(row, now, cfg):
                    claimed.outcome = Outcome.TIMED_OUT
                return _offer(claimed, cfg, switch=None)
    assert contact.agency_id is not None
    if not await queries.agency_tasks(session, contact.plan_id, contact.agency_id):
        return Screen(text=_("Cơ quan của bạn chưa được giao nhiệm vụ nào trong kế hoạch."))
    return await _new(session, contact, now, cfg)


async def open_task(
    session: AsyncSession,
    contact: Contact,
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
                if _expired(row, now, cfg):
                    claimed.outcome = Outcome.TIMED_OUT
                kind = "d" if one_tap else "o"
                return _offer(claimed, cfg, switch=f"{kind}.{code}.{occurrence}")
    return await _new(session, contact, now, cfg, task, occurrence, one_tap)


async def press(
    session: AsyncSession,
    contact: Contact,
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
    row = await store.load(session, contact.id)
    if row is None or row.token != token or row.step != step:
        if row is not None and row.token == token and row.outcome == Outcome.DONE:
            return Notice(_("Báo cáo này đã được ghi nhận."))
        return _stale()
    if row.outcome in (Outcome.CANCELLED, Outcome.DONE):
        return _stale()
    expired = _expired(row, now, cfg)
    claimed = await store.claim(session, contact.id, token, step, now)
    if claimed is None:  # a concurrent tap won the compare-and-set
        return _stale()
    row = claimed
    if action == "cancel":
        return _cancel(row)
    if action == "restart":
        return await _new(session, contact, now, cfg)
    if action == "switch":
        kind, code, occurrence = [*arg.split("."), "", "", "0"][:3]
        task = await queries.agency_task(session, contact.plan_id, contact.agency_id or 0, code)
        if task is None:
            return _stale()
        return await _new(session, contact, now, cfg, task, int(occurrence or 0), kind == "d")
    if expired or row.outcome == Outcome.TIMED_OUT:
        if action != "resume":
            row.outcome = Outcome.TIMED_OUT
            return _offer(row, cfg, None, _("Phiên cập nhật đã tạm dừng vì lâu không trả lời."))
        row.outcome = Outcome.ACTIVE
    draft = store.draft_of(row)
    if action == "resume":
        return await _show(session, contact, row, draft, cfg)
    if action == "back":
        if draft.history:
            state, index = draft.history.pop()
            row.state, draft.figure_index = state, index
            if state in (Waiting.CHOOSING_FIELD, Waiting.CONFIRMING):
                draft.editing_one = False
        return await _show(session, contact, row, draft, cfg)
    return await _on_button(session, contact, row, draft, now, cfg, action, arg)


async def _on_button(
    session: AsyncSession,
    contact: Contact,
    row: DialogState,
    draft: Draft,
    now: datetime,
    cfg: DialogConfig,
    action: str,
    arg: str,
) -> Screen | Notice:
    state = Waiting(row.state)
    if state is Waiting.CHOOSING_TASK and action == "page" and arg.isdigit():
        draft.page = int(arg)
    elif state is Waiting.CHOOSING_TASK and action == "task":
        task = await queries.agency_task(session, contact.plan_id, contact.agency_id or 0, arg)
        if task is not None:
            return await _enter_task(session, contact, row, draft, task, None, now, cfg)
    elif state is Waiting.CHOOSING_OCCURRENCE and action == "occ" and arg.isdigit():
        if 1 <= int(arg) <= len(draft.deadlines):
            draft.occurrence = int(arg)
            return await _after_occurrence(session, contact, row, draft, cfg)
    elif state is Waiting.CHOOSING_CORRECTION and action == "corr":
        assert draft.task_id is not None and contact.agency_id is not None
        report = await store.find_report(
            session,
            task_id=draft.task_id,
            agency_id=contact.agency_id,
            occurrence=draft.occurrence,
            period=draft.period,
        )
        if report is not None and report.versions:
            draft = store.draft_from_version(draft, report.versions[-1])
        _go(row, draft, Waiting.CHOOSING_STATUS)
    elif state is Waiting.CHOOSING_STATUS and action == "st" and arg in set(ProgressStatus):
        draft.status = arg
        _advance(row, draft)
    elif state is Waiting.CONFIRMING_FIGURE and action == "fig" and arg.isdigit():
        if int(arg) < len(draft.candidates):
            indicator = draft.indicators[draft.figure_index]
            draft.figures[str(indicator.id)] = draft.candidates[int(arg)]
            draft.history.pop()  # leave as if the figure had been typed unambiguously
            row.state = Waiting.TYPING_FIGURE
            _advance(row, draft)
    elif action == "skip" and (
        state in TEXT_STEPS or state in (Waiting.TYPING_FIGURE, Waiting.SENDING_ATTACHMENT)
    ):
        _advance(row, draft)
    elif action == "clear" and state in TEXT_STEPS:
        setattr(draft, TEXT_STEPS[state], None)
        _advance(row, draft)
    elif action == "clear" and state is Waiting.SENDING_ATTACHMENT:
        draft.attachment = None
        _advance(row, draft)
    elif state in (Waiting.CONFIRMING, Waiting.CONFIRMING_DONE) and action == "ok":
        return await _store(session, contact, row, draft, now, cfg)
    elif state is Waiting.CONFIRMING and action == "edit":
        _go(row, draft, Waiting.CHOOSING_FIELD)
    elif state is Waiting.CONFIRMING and action == "period" and len(draft.periods) > 1:
        _go(row, draft, Waiting.CHOOSING_PERIOD)
    elif state is Waiting.CHOOSING_FIELD and action == "field" and arg in screens.FIELDS:
        _go(row, draft, screens.FIELDS[arg])
        draft.figure_index = 0
        draft.editing_one = True
    elif state is Waiting.CHOOSING_PERIOD and action == "per" and arg.isdigit():
        if int(arg) < len(draft.periods):
            draft.period = draft.periods[int(arg)]
            assert draft.task_id is not None and contact.agency_id is not None
            report = await store.find_report(
                session,
                task_id=draft.task_id,
                agency_id=contact.agency_id,
                occurrence=draft.occurrence,
                period=draft.period,
            )
            draft.corrects_version = report.latest_version if report is not None else None
            _to_summary(row, draft)
    elif state is Waiting.CONFIRMING_DONE and action == "full":
        _go(row, draft, Waiting.CHOOSING_STATUS)
    else:
        return await _show(
            session, contact, row, draft, cfg, notice=_("Nút này không dùng được ở bước này.")
        )
    return await _show(session, contact, row, draft, cfg)


async def _active_row(
    session: AsyncSession, contact: Contact, now: datetime, cfg: DialogConfig
) -> tuple[DialogState | None, Screen | None]:
    """Claim the contact's active dialog for a typed input: (row, None) to go on, (None, screen)
    when the dialog had paused (the offer), (None, None) when there is no dialog."""
    for _attempt in range(3):
        row = await store.load(session, contact.id)
        if row is None or row.outcome in (Outcome.CANCELLED, Outcome.DONE):
            return None, None
        expired = _expired(row, now, cfg)
        claimed = await store.claim(session, contact.id, row.token, row.step, now)
        if claimed is None:
            continue
        if expired or claimed.outcome == Outcome.TIMED_OUT:
            claimed.outcome = Outcome.TIMED_OUT
            lead = _("Phiên cập nhật đã tạm dừng vì lâu không trả lời; tin vừa gửi chưa được ghi.")
            return None, _offer(claimed, cfg, None, lead)
        return claimed, None
    return None, None


async def receive_text(
    session: AsyncSession, contact: Contact, now: datetime, cfg: DialogConfig, text: str
) -> Screen | None:
    """A typed message while a dialog is active (None: no active dialog, the text is not ours).

    The text is stored NFC; a figure is read as a Vietnamese number (``dialogs.numbers``).
    """
    _require_agency(contact)
    row, paused = await _active_row(session, contact, now, cfg)
    if row is None:
        return paused
    draft = store.draft_of(row)
    state = Waiting(row.state)
    text = nfc(text)
    if state is Waiting.TYPING_FIGURE:
        result = parse_figure(text)
        indicator = draft.indicators[draft.figure_index]
        if isinstance(result, Parsed):
            draft.figures[str(indicator.id)] = str(result.value)
            _advance(row, draft)
        elif isinstance(result, Ambiguous):
            draft.candidates = [str(v) for v in result.candidates]
            draft.ambiguous_text = text
            _go(row, draft, Waiting.CONFIRMING_FIGURE)
        else:
            return await _show(session, contact, row, draft, cfg, prefix=_invalid_figure(result))
    elif state in TEXT_STEPS:
        if len(text) > MAX_TEXT:
            prefix = _(
                "Nội dung dài {length} ký tự; xin gõ ngắn gọn, tối đa {limit} ký tự."
            ).format(length=len(text), limit=MAX_TEXT)
            return await _show(session, contact, row, draft, cfg, prefix=prefix)
        setattr(draft, TEXT_STEPS[state], text or None)
        _advance(row, draft)
    else:
        return await _show(
            session, contact, row, draft, cfg, prefix=_("Xin chọn bằng các nút bên dưới.")
        )
    return await _show(session, contact, row, draft, cfg)


def _invalid_figure(result: Invalid) -> str:
    messages = {
        InvalidReason.NOT_A_NUMBER: _(
            "Không đọc được số. Gõ số theo kiểu Việt Nam, ví dụ 1.234 hoặc 12,5."
        ),
        InvalidReason.NEGATIVE: _("Số liệu không được âm."),
        InvalidReason.TOO_PRECISE: _("Số liệu có tối đa 2 chữ số thập phân."),
        InvalidReason.TOO_LARGE: _("Số quá lớn."),
    }
    return messages[result.reason]


async def receive_file(
    session: AsyncSession,
    contact: Contact,
    now: datetime,
    cfg: DialogConfig,
    attachment: Attachment,
) -> Screen | None:
    """A document or photo while a dialog is active: kept as the deliverable (by ``file_id``).

    At SENDING_ATTACHMENT it moves on to the summary; at any other step after the task is chosen it
    is kept and the step is shown again. None: no active dialog.
    """
    _require_agency(contact)
    row, paused = await _active_row(session, contact, now, cfg)
    if row is None:
        return paused
    draft = store.draft_of(row)
    if draft.task_id is None:
        return await _show(session, contact, row, draft, cfg, prefix=_("Xin chọn nhiệm vụ trước."))
    draft.attachment = Attachment(
        file_id=attachment.file_id,
        kind=attachment.kind,
        name=nfc(attachment.name) if attachment.name else None,
    )
    if Waiting(row.state) is Waiting.SENDING_ATTACHMENT:
        _advance(row, draft)
        return await _show(session, contact, row, draft, cfg)
    return await _show(session, contact, row, draft, cfg, prefix=_("Đã nhận tệp đính kèm."))


async def expire_idle(
    session: AsyncSession, now: datetime, cfg: DialogConfig
) -> list[tuple[int, Screen]]:
    """Pause every active dialog idle longer than ``cfg.timeout`` (judged from the stored
    ``last_activity_at`` against ``now``); returns (Telegram user id, notice) to send each contact.

    The draft is kept and the notice offers it; a dialog that had not chosen a task yet is closed.
    """
    limit = now - cfg.timeout
    rows = (
        await session.execute(
            select(DialogState, Contact)
            .join(Contact, Contact.id == DialogState.contact_id)
            .where(DialogState.outcome == Outcome.ACTIVE, DialogState.last_activity_at < limit)
        )
    ).all()
    out: list[tuple[int, Screen]] = []
    minutes = int(cfg.timeout.total_seconds() // 60)
    lead = _("Phiên cập nhật đã tạm dừng sau {minutes} phút không có trả lời.").format(
        minutes=minutes
    )
    for row, contact in rows:
        claimed = await store.claim(
            session, contact.id, row.token, row.step, store.as_utc(row.last_activity_at)
        )
        if claimed is None:
            continue
        if store.draft_of(claimed).task_id is None:
            claimed.outcome = Outcome.CANCELLED
            text = lead + " " + _("Gõ /capnhat khi bạn muốn cập nhật.")
            out.append(
                (
                    contact.telegram_user_id,
                    Screen(text=text, token=claimed.token, step=claimed.step),
                )
            )
        else:
            claimed.outcome = Outcome.TIMED_OUT
            out.append(
                (
                    contact.telegram_user_id,
                    _offer(claimed, cfg, None, lead + " " + _("Bản nháp vẫn được giữ.")),
                )
            )
    await session.flush()
    return out


async def cancel(session: AsyncSession, contact: Contact, now: datetime) -> Screen | None:
    """``/huy``: cancel the contact's active or paused dialog (None when there is none)."""
    row = await store.load(session, contact.id)
    if row is None or row.outcome not in (Outcome.ACTIVE, Outcome.TIMED_OUT):
        return None
    claimed = await store.claim(session, contact.id, row.token, row.step, now)
    return _cancel(claimed) if claimed is not None else None
