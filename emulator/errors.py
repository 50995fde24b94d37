"""Bot API errors with Telegram's own codes and descriptions.

A handler raises :class:`ApiError`; the server turns it into Telegram's error body
``{"ok": false, "error_code": N, "description": "...", "parameters": {...}}`` so that
python-telegram-bot maps it to ``BadRequest`` (400), ``Forbidden`` (403), ``InvalidToken``
(401/404), ``Conflict`` (409), ``RetryAfter`` (429 with ``retry_after``) or ``ChatMigrated``
(400 with ``migrate_to_chat_id``).
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API error response: ``code`` is the HTTP status and ``error_code``."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(what: str, parameters: dict[str, Any] | None = None) -> ApiError:
    """400 ``Bad Request: <what>``."""
    return ApiError(400, f"Bad Request: {what}", parameters)


def forbidden(what: str) -> ApiError:
    """403 ``Forbidden: <what>``."""
    return ApiError(403, f"Forbidden: {what}")


def too_many_requests(retry_after: int) -> ApiError:
    """429 with ``parameters.retry_after`` in whole seconds (as Telegram sends it)."""
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def conflict(what: str) -> ApiError:
    """409 ``Conflict: <what>``."""
    return ApiError(409, f"Conflict: {what}")


CHAT_NOT_FOUND = "chat not found"
BLOCKED = "bot was blocked by the user"
MIGRATED = "group chat was upgraded to a supergroup chat"
