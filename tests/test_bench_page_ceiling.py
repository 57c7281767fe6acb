"""The page-ceiling bench runs in its tiny form, so it cannot rot (issue 10 goal 1). Its times
are printed, never asserted: only that each reader read pages and the CPU was accounted."""

from __future__ import annotations

import re
import subprocess
import sys

from gis_service.settings import PROJECT_ROOT

READERS = (
    "pgbench, the page statement",
    "the service's read alone (psycopg, asyncio, no HTTP)",
    "the service, /api/parcels (wrk)",
    "a minimal FastAPI + psycopg app, the same statement (wrk)",
)


def test_page_ceiling_bench_tiny_form_reads_with_each_reader() -> None:
    command = [sys.executable, str(PROJECT_ROOT / "bench" / "bench_page_ceiling.py"),
               "--parcels", "300", "--seconds", "1", "--rounds", "1",
               "--database", "yatou_ceiling_tiny"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    for reader in READERS:
        found = re.search(rf"^{re.escape(reader)}: ([\d.]+)/s; machine ([\d.]+), "
                          rf"PostgreSQL ([\d.]+), client ([\d.]+)", done.stdout, re.M)  # fmt: skip
        assert found, f"{reader!r} missing from:\n{done.stdout}"
        per_second, machine, postgres, _client = (float(v) for v in found.groups())
        assert per_second > 0 and machine > 0 and postgres > 0, found.group(0)
    assert done.stdout.count("  ratio ") == 3, done.stdout
