"""OGC API – Features at /ogc through the app, on the sample data in a rolled-back session."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from shapely.geometry import box, shape

from gis_service.repo import communities, parcel_writes
from gis_service.rules.stages import CATEGORIES

GEOJSON = "application/geo+json"
HOSTILE = "<img src=x onerror=alert(1)>"


def get_json(client: TestClient, url: str, **params: Any) -> dict[str, Any]:
    """GET a JSON document, asserting 200 (no params: the URL's own query is kept)."""
    response = client.get(url, params=params or None)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def rel(document: dict[str, Any], name: str, media_type: str | None = None) -> str | None:
    """The href of the first link of a relation (and type), or None."""
    for link in document["links"]:
        if link["rel"] == name and (media_type is None or link["type"] == media_type):
            return str(link["href"])
    return None


def all_items(client: TestClient, collection: str, **params: Any) -> list[dict[str, Any]]:
    """Every feature of a collection, following next links like GDAL does."""
    page = get_json(client, f"/ogc/collections/{collection}/items", **params)
    features = list(page["features"])
    while (url := rel(page, "next")) is not None:
        page = get_json(client, url)
        features += page["features"]
    return features


def api_features(client: TestClient, category: str, **params: Any) -> list[dict[str, Any]]:
    """The features /api/parcels returns for a category."""
    features: list[dict[str, Any]] = get_json(client, "/api/parcels", category=category, **params)[
        "features"
    ]
    return features


def test_landing_page(client: TestClient) -> None:
    """JSON landing page with the links GDAL and OWSLib start from."""
    response = client.get("/ogc")
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["title"]
    assert rel(body, "data") == "http://testserver/ogc/collections"
    assert rel(body, "conformance") == "http://testserver/ogc/conformance"
    assert rel(body, "service-desc") == "http://testserver/ogc/api"
    assert client.get(rel(body, "service-desc") or "").status_code == 200


def test_conformance(client: TestClient) -> None:
    """Core, GeoJSON and HTML are declared."""
    classes = get_json(client, "/ogc/conformance")["conformsTo"]
    for name in ("core", "geojson", "html"):
        assert f"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{name}" in classes


def test_collections(client: TestClient) -> None:
    """One collection per category plus communities, with titles, extents and items links."""
    body = get_json(client, "/ogc/collections")
    by_id = {c["id"]: c for c in body["collections"]}
    assert list(by_id) == [*CATEGORIES, "communities"]
    assert by_id["idle_building"]["title"] == "闲置楼宇"
    assert by_id["communities"]["title"] == "社区与城中村"
    for collection in by_id.values():
        minlon, minlat, maxlon, maxlat = collection["extent"]["spatial"]["bbox"][0]
        assert 122.30 <= minlon < maxlon <= 122.65 and 37.00 <= minlat < maxlat <= 37.30
        assert rel(collection, "items", GEOJSON) == (
            f"http://testserver/ogc/collections/{collection['id']}/items"
        )
    interval = by_id["demolition_area"]["extent"]["temporal"]["interval"][0]
    assert interval[0].endswith("T00:00:00Z") and interval[1] is None


def test_one_collection_and_unknown_ones(client: TestClient) -> None:
    """/collections/{id} describes it; an unknown id is 404."""
    assert get_json(client, "/ogc/collections/key_project")["title"] == "重点项目"
    response = client.get("/ogc/collections/parks")
    assert response.status_code == 404
    assert response.json()["field"] == "collectionId"
    assert client.get("/ogc/collections/parks/items").status_code == 404


@pytest.mark.parametrize("category", CATEGORIES)
def test_items_match_the_parcels_api(client: TestClient, category: str) -> None:
    """Paging through next links gives exactly /api/parcels' features, property for property."""
    page = get_json(client, f"/ogc/collections/{category}/items")
    expected = api_features(client, category)
    assert page["numberMatched"] == len(expected) > 0
    assert page["numberReturned"] == min(10, len(expected))
    assert {"numberMatched", "numberReturned", "timeStamp", "links"} <= set(page)
    features = all_items(client, category)
    assert [f["id"] for f in features] == [f["id"] for f in expected]
    strip = [{k: v for k, v in f.items() if k != "links"} for f in features]
    assert strip == expected


def test_items_are_geojson(client: TestClient) -> None:
    """Items and items/{id} answer application/geo+json."""
    response = client.get("/ogc/collections/old_compound/items")
    assert response.headers["content-type"] == GEOJSON
    first = response.json()["features"][0]
    assert first["geometry"]["type"] == "MultiPolygon"
    one = client.get(f"/ogc/collections/old_compound/items/{first['id']}")
    assert one.headers["content-type"] == GEOJSON


def test_limit_offset_next_and_prev(client: TestClient) -> None:
    """Pages of 7 walk forward with next and back with prev, without overlap."""
    first = get_json(client, "/ogc/collections/old_compound/items", limit=7)
    assert first["numberReturned"] == 7
    assert rel(first, "prev") is None
    second = get_json(client, rel(first, "next") or "")
    assert second["features"][0]["id"] > first["features"][-1]["id"]
    back = get_json(client, rel(second, "prev") or "")
    assert [f["id"] for f in back["features"]] == [f["id"] for f in first["features"]]
    matched = first["numberMatched"]
    last = get_json(client, "/ogc/collections/old_compound/items", limit=7, offset=matched - 3)
    assert last["numberReturned"] == 3 and rel(last, "next") is None
    beyond = get_json(client, "/ogc/collections/old_compound/items", offset=matched + 5)
    assert beyond["features"] == [] and beyond["numberMatched"] == matched


def test_limit_is_capped_not_refused(client: TestClient) -> None:
    """A limit above the maximum returns everything up to the maximum."""
    page = get_json(client, "/ogc/collections/old_compound/items", limit=1_000_000)
    assert page["numberReturned"] == page["numberMatched"]


def test_bbox_returns_what_intersects(client: TestClient) -> None:
    """A bbox around one parcel returns it and only parcels touching the box's extent."""
    target = api_features(client, "old_compound")[0]
    minlon, minlat, maxlon, maxlat = shape(target["geometry"]).bounds
    bbox = f"{minlon},{minlat},{maxlon},{maxlat}"
    features = all_items(client, "old_compound", bbox=bbox)
    assert target["id"] in [f["id"] for f in features]
    window = box(minlon, minlat, maxlon, maxlat)
    assert all(shape(f["geometry"]).envelope.intersects(window) for f in features)
    assert len(features) < len(api_features(client, "old_compound"))


@pytest.mark.parametrize(
    ("category", "name"),
    [("old_compound", "stage"), ("demolition_area", "community"), ("old_compound", "level")],
)
def test_property_filters(client: TestClient, category: str, name: str) -> None:
    """stage=, community=, level= select exactly the parcels with that value."""
    everything = api_features(client, category)
    value = everything[0]["properties"][name]
    expected = [f["id"] for f in everything if f["properties"][name] == value]
    features = all_items(client, category, **{name: value})
    assert [f["id"] for f in features] == expected
    assert len(expected) > 0


def test_datetime_is_the_as_of_date(client: TestClient) -> None:
    """datetime=D and an interval ending on D give /api/parcels?as_of=D."""
    day = "2021-03-31"
    expected = api_features(client, "demolition_area", as_of=day)
    for value in (day, f"../{day}", f"2021-01-01/{day}T12:00:00Z"):
        features = all_items(client, "demolition_area", datetime=value, limit=100)
        stripped = [{k: v for k, v in f.items() if k != "links"} for f in features]
        assert stripped == expected
    assert {f["properties"]["as_of"] for f in expected} == {day}


def test_datetime_before_the_plan_has_fewer_parcels(client: TestClient) -> None:
    """Parcels that did not exist yet on a date are not there."""
    early = get_json(client, "/ogc/collections/old_compound/items", datetime="2020-01-01")
    assert early["numberMatched"] == 0
    now = get_json(client, "/ogc/collections/old_compound/items")
    assert now["numberMatched"] > 0


def test_one_item_matches_the_parcels_api_and_has_an_etag(client: TestClient) -> None:
    """items/{code} is /api/parcels/{code} plus links, with a strong ETag of its version."""
    code = api_features(client, "idle_building")[0]["id"]
    response = client.get(f"/ogc/collections/idle_building/items/{code}")
    assert response.status_code == 200
    body = response.json()
    assert response.headers["etag"] == f'"v{body["properties"]["version"]}"'
    assert {k: v for k, v in body.items() if k != "links"} == get_json(
        client, f"/api/parcels/{code}"
    )
    assert rel(body, "collection") == "http://testserver/ogc/collections/idle_building"
    dated = get_json(client, f"/ogc/collections/idle_building/items/{code}", datetime="2021-06-30")
    assert dated["properties"]["as_of"] == "2021-06-30"


def test_unknown_or_misplaced_items_are_404(client: TestClient) -> None:
    """An unknown code, or a parcel asked for under another category, is 404."""
    code = api_features(client, "idle_building")[0]["id"]
    assert client.get(f"/ogc/collections/key_project/items/{code}").status_code == 404
    response = client.get("/ogc/collections/idle_building/items/NOPE-404")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_communities(client: TestClient, session: Session) -> None:
    """Every community is a feature with its name as id; kind filters; one by name."""
    stored = communities.select_communities(session)
    features = all_items(client, "communities")
    assert sorted(f["id"] for f in features) == sorted(row["name"] for row in stored)
    villages = all_items(client, "communities", kind="urban_village")
    assert villages and {f["properties"]["kind"] for f in villages} == {"urban_village"}
    name = stored[0]["name"]
    one = get_json(client, f"/ogc/collections/communities/items/{quote(name)}")
    assert one["id"] == name and one["geometry"]["type"] == "MultiPolygon"
    assert client.get("/ogc/collections/communities/items/nowhere").status_code == 404


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/ogc/collections/idle_building/items?colour=red", "colour"),
        ("/ogc/collections/idle_building/items?limit=0", "limit"),
        ("/ogc/collections/idle_building/items?limit=x", "limit"),
        ("/ogc/collections/idle_building/items?bbox=1,2,3", "bbox"),
        ("/ogc/collections/idle_building/items?datetime=soon", "datetime"),
        ("/ogc/collections/idle_building/items?stage=cleared", "stage"),
        ("/ogc/collections/communities/items?stage=idle", "stage"),
        ("/ogc/collections/idle_building/items?f=xml", "f"),
        ("/ogc/collections/idle_building/items/IB-01?limit=3", "limit"),
        ("/ogc?foo=1", "foo"),
        ("/ogc/conformance?bbox=1,2,3,4", "bbox"),
        ("/ogc/collections?limit=2", "limit"),
    ],
)
def test_bad_parameters_are_400(client: TestClient, url: str, field: str) -> None:
    """Unknown or malformed parameters get 400 naming the parameter (OGC 17-069r4 7.15)."""
    response = client.get(url)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field


def test_html_by_f_and_by_accept(client: TestClient) -> None:
    """f=html and a browser's Accept header both give HTML; f=json wins over Accept."""
    browser = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    for url in ("/ogc", "/ogc/conformance", "/ogc/collections", "/ogc/collections/key_project"):
        assert client.get(url, params={"f": "html"}).headers["content-type"].startswith("text/html")
        assert client.get(url, headers=browser).headers["content-type"].startswith("text/html")
    page = client.get("/ogc/collections/key_project/items", headers=browser)
    assert page.headers["content-type"].startswith("text/html")
    assert "重点项目" in page.text
    forced = client.get("/ogc/collections/key_project/items?f=json", headers=browser)
    assert forced.headers["content-type"] == GEOJSON


def test_html_pages_request_nothing_from_elsewhere(client: TestClient) -> None:
    """No scripts, styles or images are loaded, and every link stays on this service."""
    for url in (
        "/ogc",
        "/ogc/collections",
        "/ogc/collections/idle_building/items",
        "/ogc/collections/communities/items",
    ):
        page = client.get(url, params={"f": "html"}).text
        assert "<script" not in page and "<link" not in page and "<img" not in page
        assert "@import" not in page and "url(" not in page
        for href in re.findall(r'href="([^"]+)"', page):
            assert href.startswith("http://testserver/"), href


def test_html_escapes_parcel_text(client: TestClient, session: Session) -> None:
    """A parcel named like markup shows as text in the items and item pages."""
    parcel_writes.create_parcel(
        session,
        code="XSS-1",
        values={
            "name": HOSTILE,
            "category": "idle_building",
            "stage": "idle",
            "note": '"><script>alert(2)</script>',
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[122.44, 37.15], [122.441, 37.15], [122.441, 37.151], [122.44, 37.15]]
                ],
            },
        },
        actor="test",
        effective_date=date(2021, 1, 1),
    )
    items_page = client.get("/ogc/collections/idle_building/items?f=html&limit=100").text
    item_page = client.get("/ogc/collections/idle_building/items/XSS-1?f=html").text
    for page in (items_page, item_page):
        assert HOSTILE not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script>" not in item_page
    assert (
        get_json(client, "/ogc/collections/idle_building/items/XSS-1")["properties"]["name"]
        == HOSTILE
    )


@pytest.mark.parametrize("collection", [*CATEGORIES, "communities"])
def test_schema_lists_the_served_properties(client: TestClient, collection: str) -> None:
    """The describedBy schema names every property of the features, in their order."""
    document = get_json(client, f"/ogc/collections/{collection}")
    schema_url = rel(document, "describedBy", "application/schema+json")
    assert schema_url == f"http://testserver/ogc/collections/{collection}/schema"
    response = client.get(schema_url)
    assert response.headers["content-type"] == "application/schema+json"
    declared = response.json()["properties"]["properties"]["properties"]
    served = get_json(client, f"/ogc/collections/{collection}/items", limit=1)["features"][0]
    assert list(declared) == list(served["properties"])
    kinds = {str: "string", int: "integer", bool: "boolean", list: "array", dict: "object"}
    for name, value in served["properties"].items():
        if value is None:
            continue
        declared_type = declared[name]["type"]
        # Whole numbers of a `number` field are sent as JSON integers.
        numeric = declared_type == "number" and type(value) in (int, float)
        assert numeric or declared_type == kinds[type(value)], name


def test_api_definition_is_relative_to_ogc(client: TestClient) -> None:
    response = client.get("/ogc/api")
    assert response.status_code == 200
    document = response.json()
    assert document["servers"] == [{"url": "http://testserver/ogc"}]
    items = document["paths"]["/collections/{collectionId}/items"]["get"]
    assert {"bbox", "limit", "datetime", "stage"} <= {p["name"] for p in items["parameters"]}
    assert not any(path.startswith("/api/") for path in document["paths"])
