"""Fan-out benchmark: 10,000 reminders to 10,000 distinct contacts through the emulator with its
real limits (≈ 30 msg/s overall, 1 msg/s per chat, 20/min per group — never relaxed here).

The emulator runs as its own process on real time (``python -m emulator``); the sender runs here
with the bot's production limiter (``scheduler.sender.rate_limiter`` from the default settings),
on a fresh SQLite database. Reports the sustained rate (messages accepted per second, from the
first to the last acceptance), the number of 429 answers, and the outbox's final statuses.

    /work/venv/bin/python benchmarks/bench_fanout.py [--contacts 10000] [--port 18999]

Aim (issue 7): ≥ 27 msg/s (90 % of Telegram's ceiling) and 0 × 429. A run takes ~6 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram.ext import ExtBot  # noqa: E402

from bot.settings import Settings  # noqa: E402
from emulator.client import EmulatorClient, TgUser  # noqa: E402
from emulator.settings import DEFAULT_TOKEN  # noqa: E402
from scheduler.claims import count_by_status  # noqa: E402
from scheduler.sender import OutboxSender, SenderConfig, rate_limiter  # noqa: E402
from tests.delivery.seed import BASE_USER, add_reminders, migrated, seed_plan, users  # noqa: E402


class Count429(logging.Handler):
    """Counts PTB's "Rate limit hit" log lines (one per 429 answered to the limiter)."""

    def __init__(self) -> None:
        super().__init__()
        self.hits = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "Rate limit hit" in record.getMessage():
            self.hits += 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def main(contacts: int, port: int) -> None:
    tmp = tempfile.TemporaryDirectory()
    try:
        url = f"http://127.0.0.1:{port}"
        async with EmulatorClient(url) as client:
            for _ in range(100):
                try:
                    limits = await client.configure()
                    break
                except Exception:
                    await asyncio.sleep(0.1)
            assert limits["rate_limits"], "the benchmark never relaxes the emulator's limits"
            print(
                f"emulator limits: {limits['global_rate']}/s overall (burst "
                f"{limits['global_burst']}), {limits['per_chat_rate']}/s per chat, "
                f"{limits['group_per_minute']}/min per group"
            )
            sem = asyncio.Semaphore(50)

            async def start(n: int) -> None:
                async with sem:
                    await client.start(TgUser(BASE_USER + n, f"Cán bộ {n}"))

            await asyncio.gather(*(start(n) for n in range(1, contacts + 1)))

        sf = await migrated(f"sqlite:///{tmp.name}/bench.db")
        plan_id = await seed_plan(sf, contacts, office_group=False)
        now = datetime.now(UTC)
        await add_reminders(sf, plan_id, users(contacts), at=now - timedelta(minutes=1))

        settings = Settings()  # the production defaults: 30 msg/s, 20/min per group
        counter = Count429()
        logging.getLogger("telegram.ext.AIORateLimiter").addHandler(counter)
        logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.INFO)
        bot: ExtBot[int] = ExtBot(
            DEFAULT_TOKEN,
            base_url=f"{url}/bot",
            rate_limiter=rate_limiter(
                settings.send_rate_per_second, settings.send_group_per_minute
            ),
        )
        await bot.initialize()
        accepted: list[float] = []
        sender = OutboxSender(
            bot,
            sf,
            lambda: datetime.now(UTC),
            SenderConfig(plan_id=plan_id),
            after_accept=lambda _m: accepted.append(time.monotonic()),
        )
        started = time.monotonic()
        report = await sender.drain()
        elapsed = time.monotonic() - started
        await bot.shutdown()
        async with sf() as session:
            statuses = await count_by_status(session, plan_id=plan_id)
        span = accepted[-1] - accepted[0] if len(accepted) > 1 else 0.0
        rate = (len(accepted) - 1) / span if span else 0.0
        print(f"contacts: {contacts}; messages accepted: {report.messages}")
        print(f"wall time of the drain: {elapsed:.1f} s")
        print(f"sustained rate (first to last acceptance): {rate:.2f} msg/s")
        print(f"429 answers: {counter.hits}; rows to retry: {report.retry_rows}")
        print("outbox: " + ", ".join(f"{s}={n}" for s, n in statuses.items()))
    finally:
        tmp.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    port = args.port or free_port()
    emulator = subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        asyncio.run(main(args.contacts, port))
    finally:
        emulator.terminate()
        emulator.wait()
