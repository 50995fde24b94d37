"""The help texts of our own commands, groups and parameters are Vietnamese (``help=_("…")``,
Vietnamese ``metavar``s), on the help screens and everywhere in the command tree."""

from __future__ import annotations

import re
from collections.abc import Iterator

import typer
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()
#: Wide enough that no help line wraps.
WIDE = {"COLUMNS": "250", "LANGUAGE": None}

ROOT_COMMANDS = [
    ("up", "Chuẩn bị rồi chạy bot (lệnh mà make run gọi)."),
    ("invite", "In các mã mời dùng một lần kèm đường liên kết (không cần kết nối Telegram)."),
    (
        "run",
        "Chỉ chạy bot, với các thiết lập hiện có (TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE_URL, "
        "WEBHOOK_URL…).",
    ),
    (
        "chat",
        "Nhắn tin với bot sandbox ngay trong terminal này, dưới danh nghĩa người dùng ID (chỉ qua "
        "trình giả lập Telegram).",
    ),
    (
        "report",
        "Lập báo cáo tổng hợp của một kỳ: ghi các tệp DOCX, XLSX, PNG vào thư mục --out và in "
        "nội dung báo cáo.",
    ),
    ("db", "Cấu trúc cơ sở dữ liệu: nâng cấp, hạ cấp, xem phiên bản (Alembic)."),
    ("plan", "Kế hoạch của Ban Chỉ đạo: đọc, nhập, xem và các thiết lập."),
    ("agency", "Danh mục cơ quan, đơn vị (tên và tên gọi khác)."),
    ("reminders", "Nhắc việc: xem trước, tạm dừng, tiếp tục gửi."),
    ("calendar", "Ngày nghỉ và ngày làm việc bù của Cơ quan Thường trực."),
    ("task", "Nhiệm vụ thực hiện khi có sự kiện: kích hoạt kèm hạn."),
    ("contacts", "Cán bộ đã liên kết: liệt kê, thu hồi, chuyển giao cơ quan."),
    ("outbox", "Hộp thư đi: nhắc việc chờ gửi, đã gửi, bị lỗi."),
    ("adhoc", "Yêu cầu báo cáo đột xuất."),
]

ADHOC_CREATE_OPTIONS = [
    (
        "*",
        "--due",
        "NGÀY",
        "Hạn báo cáo, dạng 15/12/2026 hoặc 2026-12-15; không được trước hôm nay.",
    ),
    ("", "--agency", "TÊN", "Tên hoặc tên gọi khác của cơ quan được yêu cầu (lặp lại được)."),
    ("", "--all", "<bool>", "Yêu cầu tất cả các cơ quan."),
    ("", "--plan", "MÃ", "Mã kế hoạch; chỉ cần khi cơ sở dữ liệu có nhiều kế hoạch."),
    ("", "--help", "<bool>", "Hiện hướng dẫn này rồi thoát."),
]

#: Common English words; none is a Vietnamese word (Vietnamese "in" = print, "an", "to" are
#: left out on purpose; "name" too: the help quotes it as a CSV column and a JSON key).
ENGLISH = re.compile(
    r"\b(the|and|of|for|with|from|a|is|are|be|by|or|on|not|no|if|this|its|your|one|per|only|"
    r"when|after|again|show|list|create|set|print|add|send|include|new|every|each|none|day|date|"
    r"file|default|line|rows|newest|people|tests|report|requests|range|start|end|e\.g)\b",
    re.IGNORECASE,
)
#: A Vietnamese sentence has at least one letter with a diacritic.
VIETNAMESE_LETTER = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE
)
#: What a help text may quote verbatim: option names and the CLI's own command paths.
OPTION_NAME = re.compile(r"--[a-z][a-z-]*")


def _panel(output: str, title: str) -> list[list[str]]:
    """The rows of the rich panel ``title``, each split into its columns (2+ spaces apart)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"╭─ {title} "))
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("╰"):
            break
        rows.append(re.split(r"\s{2,}", line.strip("│ ").strip()))
    return rows


def _walk(command: typer.core.TyperCommand | typer.core.TyperGroup, path: str) -> Iterator[tuple]:
    yield path, command
    for name, child in getattr(command, "commands", {}).items():
        yield from _walk(child, f"{path} {name}".strip())


def _english(text: str, paths: list[str]) -> list[str]:
    """Why ``text`` is not Vietnamese: its English words once option names and the CLI's
    sub-command paths (``adhoc list``) are taken out, or the lack of any Vietnamese letter."""
    text = OPTION_NAME.sub("", text)
    for path in (path for path in paths if " " in path):
        text = re.sub(rf"\b{re.escape(path)}\b", "", text)
    words = ENGLISH.findall(text)
    return words if VIETNAMESE_LETTER.search(text) else [*words, "(no Vietnamese letter)"]


def test_root_help_lists_every_command_with_its_vietnamese_description() -> None:
    result = runner.invoke(app, ["--help"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[3].strip() == (
        "Chiến dịch 500 ngày đêm — bot Telegram nhắc việc, tổng hợp báo cáo và các lệnh quản trị."
    )
    assert [tuple(row) for row in _panel(result.output, "Lệnh")] == ROOT_COMMANDS


def test_adhoc_create_help_describes_the_command_and_every_option() -> None:
    result = runner.invoke(app, ["adhoc", "create", "--help"], env=WIDE)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].strip() == "Cách dùng: bot adhoc create [OPTIONS] {NỘI_DUNG}"
    assert lines[3].strip() == (
        "Yêu cầu các cơ quan gửi báo cáo đột xuất; yêu cầu được gửi đi vào giờ gửi tiếp theo."
    )
    assert _panel(result.output, "Tham số") == [
        ["*", "NỘI_DUNG", "<str>", "Nội dung cần báo cáo. [bắt buộc]"]
    ]
    options = [
        ("", *row) if len(row) == 3 else tuple(row) for row in _panel(result.output, "Tùy chọn")
    ]
    expected = [
        (required, name, metavar, f"{text} [bắt buộc]" if required else text)
        for required, name, metavar, text in ADHOC_CREATE_OPTIONS
    ]
    assert options == expected


def test_every_command_group_and_parameter_has_vietnamese_help() -> None:
    tree = list(_walk(typer.main.get_command(app), ""))
    paths = [path for path, _command in tree if path]
    assert len(paths) == 43  # 41 + plan owners, plan owner
    problems = []
    for path, command in tree:
        where = path or "(root)"
        if not command.help:
            problems.append(f"{where}: no help")
        elif words := _english(command.help, paths):
            problems.append(f"{where}: English {words} in {command.help!r}")
        for param in command.params:
            if param.name == "help":  # the library's, translated by bot.cli.i18n
                continue
            label = f"{where} {param.opts[0]}"
            if not param.help:
                problems.append(f"{label}: no help")
            elif words := _english(param.help, paths):
                problems.append(f"{label}: English {words} in {param.help!r}")
            # What the help screen shows for the value: an argument's metavar replaces its
            # (English) parameter name; an option's replaces its type (<str>, <path>,
            # <list[…]>, a choice's values). Flags keep <bool>, as --help does.
            shows_type = getattr(param, "is_flag", False)
            if not shows_type and (param.metavar is None or re.search("[a-z]", param.metavar)):
                problems.append(f"{label}: metavar {param.metavar!r}")
    assert problems == []
