"""State of a parcel on a date, folded from its events and from sample-file histories."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gis_service.rules.history import (
    ACTIONS,
    Event,
    HistoryError,
    coerce_state,
    events_from_history,
    fold_changes,
    state_as_of,
    state_of_history,
)

D1, D2, D3, D4 = date(2021, 1, 10), date(2021, 2, 1), date(2021, 3, 1), date(2021, 4, 1)


def ev(event_id: int, action: str, field: str | None, value: object, effective: date) -> Event:
    """An event, built through from_mapping as database rows are."""
    return Event.from_mapping(
        {
            "id": event_id,
            "action": action,
            "field": field,
            "new_value": value,
            "effective_date": effective.isoformat(),
        }
    )


CREATED = [
    ev(1, "create", "code", "DA-01", D1),
    ev(2, "create", "stage", "acquiring", D1),
    ev(3, "create", "progress", 10, D1),
]


def test_before_the_first_event_there_is_no_parcel() -> None:
    assert state_as_of(CREATED, D1 - timedelta(days=1)) is None
    assert state_as_of([], D4) is None


def test_events_of_the_as_of_day_count() -> None:
    assert state_as_of(CREATED, D1) == {"code": "DA-01", "stage": "acquiring", "progress": 10}


def test_updates_apply_in_effective_date_order_not_input_order() -> None:
    events = [
        ev(9, "update", "progress", 60, D3),
        *CREATED,
        ev(4, "update", "progress", 30, D2),  # recorded before id 9, effective earlier too
    ]
    assert state_as_of(events, D2)["progress"] == 30  # type: ignore[index]
    assert state_as_of(events, D3)["progress"] == 60  # type: ignore[index]
    assert state_as_of(reversed(events), D4) == state_as_of(events, D4)


def test_a_backdated_event_recorded_later_still_folds_by_effective_date() -> None:
    events = [*CREATED, ev(5, "update", "stage", "demolishing", D3)]
    backdated = ev(6, "update", "stage", "acquiring", D2)  # written after 5, effective before
    assert state_as_of([*events, backdated], D4)["stage"] == "demolishing"  # type: ignore[index]


def test_same_day_events_are_ordered_by_id() -> None:
    events = [*CREATED, ev(8, "update", "progress", 80, D2), ev(7, "update", "progress", 70, D2)]
    assert state_as_of(events, D2)["progress"] == 80  # type: ignore[index]


def test_delete_removes_the_parcel_until_a_later_create() -> None:
    events = [*CREATED, ev(4, "delete", None, None, D2)]
    assert state_as_of(events, D1) is not None
    assert state_as_of(events, D2) is None
    recreated = [*events, ev(5, "create", "code", "DA-01", D3), ev(6, "create", "progress", 0, D3)]
    # A new life starts empty: the stage of the deleted parcel does not come back.
    assert state_as_of(recreated, D3) == {"code": "DA-01", "progress": 0}
    assert state_as_of(recreated, D2) is None


def test_an_update_of_an_absent_parcel_changes_nothing() -> None:
    deleted = [*CREATED, ev(4, "delete", None, None, D2), ev(5, "update", "progress", 99, D3)]
    assert state_as_of(deleted, D4) is None
    early = [ev(1, "update", "progress", 5, D1), ev(2, "create", "code", "X", D2)]
    assert state_as_of(early, D1) is None
    assert state_as_of(early, D2) == {"code": "X"}


def test_mappings_are_accepted_and_results_do_not_share_values() -> None:
    milestones = [{"name": "清零", "due_date": "2021-02-28", "done_on": None}]
    row = {
        "id": 1,
        "action": "create",
        "field": "milestones",
        "new_value": milestones,
        "effective_date": D1,
    }
    state = state_as_of([row], D1)
    assert state == {"milestones": milestones}
    state["milestones"][0]["done_on"] = "2021-02-20"  # type: ignore[index]
    assert milestones[0]["done_on"] is None


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"id": "1", "action": "create", "effective_date": "2021-01-01"}, "id"),
        ({"id": True, "action": "create", "effective_date": "2021-01-01"}, "id"),
        ({"id": 1, "action": "remove", "effective_date": "2021-01-01"}, "action"),
        ({"id": 1, "action": "update", "field": 3, "effective_date": "2021-01-01"}, "field"),
        ({"id": 1, "action": "update", "field": "x", "effective_date": "2021-02-30"}, "effective"),
        ({"id": 1, "action": "update", "field": "x", "effective_date": "20210101"}, "effective"),
        ({"id": 1, "action": "update", "field": "x"}, "effective_date"),
    ],
)
def test_bad_event_rows_are_refused_naming_the_field(
    row: Mapping[str, object], message: str
) -> None:
    with pytest.raises(HistoryError, match=message):
        Event.from_mapping(row)


def test_history_error_is_a_value_error() -> None:
    assert issubclass(HistoryError, ValueError)


# Sample-file histories ----------------------------------------------------------------------

HISTORY = [
    {"effective_date": "2021-01-10", "actor": "sample", "changes": {"stage": "idle", "x": 1}},
    {"effective_date": "2021-02-01", "actor": "sample", "changes": {"stage": "negotiating"}},
    {"effective_date": "2021-03-01", "actor": "sample", "changes": {"x": None, "y": [1, 2]}},
]


def test_fold_changes_gives_the_final_properties() -> None:
    assert fold_changes(HISTORY) == {"stage": "negotiating", "x": None, "y": [1, 2]}
    assert fold_changes([]) == {}


def test_state_of_history_on_dates() -> None:
    assert state_of_history(HISTORY, date(2021, 1, 9)) is None
    assert state_of_history(HISTORY, date(2021, 1, 10)) == {"stage": "idle", "x": 1}
    assert state_of_history(HISTORY, date(2021, 2, 28)) == {"stage": "negotiating", "x": 1}


def test_history_becomes_create_then_update_events() -> None:
    events = events_from_history(HISTORY)
    assert [(e.id, e.action, e.field) for e in events] == [
        (1, "create", "stage"),
        (2, "create", "x"),
        (3, "update", "stage"),
        (4, "update", "x"),
        (5, "update", "y"),
    ]
    assert events[2].effective_date == date(2021, 2, 1)


OUT_OF_ORDER = [
    {"effective_date": "2021-02-01", "changes": {"x": 1}},
    {"effective_date": "2021-01-01", "changes": {"x": 2}},
]


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (OUT_OF_ORDER, r"history\[1\].effective_date 2021-01-01 is before"),
        ([{"effective_date": "2021-02-01", "changes": ["x"]}], r"history\[0\].changes"),
        ([{"changes": {"x": 1}}], r"history\[0\].effective_date"),
        ([{"effective_date": "2021-02-01", "changes": {1: 1}}], "non-text key"),
    ],
)
def test_bad_histories_are_refused(entries: list[dict[str, object]], message: str) -> None:
    with pytest.raises(HistoryError, match=message):
        events_from_history(entries)


# Coercion of dates --------------------------------------------------------------------------


def test_coerce_state_turns_known_dates_into_dates() -> None:
    state = {
        "code": "OC-001",
        "start_date": "2021-01-01",
        "deadline": "2021-06-30",
        "completed_on": None,
        "committee_formed_on": "2021-05-04",
        "note": "2021-01-01",  # not a date field: stays text
        "milestones": [{"name": "设计", "due_date": "2021-03-31", "done_on": "2021-03-30"}],
    }
    coerced = coerce_state(state)
    assert coerced == {
        "code": "OC-001",
        "start_date": date(2021, 1, 1),
        "deadline": date(2021, 6, 30),
        "completed_on": None,
        "committee_formed_on": date(2021, 5, 4),
        "note": "2021-01-01",
        "milestones": [
            {"name": "设计", "due_date": date(2021, 3, 31), "done_on": date(2021, 3, 30)}
        ],
    }
    assert state["deadline"] == "2021-06-30"  # the input is left as it was
    assert coerce_state(coerced) == coerced  # dates stay dates


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ({"deadline": "2021-13-01"}, "deadline"),
        ({"start_date": 20210101}, "start_date"),
        ({"milestones": [{"due_date": "soon"}]}, r"milestones\[0\].due_date"),
    ],
)
def test_coerce_state_refuses_bad_dates(state: dict[str, object], message: str) -> None:
    with pytest.raises(HistoryError, match=message):
        coerce_state(state)


# Properties -------------------------------------------------------------------------------

FIELDS = st.sampled_from(["stage", "progress", "note", "deadline", "milestones"])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=5,
)


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, object]]:
    """Sample-file histories: oldest first, the first entry non-empty."""
    day = date(2021, 1, 1)
    entries: list[dict[str, object]] = []
    for index in range(draw(st.integers(min_value=1, max_value=6))):
        day += timedelta(days=draw(st.integers(min_value=0, max_value=40)))
        changes = draw(st.dictionaries(FIELDS, JSON, min_size=1 if index == 0 else 0))
        entries.append({"effective_date": day.isoformat(), "actor": "t", "changes": changes})
    return entries


@given(histories())
def test_fold_equals_applying_the_changes_in_order(entries: list[dict[str, object]]) -> None:
    expected: dict[str, object] = {}
    for entry in entries:
        expected.update(entry["changes"])  # type: ignore[call-overload]
    assert fold_changes(entries) == expected


@given(histories(), st.integers(min_value=-5, max_value=300))
def test_state_on_a_day_equals_the_changes_up_to_that_day(
    entries: list[dict[str, object]], offset: int
) -> None:
    on = date(2021, 1, 1) + timedelta(days=offset)
    applied = [e for e in entries if date.fromisoformat(str(e["effective_date"])) <= on]
    expected: dict[str, object] | None = None
    for entry in applied:
        expected = {**(expected or {}), **entry["changes"]}  # type: ignore[dict-item]
    assert state_of_history(entries, on) == expected


@given(histories())
def test_before_the_first_entry_there_is_nothing(entries: list[dict[str, object]]) -> None:
    first = date.fromisoformat(str(entries[0]["effective_date"]))
    assert state_of_history(entries, first - timedelta(days=1)) is None
    assert state_of_history(entries, first) is not None


@st.composite
def event_lists(draw: st.DrawFn) -> list[Event]:
    """Random events with distinct ids, in random order, over a few days."""
    count = draw(st.integers(min_value=0, max_value=12))
    ids = draw(st.permutations(list(range(1, count + 1))))
    events = []
    for event_id in ids:
        action = draw(st.sampled_from(ACTIONS))
        field = None if action == "delete" else draw(FIELDS)
        value = None if action == "delete" else draw(st.integers(0, 100))
        day = date(2021, 1, 1) + timedelta(days=draw(st.integers(0, 5)))
        events.append(Event(event_id, action, field, value, day))
    return events


def declarative_state(events: list[Event], on: date) -> dict[str, object] | None:
    """The state as a query would state it: the life after the last delete, if one began."""
    past = [e for e in events if e.effective_date <= on]
    timeline = sorted(past, key=lambda e: (e.effective_date, e.id))
    deletes = [i for i, e in enumerate(timeline) if e.action == "delete"]
    after = timeline[deletes[-1] + 1 :] if deletes else timeline
    creates = [i for i, e in enumerate(after) if e.action == "create"]
    if not creates:
        return None
    life = after[creates[0] :]
    return {e.field: e.new_value for e in life if e.field is not None}


@given(event_lists(), st.integers(min_value=-1, max_value=6))
def test_fold_agrees_with_the_declarative_definition(events: list[Event], offset: int) -> None:
    on = date(2021, 1, 1) + timedelta(days=offset)
    assert state_as_of(events, on) == declarative_state(events, on)


@given(event_lists(), st.integers(min_value=0, max_value=6))
def test_a_last_delete_always_leaves_no_parcel(events: list[Event], offset: int) -> None:
    on = date(2021, 1, 1) + timedelta(days=offset)
    last_day = max((e.effective_date for e in events), default=on)
    tail = Event(10_000, "delete", None, None, min(last_day, on))
    assert state_as_of([*events, tail], on) is None
