"""The offline sandbox: without ``TELEGRAM_BOT_TOKEN``, run the emulator (``python -m emulator``)
in a background process and the bot connected to it, and say so in a banner (never silently).

The bot is not told it talks to an emulator: it gets a token and a ``TELEGRAM_API_BASE_URL`` like
any self-hosted Bot API server, and people reach it only through the emulator's control API
(``python -m bot chat``).
"""

from __future__ import annotations

import ctypes
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import SecretStr

from bot.app import StartupError
from bot.run import configure_logging, run_bot
from bot.settings import Settings
from locales import _

#: The token the sandbox's emulator accepts (a made-up one; the numeric part is the bot's id).
SANDBOX_TOKEN = "123456789:AAEmulatorTokenForOfflineTestsOnly0000"
#: How long the emulator may take to open its port before start-up fails (real seconds).
EMULATOR_START_TIMEOUT = 15.0


def sandbox_settings(settings: Settings) -> Settings:
    """``settings`` pointed at the sandbox emulator on ``SANDBOX_HOST:SANDBOX_PORT``."""
    url = f"http://{settings.sandbox_host}:{settings.sandbox_port}"
    return settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(SANDBOX_TOKEN),
            "telegram_api_base_url": f"{url}/bot",
            "telegram_file_base_url": f"{url}/file/bot",
            "webhook_url": None,
        }
    )


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.3):
            return True
    except OSError:
        return False


#: The line ``run_sandbox`` prints once the bot and then the emulator have stopped.
GOODBYE = "Đã dừng bot và trình giả lập. Tạm biệt! / Bot and emulator stopped. Goodbye!"


def stop_emulator(proc: subprocess.Popen[bytes]) -> None:
    """Stop the emulator process (SIGTERM, then SIGKILL after 5 s)."""
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


#: ``prctl``'s option that asks the kernel to signal a process when its parent dies
#: (<linux/prctl.h>).
PR_SET_PDEATHSIG = 1


def die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child receive SIGTERM when the process starting it dies,
    however it dies (``kill -9`` included): Linux's parent-death signal, ``prctl(PR_SET_PDEATHSIG)``.
    Without it a killed sandbox left its emulator running, holding the port the next ``make run``
    needed. None off Linux (no such call; there the emulator still stops with a clean exit).

    The kernel sends the signal when the *thread* that forked exits: call ``start_emulator`` from
    the thread that lives as long as the sandbox (the main thread, in ``run_sandbox``). libc is
    looked up before the fork; the child only calls it, then checks it was not orphaned already
    (the parent dying between ``fork`` and ``prctl``) and ends itself if it was.
    """
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def preexec() -> None:
        if prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


def start_emulator(settings: Settings) -> subprocess.Popen[bytes]:
    """Start ``python -m emulator`` in the background and wait until it accepts connections.

    The emulator dies with the process that started it (``die_with_parent``), even on ``kill -9``.
    Raises ``StartupError`` when the port is taken or the emulator does not come up.
    """
    host, port = settings.sandbox_host, settings.sandbox_port
    if _port_open(host, port):
        raise StartupError(
            _(
                "cổng {port} trên {host} đang được dùng (một sandbox khác?); dừng nó hoặc đặt "
                "SANDBOX_PORT"
            ).format(port=port, host=host)
        )
    command = [
        sys.executable, "-m", "emulator", "--host", host, "--port", str(port),
        "--token", SANDBOX_TOKEN, "--bot-username", settings.bot_username,
    ]  # fmt: skip
    # The emulator's own log is noise for a person trying the bot: keep only its errors. Its own
    # session keeps the terminal's Ctrl-C (SIGINT to the whole foreground process group) away from
    # it: the bot stops polling first, then ``run_sandbox`` stops the emulator; otherwise the
    # emulator died first and the bot's last getUpdates calls logged tracebacks.
    proc = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        # Runs in the child between fork and exec: only the prctl call (libc found before).
        preexec_fn=die_with_parent(),
    )
    deadline = time.monotonic() + EMULATOR_START_TIMEOUT
    try:
        while not _port_open(host, port):
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                raise StartupError(_("trình giả lập dừng ngay khi khởi động:") + "\n" + err.strip())
            if time.monotonic() > deadline:
                raise StartupError(
                    _("trình giả lập không mở {host}:{port} trong {seconds} giây").format(
                        host=host, port=port, seconds=f"{EMULATOR_START_TIMEOUT:.0f}"
                    )
                )
            time.sleep(0.1)
    except BaseException:
        # Ctrl-C while waiting included: in its own session the emulator would outlive us.
        stop_emulator(proc)
        raise
    return proc


def _python() -> str:
    exe = Path(sys.executable)
    try:
        return str(exe.relative_to(Path.cwd()))
    except ValueError:
        return "python" if os.environ.get("VIRTUAL_ENV") else str(exe)


def banner(settings: Settings) -> str:
    """The bilingual banner saying the sandbox runs and how to talk to the bot."""
    py = shlex.quote(_python())
    url = f"http://{settings.sandbox_host}:{settings.sandbox_port}"
    rule = "=" * 78
    return "\n".join([
        rule,
        " SANDBOX NGOẠI TUYẾN / OFFLINE SANDBOX",
        f" Chưa đặt TELEGRAM_BOT_TOKEN: bot đang chạy với trình giả lập Telegram tại {url}.",
        " Không có gì được gửi tới Telegram thật.",
        f" No TELEGRAM_BOT_TOKEN: the bot runs against a local Telegram emulator at {url};",
        " nothing reaches the real Telegram.",
        "",
        " Trò chuyện với bot — mở một terminal khác / to talk to it, in a second terminal:",
        f"   1. Tạo mã mời / make an invite:  {py} -m bot invite --agency \"Sở Nội vụ\"",
        f"      (Cơ quan Thường trực / standing office: {py} -m bot invite --agency \"Bộ CHQS tỉnh\" --role standing_office)",
        f"   2. Mở khung chat / open a chat:   {py} -m bot chat --user 1001 --name \"Nguyễn Văn An\"",
        "   3. Gõ / type:  /start MÃ_MỜI   (rồi / then /nhiemvu, /trogiup; số N = bấm nút [N])",
        "",
        " Dùng Telegram thật / real Telegram: đặt TELEGRAM_BOT_TOKEN (và BOT_USERNAME) trong .env.",
        " Dừng / stop: Ctrl-C",
        rule,
    ])  # fmt: skip


def run_sandbox(settings: Settings) -> None:
    """Run the emulator and the bot until Ctrl-C (blocking): the bot stops first (PTB handles
    SIGINT/SIGTERM and ends polling), then the emulator, then one goodbye line on stderr."""
    configure_logging(settings.log_level)
    proc = start_emulator(settings)
    try:
        print(banner(settings), file=sys.stderr, flush=True)
        run_bot(sandbox_settings(settings))
    except KeyboardInterrupt:
        pass  # Ctrl-C before PTB installed its signal handlers (while building the bot)
    finally:
        stop_emulator(proc)
    print(GOODBYE, file=sys.stderr, flush=True)


def run_or_sandbox(settings: Settings) -> None:
    """What ``python -m bot up`` ends with: the bot against Telegram (or ``TELEGRAM_API_BASE_URL``)
    when a token is set, else the offline sandbox. Raises ``StartupError``."""
    if settings.telegram_bot_token is not None and settings.telegram_bot_token.get_secret_value():
        run_bot(settings)
    else:
        run_sandbox(settings)
