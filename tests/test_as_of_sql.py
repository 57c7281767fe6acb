"""The SQL "as of" state (parcel_as_of) equals the pure fold of the same events."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.orm import Session

from gis_service.parcels.fields import to_json_value
from gis_service.repo import parcel_reads, parcel_writes
from gis_service.rules.history import state_as_of

FIRST_DAY = date(2031, 1, 1)  # after the sample data, so these events are the latest ones
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[122.46, 37.16], [122.461, 37.16], [122.461, 37.161], [122.46, 37.161], [122.46, 37.16]]
    ],
}
COMPARED = ("name", "stage", "progress", "note", "deadline", "completed_on", "milestones")

changes = st.fixed_dictionaries(
    {},
    optional={
        "progress": st.integers(0, 100),
        "stage": st.sampled_from(["not_started", "designing", "under_construction"]),
        "note": st.text(min_size=1, max_size=8).filter(lambda s: "\x00" not in s),
        "deadline": st.dates(date(2031, 6, 1), date(2032, 12, 31)),
        "milestones": st.lists(
            st.fixed_dictionaries(
                {
                    "name": st.sampled_from(["设计", "施工", "验收"]),
                    "due_date": st.none(),
                    "done_on": st.none(),
                }
            ),
            max_size=2,
        ),
    },
).filter(bool)
histories = st.lists(st.tuples(st.integers(0, 40), changes), max_size=6)


@given(history=histories, probes=st.lists(st.integers(-5, 260), min_size=1, max_size=6))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_sql_state_equals_pure_fold(
    session: Session, history: list[tuple[int, dict[str, Any]]], probes: list[int]
) -> None:
    savepoint = session.begin_nested()
    try:
        _record(session, history)
        events = _events(session)
        for offset in probes:
            on = FIRST_DAY + timedelta(days=offset)
            expected = state_as_of(events, on)
            row = parcel_reads.select_parcel(session, "HYP-1", as_of=on)
            if expected is None:
                assert row is None
                continue
            assert row is not None
            actual = {f: to_json_value(f, row[f]) for f in COMPARED}
            assert actual == {f: expected.get(f) for f in COMPARED}
    finally:
        savepoint.rollback()


def _record(session: Session, history: list[tuple[int, dict[str, Any]]]) -> None:
    """Create the test parcel, then apply each change, dated in non-decreasing order."""
    parcel_writes.create_parcel(
        session,
        code="HYP-1",
        values={
            "name": "随机地块",
            "category": "old_compound",
            "stage": "not_started",
            "progress": 0,
            "start_date": FIRST_DAY,
            "deadline": date(2031, 12, 31),
            "geometry": SQUARE,
        },
        actor="hypothesis",
        effective_date=FIRST_DAY,
    )
    day = FIRST_DAY
    for gap, change in history:
        day += timedelta(days=gap)
        parcel_writes.update_parcel(
            session, code="HYP-1", changes=change, actor="hypothesis", effective_date=day
        )


def _events(session: Session) -> list[dict[str, Any]]:
    """The test parcel's events as the pure fold takes them."""
    rows = session.execute(
        text(
            "SELECT id, action, field, new_value, effective_date"
            " FROM parcel_event WHERE code = 'HYP-1'"
        )
    ).mappings()
    return [dict(row) for row in rows]
