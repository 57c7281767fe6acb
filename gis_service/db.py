"""Database engine, sessions and migrations."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from gis_service.repo import text_bytes
from gis_service.settings import Settings

if TYPE_CHECKING:  # alembic loads when migrating, not at the service's start (issue 10)
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def database_url(settings: Settings) -> str:
    """The URL to use: DATABASE_URL when set, else the project-owned local cluster's."""
    if settings.database_url:
        return settings.database_url
    from gis_service import pg_local  # imported late: only the local set-up needs it

    return pg_local.url(settings)


MOST_TILE_CONNECTIONS = 4


def make_engine(settings: Settings, *, serving: bool = False) -> Engine:
    """A pooled engine for the configured database (nothing connects until first use).

    The pool is bounded and a request waits for a connection at most `db_pool_timeout`
    seconds (then 503, gis_service.api.overload). An engine serving requests has PostgreSQL
    cancel long statements; the commands (loads, migrations) run without that limit.
    """
    limit = settings.db_statement_timeout_ms if serving else 0
    # A serving worker's tile connections (api/tile_pool.py) come out of its overflow.
    overflow = settings.db_max_overflow - (tile_connections(settings) if serving else 0)
    engine = create_engine(
        database_url(settings),
        pool_pre_ping=True,
        pool_size=settings.db_pool_size,
        max_overflow=overflow,
        pool_timeout=settings.db_pool_timeout,
        connect_args={"options": f"-c statement_timeout={limit}"},
    )
    text_bytes.install(engine)
    return engine


def tile_connections(settings: Settings) -> int:
    """Connections a serving worker keeps for tile misses (api/tile_pool.py): a few, enough
    for 8 clients on 2 cores, taken from its overflow so that the worker's total holds. None
    with a read replica: its routing rules live in the sessions, which then build the tiles."""
    if settings.database_read_url:
        return 0
    return min(MOST_TILE_CONNECTIONS, settings.db_max_overflow)


# A replica that cannot be reached is given up quickly: its reads go to the primary.
READ_CONNECT_TIMEOUT_SECONDS = 2


def make_read_engine(settings: Settings) -> Engine:
    """A serving engine of the read replica (DATABASE_READ_URL), named in pg_stat_activity."""
    assert settings.database_read_url, "called only when a read replica is configured"
    url = make_url(settings.database_read_url)
    extra = {"connect_timeout": str(READ_CONNECT_TIMEOUT_SECONDS), "application_name": "gis-read"}
    read_url = url.update_query_dict(extra | dict(url.query)).render_as_string(hide_password=False)
    return make_engine(settings.model_copy(update={"database_url": read_url}), serving=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Session factory whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One session in one transaction: committed on success, rolled back on any error."""
    with make_sessionmaker(engine)() as session, session.begin():
        yield session


def alembic_config(url: str) -> Config:
    """Alembic configuration pointing at the packaged migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, settings: Settings, revision: str = "head") -> None:
    """Apply migrations up to a revision, then store the configured service area."""
    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        from alembic import command

        config = alembic_config(str(engine.url))
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        if revision == "head":
            sync_service_area(conn, settings)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Roll migrations back to a revision (base removes every table)."""
    with engine.begin() as conn:
        from alembic import command

        config = alembic_config(str(engine.url))
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def sync_service_area(conn: object, settings: Settings) -> None:
    """Write the service area of the settings into the table the geometry trigger reads."""
    minlon, minlat, maxlon, maxlat = settings.service_area
    conn.execute(  # type: ignore[attr-defined]
        text(
            "UPDATE service_area"
            " SET geom = ST_MakeEnvelope(:minlon, :minlat, :maxlon, :maxlat, 4326)"
        ),
        {"minlon": minlon, "minlat": minlat, "maxlon": maxlon, "maxlat": maxlat},
    )


def analyze(engine: Engine) -> None:
    """Refresh the planner's statistics after a bulk load (autovacuum would, but later)."""
    with engine.begin() as conn:
        conn.execute(text("ANALYZE parcel, parcel_event, milestone, community"))


def head_revision() -> str:
    """The newest revision of the packaged migrations (what this code expects).

    Read from the scripts' `revision` and `down_revision` lines, without Alembic: /readyz
    asks it once per worker, and Alembic (with every migration module it would import) is
    ~0.1 s that only `db upgrade` needs (issue 10 goal 7). tests/test_db_schema.py checks
    that Alembic names the same head.
    """
    revisions: dict[str, set[str]] = {}  # revision -> the revisions it follows
    for script in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        names = _module_constants(script)
        down = names.get("down_revision")
        follows = {down} if isinstance(down, str) else set(down or ())
        revisions[str(names["revision"])] = follows
    followed = set().union(*revisions.values())
    heads = [revision for revision in revisions if revision not in followed]
    assert len(heads) == 1, f"the package ships one migration head, not {heads}"
    return heads[0]


def _module_constants(script: Path) -> dict[str, Any]:
    """The literal values assigned at the top level of a Python file, by name."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    return {
        target.id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id in {"revision", "down_revision"}
    }


def current_revision(engine: Engine) -> str | None:
    """The schema revision of the database, or None before the first migration."""
    with engine.connect() as conn:
        return stored_revision(conn)


def stored_revision(conn: Connection | Session) -> str | None:
    """The Alembic revision recorded in the database, or None before the first migration."""
    exists = conn.execute(text("SELECT to_regclass('alembic_version')")).scalar()
    if exists is None:
        return None
    revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if revision is None else str(revision)
