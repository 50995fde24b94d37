"""The emulator object: state + rate limiter + clock + settings, the long-poll bookkeeping and
the webhook sender. The Bot API methods (:mod:`emulator.botapi`, :mod:`emulator.messages`) and
the control API (:mod:`emulator.control`) are functions over one :class:`Emulator`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from http import HTTPStatus

import aiohttp

from .clock import Clock, SystemClock
from .ratelimit import RateLimiter
from .settings import Settings
from .state import Json, State

log = logging.getLogger(__name__)


class Emulator:
    """One emulated bot account and the Telegram world around it."""

    def __init__(self, settings: Settings | None = None, clock: Clock | None = None) -> None:
        self.settings = settings or Settings()
        self.clock: Clock = clock or SystemClock()
        self.state = State(self.settings, self.clock)
        self.limiter = RateLimiter(self.settings, self.clock)
        self.poller: asyncio.Future[None] | None = None
        self.closing = False
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_wake = asyncio.Event()
        self._http: aiohttp.ClientSession | None = None
        self.state.on_update = self.on_new_update

    def reset(self) -> None:
        """Forget every user, chat, message, file, update, webhook and fault (not the settings)."""
        self.stop_webhook()
        self.state.reset()
        self.limiter.reset()

    async def close(self) -> None:
        """Stop the webhook sender, release pending long polls and close the HTTP client."""
        self.closing = True
        if self.poller is not None and not self.poller.done():
            self.poller.set_result(None)
        self.stop_webhook()
        if self._http is not None:
            await self._http.close()
            self._http = None

    # -- webhook sender ------------------------------------------------------------------------
    def wake_webhook(self) -> None:
        self._webhook_wake.set()

    def start_webhook(self) -> None:
        """(Re)start the webhook sender task."""
        self.stop_webhook()
        self._webhook_task = asyncio.get_running_loop().create_task(self._deliver_forever())

    def webhook_running(self) -> bool:
        """Whether the webhook sender task is alive."""
        return self._webhook_task is not None and not self._webhook_task.done()

    def stop_webhook(self) -> None:
        """Stop the webhook sender task (the queue stays)."""
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            self._webhook_task = None

    async def _deliver_forever(self) -> None:
        """Send queued updates one at a time, in order; after a failure wait
        ``webhook_retry_delay`` seconds of the clock, then retry the same update."""
        if self._http is None:
            self._http = aiohttp.ClientSession()
        attempts = 0
        while True:
            state = self.state
            state.expire()
            if not state.updates:
                self._webhook_wake.clear()
                await self._webhook_wake.wait()
                continue
            update = state.updates[0]
            error = await self._post(update)
            if error is None:
                attempts = 0
                if state.updates and state.updates[0] is update:
                    state.confirm(update["update_id"] + 1)
                continue
            attempts += 1
            state.webhook_error = (state.now(), error)
            if attempts >= self.settings.webhook_max_attempts:
                attempts = 0
                if state.updates and state.updates[0] is update:
                    state.confirm(update["update_id"] + 1)
                continue
            timer = self.clock.timer(self.settings.webhook_retry_delay)
            try:
                await timer
            finally:
                timer.cancel()

    async def _post(self, update: Json) -> str | None:
        """POST one update to the webhook: None on a 2xx answer, else Telegram's error text."""
        assert self._http is not None
        hook = self.state.webhook
        headers = {"Content-Type": "application/json"}
        if hook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
        try:
            async with self._http.post(
                hook["url"],
                json=update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.settings.webhook_request_timeout),
            ) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                try:
                    phrase = HTTPStatus(response.status).phrase
                except ValueError:
                    phrase = response.reason or ""
                return f"Wrong response from the webhook: {response.status} {phrase}"
        except aiohttp.ClientConnectorError:
            return "Connection refused"
        except TimeoutError:
            return "Read timeout expired"
        except aiohttp.ClientError as exc:
            return f"Connection error: {exc.__class__.__name__}"

    def on_new_update(self) -> None:
        if self._webhook_task is not None:
            self.wake_webhook()

    async def wait_for_chat(self, chat_id: int, count: int, within: float) -> bool:
        """Wait (real time, a safety net for tests) until the transcript of ``chat_id`` has
        ``count`` entries; False if ``within`` seconds passed first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within

        def ready() -> bool:
            chat = self.state.chats.get(chat_id)
            return chat is not None and len(chat.transcript) >= count

        while True:
            changed = self.state.change_event(chat_id)  # before the check: no lost wake-up
            if ready():
                return True
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)
