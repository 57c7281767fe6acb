"""The cold-KPI bench runs in its tiny form, so it cannot rot (issue 10 goal 6). Times are
printed, never asserted: only that both reads, the rules and the whole answer were measured."""

from __future__ import annotations

import subprocess
import sys

from gis_service.settings import PROJECT_ROOT


def test_kpi_bench_tiny_form_prints_before_and_after() -> None:
    command = [sys.executable, str(PROJECT_ROOT / "bench" / "bench_kpis.py"), "--parcels", "300",
               "--targets", "--repeat", "1", "--database", "yatou_city_kpis_tiny"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "300 parcels, 300 with a plan target" in done.stdout, done.stdout
    for label in ("before: whole rows", "after:  KPI fields", "rules (compute_kpis)"):
        assert done.stdout.count(label) == 2, f"{label!r} not twice in:\n{done.stdout}"
    assert done.stdout.count("cold /api/kpis ms") == 2
