"""/map and /screen above map_embed_limit: no parcel embedded, counts and popups from the store."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from gis_service.maps import map_data
from gis_service.maps.payload import WINDOW_BUCKETS
from gis_service.maps.tile_prefetch import BAR_HEIGHT_PX
from gis_service.screen.bundle import screen_data
from gis_service.screen.config import page_config
from gis_service.screen.links import create_link
from gis_service.settings import PROJECT_ROOT, Settings
from tests.api_helpers import app_client
from tests.map_helpers import planner_data

AS_OF = date(2021, 9, 30)  # overdue, due-this-month and due-this-quarter parcels all exist
LIMIT = 5


@pytest.fixture
def low_settings(settings: Settings) -> Settings:
    """The test settings with maps that embed at most five parcels."""
    return settings.model_copy(update={"map_embed_limit": LIMIT})


@pytest.fixture
def low_client(low_settings: Settings, session: Session) -> Iterator[TestClient]:
    """A client of the app whose maps embed at most five parcels."""
    with app_client(low_settings, session) as client:
        yield client


def embedded_and_tiled(session: Session, settings: Settings) -> tuple[dict[str, Any], ...]:
    """The data of the map with its parcels embedded, and of the same map from tiles."""
    embedded = map_data.gather(session, settings, as_of=AS_OF)
    tiled = map_data.gather(session, settings, as_of=AS_OF, tiles=True)
    assert embedded.tiled is None and tiled.tiled is not None
    return (
        planner_data(map_data.planner_map(embedded, settings)),
        planner_data(map_data.planner_map(tiled, settings)),
    )


def test_legend_counts_from_the_groups_equal_the_embedded_counts(
    session: Session, low_settings: Settings
) -> None:
    embedded, tiled = embedded_and_tiled(session, low_settings)
    assert embedded["mode"] == "points" and tiled["mode"] == "tiles"
    assert tiled["parcels"] == []
    assert tiled["counts"] == embedded["counts"]
    groups = tiled["tiles"]["groups"]
    records = embedded["parcels"]
    assert sum(g[5] for g in groups) == len(records) == 201
    # Every filter the page offers counts the same from the groups as from the records.
    for window in ("month", "quarter", "overdue"):
        from_groups = sum(g[5] for g in groups if window in WINDOW_BUCKETS[g[4]])
        assert from_groups == sum(window in p["windows"] for p in records) > 0, window
    by_community = Counter(p["community"] for p in records)
    for name, count in by_community.items():
        assert sum(g[5] for g in groups if g[3] == name) == count


def test_the_popup_record_is_the_embedded_record(
    session: Session, low_settings: Settings, low_client: TestClient
) -> None:
    embedded, _ = embedded_and_tiled(session, low_settings)
    for record in embedded["parcels"][:20]:
        answer = low_client.get(f"/map/parcels/{record['code']}", params={"as_of": str(AS_OF)})
        assert answer.status_code == 200
        assert answer.json() == {k: v for k, v in record.items() if k != "geometry"}


def test_an_unknown_popup_is_a_404_naming_the_code(low_client: TestClient) -> None:
    answer = low_client.get("/map/parcels/NO-SUCH", params={"as_of": str(AS_OF)})
    assert answer.status_code == 404
    assert answer.json()["field"] == "code"


def test_the_map_page_is_small_and_loads_maplibre(low_client: TestClient) -> None:
    page = low_client.get("/map", params={"as_of": str(AS_OF)})
    assert page.status_code == 200
    assert len(page.content) < 100_000
    for asset in ("maplibre-gl.js", "leaflet-maplibre-gl.js", "planner_tiles.js"):
        assert asset in page.text
    assert "/api/tiles/{z}/{x}/{y}.mvt?as_of=2021-09-30" in page.text
    assert '"parcels":[]' in page.text and "PS-14" not in page.text  # no parcel embedded


def test_a_category_page_asks_for_that_category_s_tiles(low_client: TestClient) -> None:
    page = low_client.get("/map", params={"as_of": str(AS_OF), "category": "idle_building"})
    assert (
        "/api/tiles/{z}/{x}/{y}.mvt?as_of=2021-09-30&amp;category=idle_building" in page.text
        or ("/api/tiles/{z}/{x}/{y}.mvt?as_of=2021-09-30\\u0026category=idle_building" in page.text)
    )


def test_below_the_limit_the_map_embeds_and_loads_no_maplibre(client: TestClient) -> None:
    page = client.get("/map", params={"as_of": str(AS_OF)})
    assert "maplibre" not in page.text and '"mode":"shapes"' in page.text


def test_files_embed_whatever_the_limit(session: Session, low_settings: Settings) -> None:
    # A standalone file cannot ask for tiles: it embeds (points above the limit), as before.
    inputs = map_data.gather(session, low_settings, as_of=AS_OF)
    assert planner_data(map_data.planner_map(inputs, low_settings))["mode"] == "points"
    assert page_config(session, low_settings, pinned=AS_OF, live=False)["tiles"] is None
    data = screen_data(session, AS_OF, thresholds=low_settings.thresholds)
    assert len(data["parcels"]["features"]) == 201


def screen_config(html: str) -> dict[str, Any]:
    """The inert JSON config of a /screen page."""
    found = re.search(r'<script type="application/json" id="ys-config">(.*?)</script>', html, re.S)
    assert found
    config: dict[str, Any] = json.loads(found.group(1))
    return config


def test_the_screen_draws_from_tiles_above_the_limit(low_client: TestClient) -> None:
    page = low_client.get("/screen")
    assert len(page.content) < 100_000
    assert "screen_tiles.js" in page.text and "maplibre-gl.js" in page.text
    tiles = screen_config(page.text)["tiles"]
    assert tiles["url"] == "/api/screen/tiles/{z}/{x}/{y}.mvt"
    (south, west), (north, east) = tiles["bounds"]
    assert 36 < south < north < 38 and 122 < west < east < 123
    data = low_client.get("/api/screen", params={"as_of": str(AS_OF)}).json()
    assert data["parcels"] is None and data["level_counts"]
    frames = low_client.get("/api/screen/playback").json()["frames"]
    assert all("levels_by_code" not in f for f in frames)
    tile = low_client.get("/api/screen/tiles/13/6881/3183.mvt", params={"as_of": str(AS_OF)})
    assert tile.status_code == 200


def test_below_the_limit_the_screen_embeds(client: TestClient) -> None:
    page = client.get("/screen")
    assert screen_config(page.text)["tiles"] is None and "maplibre" not in page.text
    assert client.get("/api/screen").json()["parcels"]["features"]


def test_screen_tiles_open_with_a_kiosk_key_only(settings: Settings, session: Session) -> None:
    _, key = create_link(session, name="会议室")
    with app_client(settings, session, public_read=False) as private:
        path = "/api/screen/tiles/13/6881/3183.mvt"
        assert private.get(path).status_code == 401
        assert private.get(path, params={"key": "wrong"}).status_code == 401
        answer = private.get(path, params={"key": key})
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/vnd.mapbox-vector-tile"
        assert private.get("/api/tiles/13/6881/3183.mvt", params={"key": key}).status_code == 401


def test_the_map_page_fetches_its_first_tiles_from_the_head(low_client: TestClient) -> None:
    page = low_client.get("/map", params={"as_of": str(AS_OF)}).text
    head = page[: page.index("</head>")]
    start = head.index("YatouTilePrefetch.start(")
    assert start < head.index("<link") and start < head.index("<script src=")  # before any asset
    config = json.loads(head[start + len("YatouTilePrefetch.start(") : head.index(");", start)])
    # The versioned URL the map itself asks (tile_mode.py), so the prefetched tile is the one used.
    assert re.fullmatch(
        r"/api/tiles/\{z\}/\{x\}/\{y\}\.mvt\?as_of=2021-09-30&v=\d+", config["tile_url"]
    )
    in_page = [json.loads(f'"{u}"') for u in re.findall(r'"tile_url":\s*"([^"]+)"', page)]
    assert len(in_page) >= 2 and set(in_page) == {config["tile_url"]}
    assert config["total"] == 201 and config["top"] == BAR_HEIGHT_PX
    (south, west), (north, east) = config["bounds"]
    assert south < 37.16 < north and west < 122.44 < east


def test_the_prefetch_takes_the_shell_bar_s_height() -> None:
    css = (PROJECT_ROOT / "gis_service" / "static" / "css" / "shell.css").read_text()
    assert f"--ys-bar: {BAR_HEIGHT_PX}px;" in css
