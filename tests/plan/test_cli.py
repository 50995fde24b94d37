"""The CLI forms other tools rely on (issue 2): ``plan parse FILE --json``, ``plan timeline``,
``plan import``, ``plan show``, ``plan set/get``, ``agency add``, ``up``; bad input exits non-zero
with a clear message and writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from bot.cli import app
from plan.schema import SCHEMA_PATH, json_schema
from tests.conftest import PLAN_DOCX, PLAN_TXT
from tests.plan.expected import TASKS

runner = CliRunner()
PLAN_TEXT = PLAN_TXT.read_text(encoding="utf-8")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}


def invoke(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    result = runner.invoke(app, args, env=env)
    return result.exit_code, result.stdout, result.stderr


def test_parse_json_has_the_documented_keys_and_validates(env: dict[str, str]) -> None:
    code, out, _ = invoke(["plan", "parse", str(PLAN_TXT), "--json"], env)
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    assert [s["number"] for s in data["sections"]] == list(range(1, 11))
    assert [t["code"] for t in data["tasks"]] == list(TASKS)
    task = data["tasks"][0]
    for key in ("code", "section", "content", "measures", "timeline", "lead", "support", "leader",
                "deadlines", "window_start", "ongoing", "on_event"):  # fmt: skip
        assert key in task
    by_code = {t["code"]: t for t in data["tasks"]}
    assert by_code["5b"]["deadlines"] == ["2026-05-31", "2027-05-31"]
    assert by_code["3a"]["window_start"] == "2026-04-01"
    assert by_code["4b"]["on_event"] == "Khi có hướng dẫn của Trung ương"
    assert by_code["10c"]["section"] == 10


def test_committed_schema_is_current() -> None:
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == json_schema()


def test_parse_txt_and_docx_print_identical_json(env: dict[str, str]) -> None:
    _, from_txt, _ = invoke(["plan", "parse", str(PLAN_TXT), "--json"], env)
    _, from_docx, _ = invoke(["plan", "parse", str(PLAN_DOCX), "--json"], env)
    assert from_txt == from_docx


def test_timeline_json(env: dict[str, str]) -> None:
    code, out, _ = invoke(["plan", "timeline", "Quý II/2026", "--json"], env)
    assert code == 0
    data = json.loads(out)
    assert data["deadlines"] == ["2026-06-30"] and data["window_start"] == "2026-04-01"
    assert data["ongoing"] is False and data["on_event"] is None


def test_timeline_unreadable_exits_1(env: dict[str, str]) -> None:
    code, out, err = invoke(["plan", "timeline", "sớm nhất", "--json"], env)
    assert code == 1 and out == ""
    assert "Không đọc được thời gian “sớm nhất”" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "Tệp rỗng"),
        ("KẾ HOẠCH\nkhông có phụ lục\n", "Không tìm thấy Phụ lục"),
        (PLAN_TEXT[: PLAN_TEXT.index("Phấn đấu đến tháng 7/2027")], "bảng bị cắt"),
        (
            PLAN_TEXT.replace("\tTháng 8/2026\t", "\tSớm\t"),
            "nhiệm vụ 3c",
        ),
        (
            PLAN_TEXT.replace("Sở Y tế, Bộ", "Sở Tài chính, Bộ"),
            "“Sở Tài chính”",
        ),
    ],
    ids=["empty", "no-appendix", "truncated", "unknown-phrase", "unknown-agency"],
)
def test_bad_import_exits_nonzero_and_writes_nothing(
    env: dict[str, str], tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(content, encoding="utf-8")
    invoke(["db", "upgrade"], env)
    code, _, err = invoke(["plan", "import", str(bad)], env)
    assert code != 0 and message in err
    code, _, err = invoke(["plan", "show"], env)
    assert code != 0 and "cơ sở dữ liệu chưa có kế hoạch nào" in err  # nothing was written


def test_import_show_reimport(env: dict[str, str]) -> None:
    invoke(["db", "upgrade"], env)
    code, out, _ = invoke(["plan", "import", str(PLAN_TXT)], env)
    assert code == 0 and "Đã tạo kế hoạch “ha-tinh-2026”." in out
    code, out, _ = invoke(["plan", "import", str(PLAN_DOCX)], env)
    assert code == 0 and "Không có gì thay đổi." in out  # the .docx is the same plan
    code, out, _ = invoke(["plan", "show"], env)
    assert code == 0
    assert "5b     Tháng 5/2026 và tháng 5/2027" in out and "31/05/2026, 31/05/2027" in out
    assert "23 nhiệm vụ" in out


def test_agency_add_makes_a_new_name_importable(env: dict[str, str], tmp_path: Path) -> None:
    invoke(["db", "upgrade"], env)
    invoke(["plan", "import", str(PLAN_TXT)], env)
    changed = tmp_path / "changed.txt"
    changed.write_text(
        PLAN_TEXT.replace("Sở Y tế, Bộ", "Sở Tài chính, Bộ"),
        encoding="utf-8",
    )
    code, _, err = invoke(["plan", "import", str(changed)], env)
    assert code == 1 and "agency add" in err
    code, out, _ = invoke(["agency", "add", "Sở Tài chính", "--alias", "STC"], env)
    assert code == 0 and "Đã thêm cơ quan: Sở Tài chính" in out and "STC" in out
    code, out, _ = invoke(["agency", "add", "so tai chinh"], env)
    assert "Cơ quan đã có: Sở Tài chính" in out
    code, out, _ = invoke(["plan", "import", str(changed)], env)
    assert code == 0 and "Nhiệm vụ 3b thay đổi: cơ quan chủ trì/phối hợp" in out
    code, out, _ = invoke(["agency", "list"], env)
    assert "Bộ Chỉ huy Quân sự tỉnh (Cơ quan Thường trực) — Bộ CHQS tỉnh; BCHQS tỉnh" in out


def test_plan_settings(env: dict[str, str]) -> None:
    invoke(["db", "upgrade"], env)
    invoke(["plan", "import", str(PLAN_TXT)], env)
    code, out, _ = invoke(["plan", "get", "campaign_start"], env)
    assert code == 0 and out.strip() == '"2026-03-14"'  # default from the bot's settings
    code, out, _ = invoke(["plan", "set", "unidentified_graves", "11876"], env)
    assert code == 0 and out.strip() == "unidentified_graves = 11876"
    code, out, _ = invoke(["plan", "get", "unidentified_graves"], env)
    assert out.strip() == "11876"
    code, _, err = invoke(["plan", "set", "campaign_start", "14/3/2026"], env)
    assert code == 1 and "YYYY-MM-DD" in err
    code, out, _ = invoke(["plan", "get"], env)
    assert 'campaign_end = "2027-07-27"  (mặc định)' in out


def test_up_imports_the_bundled_plan_once(env: dict[str, str]) -> None:
    # --setup-only: without it `up` goes on to run the bot (or the sandbox) until interrupted.
    code, out, _ = invoke(["up", "--setup-only"], env)
    assert code == 0
    assert "Đã nhập Kế hoạch kèm theo: ke_hoach_chien_dich_500_ngay_dem.txt" in out
    assert "Kế hoạch ha-tinh-2026 — Hà Tĩnh — 23 nhiệm vụ" in out
    code, out, _ = invoke(["up", "--setup-only"], env)
    assert code == 0 and "Đã nhập" not in out and "23 nhiệm vụ" in out


def test_parse_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "none.db"
    code, _, _ = invoke(["plan", "parse", str(PLAN_TXT)], {"DATABASE_URL": f"sqlite:///{db}"})
    assert code == 0
    assert not db.parent.exists()


def test_parse_docx_with_an_unreadable_phrase(env: dict[str, str], tmp_path: Path) -> None:
    import docx

    document = docx.Document(str(PLAN_DOCX))
    table = document.tables[0]
    row = next(r for r in table.rows if r.cells[3].text == "Tháng 8/2026")
    row.cells[3].paragraphs[0].runs[0].text = "Sớm nhất"
    for run in row.cells[3].paragraphs[0].runs[1:]:
        run.text = ""
    bad = tmp_path / "bad.docx"
    document.save(str(bad))
    code, out, err = invoke(["plan", "parse", str(bad), "--json"], env)
    assert code == 1 and out == ""
    assert "hàng 11 của bảng (nhiệm vụ 3c)" in err and "“Sớm nhất”" in err


def test_agency_add_group(env: dict[str, str], tmp_path: Path) -> None:
    invoke(["db", "upgrade"], env)
    invoke(["plan", "import", str(PLAN_TXT)], env)
    changed = tmp_path / "changed.txt"
    changed.write_text(
        PLAN_TEXT.replace("Ban Tuyên giáo và Dân vận Tỉnh ủy; Báo", "Các cơ quan báo chí; Báo"),
        encoding="utf-8",
    )
    code, out, _ = invoke(["agency", "add", "Các cơ quan báo chí", "--group"], env)
    assert code == 0 and out.strip() == "Đã thêm nhóm: Các cơ quan báo chí"
    code, out, _ = invoke(["plan", "parse", str(changed), "--json"], env)
    assert code == 0
    task = next(t for t in json.loads(out)["tasks"] if t["code"] == "2")
    assert task["support"] == ["Các cơ quan báo chí", "Báo và Phát thanh, Truyền hình Hà Tĩnh"]
    assert task["support_groups"] == ["Các cơ quan báo chí"]


def test_two_plans_need_plan_option(env: dict[str, str]) -> None:
    invoke(["db", "upgrade"], env)
    invoke(["plan", "import", str(PLAN_TXT)], env)
    code, out, _ = invoke(["plan", "import", str(PLAN_DOCX), "--key", "thu-nghiem"], env)
    assert code == 0 and "Đã tạo kế hoạch “thu-nghiem”." in out
    code, _, err = invoke(["plan", "show"], env)
    assert (code, err) == (
        1,
        "lỗi: cơ sở dữ liệu có nhiều kế hoạch: hãy chọn một bằng --plan MÃ\n",
    )
    code, out, _ = invoke(["plan", "show", "--plan", "thu-nghiem"], env)
    assert code == 0 and "Kế hoạch thu-nghiem — Hà Tĩnh — 23 nhiệm vụ" in out
