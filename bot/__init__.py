"""Composition root: settings, the Application factory, i18n setup and the CLI (``python -m bot``)."""
