"""The CLI (``python -m bot …``), built with Typer. Each command family lives in its own module
and is added here, in one ordered list. Every command honours ``DATABASE_URL`` and takes
``--plan KEY`` (needed only when the database holds more than one plan). The library's own usage
errors and help screen are Vietnamese too (``bot.cli.i18n``, catalog ``locales/vi/LC_MESSAGES/cli.po``);
the help texts of our own commands, groups and parameters are ``help=_("…")`` (catalog ``messages``;
a command's English docstring is for developers and is not shown), and arguments and value-taking
options have Vietnamese ``metavar``s (``TÊN``, ``NGÀY``…), which Typer shows instead of the type.
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
from locales import _

app = typer.Typer(
    name="bot",
    cls=VietnameseGroup,
    help=_(
        "Chiến dịch 500 ngày đêm — bot Telegram nhắc việc, tổng hợp báo cáo và các lệnh quản trị."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# One ordered list of command families.
core.register(app)
app.add_typer(plan_cmd.app, name="plan")
app.add_typer(agency_cmd.app, name="agency")
app.add_typer(reminders_cmd.app, name="reminders")
app.add_typer(calendar_cmd.app, name="calendar")
app.add_typer(task_cmd.app, name="task")
people_cmd.register(app)  # invite, contacts, agency import
run_cmd.register(app)  # run, chat
delivery_cmd.register(app, reminders_cmd.app)  # outbox, reminders pause|resume, adhoc
report_cmd.register(app)  # report --period ID --out DIR


def main() -> None:
    """Entry point of ``python -m bot``."""
    app()
