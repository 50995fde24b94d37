"""Invites, binding, revoke and transfer (models/access.py) on a real database engine."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import access, directory
from models.access import InviteError, InviteRefusal
from models.people import Role
from models.text import fold
from tests.bot.conftest import NOW
from tests.factories import make_small_plan

TTL = timedelta(days=14)


async def test_contact_invite_binds_once(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory.begin() as s:
        p = await make_small_plan(s)
        noi_vu = p.agencies["Sở Nội vụ"]
        invite = await access.create_invite(
            s, p.plan.id, Role.CONTACT, now=NOW, ttl=TTL, agency_id=noi_vu.id
        )
        code, plan_id = invite.code, p.plan.id
        assert len(code) == 16
        assert fold("Trưởng Ban Chỉ đạo") == "truong ban chi dao"
    async with session_factory.begin() as s:
        done = await access.redeem_invite(
            s,
            plan_id,
            code,
            telegram_user_id=1001,
            full_name="Nguyễn Văn An",
            username=None,
            now=NOW,
        )
        assert done.role is Role.CONTACT
        assert done.contact.agency is not None and done.contact.agency.name == "Sở Nội vụ"
        assert access.roles_of(done.contact) == {Role.CONTACT}
        assert done.contact.username is None
    async with session_factory.begin() as s:
        with pytest.raises(InviteError) as err:
            await access.redeem_invite(
                s, plan_id, code, telegram_user_id=1002, full_name="B", username="b", now=NOW
            )
        assert err.value.reason is InviteRefusal.USED
        with pytest.raises(InviteError) as err:
            await access.redeem_invite(
                s, plan_id, "nope", telegram_user_id=1002, full_name="B", username="b", now=NOW
            )
        assert err.value.reason is InviteRefusal.UNKNOWN


async def test_expired_code_is_refused(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory.begin() as s:
        p = await make_small_plan(s)
        invite = await access.create_invite(
            s, p.plan.id, Role.CONTACT, now=NOW, ttl=TTL, agency_id=p.agencies["Sở Y tế"].id
        )
        # 14 days later to the second: expires_at == now, which is already too late.
        with pytest.raises(InviteError) as err:
            await access.redeem_invite(
                s,
                p.plan.id,
                invite.code,
                telegram_user_id=7,
                full_name="C",
                username=None,
                now=NOW + TTL,
            )
        assert err.value.reason is InviteRefusal.EXPIRED
        ok = await access.redeem_invite(
            s,
            p.plan.id,
            invite.code,
            telegram_user_id=7,
            full_name="C",
            username=None,
            now=NOW + TTL - timedelta(seconds=1),
        )
        assert ok.contact.telegram_user_id == 7


async def test_one_agency_per_person(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory.begin() as s:
        p = await make_small_plan(s)
        a = await access.create_invite(
            s, p.plan.id, Role.CONTACT, now=NOW, ttl=TTL, agency_id=p.agencies["Sở Y tế"].id
        )
        b = await access.create_invite(
            s, p.plan.id, Role.CONTACT, now=NOW, ttl=TTL, agency_id=p.agencies["Sở Nội vụ"].id
        )
        await access.redeem_invite(
            s, p.plan.id, a.code, telegram_user_id=5, full_name="D", username="d", now=NOW
        )
        with pytest.raises(InviteError) as err:
            await access.redeem_invite(
                s, p.plan.id, b.code, telegram_user_id=5, full_name="D", username="d", now=NOW
            )
        assert err.value.reason is InviteRefusal.OTHER_AGENCY
        assert b.used_at is None  # the refused code stays usable for the right person


async def test_standing_office_roles_and_group(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory.begin() as s:
        p = await make_small_plan(s)
        bchqs = p.agencies["Bộ Chỉ huy Quân sự tỉnh"]
        so = await access.create_invite(
            s, p.plan.id, Role.STANDING_OFFICE, now=NOW, ttl=TTL, agency_id=bchqs.id
        )
        done = await access.redeem_invite(
            s, p.plan.id, so.code, telegram_user_id=9, full_name="E", username="e", now=NOW
        )
        assert access.roles_of(done.contact) == {Role.STANDING_OFFICE, Role.CONTACT}
        group_code = await access.create_invite(
            s, p.plan.id, Role.STANDING_OFFICE, now=NOW, ttl=TTL
        )
        with pytest.raises(InviteError) as err:
            await access.bind_group_chat(
                s, p.plan.id, group_code.code, chat_id=-100, title="G", telegram_user_id=10, now=NOW
            )
        assert err.value.reason is InviteRefusal.NOT_A_MEMBER
        chat = await access.bind_group_chat(
            s,
            p.plan.id,
            group_code.code,
            chat_id=-100,
            title="Thường trực",
            telegram_user_id=9,
            now=NOW,
        )
        assert (chat.chat_id, chat.title) == (-100, "Thường trực")
        assert (await access.standing_office_chat(s, p.plan.id)) is chat


async def test_invite_target_reads_what_moi_is_given(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory.begin() as s:
        p = await make_small_plan(s)
        plan_id = p.plan.id
        office = await directory.invite_target(s, plan_id, "Thường trực")
        assert office == directory.InviteTarget(Role.STANDING_OFFICE)
        leader = await directory.invite_target(s, plan_id, "lanh dao truong ban chi dao tinh")
        assert leader == directory.InviteTarget(
            Role.LEADER,
            "Trưởng Ban Chỉ đạo tỉnh",
            leader_position_id=p.leaders["Trưởng Ban Chỉ đạo tỉnh"].id,
        )
        agency = await directory.invite_target(s, plan_id, "so noi vu")
        assert agency == directory.InviteTarget(
            Role.CONTACT, "Sở Nội vụ", agency_id=p.agencies["Sở Nội vụ"].id
        )
        with pytest.raises(directory.UnknownLeaderPosition) as err:
            await directory.invite_target(s, plan_id, "lanhdao Chủ tịch")
        assert (err.value.title, err.value.titles) == (
            "chu tich",
            ["Trưởng Ban Chỉ đạo tỉnh", "Phó Trưởng ban Thường trực"],
        )
        with pytest.raises(directory.UnknownLeaderPosition) as err:
            await directory.invite_target(s, plan_id, "lanhdao")
        assert err.value.title == ""
        with pytest.raises(access.AccessError):
            await directory.invite_target(s, plan_id, "Sở Không Có")


async def test_leader_invite(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory.begin() as s:
        p = await make_small_plan(s)
        pos = await directory.find_leader_position(s, p.plan.id, "truong ban chi dao tinh")
        assert pos.title == "Trưởng Ban Chỉ đạo tỉnh"
        with pytest.raises(access.AccessError, match="Phó Trưởng ban Thường trực"):
            await directory.find_leader_position(s, p.plan.id, "Chủ tịch")
        inv = await access.create_invite(
            s, p.plan.id, Role.LEADER, now=NOW, ttl=TTL, leader_position_id=pos.id
        )
        done = await access.redeem_invite(
            s, p.plan.id, inv.code, telegram_user_id=11, full_name="F", username=None, now=NOW
        )
        assert access.roles_of(done.contact) == {Role.LEADER}
        assert done.contact.agency_id is None
        assert done.contact.leader_position is not None


async def test_revoke_and_transfer(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory.begin() as s:
        p = await make_small_plan(s)
        y_te = p.agencies["Sở Y tế"].id
        for uid in (21, 22):
            inv = await access.create_invite(
                s, p.plan.id, Role.CONTACT, now=NOW, ttl=TTL, agency_id=y_te
            )
            await access.redeem_invite(
                s,
                p.plan.id,
                inv.code,
                telegram_user_id=uid,
                full_name=f"P{uid}",
                username=None,
                now=NOW,
            )
        assert [c.telegram_user_id for c in await directory.list_contacts(s, p.plan.id)] == [21, 22]
        await directory.revoke_contact(s, p.plan.id, 21, now=NOW)
        assert await access.get_contact(s, p.plan.id, 21) is None
        with pytest.raises(access.AccessError):
            await directory.revoke_contact(s, p.plan.id, 21, now=NOW)
        everyone = await directory.list_contacts(s, p.plan.id, include_revoked=True)
        assert len(everyone) == 2

        result = await directory.transfer_agency(s, p.plan.id, y_te, now=NOW, ttl=TTL)
        assert [c.telegram_user_id for c in result.revoked] == [22]
        assert result.invite is not None and result.invite.agency_id == y_te
        assert await directory.list_contacts(s, p.plan.id) == []
        # The revoked person can come back through the new code, starting afresh.
        back = await access.redeem_invite(
            s,
            p.plan.id,
            result.invite.code,
            telegram_user_id=21,
            full_name="P21",
            username="p",
            now=NOW,
        )
        assert access.roles_of(back.contact) == {Role.CONTACT}

        # Transfer to an already-bound account without an agency (a leader here).
        pos = p.leaders["Trưởng Ban Chỉ đạo tỉnh"]
        inv = await access.create_invite(
            s, p.plan.id, Role.LEADER, now=NOW, ttl=TTL, leader_position_id=pos.id
        )
        await access.redeem_invite(
            s, p.plan.id, inv.code, telegram_user_id=30, full_name="L", username=None, now=NOW
        )
        moved = await directory.transfer_agency(
            s, p.plan.id, y_te, now=NOW, ttl=TTL, to_telegram_user_id=30
        )
        assert moved.invite is None
        assert [c.telegram_user_id for c in moved.revoked] == [21]
        assert [c.telegram_user_id for c in await directory.list_contacts(s, p.plan.id)] == [30]


async def test_two_people_racing_for_one_code(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory.begin() as s:
        p = await make_small_plan(s)
        invite = await access.create_invite(
            s, p.plan.id, Role.CONTACT, now=NOW, ttl=TTL, agency_id=p.agencies["Sở Y tế"].id
        )
        plan_id, code = p.plan.id, invite.code

    async def redeem(user_id: int) -> str:
        try:
            async with session_factory.begin() as s:
                await access.redeem_invite(
                    s,
                    plan_id,
                    code,
                    telegram_user_id=user_id,
                    full_name=str(user_id),
                    username=None,
                    now=NOW,
                )
            return "bound"
        except InviteError as exc:
            return exc.reason.value

    results = await asyncio.gather(redeem(41), redeem(42))
    assert sorted(results) == ["bound", "used"]
    async with session_factory.begin() as s:
        assert len(await directory.list_contacts(s, plan_id)) == 1


async def test_contact_lookup_is_one_query_and_touch_is_throttled(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """The role check's per-update cost (issue 6): one SELECT for the contact with its roles,
    agency and leader position; ``last_active_at`` written at most once a minute, except that an
    unreachable mark is always cleared."""
    async with session_factory.begin() as s:
        p = await make_small_plan(s)
        office = await access.create_invite(
            s, p.plan.id, Role.STANDING_OFFICE, now=NOW, ttl=TTL, agency_id=p.agencies["Sở Y tế"].id
        )
        await access.redeem_invite(
            s, p.plan.id, office.code, telegram_user_id=21, full_name="G", username=None, now=NOW
        )
        plan_id = p.plan.id
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    engine = session_factory.kw["bind"].sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        async with session_factory.begin() as s:
            contact = await access.get_contact(s, plan_id, 21)
            assert contact is not None
            # standing_office invite with an agency: also a contact of it (two roles, one row).
            assert access.roles_of(contact) == {Role.STANDING_OFFICE, Role.CONTACT}
            assert contact.agency is not None and contact.agency.name == "Sở Y tế"
            assert contact.leader_position is None
            assert len(statements) == 1
            # Redeemed at NOW: 59 s later nothing is written, 60 s later it is.
            assert await access.touch(s, contact, NOW + timedelta(seconds=59)) is False
            assert len(statements) == 1
            assert await access.touch(s, contact, NOW + timedelta(seconds=60)) is True
            assert len(statements) == 2 and statements[1].startswith("UPDATE contacts")
            contact.unreachable_at = NOW
            contact.unreachable_reason = "blocked"
            assert await access.touch(s, contact, NOW + timedelta(seconds=61)) is True
            assert contact.unreachable_at is None and contact.unreachable_reason is None
    finally:
        event.remove(engine, "before_cursor_execute", count)
    async with session_factory() as s:
        contact = await access.get_contact(s, plan_id, 21)
        assert contact is not None and contact.last_active_at is not None
        assert access.needs_touch(contact, NOW + timedelta(seconds=61 + 59)) is False
        assert access.needs_touch(contact, NOW + timedelta(seconds=61 + 60)) is True


async def test_contact_snapshot_matches_get_contact_and_sees_revoke_at_once(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """The role check's Core read (``contact_snapshot``) gives what ``get_contact`` + ``roles_of``
    give — two roles, an agency, a leader position, nobody — in one SELECT; a revoke is seen on
    the very next read, and ``touch_snapshot`` follows ``touch``'s once-a-minute rule."""
    async with session_factory.begin() as s:
        p = await make_small_plan(s)
        office = await access.create_invite(
            s, p.plan.id, Role.STANDING_OFFICE, now=NOW, ttl=TTL, agency_id=p.agencies["Sở Y tế"].id
        )
        await access.redeem_invite(
            s, p.plan.id, office.code, telegram_user_id=31, full_name="H", username=None, now=NOW
        )
        pos = await directory.find_leader_position(s, p.plan.id, "truong ban chi dao tinh")
        lead = await access.create_invite(
            s, p.plan.id, Role.LEADER, now=NOW, ttl=TTL, leader_position_id=pos.id
        )
        await access.redeem_invite(
            s, p.plan.id, lead.code, telegram_user_id=32, full_name="I", username=None, now=NOW
        )
        plan_id = p.plan.id
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    engine = session_factory.kw["bind"].sync_engine
    for telegram_user_id in (31, 32, 33):
        async with session_factory() as s:
            contact = await access.get_contact(s, plan_id, telegram_user_id)
            event.listen(engine, "before_cursor_execute", count)
            try:
                snap = await access.contact_snapshot(s, plan_id, telegram_user_id)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            assert len(statements) == 1
            statements.clear()
            if contact is None:
                assert telegram_user_id == 33 and snap is None
                continue
            assert snap is not None
            assert (snap.id, snap.full_name, snap.roles) == (
                contact.id,
                contact.full_name,
                access.roles_of(contact),
            )
            assert (snap.agency_id, snap.agency_name) == (
                contact.agency_id,
                contact.agency.name if contact.agency else None,
            )
            assert (snap.leader_position_id, snap.leader_title) == (
                contact.leader_position_id,
                contact.leader_position.title if contact.leader_position else None,
            )
    async with session_factory.begin() as s:
        snap = await access.contact_snapshot(s, plan_id, 31)
        assert snap is not None and snap.roles == {Role.STANDING_OFFICE, Role.CONTACT}
        assert await access.touch_snapshot(s, snap, NOW + timedelta(seconds=59)) is False
        assert await access.touch_snapshot(s, snap, NOW + timedelta(seconds=60)) is True
    async with session_factory.begin() as s:
        snap = await access.contact_snapshot(s, plan_id, 31)
        assert snap is not None and access.needs_touch(snap, NOW + timedelta(seconds=119)) is False
        await directory.revoke_contact(s, plan_id, 31, now=NOW)
    async with session_factory() as s:
        assert await access.contact_snapshot(s, plan_id, 31) is None
