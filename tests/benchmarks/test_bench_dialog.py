"""The dialog benchmark still drives the real bot end to end (a benchmark that silently stopped
measuring the dialog would report figures of nothing): two persons, the quick variants."""

from __future__ import annotations

import pytest

from benchmarks.bench_dialog import main, report

pytestmark = pytest.mark.slow


async def test_two_persons_complete_their_dialogs_and_the_report_names_both_bots() -> None:
    [results] = await main(contacts=2, quick=True, repeat=1)
    real, echo = results
    assert (real.name, echo.name) == ("real bot, no rate limiter", "bare PTB echo bot")
    # Each person's dialog on the real plan: /capnhat, task, status, result, four Bỏ qua, Xác nhận
    # (their agencies' first tasks ask for no figure): 9 steps each.
    assert real.steps == 18
    # The echo bot gets as many messages from each person.
    assert echo.steps == 18
    # The dialog's own calls are fixed by the dialog: one message per command or typed answer
    # (/capnhat, result), one answer and one edit per button (7), and Xác nhận's extra message;
    # polling varies with timing.
    assert {k: v for k, v in real.calls.items() if k != "getupdates"} == {
        "sendmessage": 2 * 3,
        "answercallbackquery": 2 * 7,
        "editmessagetext": 2 * 7,
    }
    assert {k: v for k, v in echo.calls.items() if k != "getupdates"} == {"sendmessage": 18}
    assert real.cpu_seconds > 0 and echo.cpu_seconds > 0
    text = report([results], 2)
    assert text.splitlines()[0] == (
        "2 persons at once; steps = user actions answered by the bot; 1 repetition(s): "
        "median (min–max)"
    )
    assert "ratio, no limiter both sides: " in text.splitlines()[-1]
