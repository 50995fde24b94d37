"""``python -m bot plan …`` — parse, import, show the committee's plan, and its settings.

The forms are relied on by other tools (issue 2): ``plan parse FILE --json``,
``plan timeline "PHRASE" --json``, ``plan import FILE [--key KEY]``, ``plan show``,
``plan set KEY VALUE``, ``plan get [KEY]``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import typer

from bot.cli.common import PlanOption, database, fail, get_settings, run
from bot.settings import Settings
from locales import _
from models.repositories import PlanLookupError, get_plan
from models.text import fmt_date
from plan.errors import PlanError
from plan.parser import parse_plan_file
from plan.registry import Registry, default_registry, registry_for_plan
from plan.schema import PlanDocument
from plan.timeline import parse_timeline

app = typer.Typer(
    help=_("Kế hoạch của Ban Chỉ đạo: đọc, nhập, xem và các thiết lập."), no_args_is_help=True
)
T = TypeVar("T")

FileArgument = typer.Argument(
    ..., metavar=_("TỆP"), help=_("Tệp Kế hoạch: bản xuất .txt hoặc tệp .docx.")
)


def _campaign(settings: Settings) -> dict[str, Any]:
    return {"campaign_start": settings.campaign_start, "campaign_end": settings.campaign_end}


async def _stored_context(settings: Settings, key: str | None) -> tuple[Registry, dict[str, Any]]:
    """Registry including the agencies the standing office added, and the campaign dates (the
    plan's own, else the bot's), when the database has the plan — what ``plan import`` uses."""
    from plan.importer import plan_for_import
    from plan.settings_store import stored_campaign

    try:
        async with database(settings) as factory, factory() as session:
            plan = await plan_for_import(session, key)
            registry = await registry_for_plan(session, plan.id if plan else None)
            stored = await stored_campaign(session, plan.id) if plan else {}
            return registry, _campaign(settings) | stored
    except Exception:  # not migrated, unreachable… parsing needs none of it
        return default_registry(), _campaign(settings)


def _database_exists(settings: Settings) -> bool:
    """False for a SQLite file not created yet (``plan parse`` must not create it)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(settings.database_url)
    except ArgumentError:
        return False
    return url.get_backend_name() != "sqlite" or Path(url.database or "").is_file()


def _run_db(coro_fn: Callable[[], Awaitable[T]]) -> T:
    """``run`` for commands that need the schema: a database that is unreachable or not migrated
    yet is a clear message and exit 1, not a traceback."""
    from sqlalchemy.exc import DBAPIError

    try:
        return run(coro_fn)
    except (DBAPIError, OSError) as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        fail(
            _(
                "Không dùng được cơ sở dữ liệu ({detail}). Kiểm tra DATABASE_URL; nếu cơ sở dữ "
                "liệu mới, tạo bảng bằng: python -m bot db upgrade"
            ).format(detail=detail)
        )


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@app.command(
    "parse",
    help=_("Đọc phụ lục của Kế hoạch từ tệp và in ra (không ghi gì vào cơ sở dữ liệu)."),
)
def parse_cmd(
    file: Path = FileArgument,
    as_json: bool = typer.Option(False, "--json", help=_("In Kế hoạch đã đọc dạng JSON.")),
    plan: str | None = PlanOption,
) -> None:
    """Read the plan's appendix and print it (nothing is written)."""
    settings = get_settings()
    registry, campaign = (
        run(lambda: _stored_context(settings, plan))
        if _database_exists(settings)
        else (default_registry(), _campaign(settings))
    )
    try:
        doc = parse_plan_file(file, registry=registry, **campaign)
    except PlanError as exc:
        fail(str(exc))
    if as_json:
        _print_json(doc.to_json_dict())
        return
    _print_document(doc)


@app.command(
    "timeline",
    help=_(
        "Đọc một cụm “Thời gian” của Kế hoạch và in lịch tương ứng: hạn, ngày bắt đầu, "
        "nhịp báo cáo, trọng tâm."
    ),
)
def timeline_cmd(
    phrase: str = typer.Argument(
        ..., metavar=_("THỜI_GIAN"), help=_("Cụm thời gian, ví dụ “Tháng 4-5/2026”.")
    ),
    as_json: bool = typer.Option(False, "--json", help=_("In lịch dạng JSON.")),
) -> None:
    """Read one timeline phrase ("Thời gian") and print its schedule."""
    settings = get_settings()
    try:
        schedule = parse_timeline(phrase, **_campaign(settings))
    except PlanError as exc:
        fail(str(exc))
    data = schedule.model_dump(mode="json")
    if as_json:
        _print_json(data)
        return
    rhythm = {"monthly": _("hằng tháng"), "quarterly": _("hằng quý"), "yearly": _("hằng năm")}
    focus = [
        _("{day}/{month} hằng năm").format(day=f[5:], month=f[2:4])
        if f.startswith("--")
        else fmt_date(date.fromisoformat(f))
        for f in schedule.focus
    ]
    rows = [
        (_("Thời gian"), schedule.text),
        (_("Hạn"), ", ".join(fmt_date(d) for d in schedule.deadlines) or "—"),
        (
            _("Bắt đầu"),
            fmt_date(schedule.window_start) if schedule.window_start else "—",
        ),
        (_("Thường xuyên"), _("có") if schedule.ongoing else _("không")),
        (_("Nhịp báo cáo"), rhythm.get(schedule.recurrence or "", "—")),
        (_("Khi có sự kiện"), schedule.on_event or "—"),
        (_("Trọng tâm"), ", ".join(focus) or "—"),
    ]
    for label, value in rows:
        typer.echo(f"{label}: {value}")


def _print_document(doc: PlanDocument) -> None:
    typer.echo(f"{doc.title}\n{doc.province} {doc.year or ''}".rstrip())
    for section in doc.sections:
        typer.echo(f"\n{section.number}. {section.title}")
        for task in (t for t in doc.tasks if t.section == section.number):
            dues = ", ".join(fmt_date(d) for d in task.deadlines) or "—"
            typer.echo(f"  {task.code:<4} {task.timeline}  →  {dues}")
            typer.echo(f"       {_('chủ trì')}: {', '.join(task.lead)}")


@app.command(
    "import",
    help=_(
        "Nhập (hoặc nhập lại) Kế hoạch vào cơ sở dữ liệu trong một giao dịch; in những gì thay đổi."
    ),
)
def import_cmd(
    file: Path = FileArgument,
    # "--plan" too: every command takes --plan KEY (issue 2); for import it names the plan to
    # create or update.
    key: str | None = typer.Option(
        None,
        "--key",
        "--plan",
        metavar=_("MÃ"),
        help=_(
            "Mã kế hoạch cần tạo hoặc cập nhật (mặc định đặt theo Kế hoạch, ví dụ ha-tinh-2026)."
        ),
    ),
) -> None:
    """Import (or re-import) the plan into the database, in one transaction; prints what changed."""
    from plan.importer import import_file

    settings = get_settings()

    async def _go() -> list[str]:
        async with database(settings) as factory:
            result = await import_file(
                factory, file, key=key, now=datetime.now(UTC), campaign=_campaign(settings)
            )
            return result.summary_lines()

    try:
        lines = _run_db(_go)
    except PlanError as exc:
        fail(str(exc))
    for line in lines:
        typer.echo(line)


@app.command(
    "show",
    help=_(
        "Hiện Kế hoạch đã lưu dạng bảng: mã nhiệm vụ, hạn, cơ quan chủ trì, thủ trưởng phụ trách."
    ),
)
def show_cmd(plan: str | None = PlanOption) -> None:
    """Show the stored plan as a table (code, deadlines, lead agencies, leader)."""
    from plan.show import render_plan_table

    settings = get_settings()

    async def _go() -> str:
        async with database(settings) as factory, factory() as session:
            stored = await get_plan(session, plan)
            return await render_plan_table(session, stored)

    try:
        typer.echo(_run_db(_go))
    except PlanLookupError as exc:
        fail(str(exc))


@app.command(
    "set",
    help=_(
        "Đặt một thiết lập của kế hoạch (ngày bắt đầu, kết thúc Chiến dịch, phần đầu văn bản "
        "báo cáo, số mộ chưa xác định được thông tin…)."
    ),
)
def set_cmd(
    key: str = typer.Argument(
        ..., metavar=_("THIẾT_LẬP"), help=_("Tên thiết lập (xem: plan get).")
    ),
    value: str = typer.Argument(
        ..., metavar=_("GIÁ_TRỊ"), help=_("Giá trị mới; ngày ghi dạng YYYY-MM-DD.")
    ),
    plan: str | None = PlanOption,
) -> None:
    """Set a plan setting (campaign dates, report header texts, unidentified graves…)."""
    from plan.settings_store import KNOWN, SettingError, set_setting

    if key not in KNOWN:
        # A typo ("reminder_offset_days") would be stored and silently never read.
        fail(
            _("không có thiết lập “{key}”; các thiết lập: {known}").format(
                key=key, known=", ".join(KNOWN)
            )
        )
    settings = get_settings()

    async def _go() -> Any:
        async with database(settings) as factory, factory.begin() as session:
            stored = await get_plan(session, plan)
            return await set_setting(session, stored.id, key, value, defaults=_defaults(settings))

    try:
        stored_value = _run_db(_go)
    except (PlanLookupError, SettingError) as exc:
        fail(str(exc))
    typer.echo(f"{key} = {json.dumps(stored_value, ensure_ascii=False)}")
    if key in ("campaign_start", "campaign_end"):
        # Stored schedules were computed at import time ("Theo thời gian của Chiến dịch").
        typer.echo(_("Nhập lại Kế hoạch (python -m bot plan import TỆP) để áp dụng cho nhiệm vụ."))


@app.command(
    "get",
    help=_(
        "In các thiết lập của kế hoạch: giá trị đã lưu, hoặc giá trị mặc định lấy từ thiết lập "
        "của bot."
    ),
)
def get_cmd(
    key: str | None = typer.Argument(
        None, metavar=_("THIẾT_LẬP"), help=_("Tên thiết lập; bỏ trống để in tất cả.")
    ),
    plan: str | None = PlanOption,
) -> None:
    """Print plan settings (the stored value, or the default from the bot's settings)."""
    from plan.settings_store import SettingError, all_settings

    settings = get_settings()

    async def _go() -> dict[str, tuple[Any, bool]]:
        async with database(settings) as factory, factory() as session:
            stored = await get_plan(session, plan)
            return await all_settings(session, stored.id, defaults=_defaults(settings))

    try:
        values = _run_db(_go)
    except (PlanLookupError, SettingError) as exc:
        fail(str(exc))
    if key is not None:
        if key not in values:
            fail(_("Không có thiết lập “{key}”.").format(key=key))
        typer.echo(json.dumps(values[key][0], ensure_ascii=False))
        return
    for name, (value, is_default) in values.items():
        note = "  " + _("(mặc định)") if is_default else ""
        typer.echo(f"{name} = {json.dumps(value, ensure_ascii=False)}{note}")


def _defaults(settings: Settings) -> dict[str, Any]:
    return {
        "campaign_start": settings.campaign_start.isoformat(),
        "campaign_end": settings.campaign_end.isoformat(),
    }


@app.command(
    "owners",
    help=_(
        "In các chỉ tiêu định lượng của từng nhiệm vụ, cơ quan được tính số (chỉ số của cơ quan "
        "này cộng vào tổng) và các cơ quan chủ trì."
    ),
)
def owners_cmd(plan: str | None = PlanOption) -> None:
    """List each live task's indicators with the agency whose figure counts, and its leads."""
    from plan.owners import OwnerLine, list_owners

    settings = get_settings()

    async def _go() -> list[OwnerLine]:
        async with database(settings) as factory, factory() as session:
            stored = await get_plan(session, plan)
            return await list_owners(session, stored.id)

    try:
        lines = _run_db(_go)
    except PlanLookupError as exc:
        fail(str(exc))
    for line in lines:
        typer.echo(line.text())


@app.command(
    "owner",
    help=_(
        "Đặt cơ quan được tính số của một chỉ tiêu trong nhiệm vụ MÃ (phải là cơ quan chủ trì "
        "nhiệm vụ); số của các cơ quan chủ trì khác là ghi chú, không cộng vào tổng."
    ),
)
def owner_cmd(
    code: str = typer.Argument(..., metavar=_("MÃ"), help=_("Mã nhiệm vụ, ví dụ 6a.")),
    indicator: str | None = typer.Argument(
        None,
        metavar=_("CHỈ_TIÊU"),
        help=_("Tên chỉ tiêu (có dấu hoặc không) hoặc mã của nó; bỏ trống khi dùng --all."),
    ),
    agency: str | None = typer.Argument(
        None, metavar=_("CƠ_QUAN"), help=_("Tên hoặc tên gọi khác của cơ quan chủ trì.")
    ),
    every: bool = typer.Option(
        False, "--all", help=_("Đặt cho mọi chỉ tiêu của nhiệm vụ (chỉ cần MÃ và CƠ_QUAN).")
    ),
    plan: str | None = PlanOption,
) -> None:
    """Set the agency whose figure counts for one indicator of task CODE (or all, ``--all``)."""
    from plan.owners import OwnerError, OwnerLine, set_owner

    if every:
        # `plan owner 6a --all "Sở Y tế"`: the one positional after the code is the agency.
        if agency is not None or indicator is None:
            fail(_('với --all chỉ ghi MÃ và CƠ_QUAN, ví dụ: plan owner 6a --all "Sở Y tế"'))
        indicator, agency = None, indicator
    elif agency is None:
        fail(
            _(
                'thiếu CHỈ_TIÊU hoặc CƠ_QUAN, ví dụ: plan owner 6a "Mộ đã lấy mẫu" "Sở Y tế" '
                "(xem: plan owners)"
            )
        )
    settings = get_settings()
    assert agency is not None

    async def _go() -> list[OwnerLine]:
        async with database(settings) as factory, factory.begin() as session:
            stored = await get_plan(session, plan)
            return await set_owner(session, stored.id, code, indicator, agency)

    try:
        lines = _run_db(_go)
    except (PlanLookupError, OwnerError) as exc:
        fail(str(exc))
    for line in lines:
        typer.echo(_("Đã đặt: {line}").format(line=line.text()))
