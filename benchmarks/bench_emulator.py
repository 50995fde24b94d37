"""Benchmark of the Telegram emulator (not a test: it reports figures, it asserts nothing).

1. The emulator's own sendMessage throughput: ``python -m emulator --no-rate-limits`` in a
   separate process, hammered over loopback by aiohttp clients (64 concurrent keep-alive
   requests, 200 private chats) and by one PTB ``Bot`` (sequential and 32 concurrent calls).
2. A bare PTB echo bot end to end: an ``Application`` polling the emulator; 100 users each send
   messages through the control API; we time until every echo is in the transcripts.

Run: ``/work/venv/bin/python benchmarks/bench_emulator.py [--messages 5000]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
from telegram import Bot, Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emulator.client import EmulatorClient, TgUser  # noqa: E402
from emulator.settings import DEFAULT_TOKEN  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), to show who is the bottleneck."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measured(pid: int, job: Any) -> tuple[float, float]:
    """(result of ``job``, share of one CPU the emulator process used meanwhile)."""
    cpu, wall = cpu_seconds(pid), time.perf_counter()
    result = await job
    return result, (cpu_seconds(pid) - cpu) / (time.perf_counter() - wall)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_ready(port: int) -> None:
    for _ in range(500):
        try:
            _r, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.02)
    raise RuntimeError("emulator did not start")


async def raw_send_throughput(url: str, users: list[TgUser], total: int, concurrency: int) -> float:
    endpoint = f"{url}/bot{DEFAULT_TOKEN}/sendMessage"
    counter = iter(range(total))
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            for n in counter:
                chat = users[n % len(users)].id
                async with session.post(endpoint, json={"chat_id": chat, "text": f"tin {n}"}) as r:
                    body = await r.json()
                    assert body["ok"], body

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return total / (time.perf_counter() - start)


async def ptb_send_throughput(url: str, users: list[TgUser], total: int, concurrency: int) -> float:
    async with Bot(DEFAULT_TOKEN, base_url=f"{url}/bot") as bot:
        counter = iter(range(total))

        async def worker() -> None:
            for n in counter:
                await bot.send_message(users[n % len(users)].id, f"tin {n}")

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return total / (time.perf_counter() - start)


async def echo_bot_throughput(url: str, users: list[TgUser], per_user: int) -> float:
    app = (
        Application.builder()
        .token(DEFAULT_TOKEN)
        .base_url(f"{url}/bot")
        .base_file_url(f"{url}/file/bot")
        .concurrent_updates(64)
        .build()
    )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with EmulatorClient(url) as client:
        await app.initialize()
        assert app.updater is not None
        await app.updater.start_polling()
        await app.start()
        try:
            before = {u.id: len(await client.transcript(u.id)) for u in users}
            start = time.perf_counter()
            sem = asyncio.Semaphore(32)

            async def user_sends(user: TgUser) -> None:
                for n in range(per_user):
                    async with sem:
                        await client.send_text(user, f"echo {n}")

            await asyncio.gather(*(user_sends(u) for u in users))
            for user in users:
                await client.wait_for(user.id, before[user.id] + per_user, within=120)
            elapsed = time.perf_counter() - start
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
    return len(users) * per_user / elapsed


async def run(port: int, pid: int, messages: int) -> None:
    url = f"http://127.0.0.1:{port}"
    await wait_ready(port)
    users = [TgUser(10_000 + n, f"User {n}") for n in range(200)]
    async with EmulatorClient(url) as client:
        for user in users:
            await client.start(user)
    await raw_send_throughput(url, users, 500, 16)  # warm-up
    raw = await measured(pid, raw_send_throughput(url, users, messages, 64))
    ptb_seq = await measured(pid, ptb_send_throughput(url, users, messages // 5, 1))
    ptb_conc = await measured(pid, ptb_send_throughput(url, users, messages // 2, 32))
    echo = await measured(pid, echo_bot_throughput(url, users[:100], max(1, messages // 500)))
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; emulator CPU = share of one core"
    )
    for name, (rate, cpu) in (
        ("sendMessage, aiohttp client, 64 concurrent", raw),
        ("sendMessage, one PTB Bot, sequential", ptb_seq),
        ("sendMessage, one PTB Bot, 32 concurrent", ptb_conc),
        ("PTB echo bot (polling), end to end, updates", echo),
    ):
        print(f"{name:<45}: {rate:7.0f} /s   emulator CPU {cpu:4.0%}")


def main(messages: int) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", str(port), "--no-rate-limits"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    try:
        asyncio.run(run(port, process.pid, messages))
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=5000)
    main(parser.parse_args().messages)
