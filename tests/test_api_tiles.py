"""Vector tiles of the parcels: MVT built by PostGIS, as of a date, strong ETags, 304, and a
cache that an edit invalidates (issue 10 goal 3)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from gis_service.maps.tile_grid import Tile, tile_problem
from gis_service.rules.levels import Level
from tests.api_helpers import bearer, tokens
from tests.mvt_reader import read_tile

__all__ = ["tokens"]  # the fixture, imported for the tests below

# The zoom-12 tile over the east of 崖头, holding IB-01 (centroid 122.4394, 37.1561).
TOWN = "/api/tiles/12/3441/1592.mvt"


def features(client: TestClient, url: str, **params: str) -> list[dict[str, object]]:
    """The features of a tile's `parcels` layer."""
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    return read_tile(response.content).get("parcels", [])


def test_tile_bounds_follow_web_mercator() -> None:
    assert Tile(0, 0, 0).bounds_degrees()[0] == -180
    minlon, minlat, maxlon, maxlat = Tile(12, 3441, 1592).bounds_degrees()
    assert minlon < 122.4394 < maxlon and minlat < 37.1561 < maxlat
    assert tile_problem(3, 8, 0) == ("x", "x must be 0–7 at zoom 3")
    assert tile_problem(23, 0, 0) is not None and tile_problem(5, 1, 1) is None


def test_a_town_tile_carries_the_styled_and_filtered_properties(client: TestClient) -> None:
    found = features(client, TOWN, as_of="2021-06-30")
    assert len(found) > 50
    one = found[0]
    assert {"code", "name", "category", "stage", "progress", "level", "deadline"} <= set(one)
    assert {f["level"] for f in found} <= {level.value for level in Level}
    assert all(f["_type"] == 3 for f in found)  # polygons


def test_tile_levels_equal_the_api_levels(client: TestClient) -> None:
    tile = {f["code"]: f["level"] for f in features(client, TOWN, as_of="2021-06-30")}
    page = client.get("/api/parcels", params={"as_of": "2021-06-30", "limit": 10000}).json()
    api = {f["id"]: f["properties"]["level"] for f in page["features"]}
    assert tile and all(api[code] == level for code, level in tile.items())


def test_tiles_as_of_a_date_before_a_parcel_existed_leave_it_out(client: TestClient) -> None:
    now = {f["code"] for f in features(client, TOWN)}
    early = {f["code"] for f in features(client, TOWN, as_of="2020-06-30")}
    assert early < now


def test_category_filter_and_the_ogc_path(client: TestClient) -> None:
    idle = features(client, TOWN, category="idle_building")
    assert idle and {f["category"] for f in idle} == {"idle_building"}
    ogc = features(client, "/ogc/collections/idle_building/tiles/WebMercatorQuad/12/3441/1592")
    assert {f["code"] for f in ogc} == {f["code"] for f in idle}
    assert client.get("/ogc/collections/communities/tiles/WebMercatorQuad/0/0/0").status_code == 404


def test_bad_tile_addresses_are_422_naming_the_field(client: TestClient) -> None:
    response = client.get("/api/tiles/3/9/0.mvt")
    assert response.status_code == 422
    assert response.json()["field"] == "x"


def test_etag_gives_304_until_an_edit_changes_the_tile(
    client: TestClient, tokens: dict[str, str]
) -> None:
    first = client.get(TOWN)
    tag = first.headers["ETag"]
    assert tag.startswith('"') and not tag.startswith("W/")
    assert client.get(TOWN, headers={"If-None-Match": tag}).status_code == 304
    version = client.get("/api/parcels/IB-01").headers["ETag"]
    headers = bearer(tokens["investment"]) | {"If-Match": version}
    edit = client.patch(
        "/api/parcels/IB-01", json={"properties": {"stage": "signed"}}, headers=headers
    )
    assert edit.status_code == 200, edit.text
    after = client.get(TOWN, headers={"If-None-Match": tag})
    assert after.status_code == 200 and after.headers["ETag"] != tag
    stages = {f["code"]: f["stage"] for f in read_tile(after.content)["parcels"]}
    assert stages["IB-01"] == "signed"
