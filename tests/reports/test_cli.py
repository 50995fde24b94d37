"""``python -m bot report``: the form other tools rely on (issue 8)."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from bot.cli import app


@pytest.mark.parametrize(
    ("args", "stem"),
    [
        (["--period", "2026-11"], "bao-cao-2026-11"),
        (["--period", "2026-Q4"], "bao-cao-2026-Q4"),
        (["--period", "soket"], "bao-cao-soket"),
        (["--from", "2026-10-01", "--to", "20/11/2026"], "bao-cao-adhoc_2026-10-01_2026-11-20"),
    ],
)
def test_report_writes_files_and_prints_text(
    factory: async_sessionmaker[AsyncSession],
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    stem: str,
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["report", *args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [f"{stem}.docx", f"{stem}.png", f"{stem}.xlsx"]
    assert "I. KẾT QUẢ THỰC HIỆN" in result.stdout
    assert "&amp;" not in result.stdout and "<b>" not in result.stdout


def test_report_refuses_a_bad_period(
    factory: async_sessionmaker[AsyncSession], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    result = CliRunner().invoke(app, ["report", "--period", "2026-13"])
    assert result.exit_code == 1
    assert result.output == "lỗi: không có tháng 13 (trong “2026-13”)\n"


async def _ask_and_answer(factory: async_sessionmaker[AsyncSession]) -> int:
    """An ad hoc request on the November scenario and two answers to it; returns its id.

    Asked on Mon 16/11/2026 10:00 of Bộ CHQS tỉnh, Sở Văn hóa, Thể thao và Du lịch and Sở Y tế,
    due Fri 20/11/2026. Bộ CHQS tỉnh answers 6a on Thu 19/11 (on time, 500 graves sampled);
    Sở VHTTDL answers task 2 on Mon 23/11 (3 days late); Sở Y tế does not answer.
    """
    from datetime import date

    from sqlalchemy import select

    from models.plan import Agency
    from models.repositories import get_plan
    from scheduler import controls
    from tests.reports.scenario import BCHQS, VH, YT, Ids, Version, add_reply, local

    async with factory.begin() as session:
        plan = await get_plan(session)
        agencies = {a.name: a for a in await session.scalars(select(Agency))}
        request = await controls.create_adhoc(
            session,
            plan.id,
            subject="Tình hình lấy mẫu ADN phục vụ đoàn công tác của Bộ",
            due=date(2026, 11, 20),
            agency_ids=[agencies[BCHQS].id, agencies[VH].id, agencies[YT].id],
            now=local(2026, 11, 16, 10),
        )
        from models.plan import Indicator, Task

        ids = Ids(
            plan=plan,
            agencies=agencies,
            tasks={t.code: t for t in await session.scalars(select(Task))},
            indicators={i.code: i for i in await session.scalars(select(Indicator))},
        )
        period = f"adhoc:{request.id}"
        await add_reply(
            session,
            ids,
            "6a",
            BCHQS,
            period,
            Version(
                local(2026, 11, 19, 15),
                result="Đã lấy mẫu 500 mộ",
                figures={"graves_sampled": Decimal(500)},
            ),
        )
        await add_reply(
            session, ids, "2", VH, period, Version(local(2026, 11, 23, 9), result="Đã tuyên truyền")
        )
        return request.id


async def test_report_of_an_ad_hoc_request(
    factory: async_sessionmaker[AsyncSession],
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.reports.conftest import summary_for

    request_id = await _ask_and_answer(factory)
    monkeypatch.setenv("DATABASE_URL", db_url)
    out = tmp_path / "out"
    # The CLI runs its own event loop (asyncio.run): in a thread, beside this test's loop.
    result = await asyncio.to_thread(
        CliRunner().invoke, app, ["report", "--period", f"adhoc:{request_id}", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    stem = f"bao-cao-adhoc_{request_id}"
    assert sorted(p.name for p in out.iterdir()) == [f"{stem}.docx", f"{stem}.png", f"{stem}.xlsx"]
    text = result.stdout
    assert "báo cáo đột xuất “Tình hình lấy mẫu ADN phục vụ đoàn công tác của Bộ”" in text
    assert "Số liệu từ ngày 16/11/2026 đến ngày 20/11/2026; hạn báo cáo 20/11/2026" in text
    assert (
        "• Bộ Chỉ huy Quân sự tỉnh: Đang thực hiện (báo cáo ngày 19/11/2026). Đã lấy mẫu 500 mộ"
        in text
    )
    assert (
        "• Sở Văn hóa, Thể thao và Du lịch: Đang thực hiện (báo cáo ngày 23/11/2026, muộn). "
        "Đã tuyên truyền" in text
    )
    assert "Bộ Chỉ huy Quân sự tỉnh (nội dung 6a) báo cáo 500 — không cộng vào tổng." in text
    assert "Đúng hạn: 1; muộn: 1; chưa báo cáo: 1 cơ quan." in text
    assert "• Sở Văn hóa, Thể thao và Du lịch: đã báo cáo 1 nội dung (2), muộn 3 ngày." in text
    assert "• Sở Y tế: chưa báo cáo." in text
    # The ad hoc figure is in no regular total: November still sums 2.034 graves (4.034 in all).
    november = await summary_for(factory)
    graves = next(line for line in november.indicators if line.code == "graves_sampled")
    assert (graves.period_total, graves.cumulative) == (Decimal(2034), Decimal(4034))

    missing = await asyncio.to_thread(
        CliRunner().invoke, app, ["report", "--period", "adhoc:999", "--out", str(out)]
    )
    assert missing.exit_code == 1
    assert "không có yêu cầu báo cáo đột xuất số 999" in missing.output
