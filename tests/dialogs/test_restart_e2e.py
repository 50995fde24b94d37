"""A SIGKILL in the middle of the dialog, then a restart: the contact continues where they were.

Real processes: ``python -m bot run`` polling the emulator (served by this test's event loop) over
HTTP, on a SQLite file. Nothing is carried over but the database: the first process is killed with
SIGKILL (no shutdown hook runs), the second one starts cold. The bot processes use the system clock
(a subprocess cannot share the test's clock), so the test does not name the period by date.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from emulator.client import TgUser
from emulator.pytest_plugin import TelegramEmulator
from models import migrate
from models.db import create_engine, create_session_factory
from models.progress import DialogState, ProgressReport
from tests.conftest import ROOT
from tests.dialogs.e2e import Person, shown
from tests.dialogs.factories import BCHQS, make_contact, make_plan

AN = TgUser(1001, "Nguyễn Văn", "An")
T5A = "5a · Chỉ đạo đẩy mạnh tìm kiếm, quy tập hài cốt…"


async def _start_bot(emu: TelegramEmulator, url: str, workdir: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": emu.token,
        "TELEGRAM_API_BASE_URL": emu.base_url,
        "TELEGRAM_FILE_BASE_URL": emu.base_file_url,
        "DATABASE_URL": url,
        "BOT_USERNAME": "thu_bot",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("WEBHOOK_URL", None)
    log = (workdir / "bot.log").open("ab")
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=workdir, env=env, stdout=log, stderr=log
    )


@pytest.mark.slow
async def test_sigkill_mid_dialog_then_restart_resumes(
    telegram_emulator: TelegramEmulator, tmp_path: Path
) -> None:
    emu = telegram_emulator
    emu.settings.rate_limits = False
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    await asyncio.to_thread(migrate.upgrade, url)  # the schema the real bot runs on
    engine = create_engine(url)
    factory = create_session_factory(engine)
    async with factory.begin() as s:
        plan = await make_plan(s)
        await make_contact(s, plan, BCHQS, AN.id, username=None)
    an = Person(emu, AN)
    first = await _start_bot(emu, url, tmp_path)
    try:
        # The first answer may wait for the process to start (imports, post_init).
        before = len(await an.transcript())
        await emu.client.send_command(AN, "capnhat")
        await emu.client.wait_for(AN.id, before + 1, within=60.0)
        await an.press(T5A)
        await an.press("Đang thực hiện")
        prompt = shown(await an.say("3"))
        assert prompt[0].endswith("Kết quả thực hiện trong kỳ? Gõ ngắn gọn, hoặc bấm Bỏ qua.")
    finally:
        first.send_signal(signal.SIGKILL)
        await first.wait()
    assert first.returncode == -signal.SIGKILL
    async with factory() as s:
        row = await s.scalar(select(DialogState))
        assert row is not None and (row.state, row.outcome) == ("typing_result", "active")

    second = await _start_bot(emu, url, tmp_path)
    try:
        before = len(await an.transcript())
        await emu.client.send_text(AN, "Đã khảo sát 2 điểm")
        entries = await emu.client.wait_for(AN.id, before + 1, within=60.0)
        assert shown(entries[before:])[0].endswith(
            "Khó khăn, vướng mắc (nếu có)? Gõ ngắn gọn, hoặc bấm Bỏ qua."
        )
        for _ in range(3):
            await an.press("Bỏ qua")
        summary = shown(await an.press("Bỏ qua"))[0]
        assert "Hài cốt quy tập: 3 bộ\nKết quả: Đã khảo sát 2 điểm\n" in summary
        await an.press("Xác nhận", expect=3)
    finally:
        second.send_signal(signal.SIGTERM)
        await second.wait()
    async with factory() as s:
        report = await s.scalar(
            select(ProgressReport).options(selectinload(ProgressReport.versions))
        )
        assert report is not None and report.latest_version == 1
        assert report.versions[0].result == "Đã khảo sát 2 điểm"
    await engine.dispose()
