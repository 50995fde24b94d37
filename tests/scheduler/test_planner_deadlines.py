"""Task deadline rules on the real plan (hand-written from the document: tests/scheduler/handplan.py).

Expected dates are worked out by hand from the calendar (holidays==0.108 plus the government's 2026
schedule): Nov 2026 — Mon 23, Tue 24 (Ngày Văn hóa Việt Nam, off), Fri 27, Sat 28, Sun 29, Mon 30;
Dec 2026 — Tue 1 … Fri 4, Mon 7. Aug/Sep 2026 — Sat 22/8 a swapped working day, Mon 31/8 off in
exchange, Tue 1/9 and Wed 2/9 National Day off, Thu 3/9 back to work.
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.scheduler.conftest import brief, entries, run, shown, simulate
from tests.scheduler.handplan import BCHQS, NOI_VU, TASK_ID, snapshot

pytestmark = pytest.mark.usefixtures("plan_source")

BCH = "Bộ Chỉ huy Quân sự tỉnh"
NV = "Sở Nội vụ"
TRUONG_BAN = "Trưởng Ban Chỉ đạo tỉnh"
PHO_TT = "Phó Trưởng ban Thường trực Ban Chỉ đạo tỉnh"


def task_entries(moment: str, code: str, kinds: tuple[str, ...]) -> list[tuple[object, ...]]:
    return [row for row in brief(entries(snapshot(), moment), kinds) if code in row[3]]


def test_10b_is_the_soket_task_due_monday_30_11_2026() -> None:
    # The document: "b) Sơ kết “Chiến dịch 500 ngày đêm …”", Thời gian "Tháng 11/2026" (the
    # month's last day, Monday 30/11/2026), chủ trì "Bộ Chỉ huy Quân sự tỉnh, Sở Nội vụ",
    # Thủ trưởng phụ trách "Trưởng Ban Chỉ đạo tỉnh".
    [tenb] = [t for t in snapshot().tasks if t.code == "10b"]
    assert tenb.title.startswith("Sơ kết “Chiến dịch 500 ngày đêm")
    assert tenb.deadlines == ((1, date(2026, 11, 30)),)
    assert date(2026, 11, 30).weekday() == 0
    assert tenb.leads == (BCHQS, NOI_VU)
    assert snapshot().leaders[tenb.leader_position_id or 0] == TRUONG_BAN


def test_10b_seven_days_before_on_monday_23_11() -> None:
    # 10b "Tháng 11/2026" → due Mon 30/11/2026; 7 days before = Mon 23/11, a working day.
    assert task_entries("2026-11-23 08:00", "10b", ("deadline",)) == [
        (BCH, "deadline", None, ["10b"]),
        (NV, "deadline", None, ["10b"]),
    ]
    [reminder] = [
        r for r in run(snapshot(), "2026-11-23 08:00") if r.key == "deadline:10b#1:a2:2026-11-23"
    ]
    assert shown(reminder.lines) == [("10b", "hạn 30/11/2026, còn 7 ngày")]
    assert reminder.lines[0].startswith("10b. Sơ kết “Chiến dịch 500 ngày đêm")
    assert [c.chat_id for c in reminder.recipients] == [1000 + NOI_VU]


def test_10b_three_and_one_day_reminders_merge_on_friday_27_11() -> None:
    # 3 days before = Fri 27/11; 1 day before = Sun 29/11 → previous working day Fri 27/11: merged.
    reminders = [r for r in run(snapshot(), "2026-11-27 08:00") if r.kind == "deadline"]
    assert [(r.key, shown(r.lines)) for r in reminders] == [
        ("deadline:10b#1:a1:2026-11-27", [("10b", "hạn 30/11/2026, còn 3 ngày")]),
        ("deadline:10b#1:a2:2026-11-27", [("10b", "hạn 30/11/2026, còn 3 ngày")]),
    ]
    # Nothing on the weekend, nothing on the days without a reminder.
    assert run(snapshot(), "2026-11-28 08:00") == []
    assert run(snapshot(), "2026-11-29 08:00") == []
    assert task_entries("2026-11-26 08:00", "10b", ("deadline",)) == []
    assert task_entries("2026-11-25 08:00", "10b", ("deadline",)) == []


def test_10b_on_the_morning_of_the_deadline() -> None:
    reminders = [r for r in run(snapshot(), "2026-11-30 08:00") if r.kind == "deadline"]
    assert [r.key for r in reminders] == [
        "deadline:10b#1:a1:2026-11-30",
        "deadline:10b#1:a2:2026-11-30",
    ]
    assert shown(reminders[0].lines) == [("10b", "hạn hôm nay (30/11/2026)")]


def test_10b_overdue_and_escalation() -> None:
    # 1st working day after Mon 30/11 = Tue 1/12; 3rd = Thu 3/12; 5th = Mon 7/12.
    assert task_entries("2026-12-01 08:00", "10b", ("deadline", "overdue", "escalation")) == [
        (BCH, "overdue", None, ["10b"]),
        (NV, "overdue", None, ["10b"]),
    ]
    assert task_entries("2026-12-02 08:00", "10b", ("overdue", "escalation")) == []
    assert len(task_entries("2026-12-03 08:00", "10b", ("overdue",))) == 2
    assert task_entries("2026-12-04 08:00", "10b", ("overdue", "escalation")) == []
    # The standing office is late itself: only its leader. Sở Nội vụ: the leader and the office.
    assert task_entries("2026-12-07 08:00", "10b", ("overdue", "escalation")) == [
        (BCH, "escalation", None, ["10b"], TRUONG_BAN, [2001]),
        (NV, "escalation", None, ["10b"], TRUONG_BAN, [2001, 1000 + BCHQS]),
    ]
    assert task_entries("2026-12-08 08:00", "10b", ("overdue", "escalation")) == []


def test_done_occurrence_stops_the_overdue_sequence() -> None:
    done = snapshot(done=frozenset({(TASK_ID["10b"], NOI_VU, 0)}))
    rows = [
        row for row in brief(entries(done, "2026-12-01 08:00"), ("overdue",)) if "10b" in row[3]
    ]
    assert rows == [(BCH, "overdue", None, ["10b"])]
    rows = [
        row
        for row in brief(entries(done, "2026-12-07 08:00"), ("overdue", "escalation"))
        if "10b" in row[3]
    ]
    assert rows == [(BCH, "escalation", None, ["10b"], TRUONG_BAN, [2001])]


def test_3c_around_national_day_2026() -> None:
    # 3c "Tháng 8/2026" → due Mon 31/8/2026, a day off (swapped with Sat 22/8).
    # 7 days before: Mon 24/8. 3 days: Fri 28/8. 1 day: Sun 30/8 → Fri 28/8. On the day: 31/8 off →
    # Sat 29/8, Sun 30/8 off → Fri 28/8. All three merge on Fri 28/8.
    assert task_entries("2026-08-24 08:00", "3c", ("deadline",)) == [
        (BCH, "deadline", None, ["3c"]),
        (NV, "deadline", None, ["3c"]),
    ]
    [first] = [
        r for r in run(snapshot(), "2026-08-28 08:00") if r.key == "deadline:3c#1:a1:2026-08-28"
    ]
    assert shown(first.lines) == [("3c", "hạn 31/08/2026, còn 3 ngày")]
    assert run(snapshot(), "2026-08-31 08:00") == []
    assert run(snapshot(), "2026-09-01 08:00") == []
    assert run(snapshot(), "2026-09-02 08:00") == []
    # Overdue: 1st working day after 31/8 = Thu 3/9; 3rd = Mon 7/9 (Fri 4/9 is the 2nd).
    assert len(task_entries("2026-09-03 08:00", "3c", ("overdue",))) == 2
    assert task_entries("2026-09-04 08:00", "3c", ("overdue",)) == []
    assert len(task_entries("2026-09-07 08:00", "3c", ("overdue",))) == 2
    # 5th = Wed 9/9 (Tue 8/9 the 4th); leader of 3c: Phó Trưởng ban Thường trực.
    assert task_entries("2026-09-09 08:00", "3c", ("escalation",)) == [
        (BCH, "escalation", None, ["3c"], PHO_TT, [2002]),
        (NV, "escalation", None, ["3c"], PHO_TT, [2002, 1000 + BCHQS]),
    ]


def test_fyi_to_support_agencies_only() -> None:
    # Task 2 is ongoing (no deadline): its supports (agencies) get no FYI. The group supports of
    # the other tasks name nobody. So no FYI at all in the plan as imported.
    for day in ("2026-11-27 08:00", "2026-05-28 08:00", "2026-08-28 08:00"):
        assert brief(entries(snapshot(), day), ("fyi",)) == []


def test_sending_time_and_office_hours() -> None:
    assert run(snapshot(), "2026-11-27 07:59") == []
    assert run(snapshot(), "2026-11-27 17:00") == []
    # A bot started late in the morning still sends today's reminders.
    assert len([r for r in run(snapshot(), "2026-11-27 16:59") if r.kind == "deadline"]) == 2


def test_second_run_after_sending_plans_nothing() -> None:
    first = run(snapshot(), "2026-11-27 08:00")
    sent = frozenset(r.key for r in first) | frozenset(k for r in first for k in r.covers)
    assert run(snapshot(sent=sent), "2026-11-27 09:00") == []
    # Next working day: the 27/11 items were sent, so no status check (and nothing else is due).
    assert run(snapshot(sent=sent), "2026-11-30 08:00") == [
        r for r in run(snapshot(sent=sent), "2026-11-30 08:00") if r.kind == "deadline"
    ]


def test_a_running_bot_sends_the_10b_sequence_once() -> None:
    # The plan is imported on Thu 26/11/2026 and the clock moves through every day 26/11–8/12 at
    # 08:00; every reminder is "sent" (its key recorded as the outbox would). The days 10b
    # appears on, worked out above; on 26/11 its unsent 7-day reminder (23/11) is folded.
    sent_by_day = simulate(snapshot(), "2026-11-26", "2026-12-08")
    tenb = {
        day: sorted((r.agency, str(r.kind)) for r in reminders if "10b" in r.tasks)
        for day, reminders in sent_by_day.items()
        if any("10b" in r.tasks for r in reminders)
    }
    both = lambda kind: [(BCH, kind), (NV, kind)]  # noqa: E731
    assert tenb == {
        "2026-11-26": both("status_check"),
        "2026-11-27": both("deadline"),
        "2026-11-30": both("deadline"),
        "2026-12-01": both("overdue"),
        "2026-12-03": both("overdue"),
        # escalation copies: BCHQS → leader; Sở Nội vụ → leader and standing office.
        "2026-12-07": [(BCH, "escalation"), (NV, "escalation"), (NV, "escalation")],
    }
    # The first run (fresh import on 26/11) asked every lead agency once for a status check;
    # no status check follows while the bot runs every day.
    checks = {
        day: [r.agency for r in rs if r.kind == "status_check"] for day, rs in sent_by_day.items()
    }
    assert checks.pop("2026-11-26") == [
        BCH,
        "Sở Ngoại vụ",
        NV,
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Y tế",
    ]
    assert all(agencies == [] for agencies in checks.values())
