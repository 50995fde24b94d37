"""Dialogs as plain logic: state machines over our own database rows, no Telegram in here.

``dialogs.progress`` is the guided progress reply (``/capnhat``); ``handlers.progress`` is its thin
Telegram adapter. See ``dialogs/progress.mmd`` for the states.
"""
