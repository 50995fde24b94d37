"""Folding (NFC/NFD, case, diacritics, đ → d) and the agency registry's cell splitting."""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import BUNDLED_PLAN, load_settings
from bot.startup import ensure_plan
from models import migrate
from models.db import create_engine, create_session_factory
from models.plan import Task
from plan.errors import UnknownAgencyError
from plan.registry import default_registry
from plan.text import clean_cell, fold


def test_fold() -> None:
    assert fold("Sở Nội vụ") == "so noi vu"
    assert fold("ĐẦU THÁNG") == "dau thang"
    assert fold(unicodedata.normalize("NFD", "Đội quy tập")) == "doi quy tap"
    assert fold("Văn hoà") == fold("Văn hóa") == "van hoa"  # tone placement varies
    assert fold("  Sở   Y tế ") == "so y te"


def test_split_keeps_names_with_commas_in_document_order() -> None:
    registry = default_registry()
    names = registry.split(
        "Sở Văn hóa, Thể thao và Du lịch, Sở Nội vụ; Báo và phát thanh truyền hình Hà Tĩnh",
        where="test",
    )
    assert [n.canonical for n in names] == [
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Nội vụ",
        "Báo và Phát thanh, Truyền hình Hà Tĩnh",
    ]
    groups = registry.split(
        "Các sở, ban, ngành, đơn vị có liên quan; các xã, phường trong toàn tỉnh", where="test"
    )
    assert [(g.canonical, g.is_group) for g in groups] == [
        ("Các sở, ban, ngành, đơn vị có liên quan", True),
        ("Các xã, phường trong toàn tỉnh", True),
    ]


def test_split_without_diacritics_and_aliases() -> None:
    registry = default_registry()
    names = registry.split("bo chqs tinh, SO Y TE, so vhttdl", where="test")
    assert [n.canonical for n in names] == [
        "Bộ Chỉ huy Quân sự tỉnh",
        "Sở Y tế",
        "Sở Văn hóa, Thể thao và Du lịch",
    ]


def test_unknown_agency_is_reported() -> None:
    with pytest.raises(UnknownAgencyError, match="“Sở Tài chính”"):
        default_registry().split("Sở Nội vụ, Sở Tài chính", where="dòng 1")


def test_clean_cell_bullets_and_hyphens() -> None:
    assert clean_cell('<ul style="list-style-type: none"> - Một. - Hai 2026 - 2027. ') == (
        "- Một.\n- Hai 2026 - 2027."
    )
    assert clean_cell("Không có gạch đầu dòng") == "Không có gạch đầu dòng"
    assert clean_cell("- A trên\nđịa bàn.\n- B") == "- A trên địa bàn.\n- B"  # .docx paragraphs


@pytest.fixture
async def factory(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await asyncio.to_thread(migrate.upgrade, db_url)
    engine = create_engine(db_url)
    yield create_session_factory(engine)
    await engine.dispose()


async def test_ensure_plan_imports_once(
    factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    settings = load_settings(database_url="sqlite://")
    plan, imported = await ensure_plan(factory, settings, BUNDLED_PLAN)
    assert imported and plan.key == "ha-tinh-2026"
    again, imported_again = await ensure_plan(factory, settings, BUNDLED_PLAN)
    assert again.id == plan.id and not imported_again
    async with factory() as session:
        assert len((await session.scalars(select(Task))).all()) == 23
