"""`gis-service serve`: uvicorn with several worker processes and pools sized to PostgreSQL."""

from __future__ import annotations

import gc
import os
from typing import Final

from gis_service.settings import Settings

# Connections left for the command line, psql, backups and a replica's WAL sender.
SPARE_CONNECTIONS: Final = 6


def default_workers() -> int:
    """One worker process per CPU core the process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def pool_share(budget: int, workers: int) -> tuple[int, int]:
    """(pool size, overflow) per worker so that every worker at its peak fits the budget."""
    per_worker = max(2, (budget - SPARE_CONNECTIONS) // workers)
    size = (per_worker + 1) // 2
    return size, per_worker - size


def sized_settings(settings: Settings, workers: int) -> Settings:
    """The settings with the pool sized to PostgreSQL's max_connections, unless set by hand."""
    if "db_pool_size" in settings.model_fields_set:
        return settings
    size, overflow = pool_share(connection_budget(settings), workers)
    return settings.model_copy(update={"db_pool_size": size, "db_max_overflow": overflow})


def connection_budget(settings: Settings) -> int:
    """Connections the service may open: max_connections less those kept for superusers.

    Asked with psycopg alone: the supervisor makes no engine, so no pooled connection exists
    when it forks the workers (each opens its own in its lifespan; forked_workers.py).
    """
    import psycopg

    if settings.database_url:
        url = settings.database_url
    else:
        from gis_service import pg_local

        url = pg_local.url(settings)
    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(conninfo) as conn:
        limit = conn.execute("SHOW max_connections").fetchone()
        reserved = conn.execute("SHOW superuser_reserved_connections").fetchone()
    assert limit is not None and reserved is not None
    return int(limit[0]) - int(reserved[0])


def serve(settings: Settings, *, host: str, port: int, workers: int) -> None:
    """Run uvicorn: the app in this process, or in `workers` processes forked once it is built.

    issue 10 goal 7: forking after the app is built (a "preload") starts every worker in the
    time of one import, where uvicorn's spawned workers each imported it again, at once on
    the same cores (gis_service/forked_workers.py; docs/benchmarks.md "Start-up").
    """
    # The Python docs' advice for servers that fork (gc.freeze): no collection while the app
    # is built (its imports allocate much and free little: about 8 % of their time), its
    # objects then frozen, so neither a collection nor copy-on-write touches them again.
    gc.disable()
    import uvicorn

    from gis_service.main import create_app

    app = create_app(sized_settings(settings, workers))
    gc.freeze()
    gc.enable()
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="info")
        return
    from gis_service.forked_workers import run_forked

    run_forked(uvicorn.Config(app, host=host, port=port, log_level="info"), workers)
