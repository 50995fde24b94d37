"""The offline sandbox's pieces: settings pointed at the emulator, the banner, the background
emulator process (started for real on a free port, asked ``getMe`` through the Bot API)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.app import StartupError, file_base_url
from bot.sandbox import GOODBYE, SANDBOX_TOKEN, banner, sandbox_settings, start_emulator
from bot.settings import Settings
from tests.bot.harness import free_port, wait_for_text
from tests.conftest import ROOT


def test_sandbox_settings_point_at_the_emulator() -> None:
    settings = Settings(telegram_bot_token=None, sandbox_port=8089, webhook_url="https://x.vn/h")
    sandbox = sandbox_settings(settings)
    assert sandbox.telegram_api_base_url == "http://127.0.0.1:8089/bot"
    assert sandbox.telegram_file_base_url == "http://127.0.0.1:8089/file/bot"
    assert sandbox.telegram_bot_token is not None
    assert sandbox.telegram_bot_token.get_secret_value() == SANDBOX_TOKEN
    assert sandbox.webhook_url is None
    text = banner(settings)
    assert "SANDBOX NGOẠI TUYẾN / OFFLINE SANDBOX" in text
    assert "-m bot chat --user 1001" in text
    assert "http://127.0.0.1:8089" in text


def test_file_base_url_follows_the_api_base() -> None:
    assert file_base_url(Settings()) == "https://api.telegram.org/file/bot"
    custom = Settings(telegram_api_base_url="http://botapi.local:8081/bot")
    assert file_base_url(custom) == "http://botapi.local:8081/file/bot"


def test_emulator_process_starts_and_answers() -> None:
    settings = Settings(sandbox_port=free_port(), bot_username="thu_bot")
    proc = start_emulator(settings)
    try:
        url = f"http://127.0.0.1:{settings.sandbox_port}/bot{SANDBOX_TOKEN}/getMe"
        with urllib.request.urlopen(url, timeout=5) as response:
            me = json.load(response)
        assert me["ok"] is True and me["result"]["username"] == "thu_bot"
        with pytest.raises(StartupError, match="đang được dùng"):
            start_emulator(settings)
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_ctrl_c_stops_the_bot_then_the_emulator_cleanly(tmp_path: Path) -> None:
    """``python -m bot up`` (the sandbox) in its own process group, interrupted as a terminal's
    Ctrl-C does it (SIGINT to the whole group): exit 0, no traceback, the goodbye line, the
    emulator's port closed."""
    port = free_port()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'sandbox.db'}",
        "SANDBOX_PORT": str(port),
        "LOG_LEVEL": "INFO",
    }
    err_path = tmp_path / "stderr.txt"
    with err_path.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "up"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,  # a process group of its own, like a terminal's job
        )
        try:
            wait_for_text(err_path, "Application started", proc, timeout=90)
            os.killpg(proc.pid, signal.SIGINT)
            code = proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    stderr = err_path.read_text(encoding="utf-8")
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert "NetworkError" not in stderr
    assert stderr.rstrip().endswith(GOODBYE)
    assert GOODBYE == "Đã dừng bot và trình giả lập. Tạm biệt! / Bot and emulator stopped. Goodbye!"
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()


def test_emulator_dies_with_a_killed_sandbox() -> None:
    """``kill -9`` of the process that started the emulator: the emulator follows it (the
    parent-death signal) and frees the port instead of blocking the next ``make run``."""
    port = free_port()
    script = (
        "import sys, time\n"
        "from bot.sandbox import start_emulator\n"
        "from bot.settings import Settings\n"
        f"proc = start_emulator(Settings(sandbox_port={port}))\n"
        "print(proc.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    child = None
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert Path(f"/proc/{child}").exists()
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=5)
        deadline = time.monotonic() + 5
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child)
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0
    finally:
        if parent.poll() is None:
            parent.kill()
        if child is not None and _alive(child):
            os.kill(child, signal.SIGKILL)  # an orphan: do not leave it to the next test run


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its new parent to reap it does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
