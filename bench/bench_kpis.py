"""A cold KPI computation at city scale (issue 10 goal 6), where its time goes, before and after.

    python bench/bench_kpis.py [--parcels 100000] [--reuse] [--targets] [--repeat 3]

Builds `yatou_city_kpis` (bench/city_data.py; `--reuse` keeps it when it already holds the
parcels), then times in this process, for the current state and as of 2021-06-30, the whole
KPI answer the way `/api/kpis` computes it when its cache is cold (`plan_status.kpis_as_of`),
split into the database read, turning rows into mappings, and the pure rules; beside it the
read of whole parcel rows the KPIs used before (`select_parcels`, about 30 columns), so one
run prints both and their ratio. The city's parcels carry no plan target; `--targets` gives
every one of them targets (and the matching create event), the worst case for the rules.
Medians of `--repeat` runs; nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Final

from sqlalchemy import text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_db import fresh_database  # noqa: E402
from bench.city_data import build_city  # noqa: E402
from gis_service import db, pg_local  # noqa: E402
from gis_service.parcels.plan_status import kpis_as_of  # noqa: E402
from gis_service.repo import kpi_facts, parcel_reads  # noqa: E402
from gis_service.repo.parcel_reads import ParcelQuery  # noqa: E402
from gis_service.rules.kpis import BASELINE_DATE, BASELINE_TARGETS, Parcel, compute_kpis  # noqa: E402
from gis_service.rules.levels import RiskThresholds  # noqa: E402
from gis_service.settings import Settings  # noqa: E402

PAST: Final = date(2021, 6, 30)
# Targets and KPI facts for every city parcel, as create events of its first day (the insert
# trigger of revision 0005 refolds their states), then the rows themselves to match.
TARGETED: Final = """
SELECT p.id, p.code, CASE WHEN p.id % 3 = 0 THEN ARRAY[t.codes[1 + p.id % 9], 'T4']
                          ELSE ARRAY[t.codes[1 + p.id % 9]] END AS plan_targets,
       CASE WHEN p.id % 4 = 0 THEN DATE '2021-03-01' + (p.id % 200)::integer END AS completed_on,
       (100 + p.id % 900)::numeric AS floor_area_m2, (p.id % 100)::numeric AS vacant_area_m2,
       (3 + p.id % 7)::integer AS buildings_total, (p.id % 3)::integer AS buildings_demolished,
       (p.id % 500)::numeric AS investment_wan
FROM parcel p, (SELECT ARRAY['T1','T2','T3','T4','T7','T8','T9','T10','T11'] AS codes) AS t
WHERE p.code LIKE 'C-%'
"""
TARGET_EVENTS_SQL: Final = f"""
INSERT INTO parcel_event (parcel_id, code, action, field, old_value, new_value,
                          effective_date, actor, version)
SELECT f.id, f.code, 'create', v.field, NULL, v.value, DATE '2021-01-01', 'bench', 1
FROM ({TARGETED}) AS f
CROSS JOIN LATERAL (VALUES
    ('plan_targets', to_jsonb(f.plan_targets)),
    ('completed_on', to_jsonb(f.completed_on::text)),
    ('floor_area_m2', to_jsonb(f.floor_area_m2)),
    ('vacant_area_m2', to_jsonb(f.vacant_area_m2)),
    ('buildings_total', to_jsonb(f.buildings_total)),
    ('buildings_demolished', to_jsonb(f.buildings_demolished)),
    ('investment_wan', to_jsonb(f.investment_wan))
) AS v(field, value)
"""
TARGET_ROWS_SQL: Final = f"""
UPDATE parcel p SET plan_targets = f.plan_targets, completed_on = f.completed_on,
       floor_area_m2 = f.floor_area_m2, vacant_area_m2 = f.vacant_area_m2,
       buildings_total = f.buildings_total, buildings_demolished = f.buildings_demolished,
       investment_wan = f.investment_wan
FROM ({TARGETED}) AS f WHERE p.id = f.id
"""


def main(argv: list[str] | None = None) -> None:
    """Build or reuse the city, then print the cold KPI figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the database if it fits")
    parser.add_argument("--targets", action="store_true", help="plan targets on every parcel")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", default="yatou_city_kpis")
    args = parser.parse_args(argv)
    name = f"{args.database}_targets" if args.targets else args.database
    settings = city(name, args.parcels, targets=args.targets, reuse=args.reuse)
    engine = db.make_engine(settings)
    with Session(engine) as session:
        print(f"{count(session)} parcels, {count(session, targeted=True)} with a plan target")
        for on in (None, PAST):
            measure(session, on, args.repeat)
    engine.dispose()


def city(name: str, parcels: int, *, targets: bool, reuse: bool) -> Settings:
    """Settings of a database of `parcels` city parcels (kept when reused and of that size)."""
    outside = Settings(_env_file=None)  # type: ignore[call-arg]
    if reuse and not outside.database_url:
        pg_local.start(outside)
        url = pg_local.url(outside, name)
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        if city_size(settings) == parcels:
            return settings
    settings = fresh_database(name)
    engine = db.make_engine(settings)
    started = time.perf_counter()
    build_city(engine, parcels)
    if targets:
        with engine.begin() as conn:
            conn.execute(text(TARGET_EVENTS_SQL))
            conn.execute(text(TARGET_ROWS_SQL))
    engine.dispose()
    print(f"built {parcels} parcels in {time.perf_counter() - started:.1f} s")
    return settings


def city_size(settings: Settings) -> int:
    """How many city parcels a database holds (0 when it is missing)."""
    engine = db.make_engine(settings)
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT count(*) FROM parcel WHERE code LIKE 'C-%'"))
            return int(found.scalar_one())
    except Exception:  # noqa: BLE001 - a missing or unmigrated database means "build it"
        return 0
    finally:
        engine.dispose()


def count(session: Session, *, targeted: bool = False) -> int:
    """How many parcels there are (with a plan target, when asked)."""
    where = "WHERE cardinality(plan_targets) > 0" if targeted else ""
    return int(session.execute(text(f"SELECT count(*) FROM parcel_current {where}")).scalar_one())


def measure(session: Session, on: date | None, repeat: int) -> None:
    """Print the KPI answer's parts on a date (None: today), the old read beside the new."""
    day = on or date.today()
    label = "current" if on is None else f"as of {on.isoformat()}"
    whole = median(lambda: whole_rows(session, on), repeat)
    narrow = median(lambda: narrow_rows(session, on), repeat)
    rules = median(lambda: run_rules(session, on, day), repeat)
    thresholds = RiskThresholds()
    total = median(lambda: timed(lambda: kpis_as_of(session, day, thresholds=thresholds)), repeat)
    print(f"cold KPIs {label}:")
    print(f"  before: whole rows, 2 dates (select_parcels): {whole * 1000:.0f} ms")
    print(f"  after:  KPI fields, 2 dates (kpi_facts):      {narrow * 1000:.0f} ms")
    print(f"  rules (compute_kpis):                         {rules * 1000:.0f} ms")
    print(f"  cold /api/kpis ms (kpis_as_of): {total * 1000:.0f} ms")
    print(f"  ratio before / after: {(whole + rules) / total:.1f}x")


def whole_rows(session: Session, on: date | None) -> float:
    """Seconds of the KPIs' old read: every column of every parcel, on the date and baseline."""
    started = time.perf_counter()
    for day in (on, BASELINE_DATE):
        parcel_reads.select_parcels(session, ParcelQuery(), as_of=day, outline="none")
    session.commit()
    return time.perf_counter() - started


def narrow_rows(session: Session, on: date | None) -> float:
    """Seconds of the KPIs' own read: their fields of the parcels they count, both dates."""
    started = time.perf_counter()
    facts(session, on)
    return time.perf_counter() - started


def run_rules(session: Session, on: date | None, day: date) -> float:
    """Seconds of the pure rules alone, on rows read beforehand."""
    states, baseline = facts(session, on)
    return timed(lambda: compute_kpis(states, day, baseline=baseline))


def facts(session: Session, on: date | None) -> tuple[list[Parcel], list[Parcel]]:
    """The two reads of kpis_as_of: the date's facts and the baseline's that a measure reads."""
    states = kpi_facts.select_kpi_facts(session, as_of=on)
    baseline = kpi_facts.select_kpi_facts(session, as_of=BASELINE_DATE, targets=BASELINE_TARGETS)
    session.commit()
    return states, baseline


def timed(run: Callable[[], Any]) -> float:
    """Seconds one call takes."""
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def median(run: Callable[[], float], repeat: int) -> float:
    """Median of `repeat` timings."""
    return statistics.median(run() for _ in range(repeat))


if __name__ == "__main__":
    main()
