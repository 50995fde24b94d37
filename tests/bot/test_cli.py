"""The ``invite``, ``contacts`` and ``agency import`` commands, run through Typer on SQLite."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.cli import app
from models import access, directory
from models.db import create_engine, create_session_factory
from models.people import Invite
from models.plan import Agency, AgencyAlias

runner = CliRunner()


@pytest.fixture
def db(small_plan_db: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated SQLite database holding the small test plan; the CLI reads it via DATABASE_URL."""
    monkeypatch.setenv("BOT_USERNAME", "thu_bot")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return small_plan_db


def _query(url: str, stmt):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        engine = create_engine(url)
        async with create_session_factory(engine).begin() as s:
            result = (await s.execute(stmt)).all()
        await engine.dispose()
        return result

    return asyncio.run(go())


def test_invite_by_folded_name_prints_code_and_link(db: str) -> None:
    result = runner.invoke(app, ["invite", "--agency", "so noi vu"])
    assert result.exit_code == 0, result.output
    name, code, link, expires = result.output.strip().split("\t")
    assert name == "Sở Nội vụ [cán bộ đầu mối]"
    assert link == f"https://t.me/thu_bot?start={code}"
    assert re.fullmatch(r"\(hết hạn \d\d/\d\d/\d{4} \d\d:\d\d\)", expires)
    rows = _query(db, select(Invite.code, Invite.role))
    assert [(r.code, r.role.value) for r in rows] == [(code, "contact")]


def test_invite_by_alias_leader_and_all(db: str) -> None:
    office = runner.invoke(app, ["invite", "--agency", "Bộ CHQS tỉnh", "--role", "standing_office"])
    assert office.output.startswith("Bộ Chỉ huy Quân sự tỉnh [Cơ quan Thường trực]\t")
    leader = runner.invoke(app, ["invite", "--leader", "truong ban chi dao tinh"])
    assert leader.output.startswith("Trưởng Ban Chỉ đạo tỉnh [lãnh đạo]\t")
    admin = runner.invoke(app, ["invite", "--role", "admin"])
    assert admin.output.startswith("(không thuộc cơ quan) [quản trị]\t")
    every = runner.invoke(app, ["invite", "--all-agencies"])
    names = [line.split("\t")[0] for line in every.output.strip().splitlines()]
    assert names == [
        "Bộ Chỉ huy Quân sự tỉnh [cán bộ đầu mối]",
        "Sở Nội vụ [cán bộ đầu mối]",
        "Sở Y tế [cán bộ đầu mối]",
    ]
    assert _query(db, select(func.count()).select_from(Invite))[0][0] == 6


def test_invite_refusals(db: str) -> None:
    unknown = runner.invoke(app, ["invite", "--agency", "Sở Tài chính"])
    assert unknown.exit_code == 1
    assert unknown.output == "lỗi: không có cơ quan tên “Sở Tài chính”\n"
    missing = runner.invoke(app, ["invite"])
    assert missing.exit_code == 1 and "--agency" in missing.output


def test_contacts_list_revoke_transfer(db: str) -> None:
    async def bind() -> None:
        engine = create_engine(db)
        async with create_session_factory(engine).begin() as s:
            from datetime import UTC, datetime, timedelta

            now = datetime(2026, 4, 7, 2, 0, tzinfo=UTC)
            agency = await directory.find_agency_by_name(s, 1, "Sở Y tế")
            inv = await access.create_invite(
                s, 1, access.Role.CONTACT, now=now, ttl=timedelta(days=1), agency_id=agency.id
            )
            await access.redeem_invite(
                s, 1, inv.code, telegram_user_id=42, full_name="Lê Thị Hoa", username=None, now=now
            )
        await engine.dispose()

    asyncio.run(bind())
    listed = runner.invoke(app, ["contacts", "list"])
    # 02:00 UTC is 09:00 in Hà Tĩnh (UTC+7).
    assert (
        listed.output.strip()
        == "42\tLê Thị Hoa\t@-\tSở Y tế\tcán bộ đầu mối\thoạt động gần nhất 07/04/2026 09:00"
    )
    moved = runner.invoke(app, ["contacts", "transfer", "--agency", "so y te"])
    lines = moved.output.strip().splitlines()
    assert lines[0] == "đã thu hồi Lê Thị Hoa (42)"
    assert lines[1].startswith("Sở Y tế\t")
    assert runner.invoke(app, ["contacts", "list"]).output.strip() == "chưa có cán bộ nào liên kết"
    again = runner.invoke(app, ["contacts", "revoke", "42"])
    assert again.exit_code == 1
    assert again.output == "lỗi: không có cán bộ đang hoạt động nào có mã Telegram 42\n"


def test_agency_import_csv_then_xlsx_updates(db: str, tmp_path: Path) -> None:
    csv_file = tmp_path / "xa.csv"
    csv_file.write_text(
        "Tên,Tên khác,Loại\n"
        "UBND xã Can Lộc,xã Can Lộc;Can Loc,commune\n"
        "UBND phường Thành Sen,,ward\n"
        "So Noi vu,SNV,agency\n",
        encoding="utf-8",
    )
    first = runner.invoke(app, ["agency", "import", str(csv_file)])
    assert first.output.strip() == "2 thêm mới, 1 cập nhật, 0 không đổi"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "aliases", "kind"])
    sheet.append(["UBND xã Can Lộc", "Can Loc", "commune"])
    sheet.append(["UBND phường Thành Sen", "", "ward"])
    xlsx = tmp_path / "xa.xlsx"
    book.save(xlsx)
    second = runner.invoke(app, ["agency", "import", str(xlsx)])
    assert second.output.strip() == "0 thêm mới, 0 cập nhật, 2 không đổi"
    names = [r.name for r in _query(db, select(Agency.name).order_by(Agency.name))]
    assert names == [
        "Bộ Chỉ huy Quân sự tỉnh",
        "Sở Nội vụ",
        "Sở Y tế",
        "UBND phường Thành Sen",
        "UBND xã Can Lộc",
    ]
    aliases = sorted(r.alias for r in _query(db, select(AgencyAlias.alias)))
    assert aliases == ["BCHQS tỉnh", "Bộ CHQS tỉnh", "Can Loc", "SNV", "xã Can Lộc"]
    bad = tmp_path / "bad.csv"
    bad.write_text("name,aliases,kind\nUBND xã X,,village\n", encoding="utf-8")
    refused = runner.invoke(app, ["agency", "import", str(bad)])
    assert refused.exit_code == 1
    assert refused.output == (
        f"lỗi: {bad}: dòng 1 (UBND xã X): loại “village” không rõ; dùng một trong: "
        "agency, commune, ward, other\n"
    )
