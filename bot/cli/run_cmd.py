"""``python -m bot run`` (the bot alone) and ``python -m bot chat`` (the sandbox's terminal client)."""

from __future__ import annotations

import typer

from bot.cli.common import fail, get_settings
from locales import _

UserOption = typer.Option(
    ..., "--user", metavar=_("ID"), help=_("ID Telegram của bạn trong sandbox (số bất kỳ).")
)
NameOption = typer.Option(
    None, "--name", metavar=_("TÊN"), help=_("Tên hiển thị của bạn (mặc định: Người dùng ID).")
)
UsernameOption = typer.Option(
    None,
    "--username",
    metavar=_("TÊN"),
    help=_("Tên tài khoản @username của bạn (bỏ trống thì không có)."),
)
GroupOption = typer.Option(
    None,
    "--group",
    metavar=_("ID"),
    help=_("Nhắn trong nhóm chat có ID này (tự đổi thành số âm) thay vì nhắn riêng."),
)
TitleOption = typer.Option(
    None, "--title", metavar=_("TÊN"), help=_("Tên của nhóm chat (dùng cùng --group).")
)
ServerOption = typer.Option(
    None,
    "--server",
    metavar=_("ĐỊA_CHỈ"),
    help=_("Địa chỉ trình giả lập Telegram (mặc định: http://SANDBOX_HOST:SANDBOX_PORT)."),
)


def run() -> None:
    """Start the bot with the settings it finds (token, TELEGRAM_API_BASE_URL, WEBHOOK_URL…)."""
    from bot.app import StartupError
    from bot.run import run_bot

    settings = get_settings()
    if settings.telegram_bot_token is None:
        fail(
            _(
                "chưa đặt TELEGRAM_BOT_TOKEN. Hãy đặt nó (và TELEGRAM_API_BASE_URL nếu dùng máy "
                "chủ Bot API riêng), hoặc chạy `make run` / `python -m bot up` để dùng sandbox "
                "ngoại tuyến."
            )
        )
    try:
        run_bot(settings)
    except StartupError as exc:
        fail(str(exc))


def chat(
    user: int = UserOption,
    name: str | None = NameOption,
    username: str | None = UsernameOption,
    group: int | None = GroupOption,
    title: str | None = TitleOption,
    server: str | None = ServerOption,
) -> None:
    """Talk to the sandbox bot from this terminal, as user ID (through the emulator only)."""
    from bot.chat_client import group_chat, run_chat

    settings = get_settings()
    url = server or f"http://{settings.sandbox_host}:{settings.sandbox_port}"
    run_chat(
        url,
        user_id=user,
        name=name or f"Người dùng {user}",
        username=username,
        group=group_chat(group, title) if group is not None else None,
    )


def register(app: typer.Typer) -> None:
    """Add ``run`` and ``chat`` to the root CLI."""
    app.command(
        "run",
        help=_(
            "Chỉ chạy bot, với các thiết lập hiện có (TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE_URL, "
            "WEBHOOK_URL…)."
        ),
    )(run)
    app.command(
        "chat",
        help=_(
            "Nhắn tin với bot sandbox ngay trong terminal này, dưới danh nghĩa người dùng ID "
            "(chỉ qua trình giả lập Telegram)."
        ),
    )(chat)
