"""Callback data of every inline button, built and parsed in one place.

Format ``<prefix>:v1:<action>[:<arg>…]`` — a prefix per feature, a version so that buttons of an
older release are recognised and refused politely, and always ≤ 64 bytes (Telegram's limit).
Handler patterns are anchored: use ``pattern(prefix)``.

Known actions (other modules may add their own under their own prefix):

- ``upd:v1:open:<task>:<occurrence>`` — "Cập nhật ngay": open the progress dialog on a task
  (occurrence 0 = the task's only/next deadline);
- ``upd:v1:done:<task>:<occurrence>`` — "Đã hoàn thành": one-tap reply, confirmed before it counts;
- ``upd:v1:adhoc:<request id>`` — "Báo cáo ngay" on an ad hoc request's reminder: open the progress
  dialog answering that request (period ``adhoc:<request id>``);
- ``upd:v1:<action>:<token>:<step>[:<arg>]`` — a button inside the progress dialog (``dialogs``):
  honoured only while the contact's dialog is at that token and step (``dialogs.progress.press``);
- ``rem:v1:snooze:<outbox_id>`` — "Nhắc lại sau": snooze a reminder item to the next working day;
- ``rpt:v1:p:<period id>`` — a period button of ``/baocao`` (``handlers.reports``);
- ``rpt:v1:a:<request id>`` — an ad hoc request's button of ``/baocao``;
- ``rpt:v1:f:<version id>`` — a deliverable's button under ``/baocao``'s report: send the file of
  that ``progress_report_versions`` row (its id, never the Telegram file_id, which may be longer
  than 64 bytes);
- ``dx:v1:cancel:<request id>`` / ``dx:v1:keep`` — the answer to ``/huydotxuat`` (``handlers.admin``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VERSION = "v1"
MAX_BYTES = 64
_SAFE = re.compile(r"^[0-9A-Za-z_.\-]+$")


class CallbackDataError(ValueError):
    """Callback data that is malformed, of another version, or over 64 bytes."""


@dataclass(frozen=True)
class CallbackData:
    """Parsed callback data: ``prefix``, ``action`` and its string ``args``."""

    prefix: str
    action: str
    args: tuple[str, ...] = ()

    def arg_int(self, index: int) -> int:
        """Argument ``index`` as an int; raises ``CallbackDataError`` when it is not one."""
        try:
            return int(self.args[index])
        except (IndexError, ValueError) as exc:
            raise CallbackDataError(f"argument {index} of {self} is not an integer") from exc


def build(prefix: str, action: str, *args: object) -> str:
    """``prefix:v1:action:arg…``; raises ``CallbackDataError`` if a part has ``:`` or unsafe
    characters, or the result is over 64 bytes (UTF-8)."""
    parts = [prefix, VERSION, action, *(str(a) for a in args)]
    for part in parts:
        if not _SAFE.match(part):
            raise CallbackDataError(f"unsafe callback data part {part!r}")
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise CallbackDataError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def parse(data: str) -> CallbackData:
    """Parse ``data``; raises ``CallbackDataError`` for another version or a malformed string."""
    parts = data.split(":")
    if len(parts) < 3 or not all(parts[:3]):
        raise CallbackDataError(f"malformed callback data {data!r}")
    if parts[1] != VERSION:
        raise CallbackDataError(f"callback data of another version {data!r}")
    return CallbackData(prefix=parts[0], action=parts[2], args=tuple(parts[3:]))


def pattern(prefix: str) -> str:
    """An anchored regex matching any callback data of ``prefix`` (any version, so that old
    buttons reach the handler and get a polite notice instead of an endless spinner)."""
    return rf"^{re.escape(prefix)}:v\d+:[^:]+(:[^:]*)*$"


def open_task(task_code: str, occurrence: int = 0) -> str:
    """ "Cập nhật ngay" on a task (and deadline occurrence)."""
    return build("upd", "open", task_code, occurrence)


def done_task(task_code: str, occurrence: int = 0) -> str:
    """ "Đã hoàn thành" one-tap reply on a task (and deadline occurrence)."""
    return build("upd", "done", task_code, occurrence)


def open_adhoc(request_id: int) -> str:
    """ "Báo cáo ngay" on an ad hoc request (≤ 64 bytes: an id of up to 18 digits)."""
    return build("upd", "adhoc", request_id)


#: Actions of ``upd`` that are not dialog steps (they carry a task or a request, not a token and
#: step).
UPD_ENTRY_ACTIONS = frozenset({"open", "done", "adhoc"})


def dialog(action: str, token: int, step: int, arg: str = "") -> str:
    """A progress-dialog button: ``upd:v1:<action>:<token>:<step>[:<arg>]``."""
    if action in UPD_ENTRY_ACTIONS:
        raise CallbackDataError(f"{action!r} is an entry action, not a dialog step")
    return build("upd", action, token, step, *([arg] if arg else []))


def dialog_parts(data: CallbackData) -> tuple[int, int, str]:
    """``(token, step, arg)`` of a dialog button; raises ``CallbackDataError`` if malformed."""
    if data.prefix != "upd" or data.action in UPD_ENTRY_ACTIONS or len(data.args) not in (2, 3):
        raise CallbackDataError(f"not a dialog button: {data}")
    arg = data.args[2] if len(data.args) == 3 else ""
    return data.arg_int(0), data.arg_int(1), arg


def deliverable(version_id: int) -> str:
    """A deliverable's button of ``/baocao``: ``rpt:v1:f:<version id>`` (≤ 64 bytes: an id of up
    to 18 digits)."""
    return build("rpt", "f", version_id)


def snooze(outbox_id: int) -> str:
    """ "Nhắc lại sau" on one outbox item."""
    return build("rem", "snooze", outbox_id)
