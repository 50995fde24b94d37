"""The Bot API transport (``bot.telegram_http``): which one the bot uses, and that calls over the
aiohttp transport reach the emulator intact, survive a restart and fail as PTB's errors."""

from __future__ import annotations

import socket

import httpx
import pytest
from pydantic import ValidationError
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData
from telegram.request._requestparameter import RequestParameter

from bot.app import build_application
from bot.settings import Settings
from bot.telegram_http import AiohttpRequest, BotApiTransport, bot_request
from emulator.client import TgUser
from emulator.pytest_plugin import TelegramEmulator
from tests.bot.harness import bot_settings

LAN = TgUser(501, "Lan")


def _transport(request: object) -> httpx.AsyncBaseTransport:
    """The transport the request's httpx client sends non-proxied requests through."""
    assert isinstance(request, HTTPXRequest)
    return request._client._transport


def _free_port() -> int:
    """A port of 127.0.0.1 nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_bot_sends_over_aiohttp_by_default(
    telegram_emulator: TelegramEmulator, sqlite_url: str
) -> None:
    app = build_application(bot_settings(telegram_emulator, sqlite_url))
    get_updates, general = app.bot._request
    assert type(general) is AiohttpRequest and type(get_updates) is AiohttpRequest
    assert type(_transport(general)) is BotApiTransport
    assert type(_transport(get_updates)) is BotApiTransport
    # ApplicationBuilder's pool sizes and PTB's default timeouts.
    assert [_transport(r).limits.max_connections for r in (general, get_updates)] == [256, 1]
    assert general._client.timeout == httpx.Timeout(connect=5.0, read=5.0, write=5.0, pool=1.0)


def test_the_setting_falls_back_to_ptbs_httpx_transport(
    telegram_emulator: TelegramEmulator, sqlite_url: str
) -> None:
    settings = bot_settings(telegram_emulator, sqlite_url, telegram_http_transport=" HTTPX ")
    assert settings.telegram_http_transport == "httpx"
    app = build_application(settings)
    get_updates, general = app.bot._request
    assert type(general) is HTTPXRequest and type(get_updates) is HTTPXRequest
    assert type(_transport(general)) is httpx.AsyncHTTPTransport
    assert type(_transport(get_updates)) is httpx.AsyncHTTPTransport


def test_an_unknown_transport_is_refused_in_vietnamese() -> None:
    with pytest.raises(ValidationError) as info:
        Settings(telegram_http_transport="requests")
    [error] = info.value.errors()
    assert error["loc"] == ("telegram_http_transport",)
    assert error["msg"] == (
        "Value error, kiểu kết nối Bot API “requests” không rõ (một trong: aiohttp, httpx)"
    )
    with pytest.raises(ValueError, match=r"^unknown Bot API transport 'requests' \(one of"):
        bot_request("requests")


async def test_a_message_and_a_document_arrive_intact(
    telegram_emulator: TelegramEmulator, sqlite_url: str
) -> None:
    telegram_emulator.settings.rate_limits = False
    client = telegram_emulator.client
    await client.start(LAN)
    app = build_application(bot_settings(telegram_emulator, sqlite_url))
    content = bytes(range(256)) * 400  # 100 KiB, every byte value: a multipart upload
    async with app.bot as bot:
        assert type(_transport(bot.request)) is BotApiTransport
        text = await bot.send_message(LAN.id, "Báo cáo tuần: đã xong 3/5 nhiệm vụ ✓")
        doc = await bot.send_document(
            LAN.id, InputFile(content, filename="Báo cáo kỳ 1.docx"), caption="Kỳ 1"
        )
    messages = await client.bot_messages(LAN.id)
    assert [m["message_id"] for m in messages] == [text.message_id, doc.message_id]
    assert messages[0]["text"] == "Báo cáo tuần: đã xong 3/5 nhiệm vụ ✓"
    assert messages[1]["caption"] == "Kỳ 1"
    assert messages[1]["document"]["file_name"] == "Báo cáo kỳ 1.docx"
    assert messages[1]["document"]["file_size"] == 102_400
    assert await client.file_content(messages[1]["document"]["file_id"]) == content


async def test_a_bot_restarted_in_the_same_process_still_calls(
    telegram_emulator: TelegramEmulator,
) -> None:
    request = bot_request("aiohttp")
    bot = Bot(telegram_emulator.token, base_url=telegram_emulator.base_url, request=request)
    async with bot:
        first = _transport(request)
        assert (await bot.get_me()).username == "emulated_bot"
    assert request._client.is_closed
    async with bot:  # initialize → a new client with a new transport (and aiohttp session)
        second = _transport(request)
        assert second is not first
        assert (await bot.get_me()).username == "emulated_bot"


async def test_nothing_listening_is_a_network_error() -> None:
    port = _free_port()
    bot = Bot("1:x", base_url=f"http://127.0.0.1:{port}/bot", request=bot_request("aiohttp"))
    with pytest.raises(NetworkError) as info:
        async with bot:  # initialize() calls getMe; a failed one shuts the bot down again
            pass
    # Not TimedOut: httpx-aiohttp 0.2.0 alone would say "Timed out" for a refused connection.
    assert type(info.value) is NetworkError
    assert info.value.message.startswith(
        f"httpx.ConnectError: Cannot connect to host 127.0.0.1:{port} ssl:default ["
    )


async def test_an_unanswered_call_times_out(telegram_emulator: TelegramEmulator) -> None:
    # A long poll the emulator holds until its (manual, unmoved) clock passes 30 s: nothing comes.
    request = bot_request("aiohttp", get_updates=True)
    await request.initialize()
    url = f"{telegram_emulator.base_url}{telegram_emulator.token}/getUpdates"
    try:
        with pytest.raises(TimedOut) as info:
            await request.post(
                url, RequestData([RequestParameter("timeout", 30, None)]), read_timeout=0.2
            )
    finally:
        await request.shutdown()
    assert type(info.value) is TimedOut
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)


async def test_a_proxy_from_the_environment_is_still_used(
    telegram_emulator: TelegramEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The emulator doubles as an HTTP proxy: a request line with an absolute URL reaches its
    # routes. The host does not resolve, so the call succeeds only through the proxy.
    monkeypatch.setenv("HTTP_PROXY", telegram_emulator.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    request = bot_request("aiohttp")
    bot = Bot(telegram_emulator.token, base_url="http://api.telegram.invalid/bot", request=request)
    async with bot:
        assert (await bot.get_me()).username == "emulated_bot"
        proxied = request._client._transport_for_url(httpx.URL("http://api.telegram.invalid/"))
        assert type(proxied) is httpx.AsyncHTTPTransport
