"""The 23 tasks of the bundled plan, worked out BY HAND from the appendix of
data/plan/ke_hoach_chien_dich_500_ngay_dem.txt (read cell by cell, page-break continuations
rejoined by eye: 4a "Sở Nội" + "vụ", 9b "Tháng 7" + "năm 2026 và thường xuyên"…), and the
calendar: a month is due on its last day (6/2026 → 30/6, 11/2026 → 30/11, others the 31st), a
range has a window from its first month's first day, "Theo thời gian của Chiến dịch" is the
campaign (14/3/2026 → 27/7/2027). Not produced by running the parser.
"""

from __future__ import annotations

BCH = "Bộ Chỉ huy Quân sự tỉnh"
SNV = "Sở Nội vụ"
SYT = "Sở Y tế"
SVH = "Sở Văn hóa, Thể thao và Du lịch"
SNG = "Sở Ngoại vụ"
BTG = "Ban Tuyên giáo và Dân vận Tỉnh ủy"
BAO = "Báo và Phát thanh, Truyền hình Hà Tĩnh"
ALL = "Các sở, ban, ngành, đơn vị, địa phương có liên quan"
SOME = "Các sở, ban, ngành, đơn vị có liên quan"
COMMUNES = "Các xã, phường trong toàn tỉnh"
TB = "Trưởng Ban Chỉ đạo tỉnh"
PTT = "Phó Trưởng ban Thường trực Ban Chỉ đạo tỉnh"
PTB = "Phó Trưởng Ban Chỉ đạo tỉnh"

SECTIONS = [
    (1, "Kiến toàn tổ chức lực lượng"),
    (2, "Công tác thông tin tuyên truyền"),
    (3, "Công tác tập huấn, bồi dưỡng nghiệp vụ"),
    (4, "Công tác tham mưu, đóng góp ý kiến xây dựng văn bản quy phạm pháp luật"),
    (5, "Công tác tìm kiếm, quy tập hài cốt liệt sĩ"),
    (6, "Công tác xác định danh tính hài cốt liệt sĩ"),
    (7, "Công tác hợp tác, đối ngoại quốc phòng"),
    (8, "Công tác bảo đảm"),
    (9, "Công tác kiểm tra, báo cáo"),
    (10, "Công tác sơ, tổng kết"),
]

# code: (section, timeline text, lead, support, leader, deadlines, window_start, ongoing, on_event)
TASKS: dict[str, tuple] = {
    "1a": (1, "Tháng 6/2026 và thường xuyên", [BCH], [ALL], TB, ["2026-06-30"], None, True, None),
    "1b": (1, "Tháng 5/2026", [BCH], [ALL], TB, ["2026-05-31"], None, False, None),
    "1c": (1, "Thường xuyên", [BCH], [ALL], TB, [], None, True, None),
    "2": (
        2,
        "Thường xuyên (trọng tâm dịp kỷ niệm các ngày lễ lớn và dịp 27/7 hằng năm)",
        [SVH],
        [BTG, BAO],
        TB,
        [],
        None,
        True,
        None,
    ),
    "3a": (3, "Tháng 4-5/2026", [BCH, SNV], [ALL], PTT, ["2026-05-31"], "2026-04-01", False, None),
    "3b": (3, "Tháng 7/2026", [SNV, SYT, BCH], [ALL], PTT, ["2026-07-31"], None, False, None),
    "3c": (3, "Tháng 8/2026", [BCH, SNV], [SOME, COMMUNES], PTT, ["2026-08-31"], None, False, None),
    "4a": (4, "Tháng 5/2026", [BCH, SNV], [ALL], PTT, ["2026-05-31"], None, False, None),
    "4b": (
        4,
        "Khi có hướng dẫn của Trung ương",
        [SNV],
        [ALL],  # written "… có liên quan liên quan" in the document: same group
        PTB,
        [],
        None,
        False,
        "Khi có hướng dẫn của Trung ương",
    ),
    "5a": (
        5,
        "Theo thời gian của Chiến dịch",
        [BCH],
        [ALL],
        PTT,
        ["2027-07-27"],
        "2026-03-14",
        False,
        None,
    ),
    "5b": (
        5,
        "Tháng 5/2026 và tháng 5/2027",
        [BCH, SNV],
        [ALL],
        PTT,
        ["2026-05-31", "2027-05-31"],
        None,
        False,
        None,
    ),
    "5c": (5, "Tháng 5/2026", [BCH, SNV], [ALL], TB, ["2026-05-31"], None, False, None),
    "6a": (
        6,
        "Tháng 5/2026 đến 7/2027",
        [BCH, SNV, SYT],
        [ALL],
        TB,
        ["2027-07-31"],
        "2026-05-01",
        False,
        None,
    ),
    "6b": (6, "Tháng 5/2026", [BCH, SNV, SYT], [ALL], TB, ["2026-05-31"], None, False, None),
    "6c": (
        6,
        "Tháng 6/2026 đến tháng 7/2027",
        [BCH, SNV, SYT],
        [ALL],
        TB,
        ["2027-07-31"],
        "2026-06-01",
        False,
        None,
    ),
    "7": (
        7,
        "Tháng 5/2026; Tháng 5/2027",
        [BCH, SNV, SNG],
        [ALL],
        TB,
        ["2026-05-31", "2027-05-31"],
        None,
        False,
        None,
    ),
    "8a": (8, "Tháng 5/2026 và thường xuyên", [BCH], [ALL], TB, ["2026-05-31"], None, True, None),
    "8b": (
        8,
        "Tháng 7/2026 và tháng 7/2027",
        [BCH],
        [ALL],
        TB,
        ["2026-07-31", "2027-07-31"],
        None,
        False,
        None,
    ),
    "9a": (9, "Tháng 6/2026", [BCH], [ALL], TB, ["2026-06-30"], None, False, None),
    "9b": (
        9,
        "Tháng 7 năm 2026 và thường xuyên",
        [BCH, SNV],
        [ALL],
        TB,
        ["2026-07-31"],
        None,
        True,
        None,
    ),
    "10a": (
        10,
        "Tháng 7/2026 và 7/2027",
        [BCH],
        [ALL],
        TB,
        ["2026-07-31", "2027-07-31"],
        None,
        False,
        None,
    ),
    "10b": (10, "Tháng 11/2026", [BCH, SNV], [ALL], TB, ["2026-11-30"], None, False, None),
    "10c": (10, "Tháng 7/2027", [BCH, SNV], [ALL], TB, ["2027-07-31"], None, False, None),
}

#: Support names that are groups (catch-alls), per task: every task's support is a group except
#: task 2's (two agencies).
GROUPS = {ALL, SOME, COMMUNES}
