"""Helpers for the dialog's end-to-end tests: a person talking to the real bot through the
emulator's control API, reading back exactly what the bot showed."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator.client import ControlApiError, TgUser
from emulator.pytest_plugin import TelegramEmulator
from models.people import Contact, ContactRole, Role
from models.plan import Agency, Plan
from models.reminders import OutboxMessage
from plan.importer import import_file
from tests.conftest import PLAN_TXT

Json = dict[str, Any]
HANOI = timezone(timedelta(hours=7))


def local(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    """Hà Tĩnh wall time (UTC+7) as an aware UTC datetime."""
    return datetime(y, m, d, hh, mm, tzinfo=HANOI).astimezone(UTC)


async def seed_real_plan(
    factory: async_sessionmaker[AsyncSession], contacts: list[tuple[TgUser, str, Role]]
) -> int:
    """Import the real plan (on 01/01/2026 08:00 Hà Tĩnh) and bind each ``(user, agency name,
    role)`` as a contact; returns the plan id."""
    await import_file(factory, PLAN_TXT, key=None, now=local(2026, 1, 1, 8))
    async with factory.begin() as s:
        plan = await s.scalar(select(Plan))
        assert plan is not None
        agency = {a.name: a.id for a in await s.scalars(select(Agency))}
        for user, name, role in contacts:
            s.add(
                Contact(
                    plan_id=plan.id,
                    telegram_user_id=user.id,
                    full_name=f"{user.first_name} {user.last_name}",
                    agency_id=agency[name],
                    roles=[ContactRole(role=role)],
                )
            )
        return plan.id


@dataclass
class Person:
    """``user`` in their private chat with the bot."""

    emu: TelegramEmulator
    user: TgUser

    @property
    def chat_id(self) -> int:
        return self.user.id

    async def transcript(self) -> list[Json]:
        try:
            return await self.emu.client.transcript(self.chat_id)
        except ControlApiError:  # the chat is not known yet (any other failure is raised)
            return []

    async def _after(self, before: int, expect: int) -> list[Json]:
        """Wait for ``expect`` new transcript entries; returns them."""
        entries = await self.emu.client.wait_for(self.chat_id, before + expect, within=10.0)
        return entries[before:]

    async def command(self, name: str, expect: int = 1) -> list[Json]:
        before = len(await self.transcript())
        await self.emu.client.send_command(self.user, name)
        return await self._after(before, expect)

    async def say(self, text: str, expect: int = 1) -> list[Json]:
        before = len(await self.transcript())
        await self.emu.client.send_text(self.user, text)
        return await self._after(before, expect)

    async def send_document(
        self, content: bytes, name: str, expect: int = 1, caption: str | None = None
    ) -> list[Json]:
        before = len(await self.transcript())
        await self.emu.client.send_document(
            self.user, content, name, "application/pdf", caption=caption
        )
        return await self._after(before, expect)

    async def send_photo(
        self, content: bytes, expect: int = 1, caption: str | None = None
    ) -> list[Json]:
        """``content`` must be a real image (``png``)."""
        before = len(await self.transcript())
        await self.emu.client.send_photo(self.user, content, caption=caption)
        return await self._after(before, expect)

    async def keyboard_message(self) -> Json:
        """The bot's latest message that still has buttons."""
        for message in reversed(await self.emu.client.bot_messages(self.chat_id)):
            if message.get("reply_markup", {}).get("inline_keyboard"):
                return dict(message)
        raise AssertionError("no message with buttons")

    async def buttons(self) -> list[list[str]]:
        message = await self.keyboard_message()
        return [[b["text"] for b in row] for row in message["reply_markup"]["inline_keyboard"]]

    async def data_of(self, label: str, message: Json | None = None) -> tuple[int, str]:
        """(message id, callback data) of the button labelled ``label``."""
        message = message or await self.keyboard_message()
        for row in message["reply_markup"]["inline_keyboard"]:
            for button in row:
                if button["text"] == label:
                    return message["message_id"], button["callback_data"]
        raise AssertionError(f"no button {label!r}")

    async def press(self, label: str, expect: int = 2, message: Json | None = None) -> list[Json]:
        """Tap ``label``; waits for ``expect`` entries (answer + edit, by default)."""
        message_id, data = await self.data_of(label, message)
        return await self.press_data(message_id, data, expect)

    async def press_data(self, message_id: int, data: str, expect: int = 2) -> list[Json]:
        before = len(await self.transcript())
        await self.emu.client.press_button(self.user, message_id, data)
        return await self._after(before, expect)


def png(width: int = 40, height: int = 30) -> bytes:
    """A small red PNG image (a photo must be a real image)."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buffer, format="PNG")
    return buffer.getvalue()


async def plan_and_deliver(
    emu: TelegramEmulator, factory: async_sessionmaker[AsyncSession], plan_id: int, at: datetime
) -> tuple[int, list[tuple[str, int, str]]]:
    """At ``at`` (aware): one planner tick with the default reminder rules, then the outbox drained
    to the emulator. Returns the rows the tick wrote and every outbox row (``outbox_rows``)."""
    from bot.delivery import planner_tick
    from bot.settings import Settings, reminder_rules
    from scheduler.sender import OutboxSender
    from tests.delivery.conftest import FixedClock, make_bot

    emu.clock.set(at.timestamp())
    written = await planner_tick(factory, plan_id, reminder_rules(Settings()))(at)
    rows = await outbox_rows(factory)
    bot = await make_bot(emu)
    try:
        await OutboxSender(bot, factory, FixedClock(at)).drain()
    finally:
        await bot.shutdown()
    return written, rows


async def outbox_rows(factory: async_sessionmaker[AsyncSession]) -> list[tuple[str, int, str]]:
    """Every outbox row as (kind, recipient chat, key), sorted: what a planner tick wrote."""
    async with factory() as s:
        return sorted(
            (r.kind, r.recipient_chat_id, r.key) for r in await s.scalars(select(OutboxMessage))
        )


def shown(entries: list[Json]) -> list[str]:
    """Texts the bot sent or edited to, in order (as the user sees them: entities applied)."""
    return [e["message"]["text"] for e in entries if e.get("message") and "text" in e["message"]]


def answers(entries: list[Json]) -> list[str]:
    """Texts of the callback answers among ``entries`` ("" for a silent answer)."""
    return [e.get("text", "") for e in entries if e["kind"] == "callback_answer"]
