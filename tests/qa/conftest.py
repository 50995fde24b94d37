"""The QA tests reuse the bot tests' fixtures (a migrated database and its session factory)."""

from tests.bot.conftest import session_factory

__all__ = ["session_factory"]
