"""GET /map on the sample data, live in headless Chromium, and the rendered files offline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page
from sqlalchemy.orm import Session

from gis_service.maps.files import render_planner_maps
from gis_service.repo import parcel_writes
from gis_service.settings import Settings
from tests.browser import ARTIFACTS, Recorder, chromium

AS_OF = "2021-06-30"


@pytest.fixture
def browser_page() -> Iterator[tuple[Page, Recorder]]:
    """A fresh headless Chromium tab with its activity recorded."""
    with chromium() as browser:
        tab = browser.new_page(viewport={"width": 1600, "height": 1000})
        yield tab, Recorder(tab)


def open_map(tab: Page, url: str) -> None:
    """Open a map page and wait until the planner script has drawn it."""
    tab.goto(url)
    tab.wait_for_function("window.YatouPlanner && YatouPlanner.current")
    tab.wait_for_timeout(300)


def api_level_counts(base: str, as_of: str) -> dict[str, int]:
    """How many parcels of each level the API reports for a date."""
    body = httpx.get(f"{base}/api/parcels", params={"as_of": as_of, "limit": 10000}).json()
    return dict(Counter(f["properties"]["level"] for f in body["features"]))


@pytest.mark.browser
def test_live_map_works_offline_and_matches_the_api(
    live_server: str, browser_page: tuple[Page, Recorder]
) -> None:
    tab, rec = browser_page
    open_map(tab, f"{live_server}/map?as_of={AS_OF}")
    assert rec.errors == []
    hosts = {urlsplit(u).netloc for u in rec.requests if not u.startswith("data:")}
    assert hosts == {urlsplit(live_server).netloc}
    expected = api_level_counts(live_server, AS_OF)
    assert tab.evaluate("YatouPlanner.current.counts()") == expected
    for level, count in expected.items():
        assert tab.locator(f'.yl-row[data-key="{level}"] .yl-count').inner_text() == str(count)
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "live_map_2021-06-30.png"))


@pytest.mark.browser
def test_live_map_popup_and_community_filter(
    live_server: str, browser_page: tuple[Page, Recorder]
) -> None:
    tab, _ = browser_page
    open_map(tab, f"{live_server}/map?as_of={AS_OF}")
    point = tab.evaluate("YatouPlanner.current.pixelOf('KP-01')")
    tab.mouse.click(point["x"], point["y"])
    popup = tab.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "富智大兴电机" in popup.inner_text()
    tab.select_option("select[name=community]", "曙光社区")
    visible = tab.evaluate("YatouPlanner.current.visibleCodes()")
    body = httpx.get(f"{live_server}/api/parcels", params={"as_of": AS_OF, "limit": 10000}).json()
    in_community = sorted(
        f["properties"]["code"]
        for f in body["features"]
        if f["properties"]["community"] == "曙光社区"
    )
    assert in_community and sorted(visible) == in_community


@pytest.mark.browser
def test_rendered_file_opens_with_no_request(
    settings: Settings, session: Session, tmp_path: Path, browser_page: tuple[Page, Recorder]
) -> None:
    written = render_planner_maps(session, settings, dates=[date(2021, 12, 31)], out=tmp_path)
    ((path, size),) = written
    assert path.name == "planner_2021-12-31.html" and size == path.stat().st_size
    assert (tmp_path / "index.html").read_text(encoding="utf-8").count("planner_2021-12-31.html")
    tab, rec = browser_page
    open_map(tab, path.as_uri())
    assert rec.errors == [] and rec.dialogs == []
    assert [u for u in rec.requests if u != path.as_uri() and not u.startswith("data:")] == []
    assert sum(tab.evaluate("YatouPlanner.current.counts()").values()) == 201


def test_map_page_escapes_parcel_text(client: TestClient, session: Session) -> None:
    payloads = ["<img src=x onerror=alert(1)>", "${alert(1)}", "`x`</script><script>alert(1)//"]
    for i, name in enumerate(payloads):
        parcel_writes.create_parcel(
            session,
            code=f"XSS-{i}",
            values=xss_parcel(name, i),
            actor="test",
            effective_date=date(2021, 1, 1),
        )
    html = client.get("/map", params={"as_of": AS_OF}).text
    assert "<img src=x" not in html
    assert "</script><script>alert(1)" not in html
    assert "${alert(1)}" in html  # inert inside JSON data: shown as text by the page


def xss_parcel(name: str, index: int) -> dict[str, Any]:
    """An idle building named with an injection payload."""
    x = 122.44 + index * 0.002
    ring = [[x, 37.17], [x + 0.001, 37.17], [x + 0.001, 37.171], [x, 37.171], [x, 37.17]]
    return {
        "name": name,
        "category": "idle_building",
        "stage": "idle",
        "note": name,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_map_page_refuses_bad_query(client: TestClient) -> None:
    response = client.get("/map", params={"colour": "rainbow"})
    assert response.status_code == 422
    assert response.json()["field"] == "colour"
