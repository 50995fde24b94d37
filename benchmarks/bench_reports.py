"""Benchmark of the periodic summary at national scale (issue 8).

Builds a store of 34 provinces (the real plan imported 34 times, each with 100 commune agencies
added as lead agencies of every task: 107 agencies × 23 tasks per province) and 12 asked periods
(2026-04 … 2027-Q1), about 1,000,000 replies with one version each and figures on the indicator
tasks. Then, for one province's monthly report (``2026-11``), measures:

- text time: ``compile_summary`` + ``render_chunks`` (query → Telegram chunks);
- DOCX time: ``build_docx`` of that summary;
- peak memory: ``tracemalloc`` peak over compile + text + DOCX, and the process's max RSS;
- the ratio of the text time to SQL computing the same figures (``benchmarks/report_baseline.py``:
  GROUP BY and window queries for the status of each task × lead agency's latest reply, each
  agency's on time / late / not reported, overdue deadlines, the owners' indicator sums of the
  period and cumulated, the co-leads' notes), asserted equal to the report's figures every run.

Aims (issue 8): text ≤ 1 s, DOCX ≤ 3 s, ≤ 300 MB, ≤ 3× the SQL baseline.

Run: ``/work/venv/bin/python -m benchmarks.bench_reports [--db PATH] [--replies N]``. The store is
built once per database (``--rebuild`` starts a SQLite file afresh); SQLite by default,
``--db postgresql://…`` (an empty database) works too.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import resource
import statistics
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from benchmarks.report_baseline import asked_for, baseline_figures, differences, figures_of_summary
from models import migrate
from models.db import create_engine, create_session_factory
from models.plan import Agency, Plan, Task, TaskAssignment, TaskIndicator, TaskRole
from models.progress import IndicatorFigure, ProgressReport, ProgressReportVersion, ProgressStatus
from plan.importer import import_plan
from plan.parser import parse_plan_file
from reports.compile import compile_summary
from reports.docx import build_docx
from reports.html import CHAT_MAX_MESSAGES as MAX_MESSAGES
from reports.html import render_chunks
from scheduler.periods import asked_periods, parse_period_id

ROOT = Path(__file__).resolve().parent.parent
PLAN_TXT = ROOT / "data" / "plan" / "ke_hoach_chien_dich_500_ngay_dem.txt"
START, END = datetime(2026, 3, 14).date(), datetime(2027, 7, 27).date()
PROVINCES = 34
COMMUNES = 100
PERIODS = asked_periods(START, END)[:12]
STATUSES = list(ProgressStatus)
TEXTS = [
    "Đã triển khai theo kế hoạch; phối hợp chặt chẽ với các xã & phường.",
    "Tiếp tục rà soát thông tin, xác minh địa bàn < 5 điểm còn lại.",
    "Đang thực hiện, dự kiến hoàn thành đúng hạn.",
]


async def build_store(factory: async_sessionmaker[AsyncSession], replies_target: int) -> int:
    """Import the plan per province, add commune agencies as leads, insert the replies."""
    doc = parse_plan_file(PLAN_TXT)
    rng = random.Random(500)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    total = 0
    per_pair_periods = len(PERIODS)
    for province in range(PROVINCES):
        async with factory.begin() as session:
            result = await import_plan(session, doc, key=f"tinh-{province:02d}", now=now)
            plan_id = result.plan_id
            tasks = (await session.scalars(select(Task).where(Task.plan_id == plan_id))).all()
            for n in range(COMMUNES):
                name = f"UBND xã số {n + 1}"
                session.add(Agency(plan_id=plan_id, name=name, name_folded=name.lower()))
            await session.flush()
            agencies = (
                await session.scalars(select(Agency.id).where(Agency.plan_id == plan_id))
            ).all()
            lead_rows = (
                await session.execute(
                    select(TaskAssignment.task_id, TaskAssignment.agency_id).where(
                        TaskAssignment.role == TaskRole.LEAD,
                        TaskAssignment.task_id.in_([t.id for t in tasks]),
                    )
                )
            ).all()
            leads = {(t, a) for t, a in lead_rows}
            assignments = []
            for task in tasks:
                position = 50
                for agency_id in agencies:
                    if (task.id, agency_id) not in leads:
                        assignments.append(
                            {
                                "task_id": task.id,
                                "role": TaskRole.LEAD,
                                "position": position,
                                "agency_id": agency_id,
                                "group_id": None,
                            }
                        )
                        position += 1
            await session.execute(insert(TaskAssignment), assignments)
            carried = {
                (row.task_id, row.indicator_id)
                for row in await session.scalars(
                    select(TaskIndicator).where(TaskIndicator.task_id.in_([t.id for t in tasks]))
                )
            }
            pairs = [(t.id, a) for t in tasks for a in agencies]
            budget = replies_target // PROVINCES // per_pair_periods
            pairs = pairs[:budget]
            report_id = int(
                await session.scalar(select(func.coalesce(func.max(ProgressReport.id), 0))) or 0
            )
            reports, versions, figures = [], [], []
            for period in PERIODS:
                due = period.end + timedelta(days=3)
                for task_id, agency_id in pairs:
                    report_id += 1
                    status = rng.choice(STATUSES)
                    confirmed = datetime.combine(
                        due + timedelta(days=rng.randint(-4, 3)), datetime.min.time(), UTC
                    ) + timedelta(hours=3)
                    reports.append(
                        {
                            "id": report_id,
                            "plan_id": plan_id,
                            "task_id": task_id,
                            "agency_id": agency_id,
                            "occurrence": 0,
                            "period": period.id,
                            "status": status,
                            "latest_version": 1,
                            "confirmed_at": confirmed,
                            "created_at": confirmed,
                        }
                    )
                    versions.append(
                        {
                            "id": report_id,
                            "report_id": report_id,
                            "version": 1,
                            "status": status,
                            "result": rng.choice(TEXTS),
                            "difficulties": rng.choice([None, TEXTS[1]]),
                            "next_steps": None,
                            "proposals": None,
                            "confirmed_at": confirmed,
                            "created_at": confirmed,
                        }
                    )
                    for t_id, indicator_id in carried:
                        if t_id == task_id:
                            figures.append(
                                {
                                    "version_id": report_id,
                                    "indicator_id": indicator_id,
                                    "value": Decimal(rng.randint(0, 40)),
                                }
                            )
            for table, rows in (
                (ProgressReport, reports),
                (ProgressReportVersion, versions),
                (IndicatorFigure, figures),
            ):
                for i in range(0, len(rows), 20_000):
                    await session.execute(insert(table), rows[i : i + 20_000])
            total += len(reports)
        print(f"  province {province + 1}/{PROVINCES}: {total:,} replies", flush=True)
    return total


async def measure(
    factory: async_sessionmaker[AsyncSession],
    key: str,
    period_id: str,
    runs: int = 7,
    freeze: bool = True,
) -> dict[str, Any]:
    """Time one province's report and the SQL baseline of the same figures, alternately
    (``runs`` times each after one untimed run of each, so both see the same load on a shared
    machine); medians and ranges. ``freeze``: after the untimed runs, ``gc.freeze()`` as the bot
    does once started (``bot.app``'s post_init), so full collections skip the start-up objects.

    Every baseline run's figures are asserted equal to the report's (``report_baseline``).
    """
    period = parse_period_id(period_id, campaign_start=START, campaign_end=END)
    now = datetime(2026, 11, 23, 1, tzinfo=UTC)
    text_times, docx_times, sql_times, brief_times = [], [], [], []

    full_gc: list[float] = []  # CPython's full collections inside the timed text runs (s)
    gc_started = [0.0]
    timing_text = [False]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2 or not timing_text[0]:
            return
        if phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            full_gc.append(time.perf_counter() - gc_started[0])

    async def report_once() -> tuple[float, float, list[str], bytes, Any]:
        async with factory() as session:
            plan = await session.scalar(select(Plan).where(Plan.key == key))
            assert plan is not None
            timing_text[0] = True
            t0 = time.perf_counter()
            summary = await compile_summary(
                session, plan, period, now=now, campaign_start=START, campaign_end=END
            )
            chunks = render_chunks(summary)
            t1 = time.perf_counter()
            timing_text[0] = False
        docx = build_docx(summary)
        return t1 - t0, time.perf_counter() - t1, chunks, docx, summary

    async def baseline_once() -> tuple[float, Any]:
        async with factory() as session:
            plan_id = await session.scalar(select(Plan.id).where(Plan.key == key))
            assert plan_id is not None
            t0 = time.perf_counter()
            asked = await asked_for(
                session, plan_id, period, now=now, campaign_start=START, campaign_end=END
            )
            baseline = await baseline_figures(await session.connection(), asked)
            return time.perf_counter() - t0, baseline

    await report_once()  # one untimed run of each first: statement caches, lazy imports
    await baseline_once()
    if freeze:
        gc.freeze()
    gc.callbacks.append(on_gc)
    for _ in range(runs):  # timing runs (tracemalloc off: it slows every allocation)
        text_s, docx_s, chunks, docx, summary = await report_once()
        text_times.append(text_s)
        docx_times.append(docx_s)
        t0 = time.perf_counter()  # what /baocao sends: the brief form when the full one is long
        brief = render_chunks(summary, max_messages=MAX_MESSAGES)
        brief_times.append(time.perf_counter() - t0)
        sql_s, baseline = await baseline_once()
        sql_times.append(sql_s)
        wrong = differences(figures_of_summary(summary), baseline)
        assert not wrong, "the baseline does not state the report's figures: " + "; ".join(wrong)
    gc.callbacks.remove(on_gc)
    timed_gc = list(full_gc)
    tracemalloc.start()  # one more run for the memory peak
    await report_once()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "text_s": statistics.median(text_times),
        "docx_s": statistics.median(docx_times),
        "sql_s": statistics.median(sql_times),
        "brief_s": statistics.median(brief_times),
        "brief_chunks": len(brief),
        "ranges": {
            name: (min(times), max(times))
            for name, times in (("text", text_times), ("sql", sql_times), ("docx", docx_times))
        },
        "ratios": sorted(t / q for t, q in zip(text_times, sql_times, strict=True)),
        "runs": list(zip(text_times, sql_times, strict=True)),
        "full_gc": timed_gc,
        "peak_mb": peak / 1e6,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "chunks": len(chunks),
        "docx_kb": len(docx) / 1024,
        "replies_in_period": sum(len(s.replied) for s in (*summary.on_time, *summary.late)),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:///var/bench_reports.db")
    parser.add_argument("--replies", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--period", default="2026-11")
    parser.add_argument("--runs", type=int, default=7, help="timing runs (medians, ranges)")
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="measure a plain process: no gc.freeze() after start-up (the bot freezes)",
    )
    args = parser.parse_args()
    path = Path(args.db.removeprefix("sqlite:///")) if args.db.startswith("sqlite") else None
    if args.rebuild:
        if path is None:
            parser.error("--rebuild works on SQLite files; for PostgreSQL give an empty database")
        path.unlink(missing_ok=True)
    await asyncio.to_thread(migrate.upgrade, args.db)
    engine = create_engine(args.db)
    factory = create_session_factory(engine)
    try:
        async with factory() as session:
            stored = await session.scalar(select(func.count()).select_from(ProgressReport))
        if not stored:  # an empty database: build the store once
            t0 = time.perf_counter()
            stored = await build_store(factory, args.replies)
            print(f"built {stored:,} replies in {time.perf_counter() - t0:.0f} s")
            async with engine.begin() as conn:
                await conn.execute(text("ANALYZE"))
        result = await measure(
            factory, "tinh-07", args.period, args.runs, freeze=not args.no_freeze
        )
    finally:
        await engine.dispose()
    print(f"store: {stored:,} replies, {PROVINCES} provinces × {len(PERIODS)} periods")
    print("gc.freeze() after start-up (as the bot):", "no" if args.no_freeze else "yes")
    print(
        f"one province's report {args.period}: {result['replies_in_period']:,} replies, "
        f"{result['chunks']} chat chunks, DOCX {result['docx_kb']:.0f} KB"
    )
    ranges = result["ranges"]

    def timed(name: str, median: float) -> str:
        low, high = ranges[name]
        return f"{median:.3f} s (range {low:.3f}–{high:.3f})"

    print(f"text (compile + chunks): {timed('text', result['text_s'])}")
    print(f"DOCX:                    {timed('docx', result['docx_s'])}")
    print(
        f"SQL baseline (same figures, asserted equal): {timed('sql', result['sql_s'])}; "
        f"text / baseline = {result['text_s'] / result['sql_s']:.1f}× (medians; per-run "
        f"{result['ratios'][0]:.1f}–{result['ratios'][-1]:.1f}×)"
    )
    print(
        "per run (text ms / baseline ms): "
        + ", ".join(f"{t * 1000:.0f}/{q * 1000:.0f}" for t, q in result["runs"])
    )
    print(
        f"CPython full collections (generation 2) inside the timed text runs: "
        f"{len(result['full_gc'])}, " + ", ".join(f"{g * 1000:.0f} ms" for g in result["full_gc"])
    )
    print(
        f"brief form /baocao sends (render_chunks, max_messages={MAX_MESSAGES}): "
        f"{result['brief_s'] * 1000:.1f} ms, {result['brief_chunks']} chunks"
    )
    print(
        f"peak memory (tracemalloc, compile + text + DOCX): {result['peak_mb']:.0f} MB; "
        f"max RSS {result['rss_mb']:.0f} MB"
    )


if __name__ == "__main__":
    asyncio.run(main())
