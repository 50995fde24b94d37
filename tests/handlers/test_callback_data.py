"""Callback data: the format, the 64-byte limit, versions, anchored patterns."""

from __future__ import annotations

import re

import pytest

from handlers import callback_data as cb


def test_builders_and_parse_round_trip() -> None:
    assert cb.open_task("5b", 2) == "upd:v1:open:5b:2"
    assert cb.done_task("10c") == "upd:v1:done:10c:0"
    assert cb.snooze(12345) == "rem:v1:snooze:12345"
    parsed = cb.parse("upd:v1:open:5b:2")
    assert (parsed.prefix, parsed.action, parsed.args) == ("upd", "open", ("5b", "2"))
    assert parsed.arg_int(1) == 2


def test_limits_and_errors() -> None:
    with pytest.raises(cb.CallbackDataError):
        cb.build("upd", "open", "x" * 60)  # 72 bytes
    with pytest.raises(cb.CallbackDataError):
        cb.build("upd", "open", "a:b")
    with pytest.raises(cb.CallbackDataError):
        cb.parse("upd:v0:open:5b:0")
    with pytest.raises(cb.CallbackDataError):
        cb.parse("garbage")
    with pytest.raises(cb.CallbackDataError):
        cb.parse("upd:v1:open:x").arg_int(1)


def test_pattern_is_anchored_and_accepts_old_versions() -> None:
    rx = re.compile(cb.pattern("upd"))
    assert rx.match("upd:v1:open:5b:0")
    assert rx.match("upd:v0:open:5b:0")  # reaches the handler, which answers with a notice
    assert not rx.match("xupd:v1:open:5b:0")
    assert not rx.match("rem:v1:snooze:1")


def test_dialog_buttons_carry_token_and_step() -> None:
    data = cb.dialog("st", 12, 345, "in_progress")
    assert data == "upd:v1:st:12:345:in_progress"
    assert cb.dialog_parts(cb.parse(data)) == (12, 345, "in_progress")
    assert cb.dialog_parts(cb.parse(cb.dialog("ok", 1, 2))) == (1, 2, "")
    # The longest a dialog makes: a field name with six-digit token and step.
    assert len(cb.dialog("field", 999999, 999999, "difficulties")) <= 64
    with pytest.raises(cb.CallbackDataError):
        cb.dialog_parts(cb.parse("upd:v1:open:5a:0"))
    with pytest.raises(cb.CallbackDataError):
        cb.dialog("open", 1, 1)


def test_ad_hoc_entry_button() -> None:
    data = cb.open_adhoc(10**17)
    assert data == "upd:v1:adhoc:100000000000000000" and len(data.encode()) <= 64
    parsed = cb.parse(data)
    assert parsed.action in cb.UPD_ENTRY_ACTIONS and parsed.arg_int(0) == 10**17
