"""Goals 1 and 5 of issue 10 alone: GeoJSON pages and PATCH, from bench_city.py's functions.

    python bench/bench_pages.py [--parcels 20000] [--seconds 3] [--reuse] [--tipg]

The same measurements, baselines and ratios as bench_city.py's `reads`, `as_of_reads` and
`writes` (goal 2 is printed too, so that a change to pages shows it kept the as-of ratio),
without tiles, overload or start-up: quicker to run back to back while changing pages.
`--reuse` keeps a database built by an earlier run with the same `--database` (or
DATABASE_URL's, as it is): two runs back to back, before and after a change, on the same data.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_city import (  # noqa: E402
    Report,
    as_of_reads,
    reads,
    serving,
    tipg_serving,
    writes,
)
from bench_db import fresh_database  # noqa: E402
from city_data import bbox_around, build_city  # noqa: E402
from load import http_load  # noqa: E402

from gis_service import db, pg_local  # noqa: E402
from gis_service.settings import Settings  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    """Build (or reuse) the city, then measure pages, as-of pages and PATCH."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parcels", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", default="yatou_city_pages")
    parser.add_argument("--reuse", action="store_true", help="keep an already built database")
    parser.add_argument("--tipg", action="store_true", help="also measure TiPg items")
    parser.add_argument(
        "--goals", default="pages,as-of,writes", help="which of pages, as-of, writes to run"
    )
    args = parser.parse_args(argv)
    if args.reuse:
        outside = Settings(_env_file=None)  # type: ignore[call-arg]
        if outside.database_url:
            url = str(outside.database_url)
        else:
            pg_local.start(outside)
            url = pg_local.url(outside, args.database)
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        engine = db.make_engine(settings)
        db.upgrade(engine, settings)
        engine.dispose()
    else:
        settings = fresh_database(args.database)
        engine = db.make_engine(settings)
        started = time.perf_counter()
        build_city(engine, args.parcels)
        engine.dispose()
        print(f"built {args.parcels} parcels x 14 events in {time.perf_counter() - started:.1f} s")
    report = Report()
    bbox = ",".join(f"{v:.6f}" for v in bbox_around(args.parcels // 2, 32))
    with serving(settings, args.workers) as base:
        goals = set(args.goals.split(","))
        if "pages" in goals:
            reads(report, settings, base, bbox, args)
        if "as-of" in goals:
            as_of_reads(report, base, bbox, args)
        if "writes" in goals:
            writes(report, settings, base, args)
    if args.tipg:
        with tipg_serving(settings) as tipg:
            items = f"{tipg}/collections/public.parcel/items?bbox={bbox}&limit=1000"
            report.load("TiPg items, bbox of 1,000, 8 clients", http_load(items, 8, args.seconds))
        report.ratio(
            "GeoJSON page / TiPg",
            "project /api/parcels, bbox of 1,000, 8 clients",
            "TiPg items, bbox of 1,000, 8 clients",
            goal=5.0,
        )


if __name__ == "__main__":
    main()
