"""What one dialog costs the database, step by step, through the real ``Application`` (every
handler, the role check, the dialog) with the Bot API answered in memory, as
``benchmarks/bench_dialog_steps.py`` runs it: the statements of each step are counted with a
SQLAlchemy event, so a statement added to the hot path shows here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event, update

from benchmarks.bench_dialog import seed
from benchmarks.bench_dialog_steps import (
    InMemoryRequest,
    Person,
    forget_replies,
    in_memory_app,
    next_update,
)
from bot.settings import load_settings
from emulator.client import TgUser
from models.db import create_engine, create_session_factory
from models.plan import Agency


@dataclass
class Bot:
    app: Any
    factory: Any
    request: InMemoryRequest
    person: Person
    statements: list[str]


@pytest.fixture
async def bot(db_url: str) -> AsyncIterator[Bot]:
    user = TgUser(10_000, "Cán bộ 0")
    await seed(db_url, [user])
    settings = load_settings(database_url=db_url, telegram_bot_token="1:x", delivery_enabled=False)
    engine = create_engine(db_url)
    factory = create_session_factory(engine)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement.split()[0])

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    app, request = await in_memory_app(settings, factory)
    try:
        yield Bot(app, factory, request, Person(user, app.bot), statements)
    finally:
        await app.shutdown()
        await engine.dispose()


async def _dialog(bot: Bot) -> list[tuple[str, list[str]]]:
    """One complete dialog (``/capnhat`` … Xác nhận): each step's screen text and statements."""
    steps: list[tuple[str, list[str]]] = []
    first = True
    while (update := next_update(bot.person, bot.request, first)) is not None:
        first = False
        bot.statements.clear()
        await bot.app.process_update(update)
        steps.append((bot.request.texts[bot.person.user.id], list(bot.statements)))
    return steps


async def test_statements_of_each_step_of_a_dialog(bot: Bot) -> None:
    await _dialog(bot)  # the first: the dialog row is created, the activity recorded
    await forget_replies(bot.factory)  # the second answers afresh (no correction)
    steps = await _dialog(bot)
    assert [kinds for _text, kinds in steps] == [
        # /capnhat: the contact snapshot, the dialog row, the calendar overrides, the ad hoc
        # requests (the period), the agency's tasks with its replies for that period (the ✅
        # marks, same statement), the new dialog. The agency's name comes with the role check's
        # snapshot.
        ["SELECT", "SELECT", "SELECT", "SELECT", "SELECT", "UPDATE"],
        # The task: the claim, the agency's tasks, its indicators, an existing reply, the write.
        ["SELECT", "UPDATE", "SELECT", "SELECT", "SELECT", "UPDATE"],
        # Status, result, four "Bỏ qua": the role check, the claim, the write.
        *[["SELECT", "UPDATE", "UPDATE"]] * 6,
        # Xác nhận: the claim, the reply (its upsert, its version; the task has no indicator),
        # the write.
        ["SELECT", "UPDATE", "INSERT", "INSERT", "UPDATE"],
    ]
    assert steps[0][0].startswith("<b>Cập nhật tiến độ</b> — ")
    assert steps[-1][0].startswith("✅ Đã ghi nhận báo cáo nhiệm vụ")


async def test_agency_name_is_read_fresh_on_every_capnhat(bot: Bot) -> None:
    first = await _dialog(bot)
    name = first[0][0].split("\n")[0].removeprefix("<b>Cập nhật tiến độ</b> — ")
    assert name
    async with bot.factory.begin() as session:
        await session.execute(update(Agency).values(name=Agency.name + " (mới)"))
    second = await _dialog(bot)
    assert second[0][0].split("\n")[0] == f"<b>Cập nhật tiến độ</b> — {name} (mới)"
