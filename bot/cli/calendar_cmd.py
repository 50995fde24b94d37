"""``python -m bot calendar add-holiday|add-workday|list`` — the standing office's calendar days."""

from __future__ import annotations

from datetime import date

import typer

from bot.cli.common import (
    PlanOption,
    database,
    day_argument,
    fail,
    get_settings,
    run,
    weekday_short,
)
from locales import _
from models.repositories import PlanLookupError, get_plan
from models.text import fmt_date
from scheduler.calendar import WorkingCalendar
from scheduler.commands import calendar_overrides, set_calendar_day

app = typer.Typer(
    help=_("Ngày nghỉ và ngày làm việc bù của Cơ quan Thường trực."), no_args_is_help=True
)

NoteOption = typer.Option(
    "", "--note", metavar=_("GHI_CHÚ"), help=_("Lý do (hiện trong danh sách).")
)


def _set(day_text: str, working: bool, note: str, plan: str | None) -> None:
    settings = get_settings()
    day = day_argument(day_text)

    async def body() -> None:
        async with database(settings) as factory, factory.begin() as session:
            try:
                plan_row = await get_plan(session, plan)
            except PlanLookupError as exc:
                fail(str(exc))
            await set_calendar_day(session, plan_row.id, day, working=working, note=note)

    run(body)
    message = (
        _("{day} ({weekday}) nay là ngày làm việc")
        if working
        else _("{day} ({weekday}) nay là ngày nghỉ")
    )
    typer.echo(message.format(day=fmt_date(day), weekday=weekday_short(day)))


@app.command(
    "add-holiday",
    help=_(
        "Đặt NGÀY là ngày nghỉ: không gửi nhắc việc; nhắc việc theo hạn chuyển lên ngày làm "
        "việc trước đó."
    ),
)
def add_holiday(
    day: str = typer.Argument(
        ..., metavar=_("NGÀY"), help=_("Ngày nghỉ, dạng 27/11/2026 hoặc 2026-11-27.")
    ),
    note: str = NoteOption,
    plan: str | None = PlanOption,
) -> None:
    """Make DAY a day off (no reminders; deadlines' reminders move to the day before)."""
    _set(day, False, note, plan)


@app.command(
    "add-workday",
    help=_("Đặt NGÀY là ngày làm việc (ví dụ thứ Bảy làm bù cho một ngày nghỉ)."),
)
def add_workday(
    day: str = typer.Argument(
        ..., metavar=_("NGÀY"), help=_("Ngày làm việc, dạng 28/11/2026 hoặc 2026-11-28.")
    ),
    note: str = NoteOption,
    plan: str | None = PlanOption,
) -> None:
    """Make DAY a working day (e.g. a Saturday swapped for a holiday)."""
    _set(day, True, note, plan)


@app.command(
    "list",
    help=_(
        "Liệt kê các ngày nghỉ rơi vào ngày thường và các ngày làm việc rơi vào cuối tuần; "
        "ngày do Cơ quan Thường trực đặt có dấu *."
    ),
)
def list_days(
    start: str = typer.Option(
        None,
        "--from",
        metavar=_("NGÀY"),
        help=_("Từ ngày (mặc định: ngày bắt đầu Chiến dịch), dạng 01/12/2026 hoặc 2026-12-01."),
    ),
    end: str = typer.Option(
        None,
        "--to",
        metavar=_("NGÀY"),
        help=_("Đến ngày (mặc định: ngày kết thúc Chiến dịch), dạng 31/12/2026 hoặc 2026-12-31."),
    ),
    plan: str | None = PlanOption,
) -> None:
    """List the days off on weekdays and the working weekend days, with the office's overrides."""
    settings = get_settings()
    first = day_argument(start) if start else settings.campaign_start
    last = day_argument(end) if end else settings.campaign_end

    async def body() -> list[tuple[date, bool, str]]:
        async with database(settings) as factory, factory() as session:
            try:
                plan_row = await get_plan(session, plan)
            except PlanLookupError as exc:
                fail(str(exc))
            return [
                (o.day, o.is_working_day, o.note)
                for o in await calendar_overrides(session, plan_row.id)
            ]

    overrides = run(body)
    notes = {day: note for day, _working, note in overrides}
    calendar = WorkingCalendar({day: working for day, working, _note in overrides})
    for day, name in calendar.days_off(first, last):
        working = _("làm việc") if calendar.is_working_day(day) else _("nghỉ")
        mark = " *" if day in notes else ""
        extra = f" — {notes[day]}" if notes.get(day) else ""
        typer.echo(f"{weekday_short(day)} {fmt_date(day)}  {working:8}  {name}{extra}{mark}")
