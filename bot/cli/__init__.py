"""The CLI (``python -m bot …``), built with Typer. Each command family lives in its own module
and is added here, in one ordered list. Every command honours ``DATABASE_URL`` and takes
``--plan KEY`` (needed only when the database holds more than one plan). The library's own usage
errors and help screen are Vietnamese too (``bot.cli.i18n``, catalog ``locales/vi/LC_MESSAGES/cli.po``).
"""

from __future__ import annotations

import typer

from bot.cli import (
    agency_cmd,
    calendar_cmd,
    core,
    delivery_cmd,
    people_cmd,
    plan_cmd,
    reminders_cmd,
    report_cmd,
    run_cmd,
    task_cmd,
)
from bot.cli.i18n import VietnameseGroup

app = typer.Typer(
    name="bot",
    cls=VietnameseGroup,
    help="Chiến dịch 500 ngày đêm — Telegram bot and its administration commands.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# One ordered list of command families.
core.register(app)
app.add_typer(plan_cmd.app, name="plan", help="Read, import and show the committee's plan.")
app.add_typer(agency_cmd.app, name="agency", help="The agency registry (names and aliases).")
app.add_typer(reminders_cmd.app, name="reminders", help="Preview, pause or resume the reminders.")
app.add_typer(
    calendar_cmd.app, name="calendar", help="The standing office's days off/working days."
)
app.add_typer(task_cmd.app, name="task", help="Activate on-event tasks.")
people_cmd.register(app)  # invite, contacts, agency import
run_cmd.register(app)  # run, chat
delivery_cmd.register(app, reminders_cmd.app)  # outbox, reminders pause|resume, adhoc
report_cmd.register(app)  # report --period ID --out DIR


def main() -> None:
    """Entry point of ``python -m bot``."""
    app()
