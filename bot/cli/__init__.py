"""The CLI (``python -m bot …``), built with Typer. Each command family lives in its own module
and is added here, in one ordered list. Every command honours ``DATABASE_URL`` and takes
``--plan KEY`` (needed only when the database holds more than one plan).
"""

from __future__ import annotations

import typer

from bot.cli import agency_cmd, core, people_cmd, plan_cmd, run_cmd

app = typer.Typer(
    name="bot",
    help="Chiến dịch 500 ngày đêm — Telegram bot and its administration commands.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# One ordered list of command families.
core.register(app)
app.add_typer(plan_cmd.app, name="plan", help="Read, import and show the committee's plan.")
app.add_typer(agency_cmd.app, name="agency", help="The agency registry (names and aliases).")
people_cmd.register(app)  # invite, contacts, agency import
run_cmd.register(app)  # run, chat


def main() -> None:
    """Entry point of ``python -m bot``."""
    app()
