"""Telegram's flood limits on messages a bot sends or edits, on the emulator's clock.

From https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this: about one
message per second to one chat (short bursts pass), about 30 messages per second overall, and
no more than 20 messages per minute to one group. Beyond them Telegram answers 429 with
``parameters.retry_after`` — the whole seconds to wait — which we compute from the same buckets,
so waiting exactly ``retry_after`` (on the clock) always lets the next message through.

Per chat and overall: token buckets (``rate`` tokens per second, ``burst`` tokens deep).
Per group: a sliding 60-second window. A refused request consumes nothing.
"""

from __future__ import annotations

import math
from collections import deque

from .clock import Clock
from .errors import too_many_requests
from .settings import Settings

# Float slack so that waiting exactly the computed time always lets the message through.
_EPS = 1e-9


class _Bucket:
    __slots__ = ("stamp", "tokens")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens = tokens
        self.stamp = stamp

    def refill(self, now: float, rate: float, burst: float) -> None:
        self.tokens = min(burst, self.tokens + (now - self.stamp) * rate)
        self.stamp = now


class RateLimiter:
    """Checks and counts one sent or edited message; raises 429 ``ApiError`` when over a limit."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self.reset()

    def reset(self) -> None:
        self._chats: dict[int, _Bucket] = {}
        self._global: _Bucket | None = None
        self._groups: dict[int, deque[float]] = {}

    def hit(self, chat_id: int, is_group: bool) -> None:
        """Count one message to ``chat_id`` or raise ``ApiError`` 429 with ``retry_after``."""
        s = self.settings
        if not s.rate_limits:
            return
        now = self.clock.now()
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Bucket(float(s.per_chat_burst), now)
        chat.refill(now, s.per_chat_rate, s.per_chat_burst)
        overall = self._global
        if overall is None:
            overall = self._global = _Bucket(float(s.global_burst), now)
        overall.refill(now, s.global_rate, s.global_burst)
        wait = 0.0
        if chat.tokens < 1 - _EPS:
            wait = max(wait, (1 - chat.tokens) / s.per_chat_rate)
        if overall.tokens < 1 - _EPS:
            wait = max(wait, (1 - overall.tokens) / s.global_rate)
        window = self._groups.get(chat_id) if is_group else None
        if is_group:
            if window is None:
                window = self._groups[chat_id] = deque()
            while window and window[0] <= now - 60:
                window.popleft()
            if len(window) >= s.group_per_minute:
                wait = max(wait, window[0] + 60 - now)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait - 1e-9)))
        chat.tokens -= 1
        overall.tokens -= 1
        if window is not None:
            window.append(now)
