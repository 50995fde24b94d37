"""Which role may use which command — the one table the decorators, the per-chat menus
(``setMyCommands`` with ``BotCommandScopeChat``) and the README's role×command table come from.

Feature modules add their commands here, in the order the menu shows them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from telegram import Bot, BotCommand, BotCommandScopeChat

from locales import N_, _
from models.people import Role

#: Roles that run the campaign's administration (the admin may do what the standing office does).
OFFICE = frozenset({Role.STANDING_OFFICE, Role.ADMIN})
#: Everyone bound, whatever the role.
BOUND = frozenset(Role)


@dataclass(frozen=True)
class Command:
    """A slash command: its name (no slash), its menu text (catalog key), who may use it.

    ``roles`` empty means anyone, bound or not (``/start``, ``/trogiup``, ``/huy``).
    ``in_groups``: who may use it in a group chat — None: private chats only (the bot ignores it in
    a group, or only answers that it works in a private chat); otherwise a set read like ``roles``.
    ``group_description``: the menu text in a group when it differs there (``/start``).
    """

    name: str
    description: str
    roles: frozenset[Role]
    in_groups: frozenset[Role] | None = None
    group_description: str | None = None


#: ``in_groups`` follows the handlers: /nhiemvu, /lienhe, /moi are filtered to private chats,
#: /capnhat in a group only says it works in a private chat, and /huy has nothing to cancel there
#: (dialogs are private); /start in a group binds the standing office's group, which only a
#: standing-office member can do (``models.access.bind_group_chat``).
COMMANDS: tuple[Command, ...] = (
    Command(
        "start",
        N_("Bắt đầu / liên kết tài khoản bằng mã mời"),
        frozenset(),
        in_groups=frozenset({Role.STANDING_OFFICE}),
        group_description=N_("Liên kết nhóm này của Cơ quan Thường trực (gửi kèm mã mời)"),
    ),
    Command(
        "nhiemvu",
        N_("Nhiệm vụ của cơ quan tôi, hạn và tình trạng"),
        frozenset({Role.CONTACT, Role.LEADER}),
    ),
    Command(
        "capnhat",
        N_("Cập nhật tiến độ nhiệm vụ (báo cáo)"),
        frozenset({Role.CONTACT, Role.STANDING_OFFICE}),
    ),
    Command("lienhe", N_("Cán bộ đầu mối đã liên kết; thu hồi, chuyển giao"), OFFICE),
    Command("moi", N_("Tạo mã mời cho một cơ quan"), OFFICE),
    Command(
        "baocao",
        N_("Báo cáo tổng hợp theo kỳ (tháng, quý, năm…)"),
        OFFICE | {Role.LEADER},
        in_groups=OFFICE | {Role.LEADER},
    ),
    Command(
        "hopthu",
        N_("Hộp thư nhắc việc: đã gửi, chờ gửi, không gửi được"),
        OFFICE,
        in_groups=OFFICE,
    ),
    Command("tamdungnhac", N_("Tạm dừng mọi nhắc việc"), OFFICE, in_groups=OFFICE),
    Command("tieptucnhac", N_("Tiếp tục gửi nhắc việc sau khi tạm dừng"), OFFICE, in_groups=OFFICE),
    Command(
        "dotxuat",
        N_("Yêu cầu báo cáo đột xuất tới các cơ quan; xem các yêu cầu đã tạo"),
        OFFICE,
        in_groups=OFFICE,
    ),
    Command("huydotxuat", N_("Hủy một yêu cầu báo cáo đột xuất"), OFFICE, in_groups=OFFICE),
    Command(
        "kichhoat",
        N_("Kích hoạt nhiệm vụ «khi có…» với hạn hoàn thành"),
        OFFICE,
        in_groups=OFFICE,
    ),
    Command("ngaynghi", N_("Thêm ngày nghỉ (không gửi nhắc việc)"), OFFICE, in_groups=OFFICE),
    Command(
        "ngaylamviec",
        N_("Thêm ngày làm việc (ví dụ thứ Bảy làm bù)"),
        OFFICE,
        in_groups=OFFICE,
    ),
    Command("trogiup", N_("Hướng dẫn sử dụng"), frozenset(), in_groups=frozenset()),
    Command("huy", N_("Hủy thao tác đang làm"), frozenset()),
)


def command(name: str) -> Command:
    """The command called ``name``; raises ``KeyError`` for an unknown one."""
    for cmd in COMMANDS:
        if cmd.name == name:
            return cmd
    raise KeyError(name)


def roles_for(name: str) -> frozenset[Role]:
    """Roles allowed to use ``/name`` (what ``@requires`` is given)."""
    return command(name).roles


def commands_for(roles: Iterable[Role]) -> list[Command]:
    """The commands a person holding ``roles`` may use, in menu order (the public ones included)."""
    held = set(roles)
    return [c for c in COMMANDS if not c.roles or c.roles & held]


def group_commands_for(roles: Iterable[Role]) -> list[Command]:
    """The commands a person holding ``roles`` may use in a group chat, in menu order."""
    held = set(roles)
    return [
        c for c in COMMANDS if c.in_groups is not None and (not c.in_groups or c.in_groups & held)
    ]


def bot_commands(roles: Iterable[Role]) -> list[BotCommand]:
    """The menu of a person holding ``roles`` as Bot API ``BotCommand`` objects (Vietnamese)."""
    return [BotCommand(c.name, _(c.description)) for c in commands_for(roles)]


async def sync_menu(bot: Bot, chat_id: int, roles: Iterable[Role]) -> None:
    """Give the private chat ``chat_id`` the menu of ``roles`` (``BotCommandScopeChat``); with no
    roles (revoked) the chat falls back to the default menu."""
    scope = BotCommandScopeChat(chat_id)
    held = frozenset(roles)
    if held:
        await bot.set_my_commands(bot_commands(held), scope=scope)
    else:
        await bot.delete_my_commands(scope=scope)
