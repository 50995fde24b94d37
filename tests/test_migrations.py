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
