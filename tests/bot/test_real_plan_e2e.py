"""End to end on the real plan (``data/plan/ke_hoach_chien_dich_500_ngay_dem.txt`` imported by the
importer): who sees which tasks on joining. Expected task lists are read by hand off the appendix
(the same reading as ``tests/plan/expected.py``): lead column, deadlines as the last day of the
month named (27/7/2027 for "theo thời gian của Chiến dịch")."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator.client import TgUser
from emulator.pytest_plugin import TelegramEmulator
from models.people import Role
from plan.importer import import_file
from tests.bot.harness import OFFICE_MENU, make_invite, menu_of, running_bot, texts
from tests.conftest import PLAN_TXT

OFFICE = TgUser(4001, "Hoàng", "Minh", username="minh_bchqs")
Y_TE = TgUser(4002, "Phạm Thu")  # no username
TUYEN_GIAO = TgUser(4003, "Lê", "Hà", username="ha_btg")
LEADER = TgUser(4004, "Võ Trọng", "Hải")


def tasks_shown(text: str) -> list[tuple[str, str]]:
    """(code, what follows the dash: "hạn: …" or "thời gian: …") of each task line."""
    return re.findall(r"^• (\S+) .* — ((?:hạn|thời gian): .*)$", text, flags=re.M)


@pytest.fixture
async def real_plan(session_factory: async_sessionmaker[AsyncSession]) -> None:
    await import_file(session_factory, PLAN_TXT, key=None, now=datetime(2026, 1, 1, tzinfo=UTC))


@pytest.mark.usefixtures("real_plan")
async def test_agencies_see_their_tasks_of_the_real_plan(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    emu = telegram_emulator
    y_te = await make_invite(session_factory, emu, Role.CONTACT, agency="so y te")
    btg = await make_invite(
        session_factory, emu, Role.CONTACT, agency="Ban Tuyen giao va Dan van Tinh uy"
    )
    office = await make_invite(session_factory, emu, Role.STANDING_OFFICE, agency="Bộ CHQS tỉnh")
    async with running_bot(emu, db_url, session_factory) as app:
        await emu.client.start(Y_TE, y_te)
        greeting = "\n".join(texts(await emu.client.wait_for(Y_TE.id, 1)))
        assert greeting.startswith("✅ Đã liên kết thành công. Xin chào Phạm Thu!")
        assert "Chủ trì (4 nhiệm vụ):" in greeting and "Phối hợp" not in greeting
        assert tasks_shown(greeting) == [
            ("3b", "hạn: 31/07/2026"),
            ("6a", "hạn: 31/07/2027"),
            ("6b", "hạn: 31/05/2026"),
            ("6c", "hạn: 31/07/2027"),
        ]

        await emu.client.start(TUYEN_GIAO, btg)
        greeting = "\n".join(texts(await emu.client.wait_for(TUYEN_GIAO.id, 1)))
        assert "Cơ quan: Ban Tuyên giáo và Dân vận Tỉnh ủy." in greeting
        assert "Chủ trì" not in greeting and "Phối hợp (1 nhiệm vụ):" in greeting
        assert tasks_shown(greeting) == [
            (
                "2",
                "thời gian: Thường xuyên (trọng tâm dịp kỷ niệm các ngày lễ lớn và dịp 27/7 "
                "hằng năm)",
            )
        ]

        await emu.client.start(OFFICE, office)
        sent = texts(await emu.client.wait_for(OFFICE.id, 1))
        greeting = "\n".join(sent)
        # Bộ CHQS tỉnh leads every task but 2 and 4b: 21 of the 23.
        assert "Vai trò: Cơ quan Thường trực, cán bộ đầu mối." in greeting
        assert "Chủ trì (21 nhiệm vụ):" in greeting
        assert [code for code, _ in tasks_shown(greeting)] == [
            "1a", "1b", "1c", "3a", "3b", "3c", "4a", "5a", "5b", "5c", "6a", "6b", "6c",
            "7", "8a", "8b", "9a", "9b", "10a", "10b", "10c",
        ]  # fmt: skip
        assert dict(tasks_shown(greeting))["5a"] == "hạn: 27/07/2027"
        assert dict(tasks_shown(greeting))["1c"] == "thời gian: Thường xuyên"
        # "Tháng 6/2026 và thường xuyên": the deadline, and that the work goes on after it.
        assert dict(tasks_shown(greeting))["1a"] == "hạn: 30/06/2026, sau đó thường xuyên"
        assert all(len(t) <= 4096 for t in sent)
        assert await menu_of(app, OFFICE.id) == OFFICE_MENU

        # The office invites a leader in chat; the leader sees the tasks of the position.
        emu.clock.advance(60)
        await emu.client.send_command(
            OFFICE, "moi", "lanhdao pho truong ban thuong truc ban chi dao tinh"
        )
        reply = texts(await emu.client.wait_for(OFFICE.id, len(sent) + 1))[-1]
        assert reply.startswith("Mã mời cho Phó Trưởng ban Thường trực Ban Chỉ đạo tỉnh: ")
        code = reply.split("\n")[0].rsplit(" ", 1)[1]
        await emu.client.start(LEADER, code)
        greeting = "\n".join(texts(await emu.client.wait_for(LEADER.id, 1)))
        assert "Chức danh: Phó Trưởng ban Thường trực Ban Chỉ đạo tỉnh." in greeting
        assert [c for c, _ in tasks_shown(greeting)] == ["3a", "3b", "3c", "4a", "5a", "5b"]
        assert await menu_of(app, LEADER.id) == ["start", "nhiemvu", "baocao", "trogiup", "huy"]
