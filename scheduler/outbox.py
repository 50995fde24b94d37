"""Writing planned reminders to the outbox (DESIGN.md decision 1).

One row per (key, recipient chat) under the UNIQUE (plan, key, recipient_chat_id) constraint, with
``INSERT … ON CONFLICT DO NOTHING``: a second planner run over the same moment writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from models.reminders import OutboxMessage, OutboxStatus
from scheduler.planner import Reminder, plan_reminders
from scheduler.rules import ReminderRules
from scheduler.snapshot import load_snapshot


async def write_outbox(session: AsyncSession, plan_id: int, reminders: Sequence[Reminder]) -> int:
    """Insert pending outbox rows for every (reminder, recipient); existing ones are left alone.

    Reminders without recipients (an agency with no bound contact yet) write nothing: they stay
    unsent, so later runs fold them into a status check. Returns the number of rows inserted.
    The caller owns the transaction (this never commits). Works on SQLite and PostgreSQL.

    ``scheduled_at`` is stored as UTC here, whatever zone the reminder carries (the planner gives
    the plan's): SQLite keeps the wall time and drops the offset, so a Hà Tĩnh 08:00 stored as
    such would read as 08:00 UTC, seven hours late. A naive ``scheduled_at`` raises ``ValueError``.
    """
    rows: list[dict[str, Any]] = []
    for reminder in reminders:
        if reminder.scheduled_at.tzinfo is None:
            raise ValueError(f"reminder {reminder.key}: scheduled_at must be aware")
        payload = reminder.payload()
        for recipient in reminder.recipients:
            rows.append(
                {
                    "plan_id": plan_id,
                    "key": reminder.key,
                    "kind": str(reminder.kind),
                    "agency_id": reminder.agency_id,
                    "contact_id": recipient.contact_id,
                    "recipient_chat_id": recipient.chat_id,
                    "payload": payload,
                    "scheduled_at": reminder.scheduled_at.astimezone(UTC),
                    "status": OutboxStatus.PENDING,
                    "attempts": 0,
                }
            )
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    inserted = 0
    # Batches keep the statement under the drivers' bound-parameter limits.
    for start in range(0, len(rows), 500):
        statement = (
            insert(OutboxMessage)
            .values(rows[start : start + 500])
            .on_conflict_do_nothing(index_elements=["plan_id", "key", "recipient_chat_id"])
        )
        result = await session.execute(statement)
        inserted += max(getattr(result, "rowcount", 0) or 0, 0)
    return inserted


async def run_planner(
    session: AsyncSession, plan_id: int, rules: ReminderRules, now: datetime
) -> tuple[list[Reminder], int]:
    """One planner tick: load the snapshot, plan the reminders due at ``now`` (aware) and write
    them to the outbox in the caller's transaction. Returns (reminders, rows inserted).

    This is what the scheduler job calls (``bot.delivery.planner_tick``, under the single-scheduler
    lock, DESIGN.md decision 2, unless the office paused reminders), then commits; the sender
    drains the outbox.
    """
    snapshot = await load_snapshot(session, plan_id)
    reminders = plan_reminders(snapshot, rules, now)
    return reminders, await write_outbox(session, plan_id, reminders)
