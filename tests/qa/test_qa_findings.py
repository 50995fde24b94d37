"""Defects found by a fresh tester (QA pass on issue 2). Expected values are worked out by hand
from the calendar / the document, not printed by the code under test."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app
from models.db import create_engine, create_session_factory
from models.plan import Agency
from plan.errors import PlanError, TimelineError
from plan.parser import parse_plan_file
from plan.timeline import parse_timeline
from tests.conftest import PLAN_DOCX, PLAN_TXT

runner = CliRunner()
CAMPAIGN = {"campaign_start": date(2026, 3, 14), "campaign_end": date(2027, 7, 27)}


def invoke(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    result = runner.invoke(app, args, env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'qa.db'}"}


@pytest.fixture
def migrated(env: dict[str, str]) -> dict[str, str]:
    code, _, err = invoke(["db", "upgrade"], env)
    assert code == 0, err
    code, _, err = invoke(["plan", "import", str(PLAN_TXT)], env)
    assert code == 0, err
    return env


# -- timeline --------------------------------------------------------------------------------------


def test_a_huge_number_is_an_unreadable_phrase_not_a_crash() -> None:
    # 5,000 digits exceed Python's int-from-string limit: it must be a TimelineError.
    with pytest.raises(TimelineError):
        parse_timeline("Tháng " + "1" * 5000 + "/2026", **CAMPAIGN)
    with pytest.raises(TimelineError):
        parse_timeline("Ngày " + "1" * 5000 + "/5/2026", **CAMPAIGN)


def test_a_borrowed_year_that_runs_backwards_is_an_error_not_a_guess() -> None:
    # "Tháng 12 và tháng 1/2027": December of which year? Borrowing 2027 gives 31/12/2027, after
    # January 2027 — a silent guess. It must be refused (the office writes the year).
    with pytest.raises(TimelineError):
        parse_timeline("Tháng 12 và tháng 1/2027", **CAMPAIGN)
    # Forward borrowing stays fine: May and July 2026 → 31/5/2026 and 31/7/2026 (by hand).
    schedule = parse_timeline("Tháng 5 và tháng 7/2026", **CAMPAIGN)
    assert [d.isoformat() for d in schedule.deadlines] == ["2026-05-31", "2026-07-31"]


# -- reading files ---------------------------------------------------------------------------------


def test_a_utf16_text_export_reads_like_the_utf8_one(tmp_path: Path) -> None:
    # Word/Notepad "Unicode text" is UTF-16 with a byte-order mark.
    utf16 = tmp_path / "plan.txt"
    utf16.write_text(PLAN_TXT.read_text(encoding="utf-8"), encoding="utf-16")
    assert parse_plan_file(utf16) == parse_plan_file(PLAN_TXT)


def test_a_docx_renamed_txt_is_read_as_a_docx(tmp_path: Path) -> None:
    renamed = tmp_path / "plan.txt"
    renamed.write_bytes(PLAN_DOCX.read_bytes())
    assert parse_plan_file(renamed) == parse_plan_file(PLAN_DOCX)


def test_a_binary_file_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(PlanError, match=r"junk\.txt"):
        parse_plan_file(junk)


# -- CLI: database not ready -----------------------------------------------------------------------


@pytest.mark.parametrize("args", [["plan", "import", str(PLAN_TXT)], ["plan", "show"],
                                  ["plan", "get"]])  # fmt: skip
def test_an_unmigrated_database_is_a_clear_error(env: dict[str, str], args: list[str]) -> None:
    code, out, err = invoke(args, env)
    assert code == 1
    assert "Traceback" not in out + err
    assert "python -m bot db upgrade" in err


def test_an_unreachable_server_is_a_clear_error() -> None:
    env = {"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/none"}
    code, out, err = invoke(["plan", "show"], env)
    assert code == 1
    assert "Traceback" not in out + err
    assert err.startswith("lỗi: không kết nối được cơ sở dữ liệu postgresql://postgres@127.0.0.1:1")


# -- CLI: --plan on import, campaign settings ------------------------------------------------------


def test_import_takes_plan_like_every_command(migrated: dict[str, str]) -> None:
    code, out, err = invoke(["plan", "import", str(PLAN_TXT), "--plan", "quang-tri-2026"], migrated)
    assert code == 0, err
    code, out, _ = invoke(["plan", "show", "--plan", "quang-tri-2026"], migrated)
    assert code == 0 and "quang-tri-2026" in out


def test_campaign_end_before_start_is_refused(migrated: dict[str, str]) -> None:
    code, _, err = invoke(["plan", "set", "campaign_end", "2026-01-01"], migrated)
    assert code == 1
    assert "2026-03-14" in err  # the message names the start the end would precede
    code, out, _ = invoke(["plan", "get", "campaign_end"], migrated)
    assert json.loads(out) == "2027-07-27"


def test_import_uses_the_plans_campaign_start(migrated: dict[str, str]) -> None:
    # Task 5a is "Theo thời gian của Chiến dịch": its window starts on the plan's campaign start.
    code, _, err = invoke(["plan", "set", "campaign_start", "2026-04-01"], migrated)
    assert code == 0, err
    code, out, err = invoke(["plan", "import", str(PLAN_TXT)], migrated)
    assert code == 0, err
    assert "5a" in out
    code, out, _ = invoke(["plan", "parse", str(PLAN_TXT), "--json"], migrated)
    task = {t["code"]: t for t in json.loads(out)["tasks"]}["5a"]
    assert task["window_start"] == "2026-04-01"
    assert task["deadlines"] == ["2027-07-27"]


# -- agency add ------------------------------------------------------------------------------------


def _agency_names(url: str) -> list[str]:
    async def go() -> list[str]:
        engine = create_engine(url)
        try:
            async with create_session_factory(engine)() as session:
                return list((await session.scalars(select(Agency.name).order_by(Agency.id))).all())
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_an_alias_that_names_another_agency_is_refused(migrated: dict[str, str]) -> None:
    code, out, err = invoke(["agency", "add", "X", "--alias", "So Noi vu"], migrated)
    assert code == 1
    assert "Traceback" not in out + err
    assert "X" not in _agency_names(migrated["DATABASE_URL"])
    code, out, _ = invoke(["plan", "parse", str(PLAN_TXT), "--json"], migrated)
    task = {t["code"]: t for t in json.loads(out)["tasks"]}["3a"]
    assert task["lead"] == ["Bộ Chỉ huy Quân sự tỉnh", "Sở Nội vụ"]  # as the document writes


def test_an_empty_agency_name_is_refused(migrated: dict[str, str]) -> None:
    before = _agency_names(migrated["DATABASE_URL"])
    code, out, err = invoke(["agency", "add", "  "], migrated)
    assert code == 1
    assert "Traceback" not in out + err
    assert _agency_names(migrated["DATABASE_URL"]) == before


def test_29_february_in_a_borrowed_non_leap_year_is_an_error_not_a_crash() -> None:
    with pytest.raises(TimelineError):
        parse_timeline("Ngày 29/2 và ngày 1/3/2027", **CAMPAIGN)  # 2027 is not a leap year


def test_a_blank_row_in_the_docx_table_is_skipped_like_a_blank_txt_line(tmp_path: Path) -> None:
    import copy

    import docx

    document = docx.Document(str(PLAN_DOCX))
    table = document.tables[-1]
    table._tbl.append(copy.deepcopy(table.rows[-1]._tr))
    for cell in table.rows[-1].cells:
        cell.text = ""
    padded = tmp_path / "padded.docx"
    document.save(str(padded))
    assert parse_plan_file(padded) == parse_plan_file(PLAN_DOCX)


def test_a_list_or_range_of_whole_years() -> None:
    # By hand: 2026-2027 is a window from 1/1/2026, due 31/12/2027; "và" gives two years.
    span = parse_timeline("Năm 2026 - 2027", **CAMPAIGN)
    assert (span.window_start, span.deadlines) == (date(2026, 1, 1), [date(2027, 12, 31)])
    span = parse_timeline("Năm 2026 đến 2027", **CAMPAIGN)
    assert (span.window_start, span.deadlines) == (date(2026, 1, 1), [date(2027, 12, 31)])
    both = parse_timeline("Năm 2026 và 2027", **CAMPAIGN)
    assert both.deadlines == [date(2026, 12, 31), date(2027, 12, 31)]
    # A bare year after a month is not a year: July of 2027 or the whole of 2027? Refused.
    with pytest.raises(TimelineError):
        parse_timeline("Tháng 7/2026, 2027", **CAMPAIGN)


def test_agencies_one_per_paragraph_in_a_docx_cell(tmp_path: Path) -> None:
    # Task 3b's lead cell written one agency per line (a Word habit), the last with a bullet;
    # the document's order is Sở Nội vụ, Sở Y tế, Bộ Chỉ huy Quân sự tỉnh.
    import docx

    document = docx.Document(str(PLAN_DOCX))
    row = next(
        r
        for r in document.tables[-1].rows
        if r.cells[0].text.strip() == "b)" and "phần mềm quản lý" in r.cells[1].text
    )
    cell = row.cells[4]
    assert cell.text == "Sở Nội vụ, Sở Y tế, Bộ Chỉ huy Quân sự tỉnh"
    cell.text = "Sở Nội vụ"
    cell.add_paragraph("Sở Y tế")
    cell.add_paragraph("- Bộ Chỉ huy Quân sự tỉnh")
    lines = tmp_path / "lines.docx"
    document.save(str(lines))
    assert parse_plan_file(lines) == parse_plan_file(PLAN_DOCX)


def test_html_list_items_become_bullets() -> None:
    from plan.text import clean_cell

    assert clean_cell("<ul><li>Một.</li><li>Hai.</li></ul>") == "- Một.\n- Hai."
    assert clean_cell("Mở đầu:<ul><li>- Một.</li><LI class='x'>Hai.</LI></ul>") == (
        "Mở đầu:\n- Một.\n- Hai."
    )


def test_from_without_an_end_is_an_error_not_due_at_the_end_of_its_month() -> None:
    # "Từ tháng 5/2026" means from May 2026 onward; reading it as due 31/5/2026 is a guess.
    with pytest.raises(TimelineError):
        parse_timeline("Từ tháng 5/2026", **CAMPAIGN)
    # With its end it is a window (by hand: 1/5/2026 → 31/7/2027).
    span = parse_timeline("Từ tháng 5/2026 đến tháng 7/2027", **CAMPAIGN)
    assert (span.window_start, span.deadlines) == (date(2026, 5, 1), [date(2027, 7, 31)])


@pytest.mark.parametrize("key", ["", "  ", "Hà Tĩnh 2026", "x" * 65])
def test_a_plan_key_is_a_short_slug(migrated: dict[str, str], key: str) -> None:
    # "" falls back to the derived key (ha-tinh-2026, already imported: nothing changes).
    code, _out, err = invoke(["plan", "import", str(PLAN_TXT), "--key", key], migrated)
    if key == "":
        assert code == 0, err
        return
    assert code == 1
    assert "ha-tinh-2026" in err  # the message shows the expected form
    code, _out, err = invoke(["plan", "show"], migrated)  # still one plan: no --plan needed
    assert code == 0, err


def _docx_with(tmp_path: Path, name: str, change: object) -> Path:
    import docx

    document = docx.Document(str(PLAN_DOCX))
    change(document.tables[-1]._tbl)  # type: ignore[operator]
    path = tmp_path / name
    document.save(str(path))
    return path


def test_an_appendix_split_over_two_docx_tables_reads_whole(tmp_path: Path) -> None:
    # Rows 18… move to a second table that repeats the header (one table per page): all 23
    # tasks must still be read — it used to stop silently after the first table (11 tasks).
    import copy

    from docx.oxml import OxmlElement

    def split(tbl: object) -> None:
        rows = list(tbl.tr_lst)  # type: ignore[attr-defined]
        second = copy.deepcopy(tbl)
        for row in list(second.tr_lst)[1:17]:
            second.remove(row)
        for row in rows[17:]:
            tbl.remove(row)  # type: ignore[attr-defined]
        gap = OxmlElement("w:p")
        tbl.addnext(gap)  # type: ignore[attr-defined]
        gap.addnext(second)

    split_path = _docx_with(tmp_path, "split.docx", split)
    assert parse_plan_file(split_path) == parse_plan_file(PLAN_DOCX)


def test_a_docx_row_of_another_width_is_an_error_not_the_end_of_the_table(tmp_path: Path) -> None:
    import copy

    def widen(tbl: object) -> None:
        row = list(tbl.tr_lst)[20]  # type: ignore[attr-defined]
        row.append(copy.deepcopy(row.tc_lst[-1]))

    with pytest.raises(PlanError, match="hàng 21 của bảng: có 8 cột"):
        parse_plan_file(_docx_with(tmp_path, "wide.docx", widen))


def test_the_import_summary_names_changed_fields_in_vietnamese(
    migrated: dict[str, str], tmp_path: Path
) -> None:
    # 10b's "Tháng 11/2026" becomes "Tháng 12/2026": its time, schedule and deadline change.
    text = PLAN_TXT.read_text(encoding="utf-8")
    assert text.count("\tTháng 11/2026\t") == 1
    changed = tmp_path / "changed.txt"
    changed.write_text(text.replace("\tTháng 11/2026\t", "\tTháng 12/2026\t"), encoding="utf-8")
    code, out, err = invoke(["plan", "import", str(changed)], migrated)
    assert code == 0, err
    assert "Nhiệm vụ 10b thay đổi: thời gian; hạn" in out
    assert "timeline_text" not in out


def test_plan_timeline_without_json_speaks_vietnamese(env: dict[str, str]) -> None:
    # By hand: April–May 2026 → from 01/04/2026, due 31/05/2026; focus 27/7 every year.
    phrase = "Tháng 4-5/2026 và thường xuyên (trọng tâm 27/7 hằng năm)"
    code, out, _err = invoke(["plan", "timeline", phrase], env)
    assert code == 0
    assert out.splitlines() == [
        f"Thời gian: {phrase}",
        "Hạn: 31/05/2026",
        "Bắt đầu: 01/04/2026",
        "Thường xuyên: có",
        "Nhịp báo cáo: —",
        "Khi có sự kiện: —",
        "Trọng tâm: 27/07 hằng năm",
    ]


def test_the_first_import_names_new_indicators_in_vietnamese(env: dict[str, str]) -> None:
    assert invoke(["db", "upgrade"], env)[0] == 0
    code, out, err = invoke(["plan", "import", str(PLAN_TXT)], env)
    assert code == 0, err
    assert "Hài cốt liệt sĩ quy tập" in out  # DOMAIN.md: remains recovered (task 5a)
    assert "remains_recovered" not in out
