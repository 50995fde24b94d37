"""The owner of an indicator per task (DOMAIN.md, "Indicators"): ``plan owners`` lists it,
``plan owner`` sets it (refusing what the plan cannot take), a re-import keeps it while the agency
still leads the task; on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import PLAN_TXT

runner = CliRunner()
BCHQS, NV, YT = "Bộ Chỉ huy Quân sự tỉnh", "Sở Nội vụ", "Sở Y tế"
LEADS_6 = f"{BCHQS}; {NV}; {YT}"


def line(task: str, indicator: str, unit: str, owner: str, leads: str) -> str:
    return f"{task} · {indicator} ({unit}) · tính số của: {owner} · các cơ quan chủ trì: {leads}"


ALL_BCHQS = [
    line("5a", "Hài cốt liệt sĩ quy tập", "hài cốt", BCHQS, BCHQS),
    line("5c", "Thông tin tiếp nhận", "thông tin", BCHQS, f"{BCHQS}; {NV}"),
    line("5c", "Thông tin đã xác minh", "thông tin", BCHQS, f"{BCHQS}; {NV}"),
    line("6a", "Mộ đã lấy mẫu", "mộ", BCHQS, LEADS_6),
    line("6a", "Mẫu bàn giao giám định ADN", "mẫu", BCHQS, LEADS_6),
    line("6a", "Hài cốt xác định được danh tính", "hài cốt", BCHQS, LEADS_6),
    line("6b", "Mộ đã lấy mẫu", "mộ", BCHQS, LEADS_6),
    line("6c", "Mộ đã lấy mẫu", "mộ", BCHQS, LEADS_6),
    line("6c", "Mẫu bàn giao giám định ADN", "mẫu", BCHQS, LEADS_6),
]


@pytest.fixture
def env(db_url: str) -> dict[str, str]:
    """A migrated database (SQLite, PostgreSQL) holding the real plan."""
    env = {"DATABASE_URL": db_url}
    assert invoke(["db", "upgrade"], env)[0] == 0
    assert invoke(["plan", "import", str(PLAN_TXT)], env)[0] == 0
    return env


def invoke(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    result = runner.invoke(app, args, env=env)
    return result.exit_code, result.stdout, result.stderr


def test_owners_lists_every_indicator_with_its_owner(env: dict[str, str]) -> None:
    code, out, err = invoke(["plan", "owners"], env)
    assert (code, err) == (0, "")
    assert out.splitlines() == ALL_BCHQS


def test_owner_sets_one_indicator_by_name_without_diacritics(env: dict[str, str]) -> None:
    code, out, err = invoke(["plan", "owner", "6a", "mo da lay mau", "so y te"], env)
    assert (code, err) == (0, "")
    assert out.splitlines() == ["Đã đặt: " + line("6a", "Mộ đã lấy mẫu", "mộ", YT, LEADS_6)]
    _, out, _ = invoke(["plan", "owners"], env)
    assert out.splitlines() == [
        line("6a", "Mộ đã lấy mẫu", "mộ", YT, LEADS_6) if i == 3 else text
        for i, text in enumerate(ALL_BCHQS)
    ]


def test_owner_all_and_by_code(env: dict[str, str]) -> None:
    code, out, _ = invoke(["plan", "owner", "6a", "--all", "Sở Y tế"], env)
    assert code == 0
    assert out.splitlines() == [
        "Đã đặt: " + line("6a", "Mộ đã lấy mẫu", "mộ", YT, LEADS_6),
        "Đã đặt: " + line("6a", "Mẫu bàn giao giám định ADN", "mẫu", YT, LEADS_6),
        "Đã đặt: " + line("6a", "Hài cốt xác định được danh tính", "hài cốt", YT, LEADS_6),
    ]
    code, out, _ = invoke(["plan", "owner", "6A", "samples_dna", "Bộ CHQS tỉnh"], env)
    assert code == 0
    assert out.splitlines() == [
        "Đã đặt: " + line("6a", "Mẫu bàn giao giám định ADN", "mẫu", BCHQS, LEADS_6)
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["6b", "Mộ đã lấy mẫu", "Sở Ngoại vụ"],
            "lỗi: Sở Ngoại vụ không chủ trì nhiệm vụ 6b; chỉ cơ quan chủ trì được tính số "
            f"(cơ quan chủ trì: {LEADS_6})",
        ),
        (
            ["6a", "Hài cốt quy tập", "Sở Y tế"],
            "lỗi: nhiệm vụ 6a không có chỉ tiêu “Hài cốt quy tập” (nhiệm vụ có: Mộ đã lấy mẫu; "
            "Mẫu bàn giao giám định ADN; Hài cốt xác định được danh tính)",
        ),
        (
            ["7", "Mộ đã lấy mẫu", "Sở Y tế"],
            "lỗi: nhiệm vụ “7” không có chỉ tiêu định lượng (các nhiệm vụ có: 5a, 5c, 6a, 6b, 6c)",
        ),
        (["6a", "Mộ đã lấy mẫu", "Sở Xyz"], "lỗi: không có cơ quan tên “Sở Xyz”"),
        (
            ["6a", "Mộ đã lấy mẫu"],
            'lỗi: thiếu CHỈ_TIÊU hoặc CƠ_QUAN, ví dụ: plan owner 6a "Mộ đã lấy mẫu" "Sở Y tế" '
            "(xem: plan owners)",
        ),
        (
            ["6a", "--all", "Mộ đã lấy mẫu", "Sở Y tế"],
            'lỗi: với --all chỉ ghi MÃ và CƠ_QUAN, ví dụ: plan owner 6a --all "Sở Y tế"',
        ),
    ],
)
def test_owner_refusals_change_nothing(env: dict[str, str], args: list[str], message: str) -> None:
    code, out, err = invoke(["plan", "owner", *args], env)
    assert (code, out, err.strip()) == (1, "", message)
    assert invoke(["plan", "owners"], env)[1].splitlines() == ALL_BCHQS


def test_reimport_keeps_an_owner_while_it_leads(env: dict[str, str], tmp_path: Path) -> None:
    invoke(["plan", "owner", "6a", "Mộ đã lấy mẫu", "Sở Y tế"], env)
    invoke(["plan", "owner", "6c", "--all", "Sở Nội vụ"], env)
    code, out, _ = invoke(["plan", "import", str(PLAN_TXT)], env)
    assert (code, out) == (0, "Kế hoạch “ha-tinh-2026”.\nKhông có gì thay đổi.\n")
    # 6a loses Sở Y tế as a lead; 6c keeps Sở Nội vụ.
    text = PLAN_TXT.read_text(encoding="utf-8")
    old = "Tháng 5/2026 đến 7/2027\tBộ Chỉ huy Quân sự tỉnh, Sở Nội vụ, Sở Y tế"
    assert text.count(old) == 1
    changed = tmp_path / "changed.txt"
    changed.write_text(
        text.replace(old, "Tháng 5/2026 đến 7/2027\tBộ Chỉ huy Quân sự tỉnh, Sở Nội vụ"),
        encoding="utf-8",
    )
    code, out, _ = invoke(["plan", "import", str(changed)], env)
    assert code == 0
    assert out.splitlines() == [
        "Kế hoạch “ha-tinh-2026”.",
        "Nhiệm vụ 6a thay đổi: cơ quan chủ trì/phối hợp",
        "Cơ quan tính số không còn chủ trì nhiệm vụ, trả về cơ quan chủ trì đầu tiên: "
        "6a · Mộ đã lấy mẫu",
    ]
    _, out, _ = invoke(["plan", "owners"], env)
    leads_6a = f"{BCHQS}; {NV}"
    assert out.splitlines() == [
        *ALL_BCHQS[:3],
        line("6a", "Mộ đã lấy mẫu", "mộ", BCHQS, leads_6a),
        line("6a", "Mẫu bàn giao giám định ADN", "mẫu", BCHQS, leads_6a),
        line("6a", "Hài cốt xác định được danh tính", "hài cốt", BCHQS, leads_6a),
        ALL_BCHQS[6],
        line("6c", "Mộ đã lấy mẫu", "mộ", NV, LEADS_6),
        line("6c", "Mẫu bàn giao giám định ADN", "mẫu", NV, LEADS_6),
    ]
