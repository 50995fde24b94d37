"""Transitions of the progress dialog: moving between states, entering a task, storing, and the
buttons of each state. Called by ``dialogs.progress`` after it has claimed the dialog's row (the
step's compare-and-set); everything here changes that row (a ``store.DialogRow``) in memory, inside
the caller's transaction, and ``dialogs.progress`` writes it back at the end of the event.
"""

from __future__ import annotations

import html
from datetime import date, datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs import queries, screens, store
from dialogs.config import AnyContact, DialogConfig
from dialogs.draft import TEXT_STEPS, Draft, IndicatorAsk, Outcome, Waiting
from dialogs.numbers import Invalid, InvalidReason, format_figure
from dialogs.render import Button, Notice, Screen
from dialogs.store import DialogRow
from locales import _
from models.db import as_utc
from models.progress import ProgressStatus
from models.text import fmt_date, fmt_moment
from scheduler import adhoc
from scheduler.periods import adhoc_request_id, open_periods


def stale() -> Notice:
    return Notice(
        _("Nút này thuộc một phiên cập nhật đã kết thúc hoặc đã cũ; không có gì thay đổi.")
    )


def expired(row: DialogRow, now: datetime, cfg: DialogConfig) -> bool:
    return row.outcome == Outcome.ACTIVE and now - as_utc(row.last_activity_at) > cfg.timeout


def go(row: DialogRow, draft: Draft, state: Waiting) -> None:
    draft.history.append((row.state, draft.figure_index))
    row.state = state


def to_summary(row: DialogRow, draft: Draft) -> None:
    marks = [i for i, (state, _idx) in enumerate(draft.history) if state == Waiting.CONFIRMING]
    draft.editing_one = False
    if marks:
        draft.history = draft.history[: marks[-1]]
        row.state = Waiting.CONFIRMING
    else:
        go(row, draft, Waiting.CONFIRMING)


def advance(row: DialogRow, draft: Draft) -> None:
    """Move past the part just answered."""
    state = Waiting(row.state)
    order = [*TEXT_STEPS, Waiting.SENDING_ATTACHMENT, Waiting.CONFIRMING]
    if state is Waiting.CHOOSING_STATUS:
        nxt = Waiting.TYPING_FIGURE if draft.indicators else Waiting.TYPING_RESULT
        if draft.editing_one:
            return to_summary(row, draft)
        go(row, draft, nxt)
        draft.figure_index = 0
    elif state is Waiting.TYPING_FIGURE and draft.figure_index + 1 < len(draft.indicators):
        go(row, draft, Waiting.TYPING_FIGURE)
        draft.figure_index += 1
    elif draft.editing_one:
        to_summary(row, draft)
    elif state is Waiting.TYPING_FIGURE:
        go(row, draft, Waiting.TYPING_RESULT)
    else:
        go(row, draft, order[order.index(state) + 1])


async def show(
    session: AsyncSession,
    contact: AnyContact,
    row: DialogRow,
    draft: Draft,
    cfg: DialogConfig,
    **kw: str,
) -> Screen:
    store.put_draft(row, draft)  # stored by ``store.write_back`` at the end of the event
    return await screens.current(session, contact, row, cfg, draft=draft, **kw)


def offer(row: DialogRow, cfg: DialogConfig, switch: str | None, lead: str | None = None) -> Screen:
    """Offer the unfinished draft: continue it, start another, or drop it."""
    draft = store.draft_of(row)
    text = _("Bạn có một báo cáo chưa xong: nhiệm vụ {code}, bắt đầu lúc {when}.").format(
        code=draft.task_code, when=fmt_moment(as_utc(row.started_at), cfg.tz)
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


async def new_draft(
    session: AsyncSession,
    contact: AnyContact,
    now: datetime,
    cfg: DialogConfig,
    adhoc_id: int | None = None,
) -> Draft:
    """The draft a new dialog starts from: the open regular periods (the default first), then the
    ad hoc requests open to the contact's agency (``scheduler.adhoc``); ``adhoc_id`` preselects
    that request (a reminder's button) when it is among them. Reads, writes nothing."""
    today = cfg.local_date(now)
    calendar = cfg.calendar or await queries.load_calendar(session, contact.plan_id)
    periods = open_periods(today, calendar, cfg.due_working_days)
    draft = Draft(periods=[p.id for p in periods], period=periods[0].id)
    requests = await adhoc.open_requests(
        session, contact.plan_id, today, cfg.tz, agency_id=contact.agency_id
    )
    for request in sorted(requests, key=lambda r: (r.due, r.id)):
        draft.periods.append(request.period_id)
        draft.period_labels[request.period_id] = adhoc.period_label(request.subject, request.due)
        if request.id == adhoc_id:
            draft.period = request.period_id
    return draft


async def new(
    session: AsyncSession,
    contact: AnyContact,
    now: datetime,
    cfg: DialogConfig,
    task: queries.TaskChoice | None = None,
    occurrence: int = 0,
    one_tap: bool = False,
    adhoc_id: int | None = None,
    draft: Draft | None = None,
) -> Screen:
    """A new dialog (``new_draft``, unless ``draft`` is one it made in this step)."""
    if draft is None:
        draft = await new_draft(session, contact, now, cfg, adhoc_id)
    row = await store.begin_new(session, contact, now, Waiting.CHOOSING_TASK, draft)
    if task is None:
        return await screens.current(session, contact, row, cfg, draft=draft)
    return await enter_task(session, contact, row, draft, task, occurrence, now, cfg, one_tap)


async def enter_task(
    session: AsyncSession,
    contact: AnyContact,
    row: DialogRow,
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
        go(row, draft, Waiting.CHOOSING_OCCURRENCE)
        return await show(session, contact, row, draft, cfg)
    elif 1 <= occurrence <= count:
        draft.occurrence = occurrence
    else:
        today = cfg.local_date(now)
        upcoming = [i for i, due in enumerate(task.deadlines, start=1) if due >= today]
        draft.occurrence = upcoming[0] if upcoming else count
    return await after_occurrence(session, contact, row, draft, cfg, one_tap)


async def after_occurrence(
    session: AsyncSession,
    contact: AnyContact,
    row: DialogRow,
    draft: Draft,
    cfg: DialogConfig,
    one_tap: bool = False,
) -> Screen:
    report = await screens.existing_report(session, contact, draft)
    if one_tap:
        if report is not None and report.versions:
            # Only the status changes: the texts of the last version are carried over.
            draft = store.draft_from_version(draft, report.versions[-1])
        draft.status = ProgressStatus.DONE.value
        row.state = Waiting.CONFIRMING_DONE
    elif report is not None:
        go(row, draft, Waiting.CHOOSING_CORRECTION)
    else:
        go(row, draft, Waiting.CHOOSING_STATUS)
    return await show(session, contact, row, draft, cfg)


async def confirm(
    session: AsyncSession,
    contact: AnyContact,
    row: DialogRow,
    draft: Draft,
    now: datetime,
    cfg: DialogConfig,
) -> Screen:
    version = await store.store_reply(session, contact=contact, draft=draft, now=now)
    row.outcome = Outcome.DONE
    store.put_draft(row, draft)
    text = _(
        "✅ Đã ghi nhận báo cáo nhiệm vụ {code}, kỳ {period} (phiên bản {version}). Cảm ơn bạn!"
    ).format(
        code=html.escape(draft.task_code),
        period=html.escape(screens.period_name(draft, cfg)),
        version=version,
    )
    # The summary message keeps its content but no longer asks for Xác nhận.
    replaces = await screens.confirmed_summary(session, contact, draft, cfg, version)
    return Screen(
        text=text,
        token=row.token,
        step=row.step,
        stored_version=version,
        replaces=replaces,
    )


async def _summary_for_period(
    session: AsyncSession, contact: AnyContact, row: DialogRow, draft: Draft, period: str
) -> None:
    """Make ``period`` the draft's (its task chosen) and go to the summary; an existing reply for
    that task and period makes the draft its correction (``corrects_version``)."""
    draft.period = period
    report = await screens.existing_report(session, contact, draft)
    draft.corrects_version = report.latest_version if report is not None else None
    to_summary(row, draft)


async def _cancelled_request(
    session: AsyncSession, contact: AnyContact, draft: Draft, cfg: DialogConfig
) -> date | None:
    """The local day the ad hoc request the draft answers was cancelled (None: the draft answers
    a regular period, or a request still standing)."""
    request_id = adhoc_request_id(draft.period)
    if request_id is None:
        return None
    request = await adhoc.get_request(session, contact.plan_id, request_id, cfg.tz)
    return request.cancelled_on if request is not None else None


def cancel(row: DialogRow) -> Screen:
    draft = store.draft_of(row)
    row.outcome = Outcome.CANCELLED
    text = _("Đã hủy. Không có gì được ghi nhận.")
    if draft.corrects_version is not None:
        text += " " + _("Báo cáo đã gửi trước đó vẫn giữ nguyên.")
    return Screen(text=text, token=row.token, step=row.step)


async def on_button(
    session: AsyncSession,
    contact: AnyContact,
    row: DialogRow,
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
        task = await queries.agency_task(
            session, contact.plan_id, contact.agency_id or 0, arg, draft.period
        )
        if task is not None:
            return await enter_task(session, contact, row, draft, task, None, now, cfg)
    elif state is Waiting.CHOOSING_OCCURRENCE and action == "occ" and arg.isdigit():
        if 1 <= int(arg) <= len(draft.deadlines):
            draft.occurrence = int(arg)
            return await after_occurrence(session, contact, row, draft, cfg)
    elif state is Waiting.CHOOSING_CORRECTION and action == "corr":
        report = await screens.existing_report(session, contact, draft)
        if report is not None and report.versions:
            draft = store.draft_from_version(draft, report.versions[-1])
        go(row, draft, Waiting.CHOOSING_STATUS)
    elif state is Waiting.CHOOSING_STATUS and action == "st" and arg in set(ProgressStatus):
        draft.status = arg
        advance(row, draft)
    elif state is Waiting.CONFIRMING_FIGURE and action == "fig" and arg.isdigit():
        if int(arg) < len(draft.candidates):
            indicator = draft.indicators[draft.figure_index]
            draft.figures[str(indicator.id)] = draft.candidates[int(arg)]
            draft.history.pop()  # leave as if the figure had been typed unambiguously
            row.state = Waiting.TYPING_FIGURE
            advance(row, draft)
    elif action == "skip" and (
        state in TEXT_STEPS or state in (Waiting.TYPING_FIGURE, Waiting.SENDING_ATTACHMENT)
    ):
        advance(row, draft)
    elif action == "clear" and state in TEXT_STEPS:
        setattr(draft, TEXT_STEPS[state], None)
        advance(row, draft)
    elif action == "clear" and state is Waiting.SENDING_ATTACHMENT:
        draft.attachment = None
        advance(row, draft)
    elif state in (Waiting.CONFIRMING, Waiting.CONFIRMING_DONE) and action == "ok":
        cancelled_on = await _cancelled_request(session, contact, draft, cfg)
        regular = [p for p in draft.periods if adhoc_request_id(p) is None]
        if cancelled_on is None or not regular or draft.task_id is None:
            return await confirm(session, contact, row, draft, now, cfg)
        # The request was cancelled while the contact was writing: nothing is stored for it;
        # the draft moves to the regular period and is shown again (nothing typed is lost).
        draft.periods = [p for p in draft.periods if p != draft.period]
        await _summary_for_period(session, contact, row, draft, regular[0])
        notice = _(
            "Yêu cầu báo cáo đột xuất này đã được Cơ quan Thường trực hủy ngày {day}. Báo cáo "
            "của bạn chuyển sang kỳ {period}: bấm Xác nhận để gửi, hoặc Hủy."
        ).format(day=fmt_date(cancelled_on), period=screens.period_name(draft, cfg))
        return await show(session, contact, row, draft, cfg, notice=notice)
    elif state is Waiting.CONFIRMING and action == "edit":
        go(row, draft, Waiting.CHOOSING_FIELD)
    elif (
        state in (Waiting.CONFIRMING, Waiting.CHOOSING_TASK)
        and action == "period"
        and len(draft.periods) > 1
    ):
        go(row, draft, Waiting.CHOOSING_PERIOD)
    elif state is Waiting.CHOOSING_FIELD and action == "field" and arg in screens.FIELDS:
        go(row, draft, screens.FIELDS[arg])
        draft.figure_index = 0
        draft.editing_one = True
    elif state is Waiting.CHOOSING_PERIOD and action == "per" and arg.isdigit():
        if int(arg) < len(draft.periods):
            draft.period = draft.periods[int(arg)]
            if draft.task_id is None:  # chosen before the task (an ad hoc request is open)
                previous, index = draft.history.pop()
                row.state, draft.figure_index = previous, index
                return await show(session, contact, row, draft, cfg)
            await _summary_for_period(session, contact, row, draft, draft.period)
    elif state is Waiting.CONFIRMING_DONE and action == "full":
        go(row, draft, Waiting.CHOOSING_STATUS)
    else:
        return await show(
            session, contact, row, draft, cfg, notice=_("Nút này không dùng được ở bước này.")
        )
    return await show(session, contact, row, draft, cfg)


def invalid_figure(result: Invalid, typed: str, indicator: IndicatorAsk) -> str:
    """Why the figure ``typed`` (as the contact typed it) was refused, and what to type instead."""
    if result.reason is InvalidReason.NOT_WHOLE:
        value = result.value if result.value is not None else Decimal(0)
        return _(
            "Bạn gõ «{typed}», nhưng số liệu «{name}» đếm theo {unit} nên chỉ nhận số nguyên. "
            "Xin gõ lại một số nguyên, ví dụ {low} hoặc {high}."
        ).format(
            typed=html.escape(typed),
            name=html.escape(indicator.name),
            unit=html.escape(indicator.unit),
            low=format_figure(value.to_integral_value(ROUND_FLOOR)),
            high=format_figure(value.to_integral_value(ROUND_CEILING)),
        )
    messages = {
        InvalidReason.NOT_A_NUMBER: _(
            "Không đọc được số. Gõ số theo kiểu Việt Nam, ví dụ 1.234 hoặc 12,5."
        )
        if not indicator.whole
        else _("Không đọc được số. Gõ một số nguyên theo kiểu Việt Nam, ví dụ 12 hoặc 1.234."),
        InvalidReason.NEGATIVE: _("Số liệu không được âm."),
        InvalidReason.TOO_PRECISE: _("Số liệu có tối đa 2 chữ số thập phân."),
        InvalidReason.TOO_LARGE: _("Số quá lớn."),
    }
    return messages[result.reason]
