"""``python -m bot invite|contacts|agency …`` — invites, bound people, agencies in bulk.

Names are matched like the importer matches them (aliases, no diacritics: "so noi vu" works).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

import typer
from sqlalchemy import select

from bot.agency_file import AgencyFileError, read_agency_file
from bot.cli import agency_cmd
from bot.cli.common import PlanOption, database, fail, get_settings, run
from bot.settings import Settings
from locales import N_, _
from models import access, directory
from models.access import AccessError
from models.agencies import upsert_agencies
from models.people import Invite, Role
from models.plan import Agency
from models.repositories import PlanLookupError, get_plan
from models.text import fmt_moment

contacts_app = typer.Typer(
    help=_("Cán bộ đã liên kết: liệt kê, thu hồi, chuyển giao cơ quan."), no_args_is_help=True
)


class InviteRole(StrEnum):
    """Roles ``invite --role`` accepts (a leader invite is ``--leader POSITION``)."""

    contact = "contact"
    standing_office = "standing_office"
    admin = "admin"


RoleOption = typer.Option(
    InviteRole.contact,
    "--role",
    metavar=_("VAI_TRÒ"),
    help=_(
        "Vai trò mà mã mời cấp: contact (cán bộ đầu mối), standing_office (Cơ quan Thường "
        "trực), admin (quản trị)."
    ),
)
FileArgument = typer.Argument(
    ...,
    metavar=_("TỆP"),
    help=_(
        "Tệp CSV hoặc XLSX có các cột name (tên), aliases (tên gọi khác, ngăn cách bằng ;), "
        "kind (agency, commune, ward hoặc other)."
    ),
)


def link(settings: Settings, code: str) -> str:
    """The deep link of an invite code."""
    return f"https://t.me/{settings.bot_username}?start={code}"


#: The role an invite grants, as its line tags it (Vietnamese, as the bot names roles in chat).
INVITE_TAGS = {
    Role.CONTACT: N_("cán bộ đầu mối"),
    Role.STANDING_OFFICE: N_("Cơ quan Thường trực"),
    Role.LEADER: N_("lãnh đạo"),
    Role.ADMIN: N_("quản trị"),
}


def _tagged(target: str, role: Role) -> str:
    """ "Sở Nội vụ [cán bộ đầu mối]": who the code is for and the role it grants."""
    return f"{target} [{_(INVITE_TAGS[role])}]"


def _describe(settings: Settings, target: str, invite: Invite) -> str:
    expires = fmt_moment(invite.expires_at, settings.tz)
    until = _("(hết hạn {expires})").format(expires=expires)
    return f"{target}\t{invite.code}\t{link(settings, invite.code)}\t{until}"


def invite(
    agency: str | None = typer.Option(
        None,
        "--agency",
        metavar=_("TÊN"),
        help=_("Tên hoặc tên gọi khác của cơ quan (gõ không dấu cũng được)."),
    ),
    role: InviteRole = RoleOption,
    leader: str | None = typer.Option(
        None,
        "--leader",
        metavar=_("CHỨC_VỤ"),
        help=_("Mã mời cho lãnh đạo (chỉ xem) theo chức vụ, ví dụ “Trưởng Ban Chỉ đạo tỉnh”."),
    ),
    all_agencies: bool = typer.Option(
        False, "--all-agencies", help=_("Mỗi cơ quan một mã mời cán bộ đầu mối.")
    ),
    plan: str | None = PlanOption,
) -> None:
    """Print single-use invite codes with their deep links (no Telegram connection needed)."""
    settings = get_settings()
    if sum(x is not None and x is not False for x in (agency, leader, all_agencies or None)) > 1:
        fail(_("chỉ cho một trong --agency, --leader, --all-agencies"))
    if (all_agencies or leader is not None) and role is not InviteRole.contact:
        # These make contact / leader codes: a --role here would be silently ignored.
        fail(
            _(
                "--role {role} đi với --agency (hoặc một mình), không đi với "
                "--all-agencies/--leader"
            ).format(role=role.value)
        )
    if agency is None and leader is None and not all_agencies and role is InviteRole.contact:
        fail(_("mã mời cán bộ đầu mối cần --agency TÊN (hoặc --all-agencies)"))
    now = datetime.now(UTC)
    ttl = timedelta(days=settings.invite_ttl_days)

    async def body() -> list[str]:
        async with database(settings) as factory, factory.begin() as session:
            try:
                plan_row = await get_plan(session, plan or settings.plan_key)
                if all_agencies:
                    agencies = (
                        await session.scalars(
                            select(Agency)
                            .where(Agency.plan_id == plan_row.id)
                            .order_by(Agency.name)
                        )
                    ).all()
                    out = []
                    for a in agencies:
                        inv = await access.create_invite(
                            session, plan_row.id, Role.CONTACT, now=now, ttl=ttl, agency_id=a.id
                        )
                        out.append(_describe(settings, _tagged(a.name, Role.CONTACT), inv))
                    return out
                if leader is not None:
                    pos = await directory.find_leader_position(session, plan_row.id, leader)
                    inv = await access.create_invite(
                        session,
                        plan_row.id,
                        Role.LEADER,
                        now=now,
                        ttl=ttl,
                        leader_position_id=pos.id,
                    )
                    return [_describe(settings, _tagged(pos.title, Role.LEADER), inv)]
                target = _("(không thuộc cơ quan)")
                agency_id = None
                if agency is not None:
                    found = await directory.find_agency_by_name(session, plan_row.id, agency)
                    target, agency_id = found.name, found.id
                inv = await access.create_invite(
                    session, plan_row.id, Role(role.value), now=now, ttl=ttl, agency_id=agency_id
                )
                return [_describe(settings, _tagged(target, Role(role.value)), inv)]
            except (AccessError, PlanLookupError) as exc:
                fail(str(exc))

    for line in run(body):
        typer.echo(line)


@contacts_app.command(
    "list",
    help=_(
        "Liệt kê cán bộ đã liên kết: ID Telegram, họ tên, tên tài khoản, cơ quan, vai trò, "
        "lần hoạt động gần nhất."
    ),
)
def contacts_list(
    agency: str | None = typer.Option(
        None, "--agency", metavar=_("TÊN"), help=_("Chỉ cán bộ của cơ quan này.")
    ),
    revoked: bool = typer.Option(
        False, "--revoked", help=_("Liệt kê cả những người đã bị thu hồi.")
    ),
    plan: str | None = PlanOption,
) -> None:
    """List bound people: Telegram id, name, username, agency, roles, last activity."""
    settings = get_settings()

    async def body() -> list[str]:
        async with database(settings) as factory, factory.begin() as session:
            try:
                plan_row = await get_plan(session, plan or settings.plan_key)
                agency_id = (
                    (await directory.find_agency_by_name(session, plan_row.id, agency)).id
                    if agency
                    else None
                )
            except (AccessError, PlanLookupError) as exc:
                fail(str(exc))
            rows = await directory.list_contacts(
                session, plan_row.id, agency_id=agency_id, include_revoked=revoked
            )
            out = []
            for c in rows:
                last = (
                    fmt_moment(c.last_active_at, settings.tz)
                    if c.last_active_at
                    else _("chưa bao giờ")
                )
                where = (
                    c.agency.name
                    if c.agency
                    else (c.leader_position.title if c.leader_position else "-")
                )
                roles = ", ".join(sorted(_(INVITE_TAGS[r.role]) for r in c.roles))
                state = " " + _("ĐÃ THU HỒI") if c.revoked_at else ""
                active = _("hoạt động gần nhất {last}").format(last=last)
                out.append(
                    f"{c.telegram_user_id}\t{c.full_name}\t@{c.username or '-'}\t{where}\t{roles}\t{active}{state}"
                )
            return out or [_("chưa có cán bộ nào liên kết")]

    for line in run(body):
        typer.echo(line)


@contacts_app.command(
    "revoke",
    help=_("Thu hồi một cán bộ: mất mọi vai trò cùng lúc; các báo cáo đã gửi vẫn được giữ."),
)
def contacts_revoke(
    user_id: int = typer.Argument(
        ..., metavar=_("ID_TELEGRAM"), help=_("ID Telegram của cán bộ (xem: contacts list).")
    ),
    plan: str | None = PlanOption,
) -> None:
    """Revoke a person: they lose every role at once (their past replies are kept)."""
    settings = get_settings()

    async def body() -> str:
        async with database(settings) as factory, factory.begin() as session:
            try:
                plan_row = await get_plan(session, plan or settings.plan_key)
                contact = await directory.revoke_contact(
                    session, plan_row.id, user_id, now=datetime.now(UTC)
                )
            except (AccessError, PlanLookupError) as exc:
                fail(str(exc))
            return _("đã thu hồi {name} ({id})").format(name=contact.full_name, id=user_id)

    typer.echo(run(body))


@contacts_app.command(
    "transfer",
    help=_(
        "Chuyển giao một cơ quan cho cán bộ mới: các cán bộ đầu mối hiện tại của cơ quan "
        "bị thu hồi."
    ),
)
def contacts_transfer(
    agency: str = typer.Option(
        ..., "--agency", metavar=_("TÊN"), help=_("Cơ quan cần chuyển giao.")
    ),
    to: int | None = typer.Option(
        None,
        "--to",
        metavar=_("ID_TELEGRAM"),
        help=_(
            "ID Telegram của một người đã liên kết nhưng chưa thuộc cơ quan nào; bỏ trống thì "
            "in một mã mời mới."
        ),
    ),
    plan: str | None = PlanOption,
) -> None:
    """Hand an agency over to a new person: its current contacts are revoked."""
    settings = get_settings()

    async def body() -> list[str]:
        async with database(settings) as factory, factory.begin() as session:
            try:
                plan_row = await get_plan(session, plan or settings.plan_key)
                found = await directory.find_agency_by_name(session, plan_row.id, agency)
                result = await directory.transfer_agency(
                    session,
                    plan_row.id,
                    found.id,
                    now=datetime.now(UTC),
                    ttl=timedelta(days=settings.invite_ttl_days),
                    to_telegram_user_id=to,
                )
            except (AccessError, PlanLookupError) as exc:
                fail(str(exc))
            out = [
                _("đã thu hồi {name} ({id})").format(name=c.full_name, id=c.telegram_user_id)
                for c in result.revoked
            ]
            if result.new_contact is not None:
                out.append(
                    _("{agency} nay do {name} ({id}) phụ trách").format(
                        agency=found.name, name=result.new_contact.full_name, id=to
                    )
                )
            if result.invite is not None:
                out.append(_describe(settings, found.name, result.invite))
            return out

    for line in run(body):
        typer.echo(line)


def agency_import(
    file: Path = FileArgument,
    plan: str | None = PlanOption,
) -> None:
    """Add or update agencies (e.g. the 69 communes and wards); re-importing never duplicates."""
    settings = get_settings()
    try:
        rows = read_agency_file(file)
    except AgencyFileError as exc:
        fail(str(exc))

    async def body() -> str:
        async with database(settings) as factory, factory.begin() as session:
            try:
                plan_row = await get_plan(session, plan or settings.plan_key)
                result = await upsert_agencies(session, plan_row.id, rows)
            except (ValueError, PlanLookupError) as exc:
                fail(f"{file}: {exc}")
            return _("{created} thêm mới, {updated} cập nhật, {unchanged} không đổi").format(
                created=len(result.created),
                updated=len(result.updated),
                unchanged=len(result.unchanged),
            )

    typer.echo(run(body))


def register(app: typer.Typer) -> None:
    """Add ``invite`` and ``contacts`` to the root CLI, and ``import`` to the ``agency`` family
    (``bot.cli.agency_cmd``, registered before this)."""
    app.command(
        "invite",
        help=_("In các mã mời dùng một lần kèm đường liên kết (không cần kết nối Telegram)."),
    )(invite)
    app.add_typer(contacts_app, name="contacts")
    agency_cmd.app.command(
        "import",
        help=_(
            "Thêm hoặc cập nhật cơ quan hàng loạt từ tệp (ví dụ 69 xã, phường); nhập lại không "
            "tạo bản trùng."
        ),
    )(agency_import)
