"""The materialised fold (parcel_state, revision 0005) answers as revision 0002's fold did.

Random histories of a few parcels (creates, updates of fields, outlines and milestones,
deletes, several changes a day) are written through the data-access module; on random days
parcel_as_of() is compared, row for row and column for column, with 0002's function loaded
from its migration file into pg_temp for the test (so the old fold stays the oracle without
living on in the schema).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.orm import Session

from gis_service.repo import parcel_writes

VERSIONS = Path(__file__).parents[1] / "gis_service" / "migrations" / "versions"
FIRST_DAY = date(2032, 1, 1)  # after every sample event, so these parcels' events are the latest
CODES = ("ST-1", "ST-2", "ST-3")


def _square(shift: int) -> dict[str, Any]:
    """A small square inside the service area, moved east by `shift` steps."""
    x, y, side = 122.46 + shift * 0.0013, 37.16, 0.001
    ring = [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


changes = st.fixed_dictionaries(
    {},
    optional={
        "progress": st.integers(0, 100),
        "stage": st.sampled_from(["not_started", "designing", "under_construction"]),
        "note": st.text("地块ab", min_size=1, max_size=5),
        "households": st.integers(0, 500),
        "geometry": st.integers(0, 2).map(_square),
        "milestones": st.lists(
            st.fixed_dictionaries(
                {
                    "name": st.sampled_from(["设计", "施工"]),
                    "due_date": st.none(),
                    "done_on": st.none(),
                }
            ),
            max_size=2,
        ),
    },
).filter(bool)
# (parcel index, days after the previous step, change or None for a delete)
steps = st.lists(
    st.tuples(st.integers(0, len(CODES) - 1), st.integers(0, 20), st.one_of(st.none(), changes)),
    max_size=10,
)


@given(
    created=st.lists(st.integers(0, 30), min_size=len(CODES), max_size=len(CODES)),
    history=steps,
    probes=st.lists(st.integers(-3, 260), min_size=1, max_size=5),
)
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_states_answer_as_the_0002_fold(
    session: Session,
    created: list[int],
    history: list[tuple[int, int, dict[str, Any] | None]],
    probes: list[int],
) -> None:
    savepoint = session.begin_nested()
    try:
        _load_old_fold(session)
        _record(session, created, history)
        for offset in probes:
            on = FIRST_DAY + timedelta(days=offset)
            assert _rows(session, "parcel_as_of", on) == _rows(session, "pg_temp.old_as_of", on)
            assert _rows(session, "parcel_as_of", on, "ST-2") == _rows(
                session, "pg_temp.old_as_of", on, "ST-2"
            )
    finally:
        savepoint.rollback()


def test_a_change_recorded_out_of_order_refolds_the_later_states(session: Session) -> None:
    """Writers refuse back-dated facts, but the states follow the events whatever their order."""
    _create(session, "ST-1", FIRST_DAY, 0)
    parcel_writes.update_parcel(
        session, code="ST-1", changes={"progress": 40}, actor="t", effective_date=date(2032, 3, 1)
    )
    parcel_id = session.execute(text("SELECT id FROM parcel WHERE code = 'ST-1'")).scalar_one()
    session.execute(
        text(
            "INSERT INTO parcel_event (parcel_id, code, action, field, new_value,"
            " effective_date, actor, version) VALUES (:id, 'ST-1', 'update', 'note', '\"补记\"',"
            " DATE '2032-02-01', 't', 3)"
        ),
        {"id": parcel_id},
    )
    folded = [
        (row.note, row.progress)
        for day in (date(2032, 1, 15), date(2032, 2, 15), date(2032, 3, 15))
        for row in session.execute(
            text("SELECT note, progress FROM parcel_as_of(:d, 'ST-1')"), {"d": day}
        )
    ]
    assert folded == [(None, 0), ("补记", 0), ("补记", 40)]


def _load_old_fold(session: Session) -> None:
    """Revision 0002's parcel_as_of, as pg_temp.old_as_of (rolled back with the test)."""
    source = (VERSIONS / "0002_speed_up.sql").read_text(encoding="utf-8")
    start = source.index("CREATE FUNCTION parcel_as_of(")
    end = source.index("$$;", start) + 3
    function = source[start:end].replace("FUNCTION parcel_as_of(", "FUNCTION pg_temp.old_as_of(")
    session.execute(text(function.replace(":", r"\:")))


def _create(session: Session, code: str, day: date, shift: int) -> None:
    """One compound with an outline and a milestone."""
    parcel_writes.create_parcel(
        session,
        code=code,
        values={
            "name": "状态地块",
            "category": "old_compound",
            "stage": "not_started",
            "progress": 0,
            "start_date": day,
            "deadline": date(2033, 12, 31),
            "geometry": _square(shift),
            "milestones": [{"name": "立项", "due_date": None, "done_on": None}],
        },
        actor="hypothesis",
        effective_date=day,
    )


def _record(
    session: Session, created: list[int], history: list[tuple[int, int, dict[str, Any] | None]]
) -> None:
    """Create the parcels on their days, then apply the steps in day order (deletes end one)."""
    days = [FIRST_DAY + timedelta(days=offset) for offset in created]
    for index, code in enumerate(CODES):
        _create(session, code, days[index], index)
    deleted: set[str] = set()
    day = max(days)
    for index, gap, change in history:
        code = CODES[index]
        day += timedelta(days=gap)
        if code in deleted:
            continue
        if change is None:
            parcel_writes.delete_parcel(
                session, code=code, actor="hypothesis", effective_date=day, expected_version=None
            )
            deleted.add(code)
        else:
            parcel_writes.update_parcel(
                session, code=code, changes=change, actor="hypothesis", effective_date=day
            )


def _rows(session: Session, function: str, on: date, code: str | None = None) -> list[Any]:
    """Every column of the test parcels as of a day, the outline as GeoJSON (8 digits).

    updated_at is left out: 0002 gave a parcel unchanged since the day its row's updated_at
    (the transaction's start), the states give the last folded event's recorded_at (0001's
    meaning); the two differ by microseconds.
    """
    statement = text(
        f"SELECT id, code, name, category, stage, progress, start_date, deadline, note,"
        f" households, plan_targets, milestones, version, ST_AsGeoJSON(geom, 8) AS outline"
        f" FROM {function}(:on, :code) WHERE code LIKE 'ST-%' ORDER BY code"
    )
    return [tuple(row) for row in session.execute(statement, {"on": on, "code": code})]
