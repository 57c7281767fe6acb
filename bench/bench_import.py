"""Benchmark: a GeoPackage of new parcels imported by the bulk path (validated, written with
their events) against a plain COPY of the same rows into a bare table, in the same run.

Runs against a database of its own (`yatou_bench_import` in the local cluster, or
DATABASE_URL; `--database` names another). Prints its figures, with where the import's time
went: reading the file, typing its cells, geometry and rows, COPY into staging, the checks,
the parcels' INSERT, the events' INSERT and, within it, the trigger that folds the events
into parcel_state (from PostgreSQL's function statistics, when the role may turn them on):

    python bench/bench_import.py [--rows 100000] [--database yatou_bench_import]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

import geopandas as gpd
import shapely

from gis_service import db
from gis_service.api.auth import User
from gis_service.repo import bulk_import
from gis_service.settings import PROJECT_ROOT
from gis_service.transfer.bulk import bulk_create, prepare

sys.path.insert(0, str(PROJECT_ROOT))
from bench.bench_db import fresh_database  # noqa: E402

ORIGIN = (122.31, 37.01)
CELL = 0.0008  # about 70 m; 400 columns fill 0.32° of the service area's 0.35°
COLUMNS = 400
KINDS = [("old_compound", "未启动"), ("idle_building", "闲置"), ("key_project", "前期"),
         ("demolition_area", "征收中")]  # fmt: skip
PHRASES = ["6月底前", "年底", "9月份", "2021-12-31"]


def make_file(path: Path, count: int) -> Path:
    """A GeoPackage of `count` parcels with Chinese headers, labels and deadline phrases."""
    xs = [ORIGIN[0] + (i % COLUMNS) * CELL for i in range(count)]
    ys = [ORIGIN[1] + (i // COLUMNS) * CELL for i in range(count)]
    squares = shapely.box(xs, ys, [x + CELL / 2 for x in xs], [y + CELL / 2 for y in ys])
    rows = [
        {"编号": f"B-{i:06d}", "名称": f"基准地块{i}", "类别": KINDS[i % 4][0],
         "阶段": KINDS[i % 4][1], "进度(%)": i % 50, "开工时间": "2021-01-05",
         "完成时限": PHRASES[i % 4], "责任单位": "街道城建办", "建筑面积": 1000 + i % 700,
         "备注": "基准数据"}
        for i in range(count)
    ]  # fmt: skip
    gpd.GeoDataFrame(rows, geometry=squares, crs=4326).to_file(path, driver="GPKG")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="parcels in the file")
    parser.add_argument("--database", default="yatou_bench_import", help="database to rebuild")
    args = parser.parse_args(argv)
    settings = fresh_database(args.database)
    engine = db.make_engine(settings)
    with tempfile.TemporaryDirectory() as folder:
        path = make_file(Path(folder) / "parcels.gpkg", args.rows)
        started = time.perf_counter()
        with db.transaction(engine) as session:
            counted = _count_trigger_time(session)
            report = bulk_create(
                session, path, user=User("bench", "planner"), settings=settings, year=2021
            )
            if report.refused:
                raise SystemExit(f"refused rows: {report.refused[:5]}")
            states = _trigger_seconds(session) if counted else None
        imported = time.perf_counter() - started
        square = settings.import_point_square_m
        staged = prepare(path, year=2021, square_m=square).rows  # the rows staged, typed alike
        started = time.perf_counter()
        with db.transaction(engine) as session:
            bulk_import.copy_bare(session, staged)
        copied = time.perf_counter() - started
        with db.transaction(engine) as session:
            events = session.execute(text("SELECT count(*) FROM parcel_event")).scalar_one()
    engine.dispose()
    print(f"rows: {args.rows}; parcels created {report.created}, events {events}")
    print(f"bulk import (read, validate, write with events): {imported:.2f} s "
          f"({args.rows / imported:,.0f} rows/s)")  # fmt: skip
    print(f"COPY of the same rows into a bare table: {copied:.2f} s "
          f"({args.rows / copied:,.0f} rows/s)")  # fmt: skip
    print(f"ratio (import speed / COPY speed): {copied / imported:.3f} (goal >= 0.5)")
    print("where the import's time went:")
    for step, seconds in report.seconds.items():
        print(f"  {step:<26} {seconds:7.2f} s  ({seconds / imported:4.0%})")
    if states is not None:
        print(f"    of which parcel_state's trigger (fold of the events) {states:.2f} s")
    print(f"  {'commit and the rest':<26} {imported - sum(report.seconds.values()):7.2f} s")
    return 0


def _count_trigger_time(session: Session) -> bool:
    """Turn on PL/pgSQL function timing for this transaction (needs a superuser)."""
    try:
        with session.begin_nested():
            session.execute(text("SELECT set_config('track_functions', 'pl', true)"))
    except DBAPIError:
        return False
    return True


def _trigger_seconds(session: Session) -> float:
    """Seconds spent so far in this transaction in the trigger that keeps parcel_state."""
    total = session.execute(
        text(
            "SELECT pg_stat_get_xact_function_total_time("
            "CAST('parcel_state_follow_events' AS regproc))"
        )
    ).scalar_one()
    return float(total or 0) / 1000


if __name__ == "__main__":
    raise SystemExit(main())
