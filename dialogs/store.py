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

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from dialogs.config import AnyContact
from dialogs.draft import Attachment, Draft, Outcome, Waiting
from models.db import unit_connection
from models.people import Contact
from models.progress import (
    DialogState,
    IndicatorFigure,
    ProgressReport,
    ProgressReportVersion,
    ProgressStatus,
)


@dataclass(eq=False)
class DialogRow:
    """A contact's ``dialog_states`` row as a step reads it: plain values, no ORM object.

    A step changes ``state``, ``draft`` (the JSON form of a ``Draft``: ``put_draft``), ``token``,
    ``started_at`` and ``outcome`` in memory; ``write_back`` stores them in one UPDATE when they
    differ from what the database holds (``written``). ``step`` and ``last_activity_at`` are
    written by the claim itself. Datetimes as stored (SQLite: naive, meaning UTC).
    """

    id: int
    contact_id: int
    state: str
    draft: dict[str, Any]
    token: int
    step: int
    started_at: datetime
    last_activity_at: datetime
    outcome: str
    #: (state, draft, token, started_at, outcome) as the database holds them.
    written: tuple[Any, ...] = field(default=(), repr=False)

    def _values(self) -> tuple[Any, ...]:
        return (self.state, self.draft, self.token, self.started_at, self.outcome)


# Every statement of a step is built once, here, with bind parameters, and run as Core on the
# session's connection: building a statement and going through the ORM cost several times what
# SQLite takes to run it. The claims are compare-and-set UPDATEs returning the row.
_COLUMNS = (
    DialogState.id,
    DialogState.contact_id,
    DialogState.state,
    DialogState.draft,
    DialogState.token,
    DialogState.step,
    DialogState.started_at,
    DialogState.last_activity_at,
    DialogState.outcome,
)
_LOAD = select(*_COLUMNS).where(DialogState.contact_id == bindparam("b_contact_id"))
_ADVANCE = {
    "step": DialogState.step + 1,
    "last_activity_at": bindparam("b_now"),
}
_AT_STEP = (
    DialogState.contact_id == bindparam("b_contact_id"),
    DialogState.token == bindparam("b_token"),
    DialogState.step == bindparam("b_step"),
)
_LIVE = (
    DialogState.outcome == Outcome.ACTIVE.value,
    DialogState.last_activity_at >= bindparam("b_active_since"),
)
_CLAIM = update(DialogState).where(*_AT_STEP).values(_ADVANCE).returning(*_COLUMNS)
_CLAIM_LIVE_AT_STEP = (
    update(DialogState).where(*_AT_STEP, *_LIVE).values(_ADVANCE).returning(*_COLUMNS)
)
_CLAIM_LIVE = (
    update(DialogState)
    .where(DialogState.contact_id == bindparam("b_contact_id"), *_LIVE)
    .values(_ADVANCE)
    .returning(*_COLUMNS)
)
_NEW_VALUES = {
    "state": bindparam("b_state"),
    "draft": bindparam("b_draft", type_=DialogState.draft.type),
    "started_at": bindparam("b_now"),
    "last_activity_at": bindparam("b_now"),
    "outcome": Outcome.ACTIVE.value,
}
_RESTART = (
    update(DialogState)
    .where(DialogState.contact_id == bindparam("b_contact_id"))
    .values(token=DialogState.token + 1, step=DialogState.step + 1, **_NEW_VALUES)
    .returning(*_COLUMNS)
)
_CREATE = (
    insert(DialogState)
    .values(contact_id=bindparam("b_contact_id"), token=1, step=0, **_NEW_VALUES)
    .returning(*_COLUMNS)
)
_WRITE = (
    update(DialogState)
    .where(DialogState.id == bindparam("b_row_id"))
    .values(
        state=bindparam("b_state"),
        draft=bindparam("b_draft", type_=DialogState.draft.type),
        token=bindparam("b_token"),
        started_at=bindparam("b_started_at"),
        outcome=bindparam("b_outcome"),
    )
)
#: ``session.info`` key of the rows claimed in this unit of work (``write_back`` stores them).
_CLAIMED = "dialogs.claimed"


def _row(session: AsyncSession, found: Any, *, claimed: bool) -> DialogRow | None:
    if found is None:
        return None
    row = DialogRow(*found)
    row.written = row._values()
    if claimed:
        session.info.setdefault(_CLAIMED, []).append(row)
    return row


async def _one(session: AsyncSession, statement: Any, params: dict[str, Any]) -> Any:
    connection = await unit_connection(session)
    return (await connection.execute(statement, params)).first()


async def write_back(session: AsyncSession) -> None:
    """Store what changed in the rows claimed in this unit of work (one UPDATE per changed row).

    ``dialogs.progress`` calls it at the end of every event, inside the caller's transaction.
    """
    rows: list[DialogRow] = session.info.pop(_CLAIMED, [])
    for row in rows:
        values = row._values()
        if values == row.written:
            continue
        connection = await unit_connection(session)
        await connection.execute(
            _WRITE,
            {
                "b_row_id": row.id,
                "b_state": row.state,
                "b_draft": row.draft,
                "b_token": row.token,
                "b_started_at": row.started_at,
                "b_outcome": row.outcome,
            },
        )
        row.written = values


def draft_of(row: DialogRow) -> Draft:
    """The row's draft as a ``Draft``."""
    return Draft.model_validate(row.draft or {})


def put_draft(row: DialogRow, draft: Draft) -> None:
    """Write ``draft`` into the row (stored by ``write_back``)."""
    row.draft = draft.model_dump(mode="json")


async def load(session: AsyncSession, contact_id: int) -> DialogRow | None:
    """The contact's dialog row (at most one), read fresh from the database."""
    return _row(session, await _one(session, _LOAD, {"b_contact_id": contact_id}), claimed=False)


async def idle(session: AsyncSession, before: datetime) -> list[tuple[DialogRow, int]]:
    """The active dialogs whose last activity is before ``before``, each with its contact's
    Telegram user id (not claimed: ``claim`` each before changing it)."""
    connection = await unit_connection(session)
    found = await connection.execute(
        select(*_COLUMNS, Contact.telegram_user_id)
        .join(Contact, Contact.id == DialogState.contact_id)
        .where(DialogState.outcome == Outcome.ACTIVE.value, DialogState.last_activity_at < before)
        .order_by(DialogState.id)
    )
    out: list[tuple[DialogRow, int]] = []
    for values in found.all():
        row = DialogRow(*values[:-1])
        row.written = row._values()
        out.append((row, values[-1]))
    return out


async def claim(
    session: AsyncSession,
    contact_id: int,
    token: int,
    step: int,
    now: datetime,
    *,
    active_since: datetime | None = None,
) -> DialogRow | None:
    """Advance the contact's dialog past ``(token, step)`` if it is still there; None if not.

    Sets ``step += 1`` and ``last_activity_at = now`` in one conditional UPDATE, then returns the row
    (locked by this transaction until it ends; its changes are stored by ``write_back``). With
    ``active_since``, only an active dialog whose last activity is not before it is claimed (the
    fast path of a step: one statement).
    """
    params: dict[str, Any] = {
        "b_contact_id": contact_id,
        "b_token": token,
        "b_step": step,
        "b_now": now,
    }
    statement = _CLAIM
    if active_since is not None:
        statement = _CLAIM_LIVE_AT_STEP
        params["b_active_since"] = active_since
    # RETURNING (SQLite ≥ 3.35, PostgreSQL) hands back the claimed row in the same statement.
    return _row(session, await _one(session, statement, params), claimed=True)


async def claim_live(
    session: AsyncSession, contact_id: int, now: datetime, active_since: datetime
) -> DialogRow | None:
    """Advance the contact's dialog whatever its step, if it is active and was active at or after
    ``active_since`` (a typed message: it answers the current step, in arrival order)."""
    params = {"b_contact_id": contact_id, "b_now": now, "b_active_since": active_since}
    return _row(session, await _one(session, _CLAIM_LIVE, params), claimed=True)


async def begin_new(
    session: AsyncSession, contact: AnyContact, now: datetime, state: Waiting, draft: Draft
) -> DialogRow:
    """Start a new dialog for ``contact``: a new token (old buttons become stale), fresh draft.

    One UPDATE that moves the token and the step on whatever they are (so a concurrent step of
    the same contact, holding the old ones, fails its claim) and writes the new dialog; the first
    dialog of a contact is an INSERT.
    """
    params = {
        "b_contact_id": contact.id,
        "b_now": now,
        "b_state": state.value,
        "b_draft": draft.model_dump(mode="json"),
    }
    row = _row(session, await _one(session, _RESTART, params), claimed=True)
    if row is None:
        row = _row(session, await _one(session, _CREATE, params), claimed=True)
    assert row is not None
    return row


_FIND_REPORT = (
    select(ProgressReport)
    .where(
        ProgressReport.task_id == bindparam("b_task_id"),
        ProgressReport.agency_id == bindparam("b_agency_id"),
        ProgressReport.occurrence == bindparam("b_occurrence"),
        ProgressReport.period == bindparam("b_period"),
    )
    .options(selectinload(ProgressReport.versions).selectinload(ProgressReportVersion.figures))
    .execution_options(populate_existing=True)
)
_FIND_REPORT_FOR_UPDATE = _FIND_REPORT.with_for_update(of=ProgressReport)


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
    result = await session.execute(
        _FIND_REPORT_FOR_UPDATE if for_update else _FIND_REPORT,
        {
            "b_task_id": task_id,
            "b_agency_id": agency_id,
            "b_occurrence": occurrence,
            "b_period": period,
        },
    )
    return result.scalar_one_or_none()


_NEW_REPORT_VALUES = {
    "plan_id": bindparam("b_plan_id"),
    "task_id": bindparam("b_task_id"),
    "agency_id": bindparam("b_agency_id"),
    "occurrence": bindparam("b_occurrence"),
    "period": bindparam("b_period"),
    "status": bindparam("b_status"),
    "latest_version": 1,
    "confirmed_at": bindparam("b_now"),
}
_KEY_COLUMNS = ["task_id", "agency_id", "occurrence", "period"]


def _save_report(insert_into: Any) -> Any:
    statement = insert_into(ProgressReport).values(_NEW_REPORT_VALUES)
    return statement.on_conflict_do_update(
        index_elements=_KEY_COLUMNS,
        set_={
            "latest_version": ProgressReport.latest_version + 1,
            "status": statement.excluded.status,
            "confirmed_at": statement.excluded.confirmed_at,
        },
    ).returning(ProgressReport.id, ProgressReport.latest_version)


#: The reply's row for the version being stored, in one statement: a new reply (version 1), or
#: the next version number of the existing one (its status and confirmation time updated). On
#: PostgreSQL the conflicting row is locked until the transaction ends, so two contacts of the
#: same agency confirming at once get two numbers, whichever of them created the reply; SQLite's
#: single writer serializes them anyway.
_SAVE_REPORT = {
    "sqlite": _save_report(sqlite_insert),
    "postgresql": _save_report(postgresql_insert),
}
_ADD_VERSION = (
    insert(ProgressReportVersion)
    .values(
        report_id=bindparam("b_report_id"),
        version=bindparam("b_version"),
        status=bindparam("b_status"),
        result=bindparam("b_result"),
        difficulties=bindparam("b_difficulties"),
        next_steps=bindparam("b_next_steps"),
        proposals=bindparam("b_proposals"),
        attachment_file_id=bindparam("b_attachment_file_id"),
        attachment_kind=bindparam("b_attachment_kind"),
        attachment_name=bindparam("b_attachment_name"),
        contact_id=bindparam("b_contact_id"),
        confirmed_at=bindparam("b_now"),
    )
    .returning(ProgressReportVersion.id)
)
_ADD_FIGURE = insert(IndicatorFigure).values(
    version_id=bindparam("b_version_id"),
    indicator_id=bindparam("b_indicator_id"),
    value=bindparam("b_value"),
)


async def store_reply(
    session: AsyncSession, *, contact: AnyContact, draft: Draft, now: datetime
) -> int:
    """Store the confirmed draft: a new ``ProgressReport`` (version 1) or the next version of it;
    returns the version number stored.

    Every earlier version is kept. Core statements built once: the report's upsert (``INSERT …
    ON CONFLICT DO UPDATE`` on its key, returning the version number: another contact of the
    same agency may create it at the same moment on PostgreSQL, and the version then goes to
    theirs), the version's INSERT and its figures'. Raises ``ValueError`` when the draft has no task,
    status or period, or the contact no agency.
    """
    if draft.task_id is None or draft.status is None or not draft.period:
        raise ValueError("a reply needs a task, a status and a period")
    if contact.agency_id is None:
        raise ValueError("the contact acts for no agency")
    connection = await unit_connection(session)
    status = ProgressStatus(draft.status)
    key = {
        "b_task_id": draft.task_id,
        "b_agency_id": contact.agency_id,
        "b_occurrence": draft.occurrence,
        "b_period": draft.period,
    }
    common = {"b_status": status, "b_now": now}
    saved = _SAVE_REPORT[connection.dialect.name]
    params = {**key, **common, "b_plan_id": contact.plan_id}
    report_id, number = (await connection.execute(saved, params)).one()
    attachment = draft.attachment
    version_id = (
        await connection.execute(
            _ADD_VERSION,
            {
                "b_report_id": report_id,
                "b_version": number,
                **common,
                "b_result": draft.result,
                "b_difficulties": draft.difficulties,
                "b_next_steps": draft.next_steps,
                "b_proposals": draft.proposals,
                "b_attachment_file_id": attachment.file_id if attachment else None,
                "b_attachment_kind": attachment.kind if attachment else None,
                "b_attachment_name": attachment.name if attachment else None,
                "b_contact_id": contact.id,
            },
        )
    ).scalar_one()
    figures = [
        {"b_version_id": version_id, "b_indicator_id": int(key), "b_value": Decimal(value)}
        for key, value in sorted(draft.figures.items())
    ]
    if figures:
        await connection.execute(_ADD_FIGURE, figures)
    return int(number)


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
