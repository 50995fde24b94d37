"""Benchmark: progress-dialog steps per second through the emulator, beside a bare PTB echo bot
measured in the same run, and the real bot's memory idle and loaded.

    /work/venv/bin/python benchmarks/bench_dialog.py [--contacts 30]

Each bot runs as its own process (``benchmarks/bots.py``) polling an emulator served by this
process on real time (rate limits of the emulator off: we measure the bots). The real bot works on
a fresh SQLite file with the real plan imported (``data/plan/…txt``) and one contact per person,
spread over the agencies that lead tasks. A *step* is one user action answered by the bot: a
command, a typed answer or a button press (answer + edit). Every person runs one complete dialog
(``/capnhat`` → task → status → figure if asked → result text → Bỏ qua… → Xác nhận), all persons at
once; the echo bot gets the same number of round trips from the same number of persons.

Variants: the real bot as built (with PTB's ``AIORateLimiter``, which holds every bot to Telegram's
~30 messages/s) and without it (our own cost); the echo bot bare and with the same limiter.
``--quick`` runs only the two unlimited variants (while iterating). ``--repeat N`` runs every variant
N times, alternating which bot goes first, and reports medians with their range: on a shared 2-CPU
machine one run's rate can be off by a third. ``--pin`` gives each bot a CPU of its own (the driver
and the emulator keep the others), so the two do not trade places on the cores mid-run.

Besides steps/s, each bot's CPU time per step (user + system, all its threads, from /proc): on a
shared machine the rate moves with other jobs' load, the CPU a step costs much less. And the Bot API
calls per step, by method, as the emulator served them (getUpdates included).
Diagnostics of the real bot (``benchmarks/bots.py``): ``BENCH_PROFILE=/tmp/prof`` writes cProfile
files, ``BENCH_SQL_LOG=/tmp/sql`` every SQL statement and aiosqlite worker-thread hand-off.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from emulator.botapi import METHODS  # noqa: E402
from emulator.client import EmulatorClient, TgUser  # noqa: E402
from emulator.clock import SystemClock  # noqa: E402
from emulator.server import running  # noqa: E402
from emulator.settings import Settings as EmulatorSettings  # noqa: E402
from emulator.state import State  # noqa: E402
from models import migrate  # noqa: E402
from models.db import create_engine, create_session_factory  # noqa: E402
from models.people import Contact, ContactRole, Role  # noqa: E402
from models.plan import TaskAssignment, TaskRole  # noqa: E402
from models.repositories import get_plan  # noqa: E402
from plan.importer import import_file  # noqa: E402

PLAN_TXT = ROOT / "data" / "plan" / "ke_hoach_chien_dich_500_ngay_dem.txt"


@dataclass
class Result:
    name: str
    steps: int
    seconds: float
    rss_idle_kib: int | None = None
    rss_loaded_kib: int | None = None
    rss_peak_kib: int | None = None
    #: CPU seconds (user + system, all threads) the bot process spent during the measured phase.
    cpu_seconds: float = 0.0
    #: Bot API calls the emulator served during the measured phase, by method (getUpdates included).
    calls: dict[str, int] = field(default_factory=dict)

    @property
    def calls_per_step(self) -> float:
        return sum(self.calls.values()) / self.steps

    @property
    def rate(self) -> float:
        return self.steps / self.seconds

    @property
    def cpu_ms_per_step(self) -> float:
        return 1000 * self.cpu_seconds / self.steps


def cpu(pid: int) -> float:
    """CPU seconds (user + system, all threads) a process has used so far (Linux)."""
    # Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in KiB (Linux)."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


#: With ``--pin`` (Linux, 2+ CPUs): the CPU each bot process runs on; the driver and the emulator
#: keep the others. None: the scheduler places every process.
BOT_CPU: list[int | None] = [None]


def _pin_bot() -> None:
    """Runs in the forked bot process before it executes Python (``preexec_fn``)."""
    cpu_id = BOT_CPU[0]
    if cpu_id is not None:
        os.sched_setaffinity(0, {cpu_id})


async def start(kind: str, flags: list[str], env: dict[str, str], workdir: Path) -> Any:
    log = (workdir / f"{kind}.log").open("ab")
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "benchmarks" / "bots.py"),
        kind,
        *flags,
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=log,
        preexec_fn=_pin_bot if BOT_CPU[0] is not None else None,
    )


#: How many transcript entries each chat has had so far (the driver's own count: no extra calls).
SEEN: dict[int, int] = {}
#: Per-chat wake-ups, set whenever the emulator (served by this process) records a bot action.
#: The driver waits on these instead of the control API's ``/wait`` (whose shared event can miss a
#: wake-up when two records land between a check and the next wait, stalling a reader).
WAKE: dict[int, asyncio.Event] = {}
_record = State.record


def _recording(self: State, chat: Any, kind: str, payload: Any) -> None:
    _record(self, chat, kind, payload)
    event = WAKE.get(chat.id)
    if event is not None:
        event.set()


State.record = _recording  # type: ignore[method-assign]
EMULATOR: list[Any] = []
#: Bot API calls served by the emulator, by method name (lower case), since the last ``clear()``.
CALLS: Counter[str] = Counter()


def _counted(name: str, method: Any) -> Any:
    async def call(emu: Any, params: Any) -> Any:
        CALLS[name] += 1
        return await method(emu, params)

    return call


for _name, _method in list(METHODS.items()):
    METHODS[_name] = _counted(_name, _method)


async def act(client: EmulatorClient, chat: int, coro: Any, expect: int) -> None:
    await coro
    SEEN[chat] = SEEN.get(chat, 0) + expect
    state = EMULATOR[0].state
    deadline = time.perf_counter() + 60.0
    while True:
        event = WAKE[chat] = asyncio.Event()  # armed before the check: no lost wake-up
        known = state.chats.get(chat)
        if known is not None and len(known.transcript) >= SEEN[chat]:
            return
        await asyncio.wait_for(event.wait(), max(0.0, deadline - time.perf_counter()))


async def warm_up(client: EmulatorClient) -> None:
    """Wait until the bot answers (process start-up, post_init)."""
    user = TgUser(999_999, "Warm", "Up")
    await client.send_command(user, "trogiup")  # both bots answer it, bound or not
    await client.wait_for(user.id, 1, within=120.0)  # a lost wake-up here only delays the start


async def echo_person(client: EmulatorClient, user: TgUser, rounds: int) -> int:
    for i in range(rounds):
        await act(client, user.id, client.send_text(user, f"tin nhắn {i}"), 1)
    return rounds


def _labels(message: dict[str, Any]) -> list[str]:
    return [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]


async def _press(
    client: EmulatorClient, user: TgUser, message: dict[str, Any], label: str, expect: int
) -> None:
    for row in message["reply_markup"]["inline_keyboard"]:
        for b in row:
            if b["text"] == label:
                await act(
                    client,
                    user.id,
                    client.press_button(user, message["message_id"], b["callback_data"]),
                    expect,
                )
                return
    raise AssertionError(label)


def _latest_keyboard(chat_id: int) -> dict[str, Any]:
    """The bot's latest message with buttons in ``chat_id``, as it is now, read from the emulator
    this process serves (the person looks at their screen; asking the control API over HTTP for
    the whole chat on every step made the driver, not the bot, the busy process)."""
    chat = EMULATOR[0].state.chats[chat_id]
    for message_id in reversed(chat.bot_message_ids):
        message = chat.messages.get(message_id)
        if message is not None and message.get("reply_markup"):
            return dict(message)
    raise AssertionError(f"no message with buttons in chat {chat_id}")


async def dialog_person(client: EmulatorClient, user: TgUser) -> int:
    """One complete dialog; returns the number of steps."""
    await act(client, user.id, client.send_command(user, "capnhat"), 1)
    steps = 1
    while steps < 40:
        message = _latest_keyboard(user.id)
        text, labels = message["text"], _labels(message)
        steps += 1
        if "Xác nhận" in labels:
            await _press(client, user, message, "Xác nhận", 3)
            return steps
        if text.startswith("Cập nhật tiến độ"):
            await _press(client, user, message, labels[0], 2)
        elif "Sửa báo cáo này" in labels:
            await _press(client, user, message, "Sửa báo cáo này", 2)
        elif "Đang thực hiện" in labels:
            await _press(client, user, message, "Đang thực hiện", 2)
        elif labels[0].startswith("Lần 1"):
            await _press(client, user, message, labels[0], 2)
        elif "Số liệu «" in text:
            await act(client, user.id, client.send_text(user, "2"), 1)
        elif "Kết quả thực hiện trong kỳ?" in text:
            await act(client, user.id, client.send_text(user, "Đã triển khai theo kế hoạch"), 1)
        elif "Bỏ qua" in labels:
            await _press(client, user, message, "Bỏ qua", 2)
        else:
            raise AssertionError(f"unexpected screen {text!r} {labels}")
    raise AssertionError("dialog did not end")


async def seed(url: str, people: list[TgUser]) -> None:
    await asyncio.to_thread(migrate.upgrade, url)
    engine = create_engine(url)
    factory = create_session_factory(engine)
    await import_file(factory, PLAN_TXT, key=None, now=datetime.now(UTC))
    async with factory.begin() as s:
        plan = await get_plan(s)
        leads = sorted(
            set(
                (
                    await s.scalars(
                        select(TaskAssignment.agency_id).where(
                            TaskAssignment.role == TaskRole.LEAD,
                            TaskAssignment.agency_id.is_not(None),
                        )
                    )
                ).all()
            )
        )
        for i, user in enumerate(people):
            s.add(
                Contact(
                    plan_id=plan.id,
                    telegram_user_id=user.id,
                    full_name=user.first_name,
                    agency_id=leads[i % len(leads)],
                    roles=[ContactRole(role=Role.CONTACT)],
                )
            )
    await engine.dispose()


async def measure(
    name: str,
    kind: str,
    flags: list[str],
    env: dict[str, str],
    workdir: Path,
    client: EmulatorClient,
    people: list[TgUser],
    rounds: int,
) -> Result:
    await client.reset()
    SEEN.clear()
    proc = await start(kind, flags, env, workdir)
    try:
        await warm_up(client)
        await asyncio.sleep(1.0)  # let start-up work settle before the idle reading
        idle, _ = rss(proc.pid)
        cpu_before = cpu(proc.pid)
        CALLS.clear()
        began = time.perf_counter()
        if kind == "echo":
            counts = await asyncio.gather(*(echo_person(client, u, rounds) for u in people))
        else:
            counts = await asyncio.gather(*(dialog_person(client, u) for u in people))
        seconds = time.perf_counter() - began
        cpu_used = cpu(proc.pid) - cpu_before
        calls = dict(CALLS)
        loaded, peak = rss(proc.pid)
    finally:
        proc.terminate()
        await proc.wait()
    return Result(name, sum(counts), seconds, idle, loaded, peak, cpu_used, calls)


async def main(contacts: int, quick: bool = False, repeat: int = 1) -> list[list[Result]]:
    """Run every variant ``repeat`` times (alternating the order of the real and the echo bots
    between repetitions, so a drift in the machine's load does not favour one); returns one list of
    results per repetition."""
    people = [TgUser(10_000 + i, f"Cán bộ {i}") for i in range(contacts)]
    settings = EmulatorSettings()
    settings.rate_limits = False
    runs: list[list[Result]] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        async with running(settings, SystemClock()) as server, EmulatorClient(server.url) as client:
            EMULATOR[:] = [server.emulator]
            base_env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "TELEGRAM_BOT_TOKEN": settings.token,
                "TELEGRAM_API_BASE_URL": f"{server.url}/bot",
                "TELEGRAM_FILE_BASE_URL": f"{server.url}/file/bot",
                "LOG_LEVEL": "WARNING",
            }
            variants = [
                ("real bot, no rate limiter", ["--no-rate-limiter"]),
                ("  same, concurrent updates", ["--no-rate-limiter", "--concurrent-updates"]),
                ("real bot as built (AIORateLimiter)", []),
            ]
            echoes = [
                ("bare PTB echo bot", []),
                ("PTB echo bot + AIORateLimiter", ["--rate-limiter"]),
            ]
            # The echo bot answers as many messages per person as a dialog has steps (9–10 on
            # the real plan); measured once, before the first repetition.
            rounds = 0
            for rep in range(repeat):
                results: list[Result] = []
                order = ("dialog", "echo") if rep % 2 == 0 else ("echo", "dialog")
                if rounds == 0:
                    order = ("dialog", "echo")
                for kind in order:
                    if kind == "dialog":
                        for name, flags in variants[:1] if quick else variants:
                            url = f"sqlite:///{workdir / f'{rep}-{len(results)}.db'}"
                            await seed(url, people)
                            env = {**base_env, "DATABASE_URL": url}
                            result = await measure(
                                name, "dialog", flags, env, workdir, client, people, 0
                            )
                            rounds = rounds or max(1, round(result.steps / contacts))
                            results.append(result)
                    else:
                        for name, flags in echoes[:1] if quick else echoes:
                            results.append(
                                await measure(
                                    name, "echo", flags, base_env, workdir, client, people, rounds
                                )
                            )
                runs.append(results)
    return runs


def _span(values: list[float], fmt: str) -> str:
    """``median`` alone, or ``median (min–max)`` when there are several values."""
    if len(values) == 1:
        return format(values[0], fmt)
    return f"{format(median(values), fmt)} ({format(min(values), fmt)}–{format(max(values), fmt)})"


def report(runs: list[list[Result]], contacts: int) -> str:
    """The table (medians, with min–max over the repetitions) and the ratios to the echo bot,
    each ratio computed within one repetition (only bots measured in the same run compare)."""
    by_name: dict[str, list[Result]] = {}
    for results in runs:
        for r in results:
            by_name.setdefault(r.name, []).append(r)
    lines = [
        f"{contacts} persons at once; steps = user actions answered by the bot; "
        f"{len(runs)} repetition(s): median (min–max)",
        f"{'bot':38} {'steps':>6} {'steps/s':>20} {'CPU ms/step':>20} {'API calls/step':>15} "
        f"{'RSS idle':>9} {'loaded':>8} {'peak':>8}",
    ]
    for name, rs in by_name.items():
        lines.append(
            f"{name:38} {rs[0].steps:6d} {_span([r.rate for r in rs], '.1f'):>20} "
            f"{_span([r.cpu_ms_per_step for r in rs], '.2f'):>20} "
            f"{median(r.calls_per_step for r in rs):15.2f} "
            f"{median(r.rss_idle_kib or 0 for r in rs) / 1024:7.1f}MB "
            f"{median(r.rss_loaded_kib or 0 for r in rs) / 1024:6.1f}MB "
            f"{max(r.rss_peak_kib or 0 for r in rs) / 1024:6.1f}MB"
        )
    for name, rs in by_name.items():
        calls = Counter[str]()
        for r in rs:
            calls.update(r.calls)
        per_step = ", ".join(
            f"{method} {count / sum(r.steps for r in rs):.2f}"
            for method, count in sorted(calls.items(), key=lambda item: -item[1])
        )
        lines.append(f"  calls per step, {name.strip()}: {per_step}")

    def ratios(a: str, b: str) -> tuple[list[float], list[float]]:
        pairs = [
            ({r.name: r for r in results}[a], {r.name: r for r in results}[b]) for results in runs
        ]
        return (
            [x.rate / y.rate for x, y in pairs],
            [x.cpu_ms_per_step / y.cpu_ms_per_step for x, y in pairs],
        )

    rate, cpu_ratio = ratios("real bot, no rate limiter", "bare PTB echo bot")
    line = (
        f"ratio, no limiter both sides: {_span(rate, '.2f')}× the echo bot's rate "
        f"(CPU per step: {_span(cpu_ratio, '.1f')}× the echo bot's)"
    )
    if "PTB echo bot + AIORateLimiter" in by_name:
        limited, _cpu = ratios(
            "real bot as built (AIORateLimiter)", "PTB echo bot + AIORateLimiter"
        )
        line += f"; with the limiter both sides: {_span(limited, '.2f')}×"
    lines.append(line)
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=30)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="only the real bot without the limiter and the bare echo bot (while iterating)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run every variant this many times and report medians (the machine is noisy)",
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="run each bot on a CPU of its own and the driver with the emulator on the others "
        "(Linux, 2+ CPUs): steadier figures on a shared machine",
    )
    args = parser.parse_args()
    if args.pin:
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2:
            parser.error("--pin needs at least 2 CPUs")
        BOT_CPU[0] = cpus[-1]
        os.sched_setaffinity(0, set(cpus[:-1]))
    print(report(asyncio.run(main(args.contacts, args.quick, args.repeat)), args.contacts))
