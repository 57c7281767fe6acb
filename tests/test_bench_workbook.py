"""The workbook bench runs in its tiny form, so it cannot rot (issue 12). Times are printed,
never asserted: only that both readers read every row and the figures were printed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench_workbook.py"


def test_workbook_bench_tiny_form_prints_both_readers_and_the_ratio() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH), "--rows", "50"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    for line in ("XLSX 50 rows, openpyxl:", "XLSX 50 rows, calamine:", "ratio", "XLS  50 rows"):
        assert line in result.stdout, result.stdout
