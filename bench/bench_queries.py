"""Benchmark: loading, the parcel list (current and as of a past date), one parcel, and KPIs.

Runs against a database of its own (`yatou_bench` in the local cluster, or DATABASE_URL) with
the sample plan plus N synthetic parcels, each with a year of history. Prints its figures:

    python bench/bench_queries.py [--extra 5000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from gis_service import db
from gis_service.main import create_app
from gis_service.parcels.loader import load_folder
from gis_service.repo import parcel_writes
from gis_service.settings import PROJECT_ROOT, Settings

sys.path.insert(0, str(PROJECT_ROOT))
from bench.bench_db import fresh_database  # noqa: E402

GRID_ORIGIN = (122.415, 37.142)
CELL = 0.0004  # about 35 m: squares of 20 m with gaps, all inside the service area


def square(index: int) -> dict[str, Any]:
    """A small square on a grid, the index-th cell."""
    columns = 180
    x = GRID_ORIGIN[0] + (index % columns) * CELL
    y = GRID_ORIGIN[1] + (index // columns) * CELL
    side = CELL / 2
    ring = [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def add_synthetic(settings: Settings, count: int) -> float:
    """Create `count` compounds with four dated updates each; returns seconds taken."""
    engine = db.make_engine(settings)
    started = time.perf_counter()
    with db.transaction(engine) as session:
        for i in range(count):
            code = f"BENCH-{i:05d}"
            values = {
                "name": f"基准小区{i}",
                "category": "old_compound",
                "stage": "not_started",
                "progress": 0,
                "start_date": date(2021, 1, 1),
                "deadline": date(2021, 12, 31),
                "geometry": square(i),
            }
            parcel_writes.create_parcel(
                session, code=code, values=values, actor="bench", effective_date=date(2021, 1, 1)
            )
            for step in range(1, 5):
                parcel_writes.update_parcel(
                    session,
                    code=code,
                    changes={"progress": step * 20, "stage": "under_construction"},
                    actor="bench",
                    effective_date=date(2021, 1, 1) + timedelta(days=step * 60 + i % 30),
                )
    engine.dispose()
    return time.perf_counter() - started


def timed(call: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median milliseconds of a call over `repeat` runs, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def main() -> None:
    """Build the benchmark database and print every figure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--extra", type=int, default=5000, help="synthetic parcels to add")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measured request")
    args = parser.parse_args()
    settings = fresh_database("yatou_bench")

    engine = db.make_engine(settings)
    started = time.perf_counter()
    with db.transaction(engine) as session:
        load_folder(session, PROJECT_ROOT / "data" / "geo", today=date(2022, 1, 1))
    print(f"load sample plan (201 parcels, ~4,000 events): {time.perf_counter() - started:.2f} s")
    engine.dispose()
    seconds = add_synthetic(settings, args.extra)
    engine = db.make_engine(settings)
    db.analyze(engine)  # as `gis-service load` does after a bulk load
    engine.dispose()
    rate = args.extra / seconds
    print(f"write {args.extra} parcels x 5 events: {seconds:.1f} s ({rate:.0f} parcels/s)")

    with TestClient(create_app(settings)) as client:
        cases = {
            "GET /api/parcels (current, all)": "/api/parcels?limit=10000",
            "GET /api/parcels?as_of=2021-06-30 (folded from events)": (
                "/api/parcels?as_of=2021-06-30&limit=10000"
            ),
            "GET /api/parcels?category=key_project": "/api/parcels?category=key_project",
            "GET /api/parcels/KP-01?as_of=2021-06-30": "/api/parcels/KP-01?as_of=2021-06-30",
            "GET /api/kpis?as_of=2021-06-30": "/api/kpis?as_of=2021-06-30",
            "GET /map?as_of=2021-06-30 (above the embed limit: points)": "/map?as_of=2021-06-30",
            "GET /ogc/collections/old_compound/items?limit=1000": (
                "/ogc/collections/old_compound/items?limit=1000"
            ),
        }
        for label, url in cases.items():
            ms, response = timed(lambda url=url: client.get(url), args.repeat)
            assert response.status_code == 200, response.text
            size = len(response.content)
            print(f"{label}: {ms:.0f} ms median, {size / 1024:.0f} KiB")
    wide = settings.model_copy(update={"map_embed_limit": 100_000})
    with TestClient(create_app(wide)) as client:
        url = "/map?as_of=2021-06-30"
        ms, response = timed(lambda: client.get(url), args.repeat)
        size = len(response.content)
        print(f"GET {url} (all polygons embedded): {ms:.0f} ms median, {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
