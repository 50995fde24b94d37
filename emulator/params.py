"""Reading Bot API parameters the way Telegram accepts them: from the query string, an
``application/x-www-form-urlencoded`` or ``multipart/form-data`` body (what python-telegram-bot
sends: scalars as text, objects as JSON text, files as parts) or an ``application/json`` body."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .errors import bad_request


@dataclass
class Upload:
    """A file sent in a multipart body."""

    filename: str
    content_type: str
    content: bytes


class Params:
    """Typed access to one request's parameters."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload]) -> None:
        self.values = values
        self.uploads = uploads

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def obj(self, name: str, what: str = "JSON object") -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {what}") from None
        return value

    def chat_id(self) -> Any:
        value = self.values.get("chat_id")
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        return value

    def message_id(self) -> int:
        value = self.integer("message_id")
        if value is None:
            raise bad_request("message identifier is not specified")
        return value


async def read_params(request: web.Request) -> Params:
    """Collect the parameters of a Bot API request (query string first, then the body)."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                values.update(body)
        else:
            form = await request.post()
            for key, item in form.items():
                if isinstance(item, web.FileField):
                    uploads[key] = Upload(item.filename or key, item.content_type, item.file.read())
                else:
                    values[key] = item
    return Params(values, uploads)
