"""`gis-service serve`: uvicorn with several worker processes and pools sized to PostgreSQL."""

from __future__ import annotations

import os
from typing import Final

from gis_service.settings import Settings

WORKER_HEALTHCHECK_SECONDS: Final = 60

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

    Asked with psycopg alone: the supervisor of the workers does not import SQLAlchemy
    (issue 10 goal 7, start-up), which each worker imports anyway.
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
    """Run uvicorn: the app in this process, or `workers` processes that build it themselves."""
    import uvicorn

    from gis_service.main import create_app

    settings = sized_settings(settings, workers)
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
        return
    # Worker processes build the app from the environment (the settings' only source), so
    # the pool sizing chosen here travels to them there.
    os.environ["GIS_DB_POOL_SIZE"] = str(settings.db_pool_size)
    os.environ["GIS_DB_MAX_OVERFLOW"] = str(settings.db_max_overflow)
    uvicorn.run(
        "gis_service.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        # A worker imports the app before it answers the supervisor's ping; on a busy host
        # that takes longer than uvicorn's 5 s default, which would kill and respawn it.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )
