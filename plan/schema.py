"""The pydantic schema of a parsed plan (what ``python -m bot plan parse FILE --json`` prints).

Dates are calendar dates (no time zone). The JSON Schema of this output is committed as
``plan/plan.schema.json`` (regenerate with ``python -m plan.schema``).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_PATH = Path(__file__).resolve().parent / "plan.schema.json"


class Occurrence(BaseModel):
    """One dated piece of a timeline: due on ``due``; ``start`` is the window's first day or None."""

    model_config = ConfigDict(frozen=True)

    start: date | None = None
    due: date


class Schedule(BaseModel):
    """A timeline phrase read by ``plan.timeline.parse_timeline``.

    ``deadlines`` sorted and distinct; ``window_start`` the earliest window start (None for a single
    month, part of a month or date); ``recurrence`` "monthly" | "quarterly" | "yearly" | None;
    ``on_event`` the phrase that triggers the task ("Khi có hướng dẫn của Trung ương"); ``focus``
    ISO dates or yearly ``--MM-DD``; ``occurrences`` each deadline with its own window start.
    """

    text: str
    deadlines: list[date] = Field(default_factory=list)
    window_start: date | None = None
    ongoing: bool = False
    recurrence: Literal["monthly", "quarterly", "yearly"] | None = None
    on_event: str | None = None
    focus: list[str] = Field(default_factory=list)
    occurrences: list[Occurrence] = Field(default_factory=list)


class SectionDoc(BaseModel):
    """A "Mục" row of the appendix."""

    number: int
    title: str


class TaskDoc(BaseModel):
    """A task row: ``code`` "1a" / "2"; agency names canonical, in the document's order;
    ``support`` may hold group names (listed again in ``support_groups``); ``leader`` as the
    document writes it (rejoined, NFC); ``content``/``measures`` one bullet per line ("- ")."""

    code: str
    section: int
    content: str
    measures: str
    timeline: str
    lead: list[str]
    support: list[str]
    leader: str
    deadlines: list[date]
    window_start: date | None
    ongoing: bool
    on_event: str | None
    recurrence: Literal["monthly", "quarterly", "yearly"] | None = None
    focus: list[str] = Field(default_factory=list)
    occurrences: list[Occurrence] = Field(default_factory=list)
    lead_groups: list[str] = Field(default_factory=list, description="lead names that are groups")
    support_groups: list[str] = Field(
        default_factory=list, description="support names that are groups, not agencies"
    )


class PlanDocument(BaseModel):
    """A parsed plan: its sections and tasks in the document's order."""

    title: str = ""
    province: str = ""
    year: int | None = None
    sections: list[SectionDoc]
    tasks: list[TaskDoc]

    def default_key(self) -> str | None:
        """``ha-tinh-2026`` from the province and year, or None when either is unknown."""
        from plan.text import fold

        if not self.province or self.year is None:
            return None
        return f"{fold(self.province).replace(' ', '-')}-{self.year}"

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON shape of ``plan parse --json`` (dates as ISO strings)."""
        return self.model_dump(mode="json")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``PlanDocument.to_json_dict()``."""
    schema = PlanDocument.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Parsed plan (python -m bot plan parse FILE --json)"
    return schema


def main() -> None:
    """``python -m plan.schema``: rewrite ``plan/plan.schema.json``."""
    SCHEMA_PATH.write_text(
        json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"wrote {SCHEMA_PATH}", file=sys.stderr)


if __name__ == "__main__":
    main()
