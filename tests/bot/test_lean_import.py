"""The bot starts without the report-file libraries: they load on the first report file, in the
worker thread that builds it (``handlers.reports._build_files``), so a bot that never builds one
does not carry their memory (about 70 MB of its RSS)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_building_the_application_imports_no_file_library() -> None:
    code = (
        "import sys\n"
        "import bot.app, bot.run\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'matplotlib', 'numpy', 'docx', 'openpyxl', 'PIL'})\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


def test_the_process_freezes_its_start_up_objects_after_a_collection() -> None:
    # A reference cycle dropped before the freeze must be collected, not frozen with the rest.
    code = (
        "import gc, weakref\n"
        "import bot.app, bot.run\n"
        "class Node: pass\n"
        "n = Node(); n.me = n; gone = weakref.ref(n); del n\n"
        "frozen = bot.run.freeze_startup_objects()\n"
        "print(frozen, gc.get_freeze_count(), gone() is None)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    frozen, count, collected = out.stdout.split()
    assert int(frozen) == int(count) > 50_000  # modules, PTB, SQLAlchemy, the catalog…
    assert collected == "True"
