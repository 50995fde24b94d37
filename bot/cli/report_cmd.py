"""``python -m bot report --period ID --out DIR`` (or ``--from DATE --to DATE``): the periodic summary.

Writes ``bao-cao-<ID>.docx``, ``.xlsx`` and ``.png`` into DIR and prints the report's text (plain;
``--html`` prints the Telegram HTML chunks separated by a line of dashes). Other tools rely on this
form (issue 8). Period ids: DOMAIN.md, "Period identifiers"; ``--period adhoc:<request id>`` is the
report of one ad hoc request (``reports.adhoc``; files ``bao-cao-adhoc_<id>.*``).
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import PlanOption, database, day_argument, fail, get_settings, run
from locales import _
from models.repositories import PlanLookupError, get_plan
from reports.adhoc import compile_request_summary
from reports.compile import compile_summary
from reports.html import render_chunks, render_html
from reports.outputs import ReportFiles, build_files
from reports.replies import campaign_window
from reports.summary import Summary
from scheduler.adhoc import get_request
from scheduler.periods import (
    PeriodError,
    ReportingPeriod,
    adhoc,
    adhoc_request_id,
    parse_period_id,
)


def resolve_period(
    period: str | None, date_from: str | None, date_to: str | None, start: date, end: date
) -> ReportingPeriod:
    """The period named by ``--period`` or by ``--from``/``--to``; exits with a message otherwise."""
    try:
        if period and not (date_from or date_to):
            return parse_period_id(period, campaign_start=start, campaign_end=end)
        if date_from and date_to and not period:
            return adhoc(day_argument(date_from), day_argument(date_to))
    except PeriodError as exc:
        fail(str(exc))
    fail(_("hãy cho --period KỲ, hoặc cả --from NGÀY và --to NGÀY"))


def plain_text(html_text: str) -> str:
    """Telegram HTML as terminal text: tags dropped, entities unescaped."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def report(
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar=_("KỲ"),
            help=_(
                "Kỳ báo cáo: 2026-11 (tháng), 2026-Q4 (quý), 2026-H1 (6 tháng), 2026 (năm), "
                "soket, tongket, hoặc adhoc:SỐ (yêu cầu báo cáo đột xuất số SỐ)."
            ),
        ),
    ] = None,
    date_from: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar=_("NGÀY"),
            help=_("Báo cáo theo khoảng ngày tự chọn: từ ngày (2026-11-01 hoặc 01/11/2026)."),
        ),
    ] = None,
    date_to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar=_("NGÀY"),
            help=_("Đến ngày, dùng cùng --from (2026-11-20 hoặc 20/11/2026)."),
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out", metavar=_("THƯ_MỤC"), help=_("Thư mục ghi các tệp DOCX, XLSX và PNG.")
        ),
    ] = Path("."),
    as_html: Annotated[
        bool,
        typer.Option("--html", help=_("In các đoạn HTML gửi qua Telegram thay cho văn bản.")),
    ] = False,
    plan_key: str | None = PlanOption,
) -> None:
    """Compile a period's summary: write DOCX, XLSX and PNG into --out and print the text."""
    settings = get_settings()

    async def body() -> tuple[Summary, ReportFiles]:
        async with database(settings) as factory, factory() as session:
            try:
                plan = await get_plan(session, plan_key)
            except PlanLookupError as exc:
                fail(str(exc))
            start, end = await campaign_window(
                session, plan.id, settings.campaign_start, settings.campaign_end
            )
            now = datetime.now(UTC)  # the CLI is an edge: the one place that reads the clock
            request_id = adhoc_request_id(period or "")
            if request_id is not None and not (date_from or date_to):
                request = await get_request(session, plan.id, request_id, settings.tz)
                if request is None:
                    fail(
                        _(
                            "không có yêu cầu báo cáo đột xuất số {id} trong kế hoạch “{plan}”"
                        ).format(id=request_id, plan=plan.key)
                    )
                summary = await compile_request_summary(
                    session, plan, request, now=now, campaign_start=start, tz=settings.tz
                )
            else:
                summary = await compile_summary(
                    session,
                    plan,
                    resolve_period(period, date_from, date_to, start, end),
                    now=now,
                    campaign_start=start,
                    campaign_end=end,
                    tz=settings.tz,
                )
        return summary, await build_files(summary)

    summary, files = run(body)
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.named():
        (out / name).write_bytes(data)
    if as_html:
        typer.echo(("\n" + "-" * 40 + "\n").join(render_chunks(summary)))
    else:
        typer.echo(plain_text(render_html(summary)))
    for name, _data in files.named():
        typer.echo(f"→ {out / name}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``report`` to the root CLI."""
    app.command(
        "report",
        help=_(
            "Lập báo cáo tổng hợp của một kỳ: ghi các tệp DOCX, XLSX, PNG vào thư mục --out và "
            "in nội dung báo cáo."
        ),
    )(report)
