"""Errors of the plan reader. Messages are Vietnamese: the standing office reads them."""

from __future__ import annotations


class PlanError(Exception):
    """Base of every error raised by ``plan``."""


class TimelineError(PlanError):
    """A timeline phrase ("Thời gian") that the grammar cannot read. Never guessed around."""


class PlanParseError(PlanError):
    """The plan document cannot be read; the message names the row (line of the .txt export or
    row of the .docx table) and the task code when known."""


class UnknownAgencyError(PlanParseError):
    """An agency cell names an organization the registry does not know (add it with
    ``python -m bot agency add NAME [--alias A]``)."""

    def __init__(self, message: str, name: str) -> None:
        super().__init__(message)
        self.name = name
