"""Rows of the progress dialog: the contact's ``DialogState`` and the confirmed replies.

Every function takes the caller's session and never commits: the caller wraps one dialog step in one
transaction (``async with session_factory.begin()``), so the state, the draft and a stored reply are
written together or not at all (DESIGN.md decision 4).

Concurrency: a step first *claims* the state with one compare-and-set UPDATE on ``(token, step)``.
Two taps on the same button, in one process or two, race on that UPDATE and only one wins; on
SQLite the UPDATE is also the first write of the transaction, so the write lock is taken (waiting
up to the busy timeout) before anything of the dialog is read, and no snapshot can go stale
("database is locked"). The role check's SELECT may come before it in the same unit of work
(``handlers.auth.requires_in_unit``): under the sqlite3 module's default transaction control a
SELECT opens no SQLite transaction, so SQLite's transaction still begins with the first write.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from dialogs.config import AnyContact
from dialogs.draft import Attachment, Draft, Outcome, Waiting
from models.progress import (
    DialogState,
    IndicatorFigure,
    ProgressReport,
    ProgressReportVersion,
    ProgressStatus,
)


def as_utc(moment: datetime) -> datetime:
    """``moment`` as aware UTC (SQLite hands back naive datetimes; they were stored as UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def draft_of(row: DialogState) -> Draft:
    """The row's draft as a ``Draft``."""
    return Draft.model_validate(row.draft or {})


def put_draft(row: DialogState, draft: Draft) -> None:
    """Write ``draft`` into the row (a new dict, so the ORM sees the change)."""
    row.draft = draft.model_dump(mode="json")


async def load(session: AsyncSession, contact_id: int) -> DialogState | None:
    """The contact's dialog row (at most one), read fresh from the database."""
    return await session.scalar(
        select(DialogState)
        .where(DialogState.contact_id == contact_id)
        .execution_options(populate_existing=True)
    )


async def claim(
    session: AsyncSession,
    contact_id: int,
    token: int,
    step: int,
    now: datetime,
    *,
    active_since: datetime | None = None,
) -> DialogState | None:
    """Advance the contact's dialog past ``(token, step)`` if it is still there; None if not.

    Sets ``step += 1`` and ``last_activity_at = now`` in one conditional UPDATE, then returns the row
    (locked by this transaction until it ends). With ``active_since``, only an active dialog whose
    last activity is not before it is claimed (the fast path of a step: one statement).
    """
    conditions = [
        DialogState.contact_id == contact_id,
        DialogState.token == token,
        DialogState.step == step,
    ]
    if active_since is not None:
        conditions += [
            DialogState.outcome == Outcome.ACTIVE,
            DialogState.last_activity_at >= active_since,
        ]
    # RETURNING (SQLite ≥ 3.35, PostgreSQL) hands back the claimed row in the same statement.
    return await session.scalar(
        update(DialogState)
        .where(*conditions)
        .values(step=DialogState.step + 1, last_activity_at=now)
        .returning(DialogState)
        .execution_options(synchronize_session=False, populate_existing=True)
    )


async def claim_live(
    session: AsyncSession, contact_id: int, now: datetime, active_since: datetime
) -> DialogState | None:
    """Advance the contact's dialog whatever its step, if it is active and was active at or after
    ``active_since`` (a typed message: it answers the current step, in arrival order)."""
    return await session.scalar(
        update(DialogState)
        .where(
            DialogState.contact_id == contact_id,
            DialogState.outcome == Outcome.ACTIVE,
            DialogState.last_activity_at >= active_since,
        )
        .values(step=DialogState.step + 1, last_activity_at=now)
        .returning(DialogState)
        .execution_options(synchronize_session=False, populate_existing=True)
    )


async def begin_new(
    session: AsyncSession, contact: AnyContact, now: datetime, state: Waiting, draft: Draft
) -> DialogState:
    """Start a new dialog for ``contact``: a new token (old buttons become stale), fresh draft."""
    row = await load(session, contact.id)
    if row is None:
        row = DialogState(
            contact_id=contact.id,
            state=state,
            draft=draft.model_dump(mode="json"),
            token=1,
            step=0,
            started_at=now,
            last_activity_at=now,
            outcome=Outcome.ACTIVE,
        )
        session.add(row)
        await session.flush()
        return row
    claimed = await claim(session, contact.id, row.token, row.step, now)
    if claimed is None:  # a concurrent step of the same contact won; start over from its result
        return await begin_new(session, contact, now, state, draft)
    claimed.token += 1
    claimed.state = state
    put_draft(claimed, draft)
    claimed.started_at = now
    claimed.outcome = Outcome.ACTIVE
    await session.flush()
    return claimed


async def find_report(
    session: AsyncSession,
    *,
    task_id: int,
    agency_id: int,
    occurrence: int,
    period: str,
    for_update: bool = False,
) -> ProgressReport | None:
    """The confirmed reply for this key, with its versions and their figures.

    ``for_update`` locks the report row until the transaction ends (PostgreSQL; SQLite's single
    writer needs no row lock), so two versions cannot get the same number.
    """
    stmt = select(ProgressReport)
    if for_update:
        stmt = stmt.with_for_update(of=ProgressReport)
    return await session.scalar(
        stmt.where(
            ProgressReport.task_id == task_id,
            ProgressReport.agency_id == agency_id,
            ProgressReport.occurrence == occurrence,
            ProgressReport.period == period,
        )
        .options(selectinload(ProgressReport.versions).selectinload(ProgressReportVersion.figures))
        .execution_options(populate_existing=True)
    )


def _version(
    draft: Draft, status: ProgressStatus, number: int, contact_id: int, now: datetime
) -> ProgressReportVersion:
    attachment = draft.attachment
    return ProgressReportVersion(
        version=number,
        status=status,
        result=draft.result,
        difficulties=draft.difficulties,
        next_steps=draft.next_steps,
        proposals=draft.proposals,
        attachment_file_id=attachment.file_id if attachment else None,
        attachment_kind=attachment.kind if attachment else None,
        attachment_name=attachment.name if attachment else None,
        contact_id=contact_id,
        confirmed_at=now,
        figures=[
            IndicatorFigure(indicator_id=int(key), value=Decimal(value))
            for key, value in sorted(draft.figures.items())
        ],
    )


async def store_reply(
    session: AsyncSession, *, contact: AnyContact, draft: Draft, now: datetime
) -> ProgressReportVersion:
    """Store the confirmed draft: a new ``ProgressReport`` (version 1) or the next version of it.

    Every earlier version is kept. Raises ``ValueError`` when the draft has no task, status or
    period, or the contact no agency.
    """
    if draft.task_id is None or draft.status is None or not draft.period:
        raise ValueError("a reply needs a task, a status and a period")
    if contact.agency_id is None:
        raise ValueError("the contact acts for no agency")
    task_id, agency_id = draft.task_id, contact.agency_id
    status = ProgressStatus(draft.status)

    async def find() -> ProgressReport | None:
        return await find_report(
            session,
            task_id=task_id,
            agency_id=agency_id,
            occurrence=draft.occurrence,
            period=draft.period,
            for_update=True,
        )

    report = await find()
    if report is None:
        report = ProgressReport(
            plan_id=contact.plan_id,
            status=status,
            latest_version=1,
            confirmed_at=now,
            task_id=task_id,
            agency_id=agency_id,
            occurrence=draft.occurrence,
            period=draft.period,
        )
        version = _version(draft, status, 1, contact.id, now)
        report.versions.append(version)
        try:
            # Another contact of the same agency may create this reply at the same moment
            # (PostgreSQL); the unique key catches it and we add a version to theirs instead.
            async with session.begin_nested():
                session.add(report)
            return version
        except IntegrityError:
            report = await find()
            if report is None:
                raise
    number = report.latest_version + 1
    version = _version(draft, status, number, contact.id, now)
    report.versions.append(version)
    report.latest_version = number
    report.status = status
    report.confirmed_at = now
    await session.flush()
    return version


def draft_from_version(draft: Draft, version: ProgressReportVersion) -> Draft:
    """``draft`` prefilled with a stored version's answers (to correct it)."""
    figures = {str(f.indicator_id): str(f.value) for f in version.figures}
    attachment = None
    if version.attachment_file_id:
        attachment = Attachment(
            file_id=version.attachment_file_id,
            kind=version.attachment_kind or "document",
            name=version.attachment_name,
        )
    return draft.model_copy(
        update={
            "status": str(version.status),
            "figures": figures,
            "result": version.result,
            "difficulties": version.difficulties,
            "next_steps": version.next_steps,
            "proposals": version.proposals,
            "attachment": attachment,
            "corrects_version": version.version,
        }
    )
