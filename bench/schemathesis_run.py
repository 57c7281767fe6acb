"""Long form of tests/test_schemathesis.py: ≥ 1,000 generated cases, coverage phase on.

    GIS_PG_PORT=54331 python bench/schemathesis_run.py [examples per operation, default 25]

Runs the same pytest test (planner and admin tokens, real PostGIS, rolled back) with more
examples per operation and schemathesis's coverage phase (boundary and negative cases), and
prints how many cases it sent (each also probed by schemathesis's checks) and how long it
took. Stateful runs need OpenAPI links between operations, which the document lacks yet.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    """Run the long form and print the figures."""
    examples = sys.argv[1] if len(sys.argv) > 1 else "25"
    report = Path(tempfile.mkdtemp()) / "cases"
    env = os.environ | {
        "YATOU_SCHEMATHESIS_EXAMPLES": examples,
        "YATOU_SCHEMATHESIS_REPORT": str(report),
        "PYTHONPATH": str(ROOT),
    }
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "tests/test_schemathesis.py"],
        cwd=ROOT, env=env, check=False, capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.monotonic() - started
    tail = result.stdout.strip().splitlines()[-3:]
    print("\n".join(tail))
    cases = report.read_text(encoding="utf-8") if report.exists() else "?"
    print(f"examples per operation {examples}: {cases} cases sent (planner and admin),"
          f" {seconds:.0f} s, exit {result.returncode}")  # fmt: skip
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
