"""The outbox sender (DESIGN.md decision 1): drains due rows through PTB's ``Bot``, once each.

A drain claims a batch of recipients (``scheduler.outbox.claim_due``), renders one message per
recipient (``scheduler.reminder_text.render``), sends them concurrently and commits each outcome
in its own short transaction right after Telegram answered. Rate limits are PTB's
``AIORateLimiter`` on the bot (≤ 30 msg/s overall, ≤ 20/min per group; a 429 halts every request
for ``retry_after`` and the request is resent) plus ≤ 1 msg/s per private chat when one recipient
needs several messages. Telegram's faults:

- 403 (blocked) and 400 "chat not found": rows ``failed``, the contact flagged unreachable, the
  standing office told once (``scheduler.controls``); everyone else is still served;
- ChatMigrated: the new id is stored and the message resent once to it;
- 429 after the limiter's retries: rows back to ``retry`` after ``retry_after``; a network error,
  a timeout or another Telegram error: ``retry`` with back-off, ``failed`` after ``max_attempts``;
- any other 400: the message is rejected for good — rows ``failed`` with Telegram's description.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aiolimiter import AsyncLimiter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter

from locales import _
from models.reminders import OutboxMessage
from scheduler import claims as outbox
from scheduler import controls
from scheduler.reminder_text import RenderedMessage, render

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


#: Burst allowed by the overall limiter (see ``rate_limiter``).
SMOOTHING = 3


def rate_limiter(
    overall_per_second: float = 30.0, group_per_minute: float = 20.0, max_retries: int = 5
) -> AIORateLimiter:
    """PTB's limiter with Telegram's limits; give it to ``ApplicationBuilder().rate_limiter()`` or
    ``ExtBot(rate_limiter=…)``. ``max_retries``: resends after a 429, each after ``retry_after``.

    The overall limit is given to aiolimiter as ``SMOOTHING`` requests per ``SMOOTHING /
    overall_per_second`` seconds, not N per second: the same rate with a burst of 3 instead of N,
    so the jitter between leaving here and arriving at Telegram cannot pile requests into a 429
    (measured: 17 × 429 per 300 messages with "30 per 1 s", none smoothed — README "Delivery")."""
    return AIORateLimiter(
        overall_max_rate=SMOOTHING,
        overall_time_period=SMOOTHING / overall_per_second,
        group_max_rate=group_per_minute,
        group_time_period=60,
        max_retries=max_retries,
    )


@dataclass
class SenderConfig:
    """Tuning of the sender. ``plan_id`` ``None`` drains every plan in the database."""

    plan_id: int | None = None
    #: Recipients claimed per batch, and messages in flight at once (the limiter sets the pace).
    batch_recipients: int = 100
    concurrency: int = 16
    lease: timedelta = outbox.DEFAULT_LEASE
    #: Rows not sent this long after their time are not sent late (issue 5, "Staleness").
    expire_after: timedelta = timedelta(hours=20)
    #: Network errors: retry after ``retry_base`` × 2^(attempt-1), at most ``retry_max``, and give
    #: up after ``max_attempts``.
    retry_base: timedelta = timedelta(seconds=30)
    retry_max: timedelta = timedelta(hours=1)
    max_attempts: int = 8


@dataclass
class DrainReport:
    """What one drain did: messages accepted by Telegram, rows per outcome, chats per fault."""

    messages: int = 0
    sent_rows: int = 0
    failed_rows: int = 0
    retry_rows: int = 0
    unreachable: list[int] = field(default_factory=list)
    migrated: list[tuple[int, int]] = field(default_factory=list)


class _Unreachable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _is_chat_not_found(exc: BadRequest) -> bool:
    text = exc.message.lower()
    return "chat not found" in text or "user not found" in text


class OutboxSender:
    """Drains the outbox for one bot. One instance per process; only the leader runs it.

    ``after_accept(message)`` is called after Telegram accepted a message and before its rows are
    committed ``sent`` — the at-least-once window (tests SIGKILL the process there).
    """

    def __init__(
        self,
        bot: Bot,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Clock,
        config: SenderConfig | None = None,
        after_accept: Callable[[RenderedMessage], None] | None = None,
    ) -> None:
        self.bot = bot
        self.sf = session_factory
        self.clock = clock
        self.config = config or SenderConfig()
        self.after_accept = after_accept
        self._pause_until: datetime | None = None
        # SQLite has one writer at a time and its busy handler backs off by sleeping (up to
        # 100 ms): queueing our own transactions here is much faster than letting them collide.
        self._write_lock = asyncio.Lock()

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[AsyncSession]:
        """One short transaction (committed on exit); serialized in-process on SQLite."""
        bind = self.sf.kw.get("bind")
        serial = bind is not None and bind.dialect.name == "sqlite"
        async with self._write_lock if serial else nullcontext():
            async with self.sf.begin() as session:
                yield session

    async def recover(self, *, everything: bool) -> int:
        """Take back rows left ``sending`` (see ``outbox.recover_stale``); returns how many."""
        async with self._tx() as session:
            n = await outbox.recover_stale(
                session, self.clock(), plan_id=self.config.plan_id, everything=everything
            )
        if n:
            log.warning("recovered %d outbox rows left in 'sending'", n)
        return n

    async def drain(self, max_batches: int | None = None) -> DrainReport:
        """Send everything due now, batch after batch, until nothing is due (or ``max_batches``).

        Returns what was done. Raises only on programming or database errors; Telegram's
        faults are recorded on the rows."""
        report = DrainReport()
        batches = 0
        gate = asyncio.Semaphore(self.config.concurrency)

        async def one(chat: int, chat_rows: list[OutboxMessage]) -> None:
            async with gate:
                await self._deliver(chat, chat_rows, report)

        await self.recover(everything=False)
        while max_batches is None or batches < max_batches:
            now = self.clock()
            if self._pause_until is not None and now < self._pause_until:
                break
            async with self._tx() as session:
                await outbox.expire_old(
                    session, now, self.config.expire_after, plan_id=self.config.plan_id
                )
                paused = await controls.paused_plan_ids(session)
                rows = await outbox.claim_due(
                    session,
                    now,
                    plan_id=self.config.plan_id,
                    exclude_plan_ids=paused,
                    max_recipients=self.config.batch_recipients,
                    lease=self.config.lease,
                )
            if not rows:
                break
            batches += 1
            by_chat: dict[int, list[OutboxMessage]] = defaultdict(list)
            for row in rows:
                by_chat[row.recipient_chat_id].append(row)
            await asyncio.gather(*(one(c, r) for c, r in by_chat.items()))
        return report

    async def _deliver(self, chat_id: int, rows: list[OutboxMessage], report: DrainReport) -> None:
        messages = render(rows)
        # ≤ 1 message per second in one chat (Telegram FAQ); only matters when items overflow.
        per_chat = AsyncLimiter(1, 1)
        for index, message in enumerate(messages):
            try:
                async with per_chat:
                    sent = await self._send(chat_id, message, report)
            except _Unreachable as exc:
                ids = [i for m in messages[index:] for i in m.row_ids]
                await self._unreachable(chat_id, ids, exc.reason, report)
                return
            except RetryAfter as exc:
                wait = exc.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                self._pause_until = self.clock() + timedelta(seconds=seconds)
                await self._retry(messages[index:], self.clock() + timedelta(seconds=seconds), exc)
                report.retry_rows += sum(len(m.row_ids) for m in messages[index:])
                return
            except BadRequest as exc:
                async with self._tx() as session:
                    await outbox.mark_failed(session, message.row_ids, f"rejected: {exc.message}")
                report.failed_rows += len(message.row_ids)
                log.error("Telegram rejected a reminder to %s: %s", chat_id, exc.message)
                continue
            except TelegramError as exc:
                # NetworkError/TimedOut (the message may have arrived: at-least-once), or an
                # answer we do not know: try again later with back-off, then give up.
                await self._retry(messages[index:], None, exc)
                report.retry_rows += sum(len(m.row_ids) for m in messages[index:])
                return
            if self.after_accept is not None:
                self.after_accept(message)
            async with self._tx() as session:
                await outbox.mark_sent(session, message.row_ids, self.clock(), sent.message_id)
            report.messages += 1
            report.sent_rows += len(message.row_ids)
            chat_id = sent.chat_id

    async def _send(self, chat_id: int, message: RenderedMessage, report: DrainReport) -> Message:
        """Send once; on ChatMigrated store the new id and resend once to it."""
        try:
            return await self._post(chat_id, message)
        except ChatMigrated as exc:
            new_id = int(exc.new_chat_id)
            async with self._tx() as session:
                await controls.migrate_chat(session, chat_id, new_id)
            report.migrated.append((chat_id, new_id))
            log.warning("chat %s migrated to %s; resending there", chat_id, new_id)
            return await self._post(new_id, message)

    async def _post(self, chat_id: int, message: RenderedMessage) -> Message:
        try:
            return await self.bot.send_message(
                chat_id=chat_id,
                text=message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=message.keyboard,
                disable_web_page_preview=True,
            )
        except Forbidden as exc:
            raise _Unreachable(f"blocked: {exc.message}") from exc
        except BadRequest as exc:
            if _is_chat_not_found(exc):
                raise _Unreachable(f"chat not found: {exc.message}") from exc
            raise

    async def _retry(
        self, messages: Sequence[RenderedMessage], at: datetime | None, exc: Exception
    ) -> None:
        now = self.clock()
        ids = [i for m in messages for i in m.row_ids]
        async with self._tx() as session:
            attempts = max(
                (r.attempts for r in [await session.get(OutboxMessage, i) for i in ids] if r),
                default=1,
            )
            if at is None:
                if attempts >= self.config.max_attempts:
                    await outbox.mark_failed(session, ids, f"gave up: {exc}")
                    return
                delay = min(
                    self.config.retry_base * 2 ** max(attempts - 1, 0), self.config.retry_max
                )
                at = now + delay
            await outbox.mark_retry(session, ids, at, f"{type(exc).__name__}: {exc}")
        log.warning("reminder rows %s to retry at %s: %s", ids, at.isoformat(), exc)

    async def _unreachable(
        self, chat_id: int, ids: list[int], reason: str, report: DrainReport
    ) -> None:
        now = self.clock()
        async with self._tx() as session:
            await outbox.mark_failed(session, ids, reason)
            for person in await controls.mark_unreachable(session, chat_id, reason, now):
                why = (
                    _("người dùng đã chặn bot")
                    if reason.startswith("blocked")
                    else _("chưa bắt đầu trò chuyện với bot")
                )
                text = _(
                    "Không gửi được nhắc việc đến {name} ({agency}): {why}. "
                    "Đề nghị liên hệ trực tiếp để cán bộ mở lại bot."
                ).format(name=person.name, agency=person.agency or "—", why=why)
                await controls.enqueue_notice(
                    session,
                    person.plan_id,
                    f"notice:unreachable:{person.contact_id}:{now:%Y%m%dT%H%M%S}",
                    text,
                    now,
                )
        report.failed_rows += len(ids)
        report.unreachable.append(chat_id)
        log.warning("chat %s unreachable (%s)", chat_id, reason)
