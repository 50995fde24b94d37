"""Every migration up and down (the "stairway"), on SQLite and on PostgreSQL when reachable."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from alembic.script import ScriptDirectory

import models
from models import migrate
from models.db import create_engine


def _tables(url: str) -> set[str]:
    async def _go() -> set[str]:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                names = await conn.run_sync(lambda c: sa.inspect(c).get_table_names())
                return set(names) - {"alembic_version"}
        finally:
            await engine.dispose()

    return asyncio.run(_go())


def test_stairway_every_revision_up_and_down(db_url: str) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config(db_url))
    revisions = list(reversed(list(script.walk_revisions())))
    assert revisions, "no migrations found"
    for rev in revisions:
        migrate.upgrade(db_url, rev.revision)
        assert migrate.current_revision(db_url) == rev.revision
        migrate.downgrade(db_url, rev.down_revision or "base")
        migrate.upgrade(db_url, rev.revision)
    assert migrate.current_revision(db_url) == migrate.head_revision()
    assert _tables(db_url) == set(models.Base.metadata.tables)
    migrate.downgrade(db_url, "base")
    assert _tables(db_url) == set()


def test_head_schema_matches_models(db_url: str) -> None:
    """Autogenerate finds nothing to change: the migrations describe exactly the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    migrate.upgrade(db_url)

    async def _diff() -> list[object]:
        engine = create_engine(db_url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(
                    lambda c: compare_metadata(
                        MigrationContext.configure(c, opts={"compare_type": True}),
                        models.Base.metadata,
                    )
                )
        finally:
            await engine.dispose()

    assert asyncio.run(_diff()) == []


def test_0003_keeps_the_requests_made_before_it(db_url: str) -> None:
    """Upgrading a database with an ad hoc request to 0003 keeps it, not cancelled (SQLite
    rebuilds the table for the new foreign key); downgrading keeps it too."""
    migrate.upgrade(db_url, "0002")
    at = "2026-11-27 03:00:00+00:00"

    async def _sql(statement: str) -> list[tuple[object, ...]]:
        engine = create_engine(db_url)
        try:
            async with engine.begin() as conn:
                result = await conn.execute(sa.text(statement))
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            await engine.dispose()

    asyncio.run(
        _sql(
            "INSERT INTO plans (id, key, title, province, source_name, source_sha256, created_at) "
            f"VALUES (1, 'p', 'Kế hoạch', 'Hà Tĩnh', 'x.txt', 'ab', '{at}')"
        )
    )
    asyncio.run(
        _sql(
            "INSERT INTO adhoc_requests (id, plan_id, subject, due, all_agencies, requested_at, "
            f"created_at) VALUES (7, 1, 'Số liệu tháng 12', '2026-12-04', true, '{at}', '{at}')"
        )
    )
    migrate.upgrade(db_url, "0003")
    assert asyncio.run(
        _sql("SELECT id, subject, cancelled_at, cancelled_by_contact_id FROM adhoc_requests")
    ) == [(7, "Số liệu tháng 12", None, None)]
    migrate.downgrade(db_url, "0002")
    assert asyncio.run(_sql("SELECT id, subject FROM adhoc_requests")) == [(7, "Số liệu tháng 12")]


def _indexes(url: str, table: str) -> dict[str, list[str]]:
    async def _go() -> dict[str, list[str]]:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                found = await conn.run_sync(lambda c: sa.inspect(c).get_indexes(table))
                # PostgreSQL also lists a unique constraint's own index: not an index of ours.
                return {
                    str(i["name"]): list(i["column_names"])
                    for i in found
                    if not i.get("duplicates_constraint")
                }
        finally:
            await engine.dispose()

    return asyncio.run(_go())


def test_0004_drops_the_plan_id_index_the_report_index_covers(db_url: str) -> None:
    migrate.upgrade(db_url, "0003")
    assert _indexes(db_url, "progress_reports")["ix_progress_reports_plan_id"] == ["plan_id"]
    migrate.upgrade(db_url, "0004")
    assert _indexes(db_url, "progress_reports") == {
        "ix_progress_reports_agency_id": ["agency_id"],
        "ix_progress_reports_period": ["period"],
        "ix_progress_reports_plan_period_status": [
            "plan_id",
            "period",
            "status",
            "task_id",
            "agency_id",
            "occurrence",
        ],
        "ix_progress_reports_task_id": ["task_id"],
    }
    migrate.downgrade(db_url, "0003")
    assert _indexes(db_url, "progress_reports")["ix_progress_reports_plan_id"] == ["plan_id"]
