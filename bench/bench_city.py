"""Side by side at city scale (issue 10): the project against raw SQL (pgbench) and TiPg.

    python bench/bench_city.py [--parcels 100000] [--seconds 10] [--workers 2] [--tipg] [--reuse]

Builds `yatou_city` in the local cluster (or DATABASE_URL's server): the sample plan's schema
with N parcels × 14 events (bench/city_data.py; `--reuse` keeps one already of that size,
for before/after pairs on the same data), starts the project with several workers
(`gis-service serve`), optionally TiPg from a venv of its own (/tmp/yatou-bench-tipg, never a
project dependency), and runs the same requests against each. Prints every goal's figures
and ratios. Figures on a shared 2-core machine are noisy: run it once or twice, not in a loop.
No figure is asserted; `--parcels 300 --seconds 0.3` is the tiny form the test suite runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tile_bench  # noqa: E402
from bench_db import city  # noqa: E402
from city_data import bbox_around  # noqa: E402
from load import Result, http_load, run_load, wait_for  # noqa: E402

from gis_service import db  # noqa: E402
from gis_service.maps.tile_grid import Tile  # noqa: E402
from gis_service.repo import parcel_reads, parcel_tiles  # noqa: E402
from gis_service.repo.parcel_reads import Paging, ParcelQuery  # noqa: E402
from gis_service.settings import Settings  # noqa: E402

TIPG_VENV = Path(tempfile.gettempdir()) / "yatou-bench-tipg"
DB_GEOJSON_PAGE = """
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(
         json_build_object('type', 'Feature', 'id', code,
                           'geometry', ST_AsGeoJSON(geom, 6)::json,
                           'properties', json_build_object('code', code, 'name', name,
                               'stage', stage, 'progress', progress, 'deadline', deadline))
         ORDER BY code), '[]'))
FROM (SELECT * FROM parcel WHERE deleted_at IS NULL
      AND geom && ST_MakeEnvelope({bbox}, 4326) ORDER BY code LIMIT 1000) AS p
"""
DB_TILE = """
SELECT ST_AsMVT(t, 'parcels', 4096, 'geom') FROM (
  SELECT code, name, stage, progress,
         ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope({z}, {x}, {y}), 4096, 64, true)
           AS geom
  FROM parcel WHERE deleted_at IS NULL
    AND geom && ST_Transform(ST_TileEnvelope({z}, {x}, {y}), 4326)) AS t
"""
DB_WRITE = """
\\set id random(1, {parcels})
BEGIN;
UPDATE parcel SET note = 'bench ' || :id, version = version + 1 WHERE id = :id;
INSERT INTO parcel_event (parcel_id, code, action, field, old_value, new_value,
                          effective_date, actor, version)
  VALUES (:id, 'C-' || :id, 'update', 'note', NULL, '"bench"', DATE '2026-01-01', 'bench', 1);
COMMIT;
"""


def main(argv: list[str] | None = None) -> None:
    """Build the city, run every goal's measurement, print figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tipg", action="store_true", help="also measure TiPg (pip, a venv)")
    parser.add_argument("--overload", action="store_true", help="also run 32 and 256 clients")
    parser.add_argument("--database", default="yatou_city", help="database to (re)create")
    parser.add_argument("--tiles-only", action="store_true", help="only goal 3 (and TiPg's tiles)")
    parser.add_argument("--reuse", action="store_true", help="keep a database of that size")
    args = parser.parse_args(argv)
    settings = city(args.database, args.parcels, reuse=args.reuse)
    engine = db.make_engine(settings)
    report = Report()
    bbox = ",".join(f"{v:.6f}" for v in bbox_around(args.parcels // 2, 32))
    started = time.perf_counter()
    with serving(settings, args.workers) as base:
        label = f"start-up to first /healthz ({args.workers} workers)"
        report.figure(label, time.perf_counter() - started, "s")
        if not args.tiles_only:
            reads(report, settings, base, bbox, args)
            as_of_reads(report, base, bbox, args)
        tiles(report, settings, base, args)
        if not args.tiles_only:
            writes(report, settings, base, args)
        if args.overload and not args.tiles_only:
            overload(report, base, bbox, args)
    if args.tipg:
        with tipg_serving(settings) as tipg:
            if not args.tiles_only:
                items = f"{tipg}/collections/public.parcel/items?bbox={bbox}&limit=1000"
                report.load(
                    "TiPg items, bbox of 1,000, 8 clients", http_load(items, 8, args.seconds)
                )
            tile = f"{tipg}/collections/public.parcel/tiles/WebMercatorQuad/{z16(args)}"
            tile_load(report, "TiPg tile z16, 8 clients", tile, args.seconds)
        report.ratio(
            "GeoJSON page / TiPg",
            "project /api/parcels, bbox of 1,000, 8 clients",
            "TiPg items, bbox of 1,000, 8 clients",
            goal=5.0,
        )
        report.ratio(
            "tiles / TiPg tiles",
            "project tile z16 (uncached), 8 clients",
            "TiPg tile z16, 8 clients",
            goal=2.0,
        )
    engine.dispose()


class Report:
    """Prints figures as they come and keeps load results for ratios."""

    def __init__(self) -> None:
        self.results: dict[str, float] = {}

    def figure(self, label: str, value: float, unit: str) -> None:
        """One measured number."""
        print(f"{label}: {value:.3f} {unit}", flush=True)

    def load(self, label: str, result: Result) -> None:
        """A load run: throughput, median and p99 latency, statuses."""
        self.results[label] = result.per_second
        print(f"{label}: {result.summary()}", flush=True)

    def ratio(self, label: str, ours: str, theirs: str, *, goal: float, less: bool = False) -> None:
        """ours / theirs throughput, against the issue's goal."""
        if not self.results.get(theirs) or ours not in self.results:
            return
        value = self.results[ours] / self.results[theirs]
        met = value <= goal if less else value >= goal
        sign = "≤" if less else "≥"
        print(f"  ratio {label}: {value:.2f} (goal {sign} {goal}: {'met' if met else 'NOT met'})")


def reads(report: Report, settings: Settings, base: str, bbox: str, args: Any) -> None:
    """Goal 1: GeoJSON pages of a bbox of 1,000 at 2 and 8 clients, against the DB-built page."""
    urls = {
        "project /api/parcels": f"{base}/api/parcels?bbox={bbox}&limit=1000",
        "project /ogc items": f"{base}/ogc/collections/old_compound/items?bbox={bbox}&limit=1000",
    }
    same_page = project_page_sql(settings, bbox)
    for clients in (2, 8):
        for label, url in urls.items():
            report.load(
                f"{label}, bbox of 1,000, {clients} clients", http_load(url, clients, args.seconds)
            )
        raw = pgbench(settings, same_page, clients, args.seconds)
        report.load(f"raw SQL, the same page built by PostgreSQL (pgbench), {clients} clients", raw)
        report.ratio(
            "project / raw (same document)",
            f"project /api/parcels, bbox of 1,000, {clients} clients",
            f"raw SQL, the same page built by PostgreSQL (pgbench), {clients} clients",
            goal=0.8,
        )
        raw = pgbench(settings, DB_GEOJSON_PAGE.format(bbox=bbox), clients, args.seconds)
        report.load(f"raw SQL minimal GeoJSON page (pgbench), {clients} clients", raw)
        report.ratio(
            "project / raw minimal page (5 properties, no risk level, no last change)",
            f"project /api/parcels, bbox of 1,000, {clients} clients",
            f"raw SQL minimal GeoJSON page (pgbench), {clients} clients",
            goal=0.8,
        )
    gz = run_load([urls["project /api/parcels"]], 2, args.seconds, gzip=True)
    report.load("project /api/parcels gzip, 2 clients", gz)


def project_page_sql(settings: Settings, bbox: str) -> str:
    """The very statement /api/parcels runs for the bbox page, its values written in.

    The honest raw baseline: the same Features with every property the service answers
    (risk level, planned progress, last change, milestones), built by PostgreSQL alone. The
    minimal page (DB_GEOJSON_PAGE) leaves out most of that work and is printed beside it.
    """
    minlon, minlat, maxlon, maxlat = (float(v) for v in bbox.split(","))
    statement, params = parcel_reads.feature_page_statement(
        ParcelQuery(bbox=(minlon, minlat, maxlon, maxlat)),
        on=settings.today_date(),
        thresholds=settings.thresholds,
        levels=None,
        paging=Paging(limit=1000),
        folded=False,
    )
    used = {k: v for k, v in params.items() if k in statement.compile().params}
    compiled = statement.bindparams(**used).compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    return "\n".join(line for line in str(compiled).splitlines() if not line.startswith("--"))


def as_of_reads(report: Report, base: str, bbox: str, args: Any) -> None:
    """Goal 2: the whole table and a bbox page as of a date against the current ones."""
    page = f"{base}/api/parcels?bbox={bbox}&limit=1000"
    whole = f"{base}/api/parcels?limit=1000"
    cases = {
        "bbox page, current": page,
        "bbox page, as of 2021-06-30": page + "&as_of=2021-06-30",
        "whole table (count + first 1,000), current": whole,
        "whole table (count + first 1,000), as of 2021-06-30": whole + "&as_of=2021-06-30",
    }
    for label, url in cases.items():
        report.load(f"{label}, 1 client", run_load([url], 1, args.seconds))
    report.ratio(
        "as-of page / current page (time)",
        "bbox page, current, 1 client",
        "bbox page, as of 2021-06-30, 1 client",
        goal=1.5,
        less=True,
    )
    report.ratio(
        "as-of whole table / current (time)",
        "whole table (count + first 1,000), current, 1 client",
        "whole table (count + first 1,000), as of 2021-06-30, 1 client",
        goal=3.0,
        less=True,
    )


def tiles(report: Report, settings: Settings, base: str, args: Any) -> None:
    """Goal 3: a z16 tile, cached and not, direct and through nginx, against the raw ST_AsMVT
    and the service's own tile statement under pgbench (bench/tile_bench.py)."""
    zxy = z16(args)
    tile = Tile(*(int(part) for part in zxy.split("/")))
    engine = db.make_engine(settings)
    raw_sql = DB_TILE.format(z=tile.z, x=tile.x, y=tile.y)
    same_sql = tile_bench.service_tile_sql(settings, engine, tile)
    for name, sql in (("raw ST_AsMVT", raw_sql), ("service's tile statement", same_sql)):
        print(f"plan of the {name}: {tile_bench.plan_summary(engine, sql)}")
        serial = tile_bench.plan_summary(engine, sql, serial=True)
        print(f"  without parallel workers (as the service runs it, and pgbench below): {serial}")
    with Session(engine) as session:
        version = parcel_tiles.data_version(session)  # what the maps' tile URLs carry as `v`
    engine.dispose()
    print(f"tile load client: {'wrk' if shutil.which('wrk') else 'bench/load.py threads'}")
    path = f"/api/tiles/{zxy}.mvt"
    versioned = f"{path}?v={version}"
    seconds = args.seconds
    tile_load(report, "project tile z16 (cached), 8 clients", base + path, seconds)
    label = "project tile z16 (cached, versioned URL), 8 clients"
    tile_load(report, label, base + versioned, seconds)
    port = int(base.rsplit(":", 1)[1])
    with tile_bench.nginx_in_front(f"127.0.0.1:{port}", free_port()) as via:
        if via is None:
            print("nginx is not installed: the tile cache in front is not measured")
        else:
            label = "project tile z16 via nginx cache (versioned URL), 8 clients"
            tile_load(report, label, via + versioned, seconds)
    fresh = settings.model_copy(update={"tile_cache_size": 0})
    with serving(fresh, args.workers) as uncached:  # every request builds the tile
        label = "project tile z16 (uncached), 8 clients"
        tile_load(report, label, f"{uncached}{versioned}", seconds)
        label = "project tile z16 (uncached, unversioned URL), 8 clients"
        tile_load(report, label, f"{uncached}{path}", seconds)
    serial = {"PGOPTIONS": tile_bench.SERIAL_PLAN}  # the plan the service's tiles get
    raw = pgbench(settings, raw_sql, 8, seconds, env=serial)
    report.load("raw ST_AsMVT z16 (pgbench), 8 clients", raw)
    same = pgbench(settings, same_sql, 8, seconds, env=serial)
    report.load("raw SQL, the service's own tile statement (pgbench), 8 clients", same)
    tile_ratios(report)


def tile_load(report: Report, label: str, url: str, seconds: float) -> None:
    """A tile URL under 8 clients (wrk when installed), after one request per worker warms it."""
    http_load(url, 2, 0.3)
    report.load(label, http_load(url, 8, seconds))


def tile_ratios(report: Report) -> None:
    """Goal 3's ratios against both raw baselines."""
    baselines = {
        "raw": "raw ST_AsMVT z16 (pgbench), 8 clients",
        "same statement": "raw SQL, the service's own tile statement (pgbench), 8 clients",
    }
    ours = {
        ("uncached tile, versioned URL", 0.6): "project tile z16 (uncached), 8 clients",
        ("uncached tile, unversioned URL", 0.6): (
            "project tile z16 (uncached, unversioned URL), 8 clients"
        ),
        ("cached tile, versioned URL", 3.0): "project tile z16 (cached, versioned URL), 8 clients",
        ("cached tile, unversioned URL", 3.0): "project tile z16 (cached), 8 clients",
        ("tile via nginx", 3.0): "project tile z16 via nginx cache (versioned URL), 8 clients",
    }
    for (name, goal), label in ours.items():
        if label not in report.results:
            continue
        for against, baseline in baselines.items():
            report.ratio(f"{name} / {against}", label, baseline, goal=goal)


def writes(report: Report, settings: Settings, base: str, args: Any) -> None:
    """Goal 5: PATCH throughput at 8 clients against raw UPDATE + INSERT."""
    from load import patch_load  # noqa: PLC0415 (only this goal needs the token set-up)

    token = planner_token(settings)
    codes = [f"C-{i:06d}" for i in range(0, args.parcels, max(1, args.parcels // 64))][:64]
    report.load(
        "project PATCH one field, 8 clients", patch_load(base, token, codes, 8, args.seconds)
    )
    raw = pgbench(settings, DB_WRITE.format(parcels=args.parcels), 8, args.seconds, script=True)
    report.load("raw UPDATE + INSERT (pgbench), 8 clients", raw)
    report.ratio(
        "PATCH / raw",
        "project PATCH one field, 8 clients",
        "raw UPDATE + INSERT (pgbench), 8 clients",
        goal=0.3,
    )


def overload(report: Report, base: str, bbox: str, args: Any) -> None:
    """Goal 6: a mixed load at 32 clients, then a burst of 256, then /healthz."""
    minlon, minlat = (float(v) for v in bbox.split(",")[:2])
    small = f"{minlon},{minlat},{minlon + 0.0025},{minlat + 0.0025}"
    mixed = [f"{base}/api/parcels?bbox={small}"] * 7 + [f"{base}/api/parcels/C-000001"] * 2
    mixed.append(f"{base}/api/kpis")
    # A date the mixed load does not ask, so this request computes and the load's stays cold.
    started = time.perf_counter()
    with urllib.request.urlopen(f"{base}/api/kpis?as_of=2021-07-15", timeout=120) as response:
        response.read()
    report.figure("cold /api/kpis, as of 2021-07-15", 1000 * (time.perf_counter() - started), "ms")
    report.load(
        "mixed load (70% bbox of 100, 20% one parcel, 10% KPIs), 32 clients",
        run_load(mixed, 32, args.seconds),
    )
    report.load("mixed load, 256 clients", run_load(mixed, 256, args.seconds))
    started = time.perf_counter()
    wait_for(f"{base}/healthz", timeout=30)
    report.figure("/healthz right after the burst", time.perf_counter() - started, "s")


def z16(args: Any) -> str:
    """z/x/y of the zoom-16 tile in the middle of the grid."""
    import math

    minlon, minlat, _, _ = bbox_around(args.parcels // 2, 1)
    n = 2**16
    x = int((minlon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(minlat))) / math.pi) / 2 * n)
    assert Tile(16, x, y).bounds_degrees()[0] <= minlon
    return f"16/{x}/{y}"


def environment(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment of a server process for these settings."""
    env = dict(os.environ) | {"DATABASE_URL": str(settings.database_url)}
    env["GIS_TILE_CACHE_SIZE"] = str(settings.tile_cache_size)
    return env | extra


def serve_command(port: int, workers: int) -> list[str]:
    """`gis-service serve` on a port with N workers, through this interpreter."""
    command = [sys.executable, "-m", "gis_service.cli", "serve", "--port", str(port)]
    return command + ["--workers", str(workers)]


@contextmanager
def serving(settings: Settings, workers: int) -> Iterator[str]:
    """`gis-service serve --workers N` on a free port; its base URL while the block runs."""
    port = free_port()
    with process(serve_command(port, workers), environment(settings)):
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz", timeout=60)
        yield base


@contextmanager
def tipg_serving(settings: Settings) -> Iterator[str]:
    """TiPg from its own venv (made on first use) over the same database."""
    python = TIPG_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(TIPG_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "tipg", "uvicorn"], check=True)
    url = make_url(str(settings.database_url)).set(drivername="postgresql")
    port = free_port()
    env = dict(os.environ) | {"DATABASE_URL": url.render_as_string(hide_password=False)}
    command = [
        str(python),
        "-m",
        "uvicorn",
        "tipg.main:app",
        "--port",
        str(port),
        "--workers",
        "2",
        "--log-level",
        "warning",
    ]
    with process(command, env):
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/collections", timeout=120)
        yield base


@contextmanager
def process(command: list[str], env: dict[str, str]) -> Iterator[None]:
    """A child process for the block's duration (terminated, then killed, at its end)."""
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    try:
        yield
    finally:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()


def pgbench(
    settings: Settings,
    sql: str,
    clients: int,
    seconds: float,
    *,
    script: bool = False,
    env: dict[str, str] | None = None,
) -> Result:
    """Transactions per second of a statement (or script) under pgbench, as a load Result."""
    url = make_url(str(settings.database_url))
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as handle:
        handle.write(sql if script else " ".join(sql.split()) + ";\n")
    binary = shutil.which("pgbench") or "pgbench"
    command = [
        binary,
        "-n",
        "-M",
        "prepared",
        "-c",
        str(clients),
        "-j",
        str(min(clients, 4)),
        "-T",
        str(max(1, round(seconds))),
        "-f",
        handle.name,
        "-h",
        url.host or "127.0.0.1",
        "-p",
        str(url.port or 5432),
        "-U",
        url.username or "postgres",
        url.database or "postgres",
    ]
    run_env = dict(os.environ) | (env or {})
    output = subprocess.run(command, capture_output=True, text=True, check=True, env=run_env).stdout
    Path(handle.name).unlink()
    tps = next(
        float(line.split("=")[1].split()[0])
        for line in output.splitlines()
        if line.startswith("tps")
    )
    latency = next(
        (
            float(line.split("=")[1].split()[0])
            for line in output.splitlines()
            if line.startswith("latency average")
        ),
        0.0,
    )
    return Result(per_second=tps, p50_ms=latency, p99_ms=float("nan"), statuses={"ok": 0})


def planner_token(settings: Settings) -> str:
    """A fresh planner's token in the city database."""
    from gis_service.api import auth

    engine = create_engine(str(settings.database_url))
    with db.transaction(engine) as session:
        token = auth.create_user(session, name=f"bench-{time.time_ns()}", role="planner")[1]
    engine.dispose()
    return token


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


if __name__ == "__main__":
    main()
