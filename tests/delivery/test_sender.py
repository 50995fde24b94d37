"""The sender through a real PTB bot and the emulator: merging, buttons, faults.

Expected texts come from the Vietnamese wording in ``scheduler/reminder_text.py`` and the rows the
tests write (``tests/delivery/seed.py``), worked out by hand.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from emulator.client import TgGroup, TgUser
from models.people import BoundChat, Contact
from models.reminders import OutboxMessage, OutboxStatus
from tests.delivery.conftest import World
from tests.delivery.seed import BASE_USER, OFFICE_GROUP, T0, add_reminders, users


async def _rows(world: World) -> list[OutboxMessage]:
    async with world.sf() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


def _buttons(message: dict) -> list[list[tuple[str, str]]]:  # type: ignore[type-arg]
    markup = message.get("reply_markup") or {"inline_keyboard": []}
    return [[(b["text"], b["callback_data"]) for b in row] for row in markup["inline_keyboard"]]


async def test_one_message_per_recipient_with_three_buttons_per_item(world: World) -> None:
    [lan] = users(1)
    await add_reminders(world.sf, world.plan_id, [lan], per_chat=2, kind="deadline")
    await add_reminders(world.sf, world.plan_id, [lan], kind="overdue", tag="5b")
    report = await world.sender().drain()
    assert (report.messages, report.sent_rows) == (1, 3)
    [message] = await world.emu.client.bot_messages(lan)
    # Overdue before due-soon; items numbered; the planner's lines shown as written.
    assert message["text"] == (
        "Nhắc việc — Chiến dịch 500 ngày đêm\n"
        "\n"
        "1. Nhắc việc: nội dung sắp đến hạn của UBND xã 1\n"
        "5b. Sơ kết 250 ngày — hạn hôm nay (30/11/2026)\n"
        "\n"
        "2. Nhắc việc: nội dung sắp đến hạn của UBND xã 1\n"
        "10b. Sơ kết 250 ngày — hạn hôm nay (30/11/2026)\n"
        "\n"
        "3. Nhắc việc: nội dung sắp đến hạn của UBND xã 1\n"
        "10b1. Sơ kết 250 ngày — hạn hôm nay (30/11/2026)\n"
        "\n"
        "Bấm nút dưới đây để cập nhật tiến độ hoặc hẹn nhắc lại."
    )
    # Bold item headers (entities), overdue first.
    bold = [e for e in message["entities"] if e["type"] == "bold"]
    assert len(bold) == 4
    rows = await _rows(world)
    overdue = next(r for r in rows if r.kind == "overdue")
    first = next(r for r in rows if r.key.startswith("deadline:10b:"))
    assert _buttons(message)[:4] == [
        [("Cập nhật ngay 5b", "upd:v1:open:5b:0"), ("Đã hoàn thành 5b", "upd:v1:done:5b:0")],
        [("Nhắc lại sau (mục 1)", f"rem:v1:snooze:{overdue.id}")],
        [("Cập nhật ngay 10b", "upd:v1:open:10b:0"), ("Đã hoàn thành 10b", "upd:v1:done:10b:0")],
        [("Nhắc lại sau (mục 2)", f"rem:v1:snooze:{first.id}")],
    ]
    assert {(r.status, r.telegram_message_id) for r in rows} == {
        (OutboxStatus.SENT, message["message_id"])
    }
    # A second drain finds nothing to do: each row goes out once.
    assert (await world.sender().drain()).messages == 0
    assert len(await world.emu.client.bot_messages(lan)) == 1


async def test_user_text_is_escaped(world: World) -> None:
    [lan] = users(1)
    await add_reminders(world.sf, world.plan_id, [lan], tag="x")
    async with world.sf.begin() as session:
        row = await session.scalar(select(OutboxMessage))
        assert row is not None
        row.payload = {**row.payload, "lines": ["Báo cáo <b>A & B</b>"]}
    await world.sender().drain()
    [message] = await world.emu.client.bot_messages(lan)
    assert "\nBáo cáo <b>A & B</b>\n" in message["text"]


async def test_future_rows_wait_for_their_time(world: World) -> None:
    await add_reminders(world.sf, world.plan_id, users(2), at=T0 + timedelta(minutes=5))
    assert (await world.sender().drain()).messages == 0
    world.clock.now = T0 + timedelta(minutes=5)
    assert (await world.sender().drain()).messages == 2


async def test_blocked_and_never_started_contacts_others_served(world: World) -> None:
    blocked, fine, never = BASE_USER + 3, BASE_USER + 4, BASE_USER + 999
    await world.emu.client.block(blocked)
    async with world.sf.begin() as session:
        agency_id = await session.scalar(select(Contact.agency_id).where(Contact.id == 1))
        session.add(
            Contact(
                plan_id=world.plan_id,
                telegram_user_id=never,
                full_name="Chưa mở bot",
                agency_id=agency_id,
            )
        )
    await add_reminders(world.sf, world.plan_id, [blocked, fine, never])
    report = await world.sender().drain()
    assert sorted(report.unreachable) == sorted([blocked, never])
    rows = {r.recipient_chat_id: r for r in await _rows(world)}
    assert rows[fine].status == OutboxStatus.SENT
    assert rows[blocked].status == OutboxStatus.FAILED
    assert rows[blocked].error == "blocked: Forbidden: bot was blocked by the user"
    assert rows[never].status == OutboxStatus.FAILED
    assert rows[never].error == "chat not found: Chat not found"
    async with world.sf() as session:
        flagged = (
            await session.execute(
                select(Contact.telegram_user_id, Contact.unreachable_reason)
                .where(Contact.unreachable_at.is_not(None))
                .order_by(Contact.telegram_user_id)
            )
        ).all()
    assert [c for c, _ in flagged] == [blocked, never]
    # The standing office's group was told once per contact, in the same drain.
    notices = await world.emu.client.bot_messages(OFFICE_GROUP)
    assert len(notices) == 1
    assert notices[0]["text"] == (
        "Nhắc việc — Chiến dịch 500 ngày đêm\n"
        "\n"
        "1. Thông báo\n"
        "Không gửi được nhắc việc đến Cán bộ 3 (UBND xã 3): người dùng đã chặn bot. "
        "Đề nghị liên hệ trực tiếp để cán bộ mở lại bot.\n"
        "\n"
        "2. Thông báo\n"
        "Không gửi được nhắc việc đến Chưa mở bot (UBND xã 1): chưa bắt đầu trò chuyện với "
        "bot. Đề nghị liên hệ trực tiếp để cán bộ mở lại bot."
    )
    # Next day's reminder fails again, but the office is not told twice.
    world.clock.now = T0 + timedelta(days=1)
    await add_reminders(world.sf, world.plan_id, [blocked], at=world.clock.now)
    await world.sender().drain()
    assert len(await world.emu.client.bot_messages(OFFICE_GROUP)) == 1


async def test_migrated_group_gets_its_notice_at_the_new_id(world: World) -> None:
    new_id = await world.emu.client.migrate_group(OFFICE_GROUP)
    assert new_id == int(f"-100{abs(OFFICE_GROUP)}")
    await add_reminders(world.sf, world.plan_id, [OFFICE_GROUP], kind="notice")
    report = await world.sender().drain()
    assert report.migrated == [(OFFICE_GROUP, new_id)]
    assert report.messages == 1
    assert len(await world.emu.client.bot_messages(new_id)) == 1
    async with world.sf() as session:
        assert await session.scalar(select(BoundChat.chat_id)) == new_id
        row = await session.scalar(select(OutboxMessage))
    assert row is not None
    assert (row.status, row.recipient_chat_id) == (OutboxStatus.SENT, new_id)


async def test_429_mid_fanout_is_waited_out_and_resent(world: World) -> None:
    await add_reminders(world.sf, world.plan_id, users(20))
    # PTB's AIORateLimiter halts all requests for retry_after (+0.1 s, real time) and resends.
    await world.emu.client.inject_fault(
        "sendMessage", 429, "Too Many Requests: retry after 1", parameters={"retry_after": 1}
    )
    report = await world.sender().drain()
    assert (report.messages, report.retry_rows, report.failed_rows) == (20, 0, 0)
    for chat in users(20):
        assert len(await world.emu.client.bot_messages(chat)) == 1
    assert {r.status for r in await _rows(world)} == {OutboxStatus.SENT}


async def test_429_beyond_the_limiter_retries_becomes_a_retry_row(world: World) -> None:
    from tests.delivery.conftest import make_bot

    bot = await make_bot(world.emu, max_retries=0)
    world.bot = bot
    await add_reminders(world.sf, world.plan_id, users(1))
    await world.emu.client.inject_fault(
        "sendMessage", 429, "Too Many Requests: retry after 7", parameters={"retry_after": 7}
    )
    report = await world.sender().drain()
    assert report.retry_rows == 1
    [row] = await _rows(world)
    assert row.status == OutboxStatus.RETRY
    assert row.next_attempt_at is not None
    assert row.next_attempt_at.replace(tzinfo=None) == (T0 + timedelta(seconds=7)).replace(
        tzinfo=None
    )
    world.clock.now = T0 + timedelta(seconds=7)
    assert (await world.sender().drain()).messages == 1
    assert len(await world.emu.client.bot_messages(users(1)[0])) == 1
    await bot.shutdown()


async def test_many_items_split_into_messages_a_second_apart(world: World) -> None:
    [lan] = users(1)
    await add_reminders(world.sf, world.plan_id, [lan], per_chat=12)
    report = await world.sender().drain()
    assert (report.messages, report.sent_rows) == (2, 12)
    first, second = await world.emu.client.bot_messages(lan)
    # 10 items fill the first message; the 11th and 12th start again at 1.
    assert "\n10. " in first["text"] and "\n11. " not in first["text"]
    assert "\n1. " in second["text"] and "\n2. " in second["text"]
    assert "\n3. " not in second["text"]


async def test_group_chat_in_group(world: World) -> None:
    # A reminder to a group chat that exists goes through the group limiter (20/min).
    await world.emu.client.send_text(TgUser(1, "A"), "hi", chat=TgGroup(-555, "Nhóm"))
    await add_reminders(world.sf, world.plan_id, [-555], kind="notice")
    assert (await world.sender().drain()).messages == 1


async def test_server_error_retries_with_backoff_then_succeeds(world: World) -> None:
    [lan] = users(1)
    await add_reminders(world.sf, world.plan_id, [lan])
    await world.emu.client.inject_fault("sendMessage", 502, "Bad Gateway")
    report = await world.sender().drain()
    assert (report.messages, report.retry_rows) == (0, 1)
    [row] = await _rows(world)
    # First attempt failed: due again after retry_base (30 s) × 2^0.
    assert (row.status, row.attempts) == (OutboxStatus.RETRY, 1)
    assert row.next_attempt_at is not None
    assert row.next_attempt_at.replace(tzinfo=None) == (T0 + timedelta(seconds=30)).replace(
        tzinfo=None
    )
    world.clock.now = T0 + timedelta(seconds=30)
    assert (await world.sender().drain()).messages == 1
    assert len(await world.emu.client.bot_messages(lan)) == 1
