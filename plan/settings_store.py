"""Per-plan settings (table ``plan_settings``, JSON values): ``python -m bot plan set/get``.

Known keys are validated; other keys (added by later features) are stored as given — JSON when
the text parses as JSON, else a string. Defaults come from the caller (the bot's settings) or the
table below.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from locales import _
from models.plan import PlanSetting


class SettingError(ValueError):
    """A value that does not fit its setting (Vietnamese message)."""


def _date(text: str) -> str:
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError as exc:
        raise SettingError(
            _("“{value}” không phải ngày dạng YYYY-MM-DD.").format(value=text)
        ) from exc


def _int(text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError as exc:
        raise SettingError(_("“{value}” không phải số nguyên.").format(value=text)) from exc
    if value < 0:
        raise SettingError(_("“{value}” phải không âm.").format(value=text))
    return value


def _int_list(text: str) -> list[int]:
    return [_int(part) for part in text.replace(";", ",").split(",") if part.strip()]


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingError(_("Giá trị phải là một đối tượng JSON.")) from exc
    if not isinstance(value, dict):
        raise SettingError(_("Giá trị phải là một đối tượng JSON."))
    return value


@dataclass(frozen=True)
class SettingSpec:
    """A known setting: how to read its text and its default (JSON value)."""

    parse: Callable[[str], Any]
    default: Any
    help: str


KNOWN: dict[str, SettingSpec] = {
    "campaign_start": SettingSpec(_date, None, "first day of the campaign (YYYY-MM-DD)"),
    "campaign_end": SettingSpec(_date, None, "last day of the campaign (YYYY-MM-DD)"),
    # ~12,000 is a press figure for Hà Tĩnh (DOMAIN.md); the office enters the real count.
    "unidentified_graves": SettingSpec(_int, 12_000, "unidentified graves in the province"),
    "report_due_working_days": SettingSpec(_int, 2, "working days from cut-off to due date"),
    "reminder_offsets_days": SettingSpec(_int_list, [7, 3, 1], "days before a deadline to remind"),
    "report_header": SettingSpec(_json_object, {}, "report header/signature texts (JSON object)"),
}


def parse_value(key: str, text: str) -> Any:
    """The JSON value ``text`` gives for ``key`` (validated for known keys)."""
    spec = KNOWN.get(key)
    if spec is not None:
        return spec.parse(text)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


async def set_setting(session: AsyncSession, plan_id: int, key: str, text: str) -> Any:
    """Store ``key`` = ``text`` (parsed) for the plan; returns the stored value. Does not commit."""
    value = parse_value(key, text)
    row = await session.scalar(
        select(PlanSetting).where(PlanSetting.plan_id == plan_id, PlanSetting.key == key)
    )
    if row is None:
        session.add(PlanSetting(plan_id=plan_id, key=key, value=value))
    else:
        row.value = value
    await session.flush()
    return value


async def all_settings(
    session: AsyncSession, plan_id: int, *, defaults: Mapping[str, Any] | None = None
) -> dict[str, tuple[Any, bool]]:
    """Every known and stored setting: name → (value, is_default). ``defaults`` (from the bot's
    settings, e.g. the campaign dates) override the table's defaults."""
    merged = {key: spec.default for key, spec in KNOWN.items()} | dict(defaults or {})
    values: dict[str, tuple[Any, bool]] = {key: (value, True) for key, value in merged.items()}
    rows = (await session.scalars(select(PlanSetting).where(PlanSetting.plan_id == plan_id))).all()
    for row in sorted(rows, key=lambda r: r.key):
        values[row.key] = (row.value, False)
    return values


async def get_setting(session: AsyncSession, plan_id: int, key: str, default: Any = None) -> Any:
    """The stored value of ``key``, else ``default``, else the table's default."""
    row = await session.scalar(
        select(PlanSetting.value).where(PlanSetting.plan_id == plan_id, PlanSetting.key == key)
    )
    if row is not None:
        return row
    if default is not None:
        return default
    spec = KNOWN.get(key)
    return spec.default if spec else None
