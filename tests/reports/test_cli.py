"""``python -m bot report``: the form other tools rely on (issue 8)."""

from __future__ import annotations

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
