"""Levels served by the API follow DESIGN.md's table at every boundary."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from gis_service.repo import parcel_writes

ON = date(2021, 6, 1)
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[122.47, 37.17], [122.471, 37.17], [122.471, 37.171], [122.47, 37.171], [122.47, 37.17]]
    ],
}


def make(session: Session, code: str, **values: Any) -> None:
    """A key project with the given dates and progress, created long before ON."""
    base = {
        "name": code,
        "category": "key_project",
        "stage": "under_construction",
        "geometry": SQUARE,
    }
    parcel_writes.create_parcel(
        session, code=code, values=base | values, actor="test", effective_date=date(2020, 1, 1)
    )


def props(client: TestClient, code: str, on: date = ON) -> dict[str, Any]:
    """The served properties of one parcel as of a date."""
    response = client.get(f"/api/parcels/{code}", params={"as_of": on.isoformat()})
    assert response.status_code == 200, response.text
    return dict(response.json()["properties"])


@pytest.mark.parametrize(
    ("days", "level"),
    [(31, "blue"), (30, "yellow"), (15, "yellow"), (14, "orange"), (0, "orange"), (-1, "red")],
)
def test_days_left_boundaries(client: TestClient, session: Session, days: int, level: str) -> None:
    # No start date: only the days-left rules apply.
    make(session, f"LV-D{days + 1}", progress=0, deadline=ON + timedelta(days=days))
    served = props(client, f"LV-D{days + 1}")
    assert (served["days_left"], served["level"]) == (days, level)
    assert served["planned_progress"] is None


@pytest.mark.parametrize(
    ("lag", "level"), [(9, "blue"), (10, "yellow"), (24, "yellow"), (25, "orange")]
)
def test_lag_boundaries(client: TestClient, session: Session, lag: int, level: str) -> None:
    # 100 days from start to deadline, 50 gone on ON: planned progress 50, deadline far off.
    start = ON - timedelta(days=50)
    make(
        session,
        f"LV-L{lag}",
        start_date=start,
        deadline=start + timedelta(days=100),
        progress=50 - lag,
    )
    served = props(client, f"LV-L{lag}")
    assert (served["planned_progress"], served["level"]) == (50, level)


def test_no_deadline_is_grey(client: TestClient, session: Session) -> None:
    make(session, "LV-GREY", progress=10)
    served = props(client, "LV-GREY")
    assert (served["level"], served["days_left"]) == ("grey", None)


@pytest.mark.parametrize(
    ("completed", "late"),
    [(ON - timedelta(days=40), False), (ON - timedelta(days=30), False), (ON, True)],
)
def test_completed_is_green_and_late_flag(
    client: TestClient, session: Session, completed: date, late: bool
) -> None:
    deadline = ON - timedelta(days=30)
    make(
        session,
        "LV-DONE",
        stage="operating",
        progress=100,
        deadline=deadline,
        completed_on=completed,
    )
    served = props(client, "LV-DONE")
    assert (served["level"], served["completed_late"]) == ("green", late)


def test_completion_after_as_of_date_is_not_green(client: TestClient, session: Session) -> None:
    make(session, "LV-LATER", progress=10, deadline=ON + timedelta(days=100))
    parcel_writes.update_parcel(
        session,
        code="LV-LATER",
        changes={"stage": "operating", "progress": 100, "completed_on": ON + timedelta(days=10)},
        actor="test",
        effective_date=ON + timedelta(days=10),
    )
    assert props(client, "LV-LATER", ON)["level"] == "blue"
    assert props(client, "LV-LATER", ON + timedelta(days=10))["level"] == "green"


def test_before_first_event_the_parcel_did_not_exist(client: TestClient, session: Session) -> None:
    make(session, "LV-NEW", progress=0)
    response = client.get("/api/parcels/LV-NEW", params={"as_of": "2019-12-31"})
    assert response.status_code == 404
    assert "LV-NEW" in response.json()["message"]
