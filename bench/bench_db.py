"""The benchmarks' database: a fresh, migrated one of their own, never the project's.

`fresh_database(name)` drops and recreates `name` in the local cluster, or uses DATABASE_URL's
database as it is when that is set, and brings it to the newest schema.
"""

from __future__ import annotations

from gis_service import db, pg_local
from gis_service.settings import Settings


def fresh_database(name: str) -> Settings:
    """Settings of an empty, migrated benchmark database called `name` (see module doc)."""
    outside = Settings(_env_file=None)  # type: ignore[call-arg]
    if outside.database_url:
        url = outside.database_url
    else:
        pg_local.start(outside)
        url = pg_local.drop_and_create_database(outside, name)
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    engine = db.make_engine(settings)
    db.upgrade(engine, settings)
    engine.dispose()
    return settings
