"""The progress dialog's states and its draft, as stored in ``dialog_states`` (JSON).

States are named after what the bot waits for (STYLE.md practice 7). The draft carries everything
the dialog chose or was told so far, plus what it needs to render a step without another query
(task code and title, the indicators to ask, the open periods at the start).
"""

from __future__ import annotations

import enum
from decimal import Decimal

from pydantic import BaseModel, Field


class Waiting(enum.StrEnum):
    """What the bot waits for next."""

    CHOOSING_TASK = "choosing_task"
    CHOOSING_OCCURRENCE = "choosing_occurrence"
    CHOOSING_CORRECTION = "choosing_correction"  # a confirmed reply exists: edit it?
    CHOOSING_STATUS = "choosing_status"
    TYPING_FIGURE = "typing_figure"
    CONFIRMING_FIGURE = "confirming_figure"  # an ambiguous number ("12.5")
    TYPING_RESULT = "typing_result"
    TYPING_DIFFICULTIES = "typing_difficulties"
    TYPING_NEXT_STEPS = "typing_next_steps"
    TYPING_PROPOSALS = "typing_proposals"
    SENDING_ATTACHMENT = "sending_attachment"
    CONFIRMING = "confirming"  # the summary: Xác nhận / Sửa / Hủy
    CHOOSING_FIELD = "choosing_field"  # Sửa: which part to change
    CHOOSING_PERIOD = "choosing_period"  # two periods open: which one this reply answers
    CONFIRMING_DONE = "confirming_done"  # one-tap "Đã hoàn thành"


#: The free-text parts of a reply, in the order they are asked, with their draft field.
TEXT_STEPS: dict[Waiting, str] = {
    Waiting.TYPING_RESULT: "result",
    Waiting.TYPING_DIFFICULTIES: "difficulties",
    Waiting.TYPING_NEXT_STEPS: "next_steps",
    Waiting.TYPING_PROPOSALS: "proposals",
}


class Outcome(enum.StrEnum):
    """``dialog_states.outcome``: how the last dialog of a contact stands."""

    ACTIVE = "active"
    TIMED_OUT = "timed_out"  # the draft is kept and offered on return
    CANCELLED = "cancelled"
    DONE = "done"


class IndicatorAsk(BaseModel):
    """An indicator the dialog asks a figure for."""

    id: int
    name: str
    unit: str
    whole: bool = True  # a count: fractions are refused (``plan.indicators.counts_whole``)
    #: The agency whose figure counts in totals for this task, and its name (a draft stored before
    #: these fields existed has None/"": no note is shown).
    owner_id: int | None = None
    owner: str = ""


class Attachment(BaseModel):
    """A deliverable sent as a document or photo, kept by Telegram ``file_id``."""

    file_id: str
    kind: str  # "document" | "photo"
    name: str | None = None


class Draft(BaseModel):
    """The unfinished reply. Texts are NFC; figures are decimal strings keyed by indicator id."""

    page: int = 0
    task_id: int | None = None
    task_code: str = ""
    task_title: str = ""
    occurrence: int = 0
    deadlines: list[str] = Field(default_factory=list)  # ISO dates, occurrence order
    is_lead: bool = False
    indicators: list[IndicatorAsk] = Field(default_factory=list)
    periods: list[str] = Field(default_factory=list)  # open at the start, default first
    period: str = ""
    #: Plain-text labels of the periods that are ad hoc requests (``adhoc:7`` → "Đột xuất: …
    #: (hạn 04/12/2026)"): their subject is in the database, not in the identifier.
    period_labels: dict[str, str] = Field(default_factory=dict)
    status: str | None = None
    figures: dict[str, str] = Field(default_factory=dict)
    figure_index: int = 0
    candidates: list[str] = Field(default_factory=list)  # readings of an ambiguous figure
    dropped: list[str] = Field(default_factory=list)  # its fractional readings, refused
    ambiguous_text: str = ""
    result: str | None = None
    difficulties: str | None = None
    next_steps: str | None = None
    proposals: str | None = None
    attachment: Attachment | None = None
    #: A text typed at the current text step but longer than the limit: kept for one step, for
    #: the "Dùng 2000 ký tự đầu" button (``dialogs.progress``); cleared by the next event.
    too_long: str | None = None
    #: The version this draft corrects (None: a first reply).
    corrects_version: int | None = None
    #: Back stack: (state, figure index) of the steps before the current one.
    history: list[tuple[str, int]] = Field(default_factory=list)
    #: True while changing one part from the summary: the next step returns to it.
    editing_one: bool = False

    def figure(self, indicator_id: int) -> Decimal | None:
        """The figure entered for ``indicator_id``, if any."""
        raw = self.figures.get(str(indicator_id))
        return Decimal(raw) if raw is not None else None
