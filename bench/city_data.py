"""A city-sized data set in the project's schema, built inside PostgreSQL in seconds.

N old compounds on a dense grid (about 370 to a zoom-16 tile, 1,000 to a 0.008° bbox), each
with the events the service itself would have written: a create event per stored field on
2021-01-01, then three updates (progress, stage, progress) on dated days through 2021, so the
current row equals the fold of its events, as the service keeps it.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Engine, text

ORIGIN: Final = (122.40, 37.05)  # south-west corner of the grid, inside the service area
STEP: Final = 0.00025  # degrees between squares (~22 m); squares of 0.00015° (~14 m)
SIDE: Final = 0.00015
COLUMNS: Final = 400

PARCELS_SQL: Final = """
INSERT INTO parcel (code, name, category, stage, progress, start_date, deadline, plan_targets,
                    illustrative, geom, version, created_by, updated_by)
SELECT 'C-' || lpad(i::text, 6, '0'), '城市地块' || i, 'old_compound', 'under_construction',
       40 + i % 50, DATE '2021-01-01', DATE '2021-09-30' + (i % 180)::integer, '{}', false,
       ST_Multi(ST_MakeEnvelope(x, y, x + :side, y + :side, 4326)), 4, 'bench', 'bench'
FROM generate_series(0, :n - 1) AS i,
     LATERAL (SELECT :x0 + (i % :columns) * :step AS x,
                     :y0 + (i / :columns) * :step AS y) AS corner
"""

# create: one event per stored field; then progress, stage, progress on days through 2021.
EVENTS_SQL: Final = """
INSERT INTO parcel_event (parcel_id, code, action, field, old_value, new_value,
                          effective_date, actor, version)
SELECT p.id, p.code, e.action, e.field, e.old_value, e.new_value, e.day, 'bench', e.version
FROM parcel p
CROSS JOIN LATERAL (
    VALUES
      ('create', 'code', NULL, to_jsonb(p.code), DATE '2021-01-01', 1),
      ('create', 'name', NULL, to_jsonb(p.name), DATE '2021-01-01', 1),
      ('create', 'category', NULL, to_jsonb(p.category), DATE '2021-01-01', 1),
      ('create', 'stage', NULL, '"designing"'::jsonb, DATE '2021-01-01', 1),
      ('create', 'progress', NULL, '0'::jsonb, DATE '2021-01-01', 1),
      ('create', 'start_date', NULL, to_jsonb(p.start_date::text), DATE '2021-01-01', 1),
      ('create', 'deadline', NULL, to_jsonb(p.deadline::text), DATE '2021-01-01', 1),
      ('create', 'plan_targets', NULL, '[]'::jsonb, DATE '2021-01-01', 1),
      ('create', 'illustrative', NULL, 'false'::jsonb, DATE '2021-01-01', 1),
      ('create', 'milestones', NULL, '[]'::jsonb, DATE '2021-01-01', 1),
      ('create', 'geometry', NULL, ST_AsGeoJSON(p.geom, 9)::jsonb, DATE '2021-01-01', 1),
      ('update', 'progress', '0'::jsonb, to_jsonb(p.progress / 2),
       DATE '2021-02-01'+ (p.id % 90)::integer, 2),
      ('update', 'stage', '"designing"'::jsonb, '"under_construction"'::jsonb,
       DATE '2021-05-01'+ (p.id % 90)::integer, 3),
      ('update', 'progress', to_jsonb(p.progress / 2), to_jsonb(p.progress),
       DATE '2021-08-01'+ (p.id % 120)::integer, 4)
) AS e(action, field, old_value, new_value, day, version)
WHERE p.code LIKE 'C-%'
"""


def build_city(engine: Engine, parcels: int) -> None:
    """Insert the grid of parcels and their 14 events each, then VACUUM ANALYZE every table
    (parcel_state and milestone too, filled by triggers: plans need their statistics)."""
    with engine.begin() as conn:
        conn.execute(
            text(PARCELS_SQL),
            {
                "n": parcels,
                "x0": ORIGIN[0],
                "y0": ORIGIN[1],
                "step": STEP,
                "side": SIDE,
                "columns": COLUMNS,
            },
        )
        conn.execute(text(EVENTS_SQL))
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))


def bbox_around(index: int, size: int) -> tuple[float, float, float, float]:
    """A square bbox holding about size × size parcels, its corner at the index-th square."""
    x = ORIGIN[0] + (index % COLUMNS) * STEP
    y = ORIGIN[1] + (index // COLUMNS) * STEP
    side = size * STEP - STEP / 4
    return (x - STEP / 8, y - STEP / 8, x + side, y + side)
