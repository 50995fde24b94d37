"""``python -m bot reminders preview`` — what the planner would send at a moment (issue 5)."""

from __future__ import annotations

import json
from datetime import datetime

import typer

from bot.cli.common import PlanOption, database, fail, get_settings, run
from bot.settings import reminder_rules
from locales import _
from models.repositories import PlanLookupError, get_plan
from scheduler.planner import plan_reminders
from scheduler.preview import preview_entries, preview_lines
from scheduler.snapshot import load_snapshot

app = typer.Typer(help=_("Nhắc việc: xem trước, tạm dừng, tiếp tục gửi."), no_args_is_help=True)


@app.command(
    "preview",
    help=_(
        "In ra, không gửi, những nhắc việc mà bot khởi động lúc THỜI_ĐIỂM sẽ gửi trong lần lập "
        "lịch đầu tiên.\n\n"
        "Tính theo cơ sở dữ liệu hiện tại: tin đã có trong hộp thư đi coi như đã gửi. Với --json: "
        "danh sách xếp theo cơ quan, loại, kỳ; mỗi mục có các khóa at, agency, contacts "
        "(telegram_id, name), kind, tasks, period, và leader với tin đôn đốc."
    ),
)
def preview(
    at: str = typer.Option(
        ...,
        "--at",
        metavar=_("THỜI_ĐIỂM"),
        help=_(
            "Thời điểm theo ISO-8601, ví dụ 2026-11-27T08:00+07:00; không ghi múi giờ thì "
            "dùng múi giờ TIMEZONE."
        ),
    ),
    as_json: bool = typer.Option(False, "--json", help=_("In danh sách nhắc việc dạng JSON.")),
    plan: str | None = PlanOption,
) -> None:
    """Print, without sending, what a bot started on this database at AT would send in its
    first planner run (the database as it stands: what the outbox already holds counts as sent).

    JSON: a list sorted by agency, kind, period of {"at", "agency", "contacts": [{"telegram_id",
    "name"}], "kind", "tasks", "period"} (+ "leader" for an escalation).
    """
    settings = get_settings()
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        fail(
            _("--at “{at}” không phải ngày giờ ISO-8601 (ví dụ 2026-11-27T08:00+07:00)").format(
                at=at
            )
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=settings.tz)
    rules = reminder_rules(settings)

    async def body() -> list[dict[str, object]]:
        async with database(settings) as factory, factory() as session:
            try:
                plan_row = await get_plan(session, plan)
            except PlanLookupError as exc:
                fail(str(exc))
            snapshot = await load_snapshot(session, plan_row.id)
        return preview_entries(plan_reminders(snapshot, rules, moment), snapshot, settings.tz)

    entries = run(body)
    if as_json:
        typer.echo(json.dumps(entries, ensure_ascii=False, indent=2))
        return
    for line in preview_lines(entries):
        typer.echo(line)
