"""An ad hoc request's reminder said its subject and due date twice, found in the sandbox:

    2. Báo cáo đột xuất: Kết quả quy tập tháng 11 — hạn 04/12/2026, còn 5 ngày
    *. Kết quả quy tập tháng 11 — hạn 04/12/2026, còn 5 ngày

(the same for its overdue notice). The "*." line is for messages whose header does not name the
request: the escalation and the status check it folds into.

Request: asked Fri 21/8/2026 10:00 of Sở Y tế and the standing office, due Wed 2/9/2026 (a
holiday, so its due-day reminder goes out Fri 28/8); overdue Thu 3/9; escalated Wed 9/9.
"""

from __future__ import annotations

from datetime import date

from models.reminders import OutboxMessage
from scheduler.reminder_text import item_lines
from scheduler.snapshot import AdhocPlan
from scheduler.texts import render_html
from tests.scheduler.conftest import at, run
from tests.scheduler.handplan import BCHQS, Y_TE, snapshot

SUBJECT = "Kết quả lấy mẫu ADN <đợt 1> & 2"
REQUEST = AdhocPlan(1, SUBJECT, date(2026, 9, 2), at("2026-08-21 10:00"), (Y_TE, BCHQS))


def _message(day: str, kind: str) -> str:
    [reminder] = [
        r
        for r in run(snapshot(adhoc=(REQUEST,)), f"{day} 08:00")
        if r.period == "adhoc:1" and r.kind == kind and r.agency_id == Y_TE
    ]
    return render_html([reminder.payload()])


def test_the_request_is_named_once_where_the_header_names_it() -> None:
    assert _message("2026-08-28", "adhoc") == (
        "<b>Báo cáo đột xuất: Kết quả lấy mẫu ADN &lt;đợt 1&gt; &amp; 2 — hạn 02/09/2026, "
        "còn 5 ngày</b>"
    )
    assert _message("2026-09-03", "overdue") == (
        "<b>Quá hạn báo cáo đột xuất: Kết quả lấy mẫu ADN &lt;đợt 1&gt; &amp; 2 (hạn 02/09/2026, "
        "quá hạn 1 ngày) của Sở Y tế</b>"
    )
    # The escalation's header names the agency only: the request is its line.
    assert _message("2026-09-09", "escalation") == (
        "<b>Đôn đốc: Sở Y tế chưa báo cáo hoàn thành các nội dung sau</b>\n"
        "• *. Kết quả lấy mẫu ADN &lt;đợt 1&gt; &amp; 2 — hạn 02/09/2026, quá hạn 7 ngày"
    )


def test_the_delivered_item_is_its_header_alone() -> None:
    [reminder] = [
        r
        for r in run(snapshot(adhoc=(REQUEST,)), "2026-08-28 08:00")
        if r.period == "adhoc:1" and r.agency_id == Y_TE
    ]
    row = OutboxMessage(kind=str(reminder.kind), key=reminder.key, payload=reminder.payload())
    assert item_lines(row, 2) == [
        "<b>2. Báo cáo đột xuất: Kết quả lấy mẫu ADN &lt;đợt 1&gt; &amp; 2 — hạn 02/09/2026, "
        "còn 5 ngày</b>"
    ]
