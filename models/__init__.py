"""Data: SQLAlchemy 2 typed tables, engine/session setup, and repositories (queries).

Repositories take a session and never commit; the caller opens one unit of work per update/job with
``async with session_factory.begin():``.
"""

from models.base import Base

__all__ = ["Base"]

# Import every table module so ``Base.metadata`` is complete (Alembic, tests).
from models import people, plan, progress, reminders

__all__ += ["people", "plan", "progress", "reminders"]
