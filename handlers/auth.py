"""The role check, in one place: ``@requires(roles)`` wraps a callback.

The wrapper finds the sender's contact record, refuses politely (in Vietnamese) when the account is
not bound, lacks the role, or acts for another agency than the one the update is about, records the
activity (``/lienhe`` shows it; written at most once a minute), and hands the callback an
``Actor`` — a snapshot of who is acting. No callback repeats these checks.

``requires`` checks in a short transaction of its own, then runs the callback; ``requires_in_unit``
runs the check and the callback's database work in one transaction (the progress dialog's steps:
one transaction per update) and makes the Telegram calls after it commits. Nothing is cached: the
contact is read on every update, so a revoke holds from the next tap.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import ConversationHandler

from handlers.context import BotContext
from locales import _
from models import access
from models.db import as_utc
from models.people import Contact, Role
from models.text import fmt_date


@dataclass(frozen=True)
class Actor:
    """Who is acting: the contact's id, Telegram id, name, roles, agency and leader position."""

    contact_id: int
    telegram_user_id: int
    full_name: str
    roles: frozenset[Role]
    agency_id: int | None
    agency_name: str | None
    leader_position_id: int | None
    leader_title: str | None

    @classmethod
    def of_snapshot(cls, contact: access.ContactSnapshot) -> Actor:
        """The actor of a ``access.contact_snapshot``."""
        return cls(
            contact_id=contact.id,
            telegram_user_id=contact.telegram_user_id,
            full_name=contact.full_name,
            roles=contact.roles,
            agency_id=contact.agency_id,
            agency_name=contact.agency_name,
            leader_position_id=contact.leader_position_id,
            leader_title=contact.leader_title,
        )

    @classmethod
    def of(cls, contact: Contact) -> Actor:
        """Snapshot of a loaded contact (roles, agency and leader position loaded)."""
        return cls(
            contact_id=contact.id,
            telegram_user_id=contact.telegram_user_id,
            full_name=contact.full_name,
            roles=access.roles_of(contact),
            agency_id=contact.agency_id,
            agency_name=contact.agency.name if contact.agency else None,
            leader_position_id=contact.leader_position_id,
            leader_title=contact.leader_position.title if contact.leader_position else None,
        )

    @property
    def is_office(self) -> bool:
        """Standing office or admin."""
        return bool(self.roles & {Role.STANDING_OFFICE, Role.ADMIN})


ActorCallback = Callable[[Update, BotContext, Actor], Awaitable[Any]]
Callback = Callable[[Update, BotContext], Coroutine[Any, Any, Any]]
#: Extracts the agency an update is about (e.g. from callback data); None when it is about none.
AgencyOf = Callable[[Update, BotContext], int | None]


def refusal_revoked(revoked_at: datetime) -> str:
    """What an account whose link was revoked is told; ``revoked_at`` in local time. At most
    200 characters, like every refusal: it may be a callback query's alert (Bot API limit)."""
    return _(
        "Liên kết của tài khoản Telegram này với cơ quan đã bị thu hồi ngày {day}.\n"
        "Cần liên kết lại: liên hệ Cơ quan Thường trực (Bộ Chỉ huy Quân sự tỉnh) để nhận mã mời "
        "mới, rồi gửi /start kèm mã đó."
    ).format(day=fmt_date(revoked_at.date()))


def refusal_unbound() -> str:
    """What an account that is not bound (or was revoked) is told."""
    return _(
        "Tài khoản Telegram của bạn chưa được liên kết với cơ quan nào trong Kế hoạch.\n"
        "Vui lòng liên hệ Cơ quan Thường trực (Bộ Chỉ huy Quân sự tỉnh) để nhận mã mời, "
        "rồi gửi /start kèm mã đó."
    )


def refusal_role() -> str:
    """What a bound person is told when the command is not for their role."""
    return _(
        "Xin lỗi, chức năng này không dành cho vai trò của bạn. Gửi /trogiup để xem các lệnh bạn dùng được."
    )


def refusal_agency() -> str:
    """What a contact is told when the update concerns another agency."""
    return _("Xin lỗi, bạn chỉ làm việc được với nhiệm vụ của cơ quan mình.")


async def _refuse(update: Update, text: str) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


class Refused(str):
    """A refusal: the text the person is told (a ``str``)."""


async def check(
    session: AsyncSession,
    update: Update,
    context: BotContext,
    allowed: frozenset[Role],
    agency_of: AgencyOf | None = None,
) -> Actor | Refused | None:
    """The role check inside the caller's unit of work: the sender's ``Actor``, or the
    ``Refused`` text to tell them, or None when the update has no sender.

    One SELECT (``access.contact_lookup`` joins roles, agency and leader position) read fresh from
    the database on every update — a revoke or a role taken away holds from the very next update —
    and, at most once a minute per contact (``access.TOUCH_INTERVAL``), the activity UPDATE.
    Makes no Telegram call: the caller tells the person after its transaction has ended.
    """
    user = update.effective_user
    if user is None:
        return None
    contact = await access.contact_lookup(session, context.plan_id, user.id)
    if contact is None:
        return Refused(refusal_unbound())
    if isinstance(contact, access.RevokedContact):
        return Refused(refusal_revoked(as_utc(contact.revoked_at).astimezone(context.settings.tz)))
    await access.touch_snapshot(session, contact, context.now())
    actor = Actor.of_snapshot(contact)
    if allowed and not (actor.roles & allowed):
        return Refused(refusal_role())
    if agency_of is not None and not actor.is_office:
        target = agency_of(update, context)
        if target is not None and target != actor.agency_id:
            return Refused(refusal_agency())
    return actor


def requires(
    roles: Iterable[Role], *, agency_of: AgencyOf | None = None
) -> Callable[[ActorCallback], Callback]:
    """Decorate a callback ``(update, context, actor)`` so it runs only for a bound person holding
    one of ``roles`` (empty: any bound person). With ``agency_of``, a person who is not the office
    is refused when the update is about another agency than theirs.

    A refused update ends any conversation (returns ``ConversationHandler.END``).
    """
    allowed = frozenset(roles)

    def decorate(callback: ActorCallback) -> Callback:
        @functools.wraps(callback)
        async def wrapper(update: Update, context: BotContext) -> Any:
            # A short unit of work of its own: the callback opens the next one. Holding one
            # transaction across the callback's Telegram calls would keep SQLite's write lock
            # for the length of a network round trip. Callbacks that do their work in one
            # transaction use ``requires_in_unit`` instead (the check and the work together).
            async with context.session_factory.begin() as session:
                verdict = await check(session, update, context, allowed, agency_of)
            if not isinstance(verdict, Actor):
                if verdict is not None:
                    await _refuse(update, verdict)
                return ConversationHandler.END
            return await callback(update, context, verdict)

        return wrapper

    return decorate


#: What a ``requires_in_unit`` callback returns: the Telegram calls to make once its transaction
#: has committed (None: nothing to send).
AfterCommit = Callable[[], Awaitable[Any]] | None
UnitCallback = Callable[[Update, BotContext, Actor, AsyncSession], Awaitable[AfterCommit]]


def requires_in_unit(
    roles: Iterable[Role], *, agency_of: AgencyOf | None = None
) -> Callable[[UnitCallback], Callback]:
    """Like ``requires``, with the check and the callback's database work in ONE unit of work.

    The wrapper opens the transaction, runs ``check`` in it and, for an allowed person, the
    callback ``(update, context, actor, session)``, which does its reads and writes and returns
    what to send (an ``AfterCommit``), never calling Telegram itself. The transaction commits,
    then the refusal or the callback's sends go out: no write lock is held across a network
    call, and a step costs one transaction instead of two.
    """
    allowed = frozenset(roles)

    def decorate(callback: UnitCallback) -> Callback:
        @functools.wraps(callback)
        async def wrapper(update: Update, context: BotContext) -> Any:
            after: AfterCommit = None
            async with context.session_factory.begin() as session:
                verdict = await check(session, update, context, allowed, agency_of)
                if isinstance(verdict, Actor):
                    after = await callback(update, context, verdict, session)
            if not isinstance(verdict, Actor):
                if verdict is not None:
                    await _refuse(update, verdict)
                return ConversationHandler.END
            return await after() if after is not None else None

        return wrapper

    return decorate
