"""Goal 1's ceiling (issue 10): the page read by pgbench, by the service's own read without HTTP,
through the service and through a minimal FastAPI app, each with the machine's CPU a page.

    python bench/bench_page_ceiling.py [--parcels 100000] [--database yatou_city] [--reuse]
                                       [--seconds 8] [--clients 8] [--rounds 2] [--workers 2]

`/api/parcels` answers a bbox page with one statement (sql/parcels_page_versioned.sql) read on
an asyncio psycopg connection, then writes the bytes to the client
(gis_service/api/page_fast_path.py). Four readers of that statement, in turn:

- pgbench: the statement with its values written in (psycopg's client-side binding), read by
  libpq from C, as bench_city.py's baseline;
- the service's read alone: `page_fast_path.read_page` on the service's own pool
  (`tile_pool.new_tile_pool`), N pages in flight on one event loop, no HTTP;
- the service: `gis-service serve` with 2 workers (`--workers`) under wrk;
- the issue's "minimal FastAPI + psycopg (JSON built in the DB)": bench/minimal_page_app.py,
  one route running the same statement, under uvicorn with as many workers, under wrk.

If the second alone stays under 0.8x pgbench, the service (which also sends the megabyte
on to its client) cannot reach goal 1's 0.8x on this machine whatever its HTTP side does. CPU
comes from /proc (bench/cpu_use.py): the machine's, PostgreSQL's processes' and the load
client's (for the second, this process: the reader itself); "rest" is the difference (the
service's workers, the kernel's loopback work). No figure is asserted; `--parcels 300
--seconds 1 --rounds 1` is the tiny form the test suite runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_city import free_port, pgbench, process, serving  # noqa: E402
from bench_db import city  # noqa: E402
from city_data import bbox_around  # noqa: E402
from cpu_use import CpuUse, cpu_use  # noqa: E402
from load import http_load, wait_for  # noqa: E402

from gis_service import db  # noqa: E402
from gis_service.api.page_fast_path import page_statement, read_page  # noqa: E402
from gis_service.api.page_requests import PlainPage  # noqa: E402
from gis_service.api.tile_pool import new_tile_pool  # noqa: E402
from gis_service.repo.parcel_reads import ParcelQuery  # noqa: E402
from gis_service.settings import Settings  # noqa: E402

T = TypeVar("T")
PGBENCH = "pgbench, the page statement"
READER = "the service's read alone (psycopg, asyncio, no HTTP)"
SERVICE = "the service, /api/parcels (wrk)"
MINIMAL = "a minimal FastAPI + psycopg app, the same statement (wrk)"


def main(argv: list[str] | None = None) -> None:
    """Measure the four readers `--rounds` times, then print their figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--database", default="yatou_city")
    parser.add_argument("--reuse", action="store_true", help="keep a database of that size")
    parser.add_argument("--seconds", type=float, default=8.0, help="per measurement")
    parser.add_argument("--clients", type=int, default=8, help="pages in flight")
    parser.add_argument("--rounds", type=int, default=2, help="the four readers, in turn")
    parser.add_argument("--workers", type=int, default=2, help="the service's processes")
    args = parser.parse_args(argv)
    settings = city(args.database, args.parcels, reuse=args.reuse)
    box = bbox_around(args.parcels // 2, 32)
    asked = PlainPage(query=ParcelQuery(bbox=box), on=settings.today_date(), limit=1000, offset=0)
    engine = db.make_engine(settings)
    dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    statement = bound_statement(dsn, settings, asked)
    url_bbox = ",".join(f"{v:.6f}" for v in box)
    rows: list[tuple[str, int, float, CpuUse]] = []
    whole = max(1, round(args.seconds))  # pgbench and wrk run whole seconds
    with serving(settings, args.workers) as base, minimal_app(dsn, statement, args) as bare:
        url = f"{base}/api/parcels?bbox={url_bbox}&limit=1000"
        http_load(url, 2, 1)  # warm: each worker's pool connects and prepares
        http_load(bare, 2, 1)
        for _ in range(args.rounds):
            with cpu_use() as used:
                tps = pgbench(settings, statement, args.clients, args.seconds).per_second
            rows.append((PGBENCH, round(tps * whole), tps, used))
            with cpu_use() as used:
                pages, per_second = run_loop(read_pages(engine, settings, asked, args))
            rows.append((READER, pages, per_second, used))
            with cpu_use() as used:
                served = http_load(url, args.clients, args.seconds).per_second
            rows.append((SERVICE, round(served * whole), served, used))
            with cpu_use() as used:
                served = http_load(bare, args.clients, args.seconds).per_second
            rows.append((MINIMAL, round(served * whole), served, used))
    engine.dispose()
    report(rows, args.clients)


@contextmanager
def minimal_app(dsn: str, statement: str, args: argparse.Namespace) -> Iterator[str]:
    """bench/minimal_page_app.py under uvicorn, as many workers as the service; its page URL."""
    port = free_port()
    env = dict(os.environ) | {
        "MINIMAL_PAGE_SQL": statement,
        "MINIMAL_DSN": dsn,
        "MINIMAL_CONNECTIONS": str(args.clients),
    }
    command = [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(__file__).parent),
               "minimal_page_app:app", "--port", str(port), "--workers", str(args.workers),
               "--log-level", "warning", "--no-access-log"]  # fmt: skip
    with process(command, env):
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/docs", timeout=60)
        yield f"{base}/page"


def bound_statement(dsn: str, settings: Settings, asked: PlainPage) -> str:
    """The fast path's statement for the page with its values written in, for pgbench."""
    sql, values = page_statement(asked, settings)
    with psycopg.connect(dsn) as conn:
        return psycopg.ClientCursor(conn).mogrify(sql, values)


async def read_pages(
    engine: Engine, settings: Settings, asked: PlainPage, args: argparse.Namespace
) -> tuple[int, float]:
    """Pages read back to back by `clients` tasks on one pool for `seconds`: (pages, per s)."""
    pool = new_tile_pool(engine, settings, args.clients)
    for _ in range(6):  # connect, and let psycopg prepare the statement on each connection
        await asyncio.gather(*(read_page(pool, asked, settings) for _ in range(args.clients)))
    pages = 0
    started = time.perf_counter()
    until = started + args.seconds

    async def reader() -> None:
        nonlocal pages
        while time.perf_counter() < until:
            row = await read_page(pool, asked, settings)
            assert row is not None and row.number_returned > 0, "the page was read"
            pages += 1

    await asyncio.gather(*(reader() for _ in range(args.clients)))
    elapsed = time.perf_counter() - started
    await pool.close()
    return pages, pages / elapsed


def run_loop(work: Coroutine[Any, Any, T]) -> T:
    """Run on uvloop as the service's workers do (uvicorn's choice when installed)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(work)
    return uvloop.run(work)


def report(rows: list[tuple[str, int, float, CpuUse]], clients: int) -> None:
    """Each measurement's throughput and CPU a page, then the ratios of the medians."""
    print(f"{clients} pages in flight; CPU in ms a page (machine = PostgreSQL + client + rest)")
    for label, pages, per_second, used in rows:
        pages = max(pages, 1)
        machine, postgres, client = (
            1000 * v / pages for v in (used.machine, used.postgres, used.client)
        )
        print(f"{label}: {per_second:.1f}/s; machine {machine:.2f}, PostgreSQL {postgres:.2f}, "
              f"client {client:.2f}, rest {machine - postgres - client:.2f}")  # fmt: skip
    median = {
        label: statistics.median(r[2] for r in rows if r[0] == label)
        for label in (PGBENCH, READER, SERVICE, MINIMAL)
    }
    for label in (READER, SERVICE, MINIMAL):
        ratio = median[label] / median[PGBENCH] if median[PGBENCH] else float("nan")
        print(f"  ratio {label} / pgbench: {ratio:.2f} (goal 1: service >= 0.8)")


if __name__ == "__main__":
    main()
