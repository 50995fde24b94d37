"""A Telegram Bot API emulator (aiohttp) for end-to-end tests and the offline sandbox.

python-telegram-bot runs against it unmodified::

    Application.builder().token(T).base_url(f"{url}/bot").base_file_url(f"{url}/file/bot")

Public API:

- ``python -m emulator --host 127.0.0.1 --port 8081 [--token T]`` — serve on real time;
- :func:`emulator.server.create_app` ``(settings=None, clock=None) -> aiohttp.web.Application``,
  :func:`emulator.server.running` (async context manager → ``.url``, ``.emulator``) and
  :func:`emulator.server.run` ``(host, port, settings)``;
- :class:`emulator.settings.Settings` — token, bot name and every limit;
- :class:`emulator.clock.ManualClock` / :class:`emulator.clock.SystemClock`;
- :class:`emulator.client.EmulatorClient` (+ ``TgUser``, ``TgGroup``, ``message_html``) — the
  control API;
- the pytest fixture ``telegram_emulator`` (:mod:`emulator.pytest_plugin`).

It enforces Telegram's limits and errors (see DESIGN.md decision 9): text/caption lengths in
UTF-16 units after HTML parsing, callback data ≤ 64 bytes, flood limits with ``retry_after``,
403 for blocked users, 400 for unknown chats and migrated groups, 409 for a second poller.
"""

from .client import EmulatorClient, TgGroup, TgUser, message_html
from .clock import ManualClock, SystemClock
from .settings import Settings

__all__ = [
    "EmulatorClient",
    "ManualClock",
    "Settings",
    "SystemClock",
    "TgGroup",
    "TgUser",
    "message_html",
]
