"""Creating an ad hoc request (báo cáo đột xuất) with wrong inputs, found in the sandbox:

- ``/dotxuat 01/01/2020 …`` and ``adhoc create … --due 2020-01-01`` were accepted: the agencies
  were told at once the request was "quá hạn 2524 ngày" and the escalation followed, with no way to
  withdraw the request; ``/dotxuat 31/02/2026 …`` got the bare syntax line, not "not a date";
- the office was never told the request's number, which ``/baocao dot xuat N`` asks for;
- ``adhoc create "" --all`` ended in a ``ValueError`` traceback, and the same agency named twice
  (``--agency "so y te" --agency "Sở Y tế"``) in an ``IntegrityError`` traceback.

Clock: Friday 27/11/2026 10:00 in Hà Tĩnh (03:00 UTC), the emulator's, which the bot reads.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from bot.cli import app
from emulator.client import TgUser
from emulator.pytest_plugin import TelegramEmulator
from models.db import create_engine, create_session_factory
from models.people import Role
from models.reminders import AdhocRequest, AdhocRequestAgency
from models.repositories import get_plan
from scheduler import controls
from tests.bot.harness import make_invite, running_bot, texts
from tests.factories import make_small_plan

OFFICE = TgUser(2201, "Hoàng", "Minh")
FRIDAY_10H = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
runner = CliRunner()


async def test_dotxuat_refuses_a_past_or_impossible_date_and_names_the_request(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    emu = telegram_emulator
    emu.settings.rate_limits = False
    async with session_factory.begin() as s:
        await make_small_plan(s)
    emu.clock.set(FRIDAY_10H.timestamp())
    code = await make_invite(session_factory, emu, Role.STANDING_OFFICE, agency="Bộ CHQS tỉnh")
    async with running_bot(emu, db_url, session_factory):
        await emu.client.start(OFFICE, code)
        await emu.client.wait_for(OFFICE.id, 1)
        await emu.client.send_command(OFFICE, "dotxuat", "26/11/2026 Số liệu tháng 11")
        await emu.client.send_command(OFFICE, "dotxuat", "31/02/2027 Số liệu tháng 2")
        await emu.client.send_command(OFFICE, "dotxuat", "28/07/2027 Tổng kết")
        await emu.client.send_command(OFFICE, "dotxuat", "27/11/2026 Số liệu <ngày> & giờ")
        replies = texts(await emu.client.wait_for(OFFICE.id, 5))[1:]
    assert replies == [
        "Hạn báo cáo 26/11/2026 đã qua. Chọn hạn từ hôm nay (27/11/2026) trở đi.",
        "«31/02/2027» không phải là ngày hợp lệ (ngày/tháng/năm, ví dụ 08/02/2027).",
        "Hạn báo cáo 28/07/2027 sau ngày kết thúc Chiến dịch (27/07/2027). Chọn hạn đến "
        "27/07/2027 là muộn nhất.",
        # Due today, made after today's 08:00: created, with a warning naming when it goes out
        # (Friday 10:00 → Monday 30/11 08:00, after the weekend).
        "Đã tạo yêu cầu báo cáo đột xuất số 1 «Số liệu <ngày> & giờ», hạn 27/11/2026. Bot sẽ gửi "
        "đến tất cả cơ quan vào giờ nhắc việc tới.\n"
        "Xem báo cáo tổng hợp của yêu cầu này: /baocao dot xuat 1\n"
        "\n"
        "⚠️ Lưu ý: yêu cầu chỉ được gửi vào giờ nhắc việc tới, 08:00 ngày 30/11/2026, tức là sau "
        "hạn 27/11/2026: các cơ quan nhận được khi đã quá hạn. Nếu cần, hủy bằng /huydotxuat 1 "
        "rồi tạo lại với hạn muộn hơn.",
    ]
    async with session_factory() as s:
        stored = [(r.id, r.subject, r.due) for r in await s.scalars(select(AdhocRequest))]
    assert stored == [(1, "Số liệu <ngày> & giờ", date(2026, 11, 27))]


async def test_create_adhoc_refuses_a_due_date_before_the_local_day_and_names_agencies_once(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory.begin() as s:
        plan = await make_small_plan(s)
        y_te = plan.agencies["Sở Y tế"].id
        # 27/11/2026 00:30 in Hà Tĩnh is still 26/11 in UTC: the local day decides.
        just_after_midnight = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)
        with pytest.raises(controls.AdhocDueInPast):
            await controls.create_adhoc(
                s,
                plan.plan.id,
                subject="Số liệu",
                due=date(2026, 11, 26),
                agency_ids=[y_te],
                now=just_after_midnight,
            )
        request = await controls.create_adhoc(
            s,
            plan.plan.id,
            subject="Số liệu",
            due=date(2026, 11, 27),
            agency_ids=[y_te, y_te],
            now=just_after_midnight,
        )
        asked = (
            await s.scalars(
                select(AdhocRequestAgency.agency_id).where(
                    AdhocRequestAgency.request_id == request.id
                )
            )
        ).all()
    assert asked == [y_te]


async def test_create_adhoc_refuses_a_due_date_after_the_campaign_and_tells_when_late(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory.begin() as s:
        plan = await make_small_plan(s)
        plan_id = plan.plan.id
        with pytest.raises(controls.AdhocAfterCampaign) as refused:
            await controls.create_adhoc(
                s,
                plan_id,
                subject="Tổng kết",
                due=date(2027, 7, 28),
                agency_ids=None,
                now=FRIDAY_10H,
            )
        assert (refused.value.due, refused.value.last_day) == (date(2027, 7, 28), date(2027, 7, 27))
        last = await controls.create_adhoc(
            s, plan_id, subject="Tổng kết", due=date(2027, 7, 27), agency_ids=None, now=FRIDAY_10H
        )
        assert last.due == date(2027, 7, 27)
        # Due today: at 07:00 it goes out at 08:00 the same day; at 10:00, Monday 08:00.
        friday_7h = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)
        today = date(2026, 11, 27)
        assert await controls.adhoc_sent_after_due(s, plan_id, today, friday_7h) is None
        late = await controls.adhoc_sent_after_due(s, plan_id, today, FRIDAY_10H)
        assert late is not None and late.isoformat() == "2026-11-30T08:00:00+07:00"
        assert (
            await controls.adhoc_sent_after_due(s, plan_id, date(2026, 11, 30), FRIDAY_10H) is None
        )


@pytest.fixture
def db(small_plan_db: str, monkeypatch: pytest.MonkeyPatch) -> str:
    # The CLI reads the real clock: the requests are due in 2099, inside a campaign made that long.
    monkeypatch.setenv("CAMPAIGN_END", "2099-12-31")
    return small_plan_db


def _requests(url: str) -> list[tuple[str, list[str]]]:
    async def read() -> list[tuple[str, list[str]]]:
        engine = create_engine(url)
        async with create_session_factory(engine)() as s:
            plan = await get_plan(s)
            out = []
            for r in await s.scalars(select(AdhocRequest).where(AdhocRequest.plan_id == plan.id)):
                ids = await s.scalars(
                    select(AdhocRequestAgency.agency_id).where(
                        AdhocRequestAgency.request_id == r.id
                    )
                )
                out.append((r.subject, [str(i) for i in ids]))
        await engine.dispose()
        return out

    return asyncio.run(read())


def test_adhoc_create_refuses_bad_inputs_without_a_traceback(db: str) -> None:
    empty = runner.invoke(app, ["adhoc", "create", "  ", "--due", "2099-12-15", "--all"])
    assert (empty.exit_code, empty.stderr) == (1, "lỗi: nội dung yêu cầu đang để trống\n")
    past = runner.invoke(app, ["adhoc", "create", "Số liệu", "--due", "2020-01-01", "--all"])
    assert past.exit_code == 1
    assert past.stderr.startswith("lỗi: hạn báo cáo 01/01/2020 đã qua (hôm nay là ")
    twice = runner.invoke(
        app,
        [
            "adhoc",
            "create",
            "Số liệu",
            "--due",
            "2099-12-15",
            "--agency",
            "so y te",
            "--agency",
            "Sở Y tế",
        ],
    )
    assert (twice.exit_code, twice.output) == (
        0,
        "yêu cầu báo cáo đột xuất 1: “Số liệu”, hạn 15/12/2099, gửi Sở Y tế\n",
    )
    assert [(subject, len(agencies)) for subject, agencies in _requests(db)] == [("Số liệu", 1)]


def test_adhoc_create_refuses_a_due_date_after_the_campaign(db: str) -> None:
    late = runner.invoke(app, ["adhoc", "create", "Số liệu", "--due", "2100-01-01", "--all"])
    assert (late.exit_code, late.stderr) == (
        1,
        "lỗi: hạn báo cáo 01/01/2100 sau ngày kết thúc Chiến dịch (31/12/2099)\n",
    )
    last = runner.invoke(app, ["adhoc", "create", "Số liệu", "--due", "2099-12-31", "--all"])
    assert (last.exit_code, last.output) == (
        0,
        "yêu cầu báo cáo đột xuất 1: “Số liệu”, hạn 31/12/2099, gửi mọi cơ quan\n",
    )
    assert _requests(db) == [("Số liệu", [])]


def test_adhoc_create_takes_the_due_date_as_written_in_vietnam_too(db: str) -> None:
    result = runner.invoke(app, ["adhoc", "create", "Số liệu quý", "--due", "15/12/2099", "--all"])
    assert (result.exit_code, result.output) == (
        0,
        "yêu cầu báo cáo đột xuất 1: “Số liệu quý”, hạn 15/12/2099, gửi mọi cơ quan\n",
    )
