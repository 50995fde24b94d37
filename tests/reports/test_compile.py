"""The compiled November 2026 summary: numbers, lists and texts (expected values by hand, see
``tests/reports/scenario.py``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reports.summary import Summary
from tests.reports.conftest import summary_for
from tests.reports.scenario import BCHQS, NV, VH, YT


def test_period_heading(november: Summary) -> None:
    assert november.period.start == date(2026, 10, 15)
    assert november.period.end == date(2026, 11, 14)
    assert november.due == date(2026, 11, 17)
    assert november.compiled_on == date(2026, 11, 23)
    assert november.label == "tháng 11/2026"


def test_reporting_status(november: Summary) -> None:
    assert [s.agency for s in november.on_time] == [BCHQS, VH]
    assert [s.agency for s in november.late] == [NV]
    assert [s.agency for s in november.missing] == [YT]
    nv = november.late[0]
    assert nv.replied == ["6a", "9b", "10b"]  # plan order
    assert nv.late == ["6a", "9b", "10b"]
    assert nv.days_late == 2
    assert nv.last_confirmed_on == date(2026, 11, 19)
    assert november.unreported == [(NV, "5b"), (NV, "6c"), (YT, "3b"), (YT, "6a"), (YT, "6c")]
    bchqs = november.on_time[0]
    assert bchqs.replied == ["1a", "1c", "5a", "6a", "6c", "8a", "9b", "10b"]
    assert bchqs.missing == []


def test_unreachable_overdue_event_deliverables(november: Summary) -> None:
    [blocked] = november.unreachable
    assert (blocked.name, blocked.agency, blocked.since) == (
        "Trần Thị Bích",
        YT,
        date(2026, 11, 10),
    )
    assert [(o.code, o.due, o.days_overdue, o.agencies) for o in november.overdue] == [
        ("5b", date(2026, 5, 31), 167, [NV]),
        ("3b", date(2026, 7, 31), 106, [YT]),
    ]
    assert november.not_activated == [("4b", "Khi có hướng dẫn của Trung ương")]
    [deliverable] = november.deliverables
    assert (deliverable.task_code, deliverable.agency, deliverable.name) == (
        "10b",
        BCHQS,
        "Ke hoach so ket.pdf",
    )


def test_indicators_owner_only(november: Summary) -> None:
    by_code = {i.code: i for i in november.indicators}
    remains = by_code["remains_recovered"]
    assert (remains.period_total, remains.cumulative) == (Decimal(2), Decimal(6))
    assert (remains.target_min, remains.target_max) == (Decimal(10), Decimal(12))
    graves = by_code["graves_sampled"]
    assert graves.period_total == Decimal(2034)
    assert graves.cumulative == Decimal(4034)
    assert graves.denominator == 12_000 and graves.denominator_is_default
    assert graves.percent == Decimal("33.6")
    assert [(n.agency, n.task_code, n.value) for n in graves.notes] == [(NV, "6a", Decimal(1300))]
    # One point per monthly cut-off since the campaign start (14/3/2026): 2026-04 … 2026-11.
    assert [(d.isoformat(), v) for d, v in graves.by_cutoff] == [
        *((f"2026-{m:02d}-14", Decimal(0)) for m in range(4, 10)),
        ("2026-10-14", Decimal(2000)),
        ("2026-11-14", Decimal(4034)),
    ]


def test_sections_texts_nfc(november: Summary) -> None:
    numbers = [s.number for s in november.sections]
    assert numbers == [1, 2, 3, 5, 6, 8, 9, 10]
    section5 = next(s for s in november.sections if s.number == 5)
    task5a = next(t for t in section5.tasks if t.code == "5a")
    [lead] = task5a.leads
    assert lead.result == "Quy tập 2 hài cốt tại xã Hương Sơn & Vũ Quang; độ sâu < 1 m"
    assert lead.confirmed_on == date(2026, 11, 16) and not lead.late
    assert [(d.agency, d.task_code, d.text) for d in november.difficulties] == [
        (BCHQS, "5a", "Mưa lũ kéo dài, địa hình chia cắt"),
        (NV, "6a", "Thiếu kinh phí giám định ADN"),  # NFC again although sent in NFD
    ]
    assert [(p.agency, p.task_code) for p in november.proposals] == [(VH, "2"), (BCHQS, "10b")]
    assert november.next_steps[0].text == "Tiếp tục khảo sát 3 điểm tại Lào"


async def test_december_counts_the_yearly_reply(factory) -> None:  # type: ignore[no-untyped-def]
    from tests.reports.conftest import summary_for

    december = await summary_for(factory, "2026-12")
    remains = next(i for i in december.indicators if i.code == "remains_recovered")
    # The 2026-12 reply (5 sets) answers December; cumulative 6 + 5.
    assert (remains.period_total, remains.cumulative) == (Decimal(5), Decimal(11))


async def test_campaign_window_from_plan_settings(factory) -> None:  # type: ignore[no-untyped-def]
    from models.plan import PlanSetting
    from models.repositories import get_plan
    from reports.replies import campaign_window

    defaults = (date(2026, 3, 14), date(2027, 7, 27))
    async with factory.begin() as session:
        plan = await get_plan(session)
        assert await campaign_window(session, plan.id, *defaults) == defaults
        session.add(PlanSetting(plan_id=plan.id, key="campaign_start", value="2026-04-01"))
        await session.flush()
        assert await campaign_window(session, plan.id, *defaults) == (
            date(2026, 4, 1),
            date(2027, 7, 27),
        )


async def test_replies_to_a_task_archived_by_a_re_import_do_not_break_the_report(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    """A re-import that drops task 9b archives it (the replies stay): the report leaves its
    replies out of section I and of the agencies' standings instead of failing."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    from models.plan import Task

    async with factory.begin() as session:
        await session.execute(
            update(Task)
            .where(Task.code == "9b")
            .values(archived_at=datetime(2026, 11, 20, tzinfo=UTC))
        )
    summary = await summary_for(factory)
    codes = [line.code for block in summary.sections for line in block.tasks]
    assert "9b" not in codes and "10b" in codes
    assert [s.agency for s in summary.late] == [NV]
    assert summary.late[0].replied == ["6a", "10b"]
    assert summary.on_time[0].replied == ["1a", "1c", "5a", "6a", "6c", "8a", "10b"]


async def test_owner_changed_by_the_standing_office_counts(factory) -> None:  # type: ignore[no-untyped-def]
    """``plan owner 6a "Mộ đã lấy mẫu" "Sở Nội vụ"``: Sở Nội vụ's 6a figures (500 in October, 1.300
    in November) count, Bộ CHQS tỉnh's (2.000, 1.234) become its notes; 6c stays Bộ CHQS tỉnh's."""
    from models.repositories import get_plan
    from plan.owners import set_owner
    from reports.phrases import indicator_line, note_line

    async with factory.begin() as session:
        plan = await get_plan(session)
        await set_owner(session, plan.id, "6a", "Mộ đã lấy mẫu", NV)
    graves = next(i for i in (await summary_for(factory)).indicators if i.code == "graves_sampled")
    assert (graves.period_total, graves.cumulative) == (Decimal(2100), Decimal(2600))
    assert graves.owner_figures == [("6a", NV, Decimal(1300)), ("6c", BCHQS, Decimal(800))]
    assert [note_line(n) for n in graves.notes] == [
        "Bộ Chỉ huy Quân sự tỉnh (nội dung 6a) báo cáo 1.234 — không cộng vào tổng."
    ]
    assert indicator_line(graves).startswith(
        "Mộ đã lấy mẫu: trong kỳ 2.100 mộ; lũy kế từ đầu Chiến dịch 2.600 mộ"
    )
