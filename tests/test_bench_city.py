"""The city bench runs in its tiny form, so it cannot rot (issue 10). Times are printed by the
bench, never asserted here: only that every goal's measurement ran and was answered."""

from __future__ import annotations

import subprocess
import sys

from gis_service.settings import PROJECT_ROOT

LABELS = (
    "start-up to first /healthz",
    "project /api/parcels, bbox of 1,000, 2 clients",
    "raw SQL, the same page built by PostgreSQL (pgbench), 8 clients",
    "raw SQL minimal GeoJSON page (pgbench), 8 clients",
    "bbox page, as of 2021-06-30, 1 client",
    "project tile z16 (uncached), 8 clients",
    "raw ST_AsMVT z16 (pgbench), 8 clients",
    "project PATCH one field, 8 clients",
    "cold /api/kpis, as of 2021-07-15",
    "mixed load, 256 clients",
    "/healthz right after the burst",
)


def test_city_bench_tiny_form_measures_every_goal() -> None:
    command = [sys.executable, str(PROJECT_ROOT / "bench" / "bench_city.py"), "--parcels", "300",
               "--seconds", "0.2", "--workers", "2", "--overload",
               "--database", "yatou_city_tiny"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    for label in LABELS:
        assert label in done.stdout, f"{label!r} missing from:\n{done.stdout}"
    assert "error×" not in done.stdout  # every request was answered (200, or 503 when busy)
    assert "500×" not in done.stdout
