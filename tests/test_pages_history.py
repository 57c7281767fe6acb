"""The HTML history page of a parcel (the map's popups link to it)."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from gis_service.repo import parcel_writes


def test_history_page_lists_every_event_in_chinese(client: TestClient) -> None:
    response = client.get("/parcels/IB-01/history")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "上城国际（IB-01）变更历史" in page
    api_events = client.get("/api/parcels/IB-01/history").json()["events"]
    assert f"共 {len(api_events)} 条" in page
    assert "部分运营" in page and "空置面积" in page and "sample-data" in page


def test_history_page_escapes_stored_text(client: TestClient, session: Session) -> None:
    ring = [[122.45, 37.17], [122.451, 37.17], [122.451, 37.171], [122.45, 37.171], [122.45, 37.17]]
    parcel_writes.create_parcel(
        session,
        code="XSS-H",
        values={
            "name": "<script>alert(1)</script>",
            "category": "idle_building",
            "stage": "idle",
            "note": "<img src=x onerror=alert(1)>",
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        },
        actor="<b>bold</b>",
        effective_date=date(2021, 1, 1),
    )
    page = client.get("/parcels/XSS-H/history").text
    assert "<script>alert(1)" not in page and "<img src=x" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_history_page_of_unknown_parcel_is_404(client: TestClient) -> None:
    response = client.get("/parcels/NOPE-1/history")
    assert response.status_code == 404
    assert "NOPE-1" in response.json()["message"]


def test_map_popups_link_to_the_history_page(client: TestClient) -> None:
    html = client.get("/map", params={"as_of": "2021-06-30"}).text
    assert "/parcels/{code}/history" in html
