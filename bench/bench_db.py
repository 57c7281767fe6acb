"""The benchmarks' database: a fresh, migrated one of their own, never the project's.

`fresh_database(name)` drops and recreates `name` in the local cluster, or uses DATABASE_URL's
database as it is when that is set, and brings it to the newest schema.
`city(name, parcels, reuse=...)` is such a database holding the bench's city, kept when
`reuse` finds one of that size already built.
"""

from __future__ import annotations

import time

from sqlalchemy import text

from gis_service import db, pg_local
from gis_service.settings import Settings

try:  # run as a script from bench/, or imported as bench.bench_db
    from city_data import build_city
except ImportError:
    from bench.city_data import build_city


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


def city(name: str, parcels: int, *, reuse: bool) -> Settings:
    """Settings of a database holding `parcels` city parcels (built unless reused)."""
    outside = Settings(_env_file=None)  # type: ignore[call-arg]
    if reuse and not outside.database_url:
        pg_local.start(outside)
        settings = Settings(_env_file=None, database_url=pg_local.url(outside, name))  # type: ignore[call-arg]
        if city_size(settings) == parcels:
            # A city built by older code: bring it to this code's schema (a new revision may
            # add what the pages read), as the service's own start-up expects.
            engine = db.make_engine(settings)
            db.upgrade(engine, settings)
            engine.dispose()
            print(f"reusing {name} with {parcels} parcels")
            return settings
    settings = fresh_database(name)
    engine = db.make_engine(settings)
    started = time.perf_counter()
    build_city(engine, parcels)
    engine.dispose()
    print(f"built {parcels} parcels x 14 events in {time.perf_counter() - started:.1f} s")
    return settings


def city_size(settings: Settings) -> int:
    """How many city parcels a database holds (0 when it is missing or not migrated)."""
    try:
        engine = db.make_engine(settings)
        with engine.connect() as conn:
            found = conn.execute(text("SELECT count(*) FROM parcel WHERE code LIKE 'C-%'"))
            count = int(found.scalar_one())
        engine.dispose()
        return count
    except Exception:  # noqa: BLE001 - any failure means "build it"
        return 0
