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
