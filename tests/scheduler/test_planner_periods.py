"""Periodic reports, ad-hoc requests, activation, snooze and calendar overrides on the real plan.

Expected dates worked out by hand from the calendar (holidays==0.108):
- 2026-11: cut-off Sat 14/11/2026, due the 2nd working day after = Tue 17/11 (Mon 16 is the 1st);
  3 working days before: Mon 16 (1), Fri 13 (2), Thu 12/11 (3). Overdue: Wed 18 (1st), Fri 20
  (3rd); Mon 23 is the 4th, Tue 24/11 is off (Ngày Văn hóa Việt Nam), so the 5th is Wed 25/11.
- 2026-12 shares 14/12 with 2026-Q4, 2026-H2 and 2026: asked once, as "2026". Cut-off Mon 14/12,
  due Wed 16/12; 3 working days before: Tue 15, Mon 14, Fri 11/12. Overdue Thu 17, Mon 21/12.
- 2027-02 (Tết 2027 is Thu 4/2 – Wed 10/2): cut-off Sun 14/2/2027, due Tue 16/2; 3 working days
  before: Mon 15, Fri 12, Thu 11/2 (the first day back). Overdue Wed 17, Fri 19; escalation Tue 23/2.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from models.reminders import OutboxMessage
from scheduler.calendar import WorkingCalendar
from scheduler.reminder_text import render
from scheduler.rules import ReminderRules
from scheduler.snapshot import AdhocPlan, SnoozeRef
from tests.scheduler.conftest import TZ, at, brief, entries, run, shown, simulate
from tests.scheduler.handplan import (
    BCHQS,
    NGOAI_VU,
    NOI_VU,
    TASK_ID,
    VHTTDL,
    Y_TE,
    snapshot,
)

pytestmark = pytest.mark.usefixtures("plan_source")

BCH = "Bộ Chỉ huy Quân sự tỉnh"
NV = "Sở Nội vụ"
YT = "Sở Y tế"
NGV = "Sở Ngoại vụ"
VH = "Sở Văn hóa, Thể thao và Du lịch"
# Tasks active in 2026-11 (data 15/10–14/11/2026), per agency, from the document: ongoing (1a, 1c,
# 2, 8a, 9b), windows overlapping it (5a, 6a, 6c), deadlines before it not reported done (all of
# May–August 2026). 10b (30/11) and 10c (7/2027) are not active yet; 4b is on-event.
BCH_2026_11 = ["1a", "1b", "1c", "3a", "3b", "3c", "4a", "5a", "5b", "5c", "6a", "6b", "6c", "7", "8a", "8b", "9a", "9b", "10a"]  # fmt: skip
NV_2026_11 = ["3a", "3b", "3c", "4a", "5b", "5c", "6a", "6b", "6c", "7", "9b"]
MONTHLY_2026_11 = [
    (BCH, "period", "2026-11", BCH_2026_11),
    (NGV, "period", "2026-11", ["7"]),
    (NV, "period", "2026-11", NV_2026_11),
    (VH, "period", "2026-11", ["2"]),
    (YT, "period", "2026-11", ["3b", "6a", "6b", "6c"]),
]


def test_monthly_2026_11() -> None:
    assert brief(entries(snapshot(), "2026-11-12 08:00"), ("period",)) == MONTHLY_2026_11
    assert brief(entries(snapshot(), "2026-11-13 08:00"), ("period",)) == []
    assert brief(entries(snapshot(), "2026-11-16 08:00"), ("period",)) == []
    assert brief(entries(snapshot(), "2026-11-17 08:00"), ("period",)) == MONTHLY_2026_11
    overdue = [(a, "overdue", p, t) for a, _k, p, t in MONTHLY_2026_11]
    assert brief(entries(snapshot(), "2026-11-18 08:00"), ("overdue",)) == overdue
    assert brief(entries(snapshot(), "2026-11-19 08:00"), ("overdue",)) == []
    assert brief(entries(snapshot(), "2026-11-20 08:00"), ("overdue",)) == overdue
    assert run(snapshot(), "2026-11-24 08:00") == []  # a holiday
    escalations = brief(entries(snapshot(), "2026-11-25 08:00"), ("escalation",))
    # Sở Y tế's tasks: 3b under the Phó Trưởng ban Thường trực, 6a–6c under the Trưởng Ban: one
    # entry naming both (plan order), their contacts, then the standing office's.
    assert [e for e in escalations if e[0] == YT] == [
        (YT, "escalation", "2026-11", ["3b", "6a", "6b", "6c"],
         "Phó Trưởng ban Thường trực Ban Chỉ đạo tỉnh; Trưởng Ban Chỉ đạo tỉnh", [2002, 2001, 1001]),
    ]  # fmt: skip
    # One entry per (agency, kind, period).
    assert len({(a, k, p) for a, k, p, *_ in escalations}) == len(escalations) == 5
    [text] = [
        r for r in run(snapshot(), "2026-11-12 08:00") if r.key == "period:2026-11:a3:2026-11-12"
    ]
    assert text.header == "Báo cáo định kỳ kỳ 2026-11 — hạn 17/11/2026, còn 5 ngày"


def test_answers_remove_tasks_and_agencies_from_the_period() -> None:
    answered = frozenset(
        {(TASK_ID["3b"], Y_TE, "2026-11"), (TASK_ID["2"], VHTTDL, "2026-11")}
        | {(TASK_ID["7"], NGOAI_VU, "2026-11")}
    )
    rows = brief(entries(snapshot(answered=answered), "2026-11-17 08:00"), ("period",))
    assert rows == [
        (BCH, "period", "2026-11", BCH_2026_11),
        (NV, "period", "2026-11", NV_2026_11),
        (YT, "period", "2026-11", ["6a", "6b", "6c"]),
    ]


def test_december_is_asked_once_as_the_year_2026() -> None:
    rows = brief(entries(snapshot(), "2026-12-11 08:00"), ("period",))
    # 10b (due 30/11/2026) has a deadline inside 15/12/2025–14/12/2026: active in "2026".
    assert [(a, p, t) for a, _k, p, t in rows] == [
        (BCH, "2026", [*BCH_2026_11, "10b"]),
        (NGV, "2026", ["7"]),
        (NV, "2026", [*NV_2026_11, "10b"]),
        (VH, "2026", ["2"]),
        (YT, "2026", ["3b", "6a", "6b", "6c"]),
    ]
    assert len(brief(entries(snapshot(), "2026-12-16 08:00"), ("period",))) == 5
    assert len(brief(entries(snapshot(), "2026-12-17 08:00"), ("overdue",))) == 5
    assert len(brief(entries(snapshot(), "2026-12-21 08:00"), ("overdue",))) == 5
    # A reply given for "2026-12" answers the year report too (same cut-off).
    answered = frozenset({(TASK_ID["2"], VHTTDL, "2026-12")})
    rows = brief(entries(snapshot(answered=answered), "2026-12-16 08:00"), ("period",))
    assert VH not in [a for a, *_ in rows]


def test_period_around_tet_2027() -> None:
    assert brief(entries(snapshot(), "2027-02-10 08:00")) == []  # Tết
    rows = brief(entries(snapshot(), "2027-02-11 08:00"), ("period",))
    assert [(a, p) for a, _k, p, _t in rows] == [
        (BCH, "2027-02"), (NGV, "2027-02"), (NV, "2027-02"), (VH, "2027-02"), (YT, "2027-02"),
    ]  # fmt: skip
    assert brief(entries(snapshot(), "2027-02-12 08:00"), ("period",)) == []
    assert len(brief(entries(snapshot(), "2027-02-16 08:00"), ("period",))) == 5
    assert len(brief(entries(snapshot(), "2027-02-17 08:00"), ("overdue",))) == 5
    assert len(brief(entries(snapshot(), "2027-02-19 08:00"), ("overdue",))) == 5
    assert {e[2] for e in brief(entries(snapshot(), "2027-02-23 08:00"), ("escalation",))} == {
        "2027-02"
    }


def test_activated_on_event_task_around_tet_2027() -> None:
    # 4b "Khi có hướng dẫn của Trung ương": silent until activated.
    assert [r for r in run(snapshot(), "2027-02-01 08:00") if "4b" in r.tasks] == []
    activated = tuple(
        t if t.code != "4b" else t.__class__(**{**t.__dict__, "activated_due": date(2027, 2, 8),
            "activated_at": datetime(2027, 1, 27, 10, 0, tzinfo=TZ)})
        for t in snapshot().tasks
    )  # fmt: skip
    snap = snapshot(tasks=activated)

    # The clock moves day by day from the activation (everything planned is sent).
    days = simulate(snap, "2027-01-27", "2027-02-16")

    def fourb(day: str) -> list[tuple[str, str, tuple[tuple[str, str | None], ...]]]:
        return [
            (r.agency, str(r.kind), tuple(shown(r.lines)))
            for r in days[day]
            if "4b" in r.tasks and r.kind in ("deadline", "overdue", "escalation")
        ]

    # Activated Wed 27/1 10:00 → first sending time Thu 28/1. Due Mon 8/2/2027, inside Tết:
    # 7 days before = Mon 1/2; 3 days (Fri 5/2), 1 day (Sun 7/2) and the day itself (Mon 8/2)
    # are off → the previous working day, Wed 3/2 (4/2 is 29 Tết, off).
    assert {day for day in days if fourb(day)} == {
        "2027-01-28", "2027-02-01", "2027-02-03", "2027-02-11", "2027-02-15",
    }  # fmt: skip
    assert fourb("2027-01-28") == [(NV, "deadline", (("4b", "hạn 08/02/2027, còn 11 ngày"),))]
    assert fourb("2027-02-01") == [(NV, "deadline", (("4b", "hạn 08/02/2027, còn 7 ngày"),))]
    assert fourb("2027-02-03") == [(NV, "deadline", (("4b", "hạn 08/02/2027, còn 5 ngày"),))]
    # Overdue: 1st working day after 8/2 = Thu 11/2; 3rd = Mon 15/2 (Fri 12/2 the 2nd).
    assert fourb("2027-02-11") == [(NV, "overdue", (("4b", "hạn 08/02/2027, quá hạn 3 ngày"),))]
    assert [k for _a, k, _l in fourb("2027-02-15")] == ["overdue"]
    # 5th = Wed 17/2: to its leader (Phó Trưởng Ban) and to the standing office.
    rows = [e for e in brief(entries(snap, "2027-02-17 08:00"), ("escalation",)) if "4b" in e[3]]
    assert rows == [(NV, "escalation", None, ["4b"], "Phó Trưởng Ban Chỉ đạo tỉnh", [2003, 1001])]
    # Once activated, 4b is active in the period reports (deadline inside 2027-02's range,
    # 15/1–14/2/2027), in plan order; so is 10b (deadline 30/11/2026 before it, not reported done).
    rows = brief(entries(snap, "2027-02-11 08:00"), ("period",))
    assert [t for a, _k, _p, t in rows if a == NV] == [
        ["3a", "3b", "3c", "4a", "4b", "5b", "5c", "6a", "6b", "6c", "7", "9b", "10b"]
    ]


def test_adhoc_request_around_national_day_2026() -> None:
    # Asked Fri 21/8/2026 10:00 of Sở Y tế and the standing office, due Wed 2/9/2026 (a holiday).
    request = AdhocPlan(
        1, "Kết quả lấy mẫu ADN", date(2026, 9, 2), at("2026-08-21 10:00"), (Y_TE, BCHQS)
    )
    snap = snapshot(adhoc=(request,))

    def adhoc(day: str) -> list[tuple[str, str, str | None]]:
        return [
            (r.agency, str(r.kind), r.period)
            for r in run(snap, f"{day} 08:00")
            if r.period == "adhoc:1"
        ]

    both = lambda kind: [(BCH, kind, "adhoc:1"), (YT, kind, "adhoc:1")]  # noqa: E731
    assert adhoc("2026-08-21") == []
    assert adhoc("2026-08-22") == both("adhoc")  # Sat 22/8: the swapped working day
    assert adhoc("2026-08-24") == []
    # 3 working days before Wed 2/9: Tue 1/9 and Mon 31/8 are off → Fri 28 (1), Thu 27 (2),
    # Wed 26/8 (3). On the due date: 2/9 off → Fri 28/8.
    assert adhoc("2026-08-26") == both("adhoc")
    assert adhoc("2026-08-28") == both("adhoc")
    [line] = [
        r.header for r in run(snap, "2026-08-28 08:00") if r.key == "adhoc:adhoc:1:a3:2026-08-28"
    ]
    assert line == "Báo cáo đột xuất: Kết quả lấy mẫu ADN — hạn 02/09/2026, còn 5 ngày"
    assert adhoc("2026-09-03") == both("overdue")  # 1st working day after 2/9
    assert adhoc("2026-09-04") == []
    assert adhoc("2026-09-07") == both("overdue")  # 3rd
    # 5th (Wed 9/9): Sở Y tế escalated to the standing office (no leader for an ad-hoc request);
    # the standing office itself has nobody above it to escalate to but a leader: none here.
    rows = [
        e for e in brief(entries(snap, "2026-09-09 08:00"), ("escalation",)) if e[2] == "adhoc:1"
    ]
    assert rows == [(YT, "escalation", "adhoc:1", [], None, [1001])]
    # A reply to the request ends it for that agency.
    answered = snapshot(adhoc=(request,), adhoc_answered=frozenset({(1, Y_TE)}))
    assert [r.agency for r in run(answered, "2026-09-03 08:00") if r.period == "adhoc:1"] == [BCH]


def test_folded_adhoc_request_keeps_its_report_button() -> None:
    """An ad hoc reminder of Sat 22/8 left unsent folds into Mon 24/8's status check; its line
    keeps the "Báo cáo ngay" button, which opens the dialog on that request (issue 7)."""
    first = AdhocPlan(
        1, "Kết quả lấy mẫu ADN", date(2026, 9, 2), at("2026-08-21 10:00"), (Y_TE, BCHQS)
    )
    second = AdhocPlan(
        2, "Danh sách mộ chưa rõ tên", date(2026, 9, 4), at("2026-08-21 11:00"), (Y_TE,)
    )
    [check] = [
        r
        for r in run(snapshot(adhoc=(first,)), "2026-08-24 08:00")
        if r.kind == "status_check" and r.agency == YT
    ]
    assert check.lines[-1] == "*. Kết quả lấy mẫu ADN — hạn 02/09/2026, còn 9 ngày"
    assert (check.requests, check.payload()["requests"]) == ((1,), [1])
    row = OutboxMessage(
        id=7, key=check.key, kind="status_check", recipient_chat_id=1001, payload=check.payload()
    )
    [message] = render([row])
    assert message.keyboard is not None
    buttons = [(b.text, b.callback_data) for line in message.keyboard.inline_keyboard for b in line]
    assert ("Báo cáo ngay (mục 1)", "upd:v1:adhoc:1") in buttons
    assert buttons[-1] == ("Nhắc lại sau (mục 1)", "rem:v1:snooze:7")
    # Two requests folded together: one button each, told apart by the request's number.
    [both] = [
        r
        for r in run(snapshot(adhoc=(first, second)), "2026-08-24 08:00")
        if r.kind == "status_check" and r.agency == YT
    ]
    assert both.requests == (1, 2)
    row = OutboxMessage(
        id=8, key=both.key, kind="status_check", recipient_chat_id=1001, payload=both.payload()
    )
    [message] = render([row])
    assert message.keyboard is not None
    labels = [b.text for line in message.keyboard.inline_keyboard for b in line]
    assert [label for label in labels if label.startswith("Báo cáo ngay")] == [
        "Báo cáo ngay (mục 1, yêu cầu số 1)",
        "Báo cáo ngay (mục 1, yêu cầu số 2)",
    ]


def test_snooze_moves_an_item_to_the_next_working_days_sending_time() -> None:
    key = "deadline:10b#1:a2:2026-11-23"
    # Pressed Mon 23/11 09:00; Tue 24/11 is a holiday → Wed 25/11 08:00.
    until = ReminderRules().snooze_until(at("2026-11-23 09:00"), WorkingCalendar())
    assert until == at("2026-11-25 08:00")
    snap = snapshot(snoozes=(SnoozeRef(NOI_VU, key, until),), sent=frozenset({key}))
    # Same day, later: the item is not planned again for that contact.
    assert [r for r in run(snap, "2026-11-23 10:00") if r.key == key] == []
    assert run(snap, "2026-11-24 08:00") == []
    [again] = [r for r in run(snap, "2026-11-25 08:00") if r.key.startswith("deadline:10b")]
    assert again.key == "deadline:10b#1:a2:2026-11-23~2026-11-25"
    assert [c.chat_id for c in again.recipients] == [1000 + NOI_VU]
    assert shown(again.lines) == [("10b", "hạn 30/11/2026, còn 5 ngày")]
    # Snoozed again on 25/11 → Thu 26/11 08:00: it comes back once more.
    again_key = "deadline:10b#1:a2:2026-11-23~2026-11-25"
    twice = snapshot(
        snoozes=(SnoozeRef(NOI_VU, again_key, at("2026-11-26 08:00")),),
        sent=frozenset({key, again_key}),
    )
    [third] = [r for r in run(twice, "2026-11-26 08:00") if r.key.startswith("deadline:10b")]
    assert third.key == "deadline:10b#1:a2:2026-11-23~2026-11-26"
    unsent = snapshot(snoozes=(SnoozeRef(NOI_VU, key, until),))
    [planned] = [r for r in run(unsent, "2026-11-23 10:00") if r.key == key]
    assert planned.recipients == ()  # the only contact of Sở Nội vụ snoozed it


def test_standing_office_added_holiday_and_workday() -> None:
    # The office makes Fri 27/11/2026 a day off: the 3-day and 1-day reminders of 10b move to the
    # previous working day, Thu 26/11, and nothing goes out on 27/11.
    off = snapshot(overrides={date(2026, 11, 27): False})
    assert run(off, "2026-11-27 08:00") == []
    assert [r.key for r in run(off, "2026-11-26 08:00") if r.kind == "deadline"] == [
        "deadline:10b#1:a1:2026-11-26",
        "deadline:10b#1:a2:2026-11-26",
    ]
    # Also making Sat 28/11 a working day: the 1-day reminder (Sun 29/11) lands on Sat 28/11.
    both = snapshot(overrides={date(2026, 11, 27): False, date(2026, 11, 28): True})
    [sat] = [r for r in run(both, "2026-11-28 08:00") if r.key == "deadline:10b#1:a1:2026-11-28"]
    assert shown(sat.lines) == [("10b", "hạn 30/11/2026, còn 2 ngày")]
    assert [r.key for r in run(both, "2026-11-26 08:00") if r.kind == "deadline"] == [
        "deadline:10b#1:a1:2026-11-26",
        "deadline:10b#1:a2:2026-11-26",
    ]


def test_fresh_import_asks_each_agency_once() -> None:
    # A plan imported now (27/11/2026), May–October deadlines passed, nothing ever sent, no
    # contact bound yet: one status check per lead agency plus today's own reminders.
    assert entries(snapshot(contacts=False), "2026-11-27 08:00") == [
        {"at": "2026-11-27T08:00+07:00", "agency": BCH, "contacts": [], "kind": "deadline", "tasks": ["10b"], "period": None},
        {"at": "2026-11-27T08:00+07:00", "agency": BCH, "contacts": [], "kind": "status_check", "tasks": BCH_2026_11, "period": None},
        {"at": "2026-11-27T08:00+07:00", "agency": NGV, "contacts": [], "kind": "status_check", "tasks": ["7"], "period": None},
        {"at": "2026-11-27T08:00+07:00", "agency": NV, "contacts": [], "kind": "deadline", "tasks": ["10b"], "period": None},
        {"at": "2026-11-27T08:00+07:00", "agency": NV, "contacts": [], "kind": "status_check", "tasks": NV_2026_11, "period": None},
        {"at": "2026-11-27T08:00+07:00", "agency": VH, "contacts": [], "kind": "status_check", "tasks": ["2"], "period": None},
        {"at": "2026-11-27T08:00+07:00", "agency": YT, "contacts": [], "kind": "status_check", "tasks": ["3b", "6a", "6b", "6c"], "period": None},
    ]  # fmt: skip
    # The same whatever day the plan was imported: the rule reads only sending times and now.
    [check] = [
        r for r in run(snapshot(), "2026-11-27 08:00") if r.key == "status_check:a5:2026-11-27"
    ]
    assert check.header == "Đề nghị Sở Ngoại vụ xác nhận tình trạng của các nội dung sau"
    assert shown(check.lines) == [("7", None)]
    assert [c.chat_id for c in check.recipients] == [1000 + NGOAI_VU]
