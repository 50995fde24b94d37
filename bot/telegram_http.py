"""The HTTP clients of the bot's Bot API calls: PTB's ``HTTPXRequest`` over aiohttp by default.

PTB speaks to the Bot API through an ``httpx.AsyncClient``; its stock transport (httpcore over
anyio) costs about 0.67 ms of CPU per call, the aiohttp transport of ``httpx-aiohttp`` about
0.4 ms (``getMe`` against the emulator), and the bot makes ~3 calls per dialog step. The setting
``TELEGRAM_HTTP_TRANSPORT=httpx`` falls back to PTB's stock client.

Behaviour of the aiohttp transport compared with PTB's stock one:

- Timeouts: httpx's ``connect`` becomes aiohttp's ``sock_connect``, ``read`` its ``sock_read``
  (started once the request body is written), and ``pool`` its ``connect`` — which in aiohttp
  covers waiting for a pooled connection *and* opening a new one, so it is given ``pool + connect``
  here (otherwise PTB's 1 s pool timeout would cap DNS + TCP + TLS to Telegram at 1 s).
- ``write`` (PTB: 5 s, 20 s for uploads) is **not mapped**: aiohttp has no per-write timeout, so
  a request whose upload stalls (the peer stops reading) is not cut by a write timeout; it ends
  when the connection breaks. Reading the answer is still bounded by the read timeout.
- Errors: aiohttp's exceptions become httpx's, which PTB turns into ``telegram.error.TimedOut``
  (timeouts) or ``telegram.error.NetworkError`` (the rest). httpx-aiohttp 0.2.0 maps every
  ``aiohttp.ClientConnectionError`` to ``httpx.ConnectTimeout``, so a refused connection or a
  failed DNS lookup would read as "Timed out"; they are re-raised here as ``httpx.ConnectError``
  (the same ``NetworkError("httpx.ConnectError: …")`` PTB's stock client gives).
- Proxies: the settings have none; a proxy from ``HTTP(S)_PROXY``/``ALL_PROXY`` (and
  ``NO_PROXY``) is still honoured, as with PTB's stock client: httpx routes proxied URLs through
  its own proxy transport (httpcore), only direct ones through aiohttp.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport
from telegram.request import HTTPXRequest

from bot.settings import TELEGRAM_HTTP_TRANSPORTS

#: httpx's own default (only used if a caller builds a :class:`BotApiClient` without limits).
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)

#: PTB's ``ApplicationBuilder`` defaults: up to 256 concurrent calls, one long poll at a time.
POOL_SIZE = 256
GET_UPDATES_POOL_SIZE = 1


def _sum(first: float | None, second: float | None) -> float | None:
    """Two timeouts in seconds, one after the other; ``None`` (no limit) wins."""
    if first is None or second is None:
        return None
    return first + second


class BotApiTransport(AiohttpTransport):
    """``httpx_aiohttp.AiohttpTransport`` with aiohttp's ``connect`` timeout set to httpx's
    ``pool + connect`` and connection failures raised as ``httpx.ConnectError`` instead of
    ``httpx.ConnectTimeout`` (see the module docstring). Its aiohttp ``ClientSession`` is opened
    on the first request, inside the running loop, and closed by ``aclose()``."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = request.extensions.get("timeout")
        if timeout:
            pool = _sum(timeout.get("pool"), timeout.get("connect"))
            request.extensions["timeout"] = {**timeout, "pool": pool}
        try:
            return await super().handle_async_request(request)
        except httpx.ConnectTimeout as exc:
            cause = exc.__cause__
            # Real timeouts (aiohttp's are asyncio.TimeoutError) stay timeouts.
            if cause is None or isinstance(cause, asyncio.TimeoutError):
                raise
            error = (
                httpx.ConnectError
                if isinstance(cause, aiohttp.ClientConnectorError)
                else httpx.NetworkError
            )
            raise error(str(cause), request=request) from cause


class BotApiClient(httpx.AsyncClient):
    """``httpx.AsyncClient`` whose default transport is a :class:`BotApiTransport`.

    Chosen through httpx's ``_init_transport`` hook (as ``httpx_aiohttp.HttpxAiohttpClient``
    does) rather than the ``transport=`` argument: with ``transport=`` httpx ignores the proxy
    environment variables, without it proxied URLs keep going through httpx's own proxy
    transports."""

    def _init_transport(
        self,
        verify: ssl.SSLContext | str | bool = True,
        cert: Any = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        limits: httpx.Limits = DEFAULT_LIMITS,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> httpx.AsyncBaseTransport:
        if transport is not None:
            return transport
        return BotApiTransport(
            verify=verify, cert=cert, trust_env=trust_env, http1=http1, http2=http2, limits=limits
        )


class AiohttpRequest(HTTPXRequest):
    """PTB's ``HTTPXRequest`` with a :class:`BotApiClient` (sending through aiohttp).

    Each client PTB builds gets a transport of its own: ``HTTPXRequest.initialize()`` rebuilds a
    client closed by ``shutdown()`` (``_build_client``, PTB 22.8), and one transport passed in
    ``httpx_kwargs`` would be shared by the rebuilt clients, with the aiohttp session the first
    shutdown closed."""

    __slots__ = ()

    def _build_client(self) -> httpx.AsyncClient:
        return BotApiClient(**self._client_kwargs)


def bot_request(transport: str, *, get_updates: bool = False) -> HTTPXRequest:
    """A PTB request object with ``ApplicationBuilder``'s defaults (pool of 256, or 1 for
    ``getUpdates``; PTB's timeouts: connect 5 s, read 5 s, write 5 s, uploads 20 s, pool 1 s —
    ``getUpdates`` adds its long-poll ``timeout`` to the read timeout itself).

    ``transport`` is one of ``bot.settings.TELEGRAM_HTTP_TRANSPORTS`` (the
    ``TELEGRAM_HTTP_TRANSPORT`` setting, checked there with a message in Vietnamese); raises
    ``ValueError`` for another. Build it outside a running loop or inside: no connection or
    session is opened until the first call."""
    pool_size = GET_UPDATES_POOL_SIZE if get_updates else POOL_SIZE
    if transport == "aiohttp":
        return AiohttpRequest(connection_pool_size=pool_size)
    if transport == "httpx":
        return HTTPXRequest(connection_pool_size=pool_size)
    raise ValueError(
        f"unknown Bot API transport {transport!r} (one of {', '.join(TELEGRAM_HTTP_TRANSPORTS)})"
    )
