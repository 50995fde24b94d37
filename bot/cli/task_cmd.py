"""``python -m bot task activate CODE --due DATE`` — start an on-event task (issue 5)."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from bot.cli.common import PlanOption, database, day_argument, fail, get_settings, run
from locales import _
from models.repositories import PlanLookupError, get_plan
from models.text import fmt_date
from scheduler.commands import Activation, CommandError, activate_task

app = typer.Typer(
    help=_("Nhiệm vụ thực hiện khi có sự kiện: kích hoạt kèm hạn."), no_args_is_help=True
)


@app.command(
    "activate",
    help=_(
        "Kích hoạt nhiệm vụ MÃ (nhiệm vụ thực hiện khi có sự kiện) với một hạn: từ giờ gửi "
        "tiếp theo, nhiệm vụ được nhắc việc theo hạn như các nhiệm vụ khác."
    ),
)
def activate(
    code: str = typer.Argument(..., metavar=_("MÃ"), help=_("Mã nhiệm vụ, ví dụ 4b.")),
    due: str = typer.Option(
        ...,
        "--due",
        metavar=_("NGÀY"),
        help=_("Hạn của nhiệm vụ, dạng 08/02/2027 hoặc 2027-02-08."),
    ),
    plan: str | None = PlanOption,
) -> None:
    """Activate on-event task CODE with a deadline: it follows the deadline rules from the next
    sending time on."""
    settings = get_settings()
    due_day = day_argument(due)

    async def body() -> Activation:
        async with database(settings) as factory, factory.begin() as session:
            try:
                plan_row = await get_plan(session, plan)
                return await activate_task(session, plan_row.id, code, due_day, datetime.now(UTC))
            except (PlanLookupError, CommandError) as exc:
                fail(str(exc))

    activation = run(body)
    typer.echo(
        _("đã kích hoạt nhiệm vụ {code} ({on_event}), hạn {due}").format(
            code=activation.code,
            on_event=activation.on_event,
            due=fmt_date(activation.due),
        )
    )
