"""The aiohttp application: the Bot API at ``/bot<token>/<method>``, file downloads at
``/file/bot<token>/<file_path>`` and the control API under ``/control/`` (see
:mod:`emulator.control_http`).

Public API::

    create_app(settings: Settings | None = None, clock: Clock | None = None) -> web.Application
        # app[EMULATOR] is the Emulator (state, settings, clock)
    async with running(settings, clock, host="127.0.0.1", port=0) as server:  # -> RunningServer
        server.url  # "http://127.0.0.1:<port>"
    run(host, port, settings)  # blocking, what ``python -m emulator`` calls
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from . import control_http
from .botapi import METHODS
from .clock import Clock
from .core import Emulator
from .errors import ApiError
from .params import read_params
from .settings import Settings

log = logging.getLogger(__name__)

EMULATOR = web.AppKey("emulator", Emulator)

_UNAUTHORIZED = json.dumps({"ok": False, "error_code": 401, "description": "Unauthorized"})
_NOT_FOUND = json.dumps({"ok": False, "error_code": 404, "description": "Not Found"})


def _json(body: Any, status: int = 200) -> web.Response:
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return web.Response(text=text, status=status, content_type="application/json")


async def bot_api(request: web.Request) -> web.Response:
    """One Bot API call: token check, injected fault, then the method itself."""
    emu = request.app[EMULATOR]
    if request.match_info["token"] != emu.settings.token:
        return _json(_UNAUTHORIZED, 401)
    name = request.match_info["method"].lower()
    method = METHODS.get(name)
    if method is None:
        return _json(_NOT_FOUND, 404)
    try:
        params = await read_params(request)
        fault = emu.state.take_fault(name)
        if fault is not None:
            raise fault
        result = await method(emu, params)
    except ApiError as error:
        return _json(error.body(), error.code)
    return _json({"ok": True, "result": result})


async def download(request: web.Request) -> web.StreamResponse:
    emu = request.app[EMULATOR]
    if request.match_info["token"] != emu.settings.token:
        return _json(_UNAUTHORIZED, 401)
    stored = emu.state.files_by_path.get(request.match_info["path"])
    if stored is None:
        return _json(_NOT_FOUND, 404)
    return web.Response(body=stored.content, content_type="application/octet-stream")


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> web.Application:
    """The emulator as an aiohttp application (real time unless a clock is given)."""
    app = web.Application(client_max_size=64 * 1024 * 1024)
    emu = Emulator(settings, clock)
    app[EMULATOR] = emu
    app.router.add_route("*", "/bot{token}/{method}", bot_api)
    app.router.add_get("/file/bot{token}/{path:.+}", download)
    control_http.add_routes(app.router, emu)

    async def on_cleanup(_app: web.Application) -> None:
        await emu.close()

    app.on_cleanup.append(on_cleanup)
    return app


@dataclass
class RunningServer:
    """A started emulator: ``url`` is ``http://host:port``; ``emulator`` its state."""

    url: str
    app: web.Application

    @property
    def emulator(self) -> Emulator:
        return self.app[EMULATOR]


@asynccontextmanager
async def running(
    settings: Settings | None = None,
    clock: Clock | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> AsyncIterator[RunningServer]:
    """Serve the emulator on the current event loop (``port=0``: a free port) until exit."""
    app = create_app(settings, clock)
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    server = site._server
    assert server is not None
    sockets = getattr(server, "sockets", None) or []
    bound = sockets[0].getsockname()[1] if sockets else port
    try:
        yield RunningServer(f"http://{host}:{bound}", app)
    finally:
        await app[EMULATOR].close()
        await runner.cleanup()


def run(host: str = "127.0.0.1", port: int = 8081, settings: Settings | None = None) -> None:
    """Serve until interrupted, on real time (blocking)."""
    web.run_app(
        create_app(settings),
        host=host,
        port=port,
        access_log=None,
        handler_cancellation=True,
        print=None,  # our own banner says where we listen
    )
