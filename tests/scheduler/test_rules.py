"""ReminderRules: sending times, snooze, plan settings. Dates worked out by hand (holidays==0.108:
Tue 24/11/2026 off; Sat 22/8/2026 a working day; Tết 2027 Thu 4/2 – Wed 10/2)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from scheduler.calendar import WorkingCalendar
from scheduler.planner import plan_reminders
from scheduler.rules import ReminderRules
from scheduler.snapshot import AdhocPlan
from tests.scheduler.handplan import BCHQS, Y_TE, snapshot

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkingCalendar()
RULES = ReminderRules()


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-11-23 07:00", "2026-11-23 08:00"),  # before today's sending time: today
        ("2026-11-23 08:00", "2026-11-23 08:00"),
        ("2026-11-23 08:01", "2026-11-25 08:00"),  # Tue 24/11 is off
        ("2026-08-21 10:00", "2026-08-22 08:00"),  # Sat 22/8/2026 is a working day
        ("2027-02-03 09:00", "2027-02-11 08:00"),  # Tết
    ],
)
def test_next_sending_time(moment: str, expected: str) -> None:
    assert RULES.next_sending_time(local(moment), CAL) == local(expected)


def test_snooze_until_next_working_day() -> None:
    assert RULES.snooze_until(local("2026-11-27 15:00"), CAL) == local("2026-11-30 08:00")
    assert RULES.snooze_until(local("2027-02-03 08:30"), CAL) == local("2027-02-11 08:00")


def test_current_sending_day_is_a_working_day_within_office_hours() -> None:
    assert RULES.current_sending_day(local("2026-11-27 08:00"), CAL) == date(2026, 11, 27)
    assert RULES.current_sending_day(local("2026-11-27 07:59"), CAL) is None
    assert RULES.current_sending_day(local("2026-11-24 09:00"), CAL) is None
    # An aware UTC clock: 01:30 UTC is 08:30 in Hà Tĩnh.
    utc = datetime(2026, 11, 27, 1, 30, tzinfo=ZoneInfo("UTC"))
    assert RULES.current_sending_day(utc, CAL) == date(2026, 11, 27)
    later = ReminderRules(send_time=time(9, 30))
    assert later.current_sending_day(local("2026-11-27 09:00"), CAL) is None


def test_plan_settings_override_the_rules() -> None:
    rules = RULES.with_plan_settings(
        {
            "campaign_start": "2026-04-01",
            "report_due_working_days": 3,
            "reminder_offsets_days": [5, 2],
            "report_header": {},
        }
    )
    assert rules.campaign_start == date(2026, 4, 1)
    assert rules.period_due_working_days == 3
    assert rules.deadline_days_before == (5, 2, 0)
    assert RULES.with_plan_settings({}) is RULES


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        plan_reminders(snapshot(), RULES, datetime(2026, 11, 27, 8, 0))


def test_an_unanswered_adhoc_request_folds_into_the_status_check() -> None:
    # Asked Mon 2/11/2026 09:00 → first sent Tue 3/11; due Fri 6/11: 3 working days before is
    # Tue 3/11, the due day Fri 6/11; overdue Mon 9/11 and Wed 11/11. On Thu 12/11 (the 2026-11
    # report's first reminder) nothing of it was ever sent: the status check names it.
    request = AdhocPlan(
        7, "Số liệu mộ chưa xác định", date(2026, 11, 6), local("2026-11-02 09:00"), (Y_TE,)
    )
    reminders = plan_reminders(snapshot(adhoc=(request,)), RULES, local("2026-11-12 08:00"))
    [check] = [r for r in reminders if r.kind == "status_check" and r.agency_id == Y_TE]
    assert check.lines[-1] == "*. Số liệu mộ chưa xác định — hạn 06/11/2026, quá hạn 6 ngày"
    # The request's own reminders before the due date expired with it: only the overdue fold.
    assert sorted(k for k in check.covers if "adhoc:7" in k) == [
        "overdue:adhoc:7:a3:2026-11-09",
        "overdue:adhoc:7:a3:2026-11-11",
    ]
    assert all(r.agency_id != BCHQS or r.period != "adhoc:7" for r in reminders)


def test_message_html_escapes_and_lists_items() -> None:
    from scheduler.texts import render_html

    reminders = plan_reminders(snapshot(), RULES, local("2026-11-27 08:00"))
    [deadline] = [r for r in reminders if r.key == "deadline:10b#1:a2:2026-11-27"]
    text = render_html([deadline.payload(), {"header": "A < B", "lines": ["x & y"]}])
    assert text.splitlines()[0] == "<b>Nhắc việc: nội dung sắp đến hạn của Sở Nội vụ</b>"
    assert text.splitlines()[1].startswith("• 10b. Sơ kết")
    assert text.splitlines()[1].endswith("— hạn 30/11/2026, còn 3 ngày")
    assert text.splitlines()[-2:] == ["<b>A &lt; B</b>", "• x &amp; y"]


def test_office_copy_of_an_escalation_reaches_office_role_and_bound_chat() -> None:
    from scheduler.snapshot import ContactRef

    snap = snapshot()
    office_person = ContactRef(99, 3099, "Trực ban", None, None, standing_office=True)
    snap = replace(snap, contacts=(*snap.contacts, office_person), standing_office_chat_id=-100500)
    reminders = plan_reminders(snap, RULES, local("2026-12-07 08:00"))
    # 10b: Sở Nội vụ (agency 2) late on Mon 7/12 → leader copy and office copy.
    [office] = [r for r in reminders if r.key == "escalation:10b#1:a2:office:2026-12-07"]
    assert [(r.chat_id, r.contact_id) for r in office.recipients] == [
        (1001, 1),  # the standing office agency's contact
        (3099, 99),  # a contact holding the standing-office role
        (-100500, None),  # the office's bound group chat
    ]
    # The standing office late itself: no office copy at all.
    assert [r for r in reminders if r.key.startswith("escalation:10b#1:a1:office")] == []


def test_fyi_to_a_support_agency_three_days_before() -> None:
    # Sở Y tế bound to 10b's group of coordinators: one FYI 3 days before Mon 30/11 = Fri 27/11.
    tasks = tuple(replace(t, supports=(Y_TE,)) if t.code == "10b" else t for t in snapshot().tasks)
    snap = snapshot(tasks=tasks)

    def fyi(day: str) -> list[tuple[str, tuple[str, ...], str]]:
        return [
            (r.agency, r.tasks, r.key)
            for r in plan_reminders(snap, RULES, local(f"{day} 08:00"))
            if r.kind == "fyi"
        ]

    assert fyi("2026-11-26") == []
    assert fyi("2026-11-27") == [("Sở Y tế", ("10b",), "fyi:10b#1:a3:2026-11-27")]
    assert fyi("2026-11-30") == []
    # No escalation or overdue for a support agency.
    assert [
        r
        for r in plan_reminders(snap, RULES, local("2026-12-07 08:00"))
        if r.agency == "Sở Y tế" and "10b" in r.tasks
    ] == []
