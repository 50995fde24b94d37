"""``python -m bot outbox list|send``, ``python -m bot reminders pause|resume``,
``python -m bot adhoc create|list|cancel`` — the standing office's delivery controls (issue 7)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime

import typer
from sqlalchemy import select

from bot.cli.common import PlanOption, database, fail, get_settings, run
from bot.settings import reminder_rules
from locales import N_, _
from models import access, directory
from models.reminders import OutboxMessage, OutboxStatus
from models.repositories import get_plan
from models.text import fmt_date
from scheduler import adhoc, claims, controls

outbox_app = typer.Typer(
    help=_("Hộp thư đi: nhắc việc chờ gửi, đã gửi, bị lỗi."), no_args_is_help=True
)
adhoc_app = typer.Typer(help=_("Yêu cầu báo cáo đột xuất."), no_args_is_help=True)

#: Vietnamese labels of the outbox statuses (the status values stay: ``--status`` takes them).
STATUS_LABELS = {
    OutboxStatus.PENDING: N_("chờ gửi"),
    OutboxStatus.SENDING: N_("đang gửi"),
    OutboxStatus.SENT: N_("đã gửi"),
    OutboxStatus.FAILED: N_("lỗi"),
    OutboxStatus.RETRY: N_("gửi lại"),
}

StatusOption = typer.Option(
    [],
    "--status",
    metavar=_("TRẠNG_THÁI"),
    help=_(
        "Chỉ các tin ở trạng thái này (lặp lại được): pending (chờ gửi), sending (đang gửi), "
        "sent (đã gửi), failed (lỗi), retry (gửi lại)."
    ),
)
DueOption = typer.Option(
    ...,
    "--due",
    formats=["%d/%m/%Y", "%Y-%m-%d"],
    metavar=_("NGÀY"),
    help=_("Hạn báo cáo, dạng 15/12/2026 hoặc 2026-12-15; không được trước hôm nay."),
)
AgencyOption = typer.Option(
    [],
    "--agency",
    metavar=_("TÊN"),
    help=_("Tên hoặc tên gọi khác của cơ quan được yêu cầu (lặp lại được)."),
)


@outbox_app.command(
    "list",
    help=_(
        "Số tin theo từng trạng thái, rồi các tin mới nhất: số, trạng thái, loại, người nhận, "
        "thời gian, lỗi."
    ),
)
def outbox_list(
    status: list[OutboxStatus] = StatusOption,
    limit: int = typer.Option(
        50, "--limit", min=1, metavar=_("SỐ"), help=_("Số tin mới nhất được hiện.")
    ),
    as_json: bool = typer.Option(False, "--json", help=_("In mỗi tin thành một dòng JSON.")),
    plan: str | None = PlanOption,
) -> None:
    """Counts per status, then the newest rows (id, status, kind, recipient, time, error)."""
    settings = get_settings()

    async def body() -> tuple[dict[OutboxStatus, int], list[OutboxMessage]]:
        async with database(settings) as factory, factory() as session:
            try:
                plan_row = await get_plan(session, plan or settings.plan_key)
            except LookupError as exc:
                fail(str(exc))
            counts = await claims.count_by_status(session, plan_id=plan_row.id)
            query = select(OutboxMessage).where(OutboxMessage.plan_id == plan_row.id)
            if status:
                query = query.where(OutboxMessage.status.in_(status))
            rows = await session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit))
            return counts, list(rows.all())

    counts, rows = run(body)
    if as_json:
        for row in rows:
            typer.echo(
                json.dumps(
                    {
                        "id": row.id,
                        "status": str(row.status),
                        "kind": row.kind,
                        "key": row.key,
                        "recipient": row.recipient_chat_id,
                        "scheduled_at": row.scheduled_at.isoformat(),
                        "attempts": row.attempts,
                        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
                        "error": row.error,
                    },
                    ensure_ascii=False,
                )
            )
        return
    typer.echo("  ".join(f"{_(STATUS_LABELS[s])} ({s}): {n}" for s, n in counts.items()))
    for row in rows:
        when = row.sent_at or row.scheduled_at
        typer.echo(
            f"{row.id:>7}  {row.status:<8} {row.kind:<12} {row.recipient_chat_id:>15}  "
            f"{when:%Y-%m-%d %H:%M}  {row.key}" + (f"  [{row.error}]" if row.error else "")
        )


@outbox_app.command(
    "send",
    help=_(
        "Lập lịch và gửi nhắc việc cho đến khi bị dừng, không nhận tin từ Telegram (bản chạy "
        "dự phòng chờ bản chính nhả khóa)."
    ),
)
def outbox_send(
    crash_after_accepted: int | None = typer.Option(
        None,
        "--crash-after-accepted",
        hidden=True,
        metavar=_("SỐ"),
        help=_("Dùng cho kiểm thử: tự dừng bằng SIGKILL sau SỐ tin Telegram đã nhận."),
    ),
) -> None:
    """Plan and send until killed, without polling (a standby waits for the leader lock)."""
    from bot.delivery import run_sender_only
    from bot.run import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level)
    try:
        asyncio.run(run_sender_only(settings, crash_after_accepted))
    except LookupError as exc:
        fail(str(exc))


def _set_paused(paused: bool, plan: str | None) -> bool:
    settings = get_settings()

    async def body() -> bool:
        async with database(settings) as factory, factory.begin() as session:
            try:
                plan_row = await get_plan(session, plan or settings.plan_key)
            except LookupError as exc:
                fail(str(exc))
            return await controls.set_paused(session, plan_row.id, paused)

    return run(body)


def reminders_pause(plan: str | None = PlanOption) -> None:
    """Stop sending reminders (they stay in the outbox) until ``reminders resume``."""
    was = _set_paused(True, plan)
    typer.echo(_("nhắc việc đã tạm dừng từ trước") if was else _("đã tạm dừng nhắc việc"))


def reminders_resume(plan: str | None = PlanOption) -> None:
    """Send reminders again."""
    was = _set_paused(False, plan)
    typer.echo(_("đã tiếp tục nhắc việc") if was else _("nhắc việc không bị tạm dừng"))


@adhoc_app.command(
    "create",
    help=_("Yêu cầu các cơ quan gửi báo cáo đột xuất; yêu cầu được gửi đi vào giờ gửi tiếp theo."),
)
def adhoc_create(
    subject: str = typer.Argument(..., metavar=_("NỘI_DUNG"), help=_("Nội dung cần báo cáo.")),
    due: datetime = DueOption,
    agency: list[str] = AgencyOption,
    all_agencies: bool = typer.Option(False, "--all", help=_("Yêu cầu tất cả các cơ quan.")),
    plan: str | None = PlanOption,
) -> None:
    """Ask agencies for an ad-hoc report; it goes out at the next sending time."""
    if bool(agency) == all_agencies:
        fail(_("hãy cho --agency TÊN (một hoặc nhiều) hoặc --all"))
    if not subject.strip():
        fail(_("nội dung yêu cầu đang để trống"))
    settings = get_settings()
    due_day: date = due.date()

    async def body() -> tuple[int, list[str], datetime | None]:
        async with database(settings) as factory, factory.begin() as session:
            try:
                plan_row = await get_plan(session, plan or settings.plan_key)
                found = [
                    await directory.find_agency_by_name(session, plan_row.id, a) for a in agency
                ]
            except (LookupError, access.AccessError) as exc:
                fail(str(exc))
            try:
                request = await controls.create_adhoc(
                    session,
                    plan_row.id,
                    subject=subject,
                    due=due_day,
                    agency_ids=None if all_agencies else [a.id for a in found],
                    now=now,
                    rules=rules,
                )
            except controls.AdhocDueInPast as exc:
                fail(
                    _("hạn báo cáo {due} đã qua (hôm nay là {today})").format(
                        due=fmt_date(exc.due), today=fmt_date(exc.today)
                    )
                )
            except controls.AdhocAfterCampaign as exc:
                fail(
                    _("hạn báo cáo {due} sau ngày kết thúc Chiến dịch ({last})").format(
                        due=fmt_date(exc.due), last=fmt_date(exc.last_day)
                    )
                )
            late = await controls.adhoc_sent_after_due(session, plan_row.id, due_day, now, rules)
            # An agency named twice (by name and by alias) is asked once.
            return request.id, list(dict.fromkeys(a.name for a in found)), late

    now = datetime.now(UTC)
    rules = reminder_rules(settings)
    request_id, names, late = run(body)
    typer.echo(
        _("yêu cầu báo cáo đột xuất {id}: “{subject}”, hạn {due}, gửi {to}").format(
            id=request_id,
            subject=subject,
            due=fmt_date(due_day),
            to=", ".join(names) if names else _("mọi cơ quan"),
        )
    )
    if late is not None:
        typer.echo(
            _(
                "lưu ý: yêu cầu chỉ được gửi vào giờ nhắc việc tới, {time} ngày {day}, sau hạn "
                "{due}; các cơ quan nhận được khi đã quá hạn (hủy: python -m bot adhoc cancel {id})"
            ).format(
                time=f"{late:%H:%M}",
                day=fmt_date(late.date()),
                due=fmt_date(due_day),
                id=request_id,
            )
        )


@adhoc_app.command(
    "list",
    help=_(
        "Liệt kê mọi yêu cầu, hạn muộn nhất trước: số, nội dung, hạn, cơ quan được yêu cầu, "
        "số cơ quan đã báo cáo/được yêu cầu, tình trạng."
    ),
)
def adhoc_list(plan: str | None = PlanOption) -> None:
    """Every request, latest due first: number, subject, due date, addressed agencies ("mọi cơ
    quan"), agencies answered / asked, status (today in the bot's time zone)."""
    settings = get_settings()

    async def body() -> list[str]:
        async with database(settings) as factory, factory() as session:
            try:
                plan_row = await get_plan(session, plan or settings.plan_key)
            except LookupError as exc:
                fail(str(exc))
            standings = await adhoc.request_standings(session, plan_row.id, settings.tz)
        today = datetime.now(UTC).astimezone(settings.tz).date()
        return [
            "\t".join(
                (
                    str(s.request.id),
                    " ".join(s.request.subject.split()),
                    _("hạn {due}").format(due=fmt_date(s.request.due)),
                    s.addressees,
                    _("đã báo cáo {answered}/{addressed}").format(
                        answered=s.answered, addressed=s.addressed
                    ),
                    s.status(today),
                )
            )
            for s in standings
        ] or [_("chưa có yêu cầu báo cáo đột xuất nào")]

    for line in run(body):
        typer.echo(line)


@adhoc_app.command(
    "cancel",
    help=_("Hủy một yêu cầu: bot thôi nhắc và thôi mời trả lời; các báo cáo đã gửi vẫn được giữ."),
)
def adhoc_cancel(
    number: int = typer.Argument(..., metavar=_("SỐ"), help=_("Số của yêu cầu (xem: adhoc list).")),
    plan: str | None = PlanOption,
) -> None:
    """Cancel a request: no more reminders, no longer offered to answer; replies are kept."""
    settings = get_settings()

    async def body() -> adhoc.AdhocRequestRef:
        async with database(settings) as factory, factory.begin() as session:
            try:
                plan_row = await get_plan(session, plan or settings.plan_key)
            except LookupError as exc:
                fail(str(exc))
            try:
                found = await adhoc.cancel_request(
                    session, plan_row.id, number, datetime.now(UTC), settings.tz
                )
            except adhoc.RequestAlreadyCancelled as exc:
                assert exc.request.cancelled_on is not None
                fail(
                    _("yêu cầu báo cáo đột xuất {id} đã bị hủy ngày {day}").format(
                        id=number, day=fmt_date(exc.request.cancelled_on)
                    )
                )
            if found is None:
                fail(
                    _("không có yêu cầu báo cáo đột xuất số {id} (xem: adhoc list)").format(
                        id=number
                    )
                )
            return found

    found = run(body)
    typer.echo(
        _(
            "đã hủy yêu cầu báo cáo đột xuất {id}: “{subject}”, hạn {due}; bot thôi nhắc, các "
            "báo cáo đã gửi vẫn được giữ"
        ).format(id=found.id, subject=" ".join(found.subject.split()), due=fmt_date(found.due))
    )


def register(app: typer.Typer, reminders: typer.Typer) -> None:
    """Add ``outbox`` and ``adhoc`` to the root CLI, ``pause``/``resume`` to ``reminders``
    (the planner's ``reminders`` family, which has ``preview``)."""
    app.add_typer(outbox_app, name="outbox")
    reminders.command(
        "pause",
        help=_(
            "Tạm dừng gửi nhắc việc (các tin vẫn nằm trong hộp thư đi) cho đến khi chạy "
            "reminders resume."
        ),
    )(reminders_pause)
    reminders.command("resume", help=_("Tiếp tục gửi nhắc việc sau khi tạm dừng."))(
        reminders_resume
    )
    app.add_typer(adhoc_app, name="adhoc")
