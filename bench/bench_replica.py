"""Reads on the primary alone against primary + read replica (issue 10 goal 8).

    python bench/bench_replica.py [--parcels 100000] [--seconds 10] [--workers 2] [--clients 8]

Builds `yatou_replica` in the local cluster (the city of bench/city_data.py), starts a hot
standby of the cluster (`gis_service.pg_local.replica`, folder var/pgreplica-bench, port
GIS_PG_REPLICA_PORT or GIS_PG_PORT + 1), and serves the same requests twice with
`gis-service serve --workers N`: once with every read on the primary, once with
DATABASE_READ_URL on the standby. Prints throughput and latency of each, their ratio, how
long a commit takes to be readable on the standby, and what routing adds to a write.

On one machine the standby shares the CPUs with the primary, so the ratio shows the cost of
routing rather than the gain of a second server; the gain comes when the standby has a
machine of its own (docs/scaling.md). `--parcels 300 --seconds 0.2` is the tiny form the test
suite runs; no figure is asserted.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_city import Report, planner_token, serving, z16  # noqa: E402
from bench_db import fresh_database  # noqa: E402
from city_data import bbox_around, build_city  # noqa: E402
from load import Result, patch_load, run_load  # noqa: E402
from load import _drive as drive  # noqa: E402

from gis_service import db, pg_local  # noqa: E402
from gis_service.pg_local import replica  # noqa: E402
from gis_service.screen.bundle import data_tag  # noqa: E402
from gis_service.settings import PROJECT_ROOT, Settings  # noqa: E402

REPLAY_SAMPLES = 20
SCREEN = "screen polls (/api/screen unchanged: 304)"


def main(argv: list[str] | None = None) -> None:
    """Build the city, start a standby, measure reads without and with it; print figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--database", default="yatou_replica", help="database to (re)create")
    parser.add_argument("--reuse", action="store_true", help="use the database a run built")
    args = parser.parse_args(argv)
    local = Settings(_env_file=None)  # type: ignore[call-arg]
    if local.database_url:
        raise SystemExit(
            "the replica bench runs on the project's local cluster: unset DATABASE_URL"
        )
    local = local.model_copy(update={"pg_replica_dir": PROJECT_ROOT / "var" / "pgreplica-bench"})
    if args.reuse:
        settings = Settings(_env_file=None, database_url=pg_local.url(local, args.database))  # type: ignore[call-arg]
    else:
        settings = fresh_database(args.database)
        engine = db.make_engine(settings)
        build_city(engine, args.parcels)
        engine.dispose()
    replica.stop(local)
    try:
        started = time.perf_counter()
        replica.start(local)
        read_url = pg_local.url(replica.standby_settings(local), args.database)
        print(f"standby copied and started in {time.perf_counter() - started:.1f} s: {read_url}")
        measure(Report(), settings, read_url, args)
    finally:
        replica.stop(local)


def measure(report: Report, settings: Settings, read_url: str, args: argparse.Namespace) -> None:
    """The same loads on the primary alone, then with the standby serving reads."""
    wait_for_replay(str(settings.database_url), read_url)
    token = planner_token(settings)
    codes = [f"C-{i:06d}" for i in range(0, args.parcels, max(1, args.parcels // 64))][:64]
    for where, extra in (
        ("primary only", {}),
        ("primary + replica", {"DATABASE_READ_URL": read_url}),
    ):
        with environment(extra), serving(settings, args.workers) as base:
            for label, urls in loads(base, args).items():
                result = run_load(urls, args.clients, args.seconds)
                report.load(f"{label}, {args.clients} clients, {where}", result)
            polls = screen_polls(base, screen_tag(settings), args.clients, args.seconds)
            report.load(f"{SCREEN}, {args.clients} clients, {where}", polls)
            patched = patch_load(base, token, codes, 2, args.seconds)
            report.load(f"PATCH one field, 2 clients, {where}", patched)
    for label in [*loads("", args), SCREEN]:
        report.ratio(
            f"{label}: replica / primary only",
            f"{label}, {args.clients} clients, primary + replica",
            f"{label}, {args.clients} clients, primary only",
            goal=1.0,
        )
    report.ratio(
        "PATCH: with replica / primary only",
        "PATCH one field, 2 clients, primary + replica",
        "PATCH one field, 2 clients, primary only",
        goal=0.9,
    )
    delays = replay_delays(str(settings.database_url), read_url)
    report.figure("commit readable on the standby, median", statistics.median(delays), "ms")
    report.figure("commit readable on the standby, max", max(delays), "ms")


def loads(base: str, args: argparse.Namespace) -> dict[str, list[str]]:
    """The read loads: a bbox page of 1,000, and map browsing (small pages, parcels, tiles).

    Not the KPIs: at 100,000 parcels they are whole-table folds of tens of seconds on this
    branch (docs/benchmarks.md), which would measure the fold, not the routing.
    """
    bbox = ",".join(f"{v:.6f}" for v in bbox_around(args.parcels // 2, 32))
    minlon, minlat = (float(v) for v in bbox.split(",")[:2])
    small = f"{minlon},{minlat},{minlon + 0.0025},{minlat + 0.0025}"
    browse = [f"{base}/api/parcels?bbox={small}"] * 7 + [f"{base}/api/parcels/C-000001"] * 2
    browse.append(f"{base}/api/tiles/{z16(args)}.mvt")
    return {
        "bbox page of 1,000": [f"{base}/api/parcels?bbox={bbox}&limit=1000"],
        "map browsing (70% bbox of 100, 20% one parcel, 10% tile z16)": browse,
    }


def screen_tag(settings: Settings) -> str:
    """The ETag /api/screen gives today's answer (what a screen that polls holds)."""
    engine = db.make_engine(settings)
    with db.transaction(engine) as session:
        tag = data_tag(session, date.today(), thresholds=settings.thresholds, kind="screen")
    engine.dispose()
    return tag


def screen_polls(base: str, tag: str, clients: int, seconds: float) -> Result:
    """Screens polling /api/screen with the ETag they hold: 304s, one small query each."""

    def one(_client: int, _n: int, conn: http.client.HTTPConnection) -> tuple[int, bytes]:
        conn.request("GET", "/api/screen", headers={"If-None-Match": tag})
        response = conn.getresponse()
        return response.status, response.read()

    return drive(base, clients, seconds, one)


@contextmanager
def environment(extra: dict[str, str]) -> Iterator[None]:
    """Environment variables for the servers started in the block (bench_city copies it)."""
    before = dict(os.environ)
    os.environ.update(extra)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(before)


def _plain(url: str) -> str:
    """A libpq URL from an SQLAlchemy one."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def _position(conn: psycopg.Connection[tuple[object, ...]], sql: str) -> int:
    """A WAL position query's answer as an integer."""
    row = conn.execute(f"SELECT pg_wal_lsn_diff({sql}, '0/0')::bigint").fetchone()
    assert row is not None
    return int(str(row[0]))


def wait_for_replay(primary_url: str, read_url: str, timeout: float = 600) -> None:
    """Wait until the standby has replayed everything the primary had written."""
    with psycopg.connect(_plain(primary_url), autocommit=True) as primary:
        target = _position(primary, "pg_current_wal_lsn()")
    with psycopg.connect(_plain(read_url), autocommit=True) as standby:
        deadline = time.monotonic() + timeout
        while _position(standby, "pg_last_wal_replay_lsn()") < target:
            if time.monotonic() > deadline:
                raise RuntimeError("the standby did not catch up")
            time.sleep(0.05)


def replay_delays(primary_url: str, read_url: str) -> list[float]:
    """Milliseconds from a commit on the primary to its row being readable on the standby."""
    delays = []
    with (
        psycopg.connect(_plain(primary_url), autocommit=True) as primary,
        psycopg.connect(_plain(read_url), autocommit=True) as standby,
    ):
        for n in range(REPLAY_SAMPLES):
            note = f"replay {time.time_ns()} {n}"
            started = time.perf_counter()
            primary.execute("UPDATE parcel SET note = %s WHERE code = 'C-000000'", [note])
            query = "SELECT 1 FROM parcel WHERE code = 'C-000000' AND note = %s"
            while standby.execute(query, [note]).fetchone() is None:
                time.sleep(0.0005)
            delays.append((time.perf_counter() - started) * 1000)
    return delays


if __name__ == "__main__":
    main()
