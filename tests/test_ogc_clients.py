"""Real GIS clients against a running server: GDAL's OAPIF driver (ogrinfo, ogr2ogr) and
OWSLib read /ogc; a write through the server is read back by GDAL.

Reads use the session's live server on the shared test database; the write test runs its
own server on a separate database, so the shared one stays as loaded.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from owslib.ogcapi.features import Features

from gis_service.rules.stages import CATEGORIES
from tests.api_helpers import feature, square
from tests.conftest import migrated_database, running_server

COLLECTIONS = (*CATEGORIES, "communities")
RUN = uuid.uuid4().hex[:8]
CODE = f"IB-OGC-{RUN}"
# Small timeouts and no retries: a hanging server fails the test instead of stalling it.
GDAL_ENV = {
    "GDAL_HTTP_TIMEOUT": "20",
    "GDAL_HTTP_CONNECTTIMEOUT": "5",
    "GDAL_HTTP_MAX_RETRY": "0",
    "CPL_CURL_VERBOSE": "NO",
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
}


def ogr(*args: str) -> str:
    """Run a GDAL command line tool; its stdout (fails the test on a non-zero exit)."""
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=180, env=os.environ | GDAL_ENV, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def feature_count(base: str, collection: str) -> int:
    """The Feature Count ogrinfo reports for a collection."""
    summary = ogr("ogrinfo", "-ro", "-al", "-so", f"OAPIF:{base}/ogc", collection)
    match = re.search(r"^Feature Count: (\d+)$", summary, re.MULTILINE)
    assert match, summary
    return int(match.group(1))


def number_matched(base: str, collection: str, **params: Any) -> int:
    """numberMatched of the collection's items, as the API answers it."""
    response = httpx.get(f"{base}/ogc/collections/{collection}/items", params=params, timeout=30)
    response.raise_for_status()
    return int(response.json()["numberMatched"])


def export(base: str, collection: str, target: Path, *extra: str) -> dict[str, Any]:
    """ogr2ogr a collection to a GeoJSON file, following every next link; the file's JSON."""
    ogr("ogr2ogr", "-f", "GeoJSON", str(target), f"OAPIF:{base}/ogc", collection, *extra)
    data: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
    return data


def test_ogrinfo_lists_every_collection(live_server: str) -> None:
    """`ogrinfo OAPIF:` lists the four categories and the communities, with their titles."""
    listing = ogr("ogrinfo", "-ro", f"OAPIF:{live_server}/ogc")
    layers = re.findall(r"^\d+: (\w+) \(title: ([^)]+)\) \(Multi Polygon\)$", listing, re.MULTILINE)
    assert [name for name, _ in layers] == list(COLLECTIONS)
    assert dict(layers)["idle_building"] == "闲置楼宇"


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_ogrinfo_counts_equal_number_matched(live_server: str, collection: str) -> None:
    """ogrinfo's Feature Count of every collection is the API's numberMatched."""
    expected = number_matched(live_server, collection)
    assert expected > 0
    assert feature_count(live_server, collection) == expected


def test_gdal_types_fields_from_the_schema(live_server: str) -> None:
    """Fields null on the first page still get their type from the describedBy schema."""
    summary = ogr("ogrinfo", "-ro", "-al", "-so", f"OAPIF:{live_server}/ogc", "old_compound")
    fields = dict(re.findall(r"^(\w+): (\w+)", summary, re.MULTILINE))
    assert (fields["floor_area_m2"], fields["buildings_total"]) == ("Real", "Integer")
    assert (fields["deadline"], fields["updated_at"]) == ("Date", "DateTime")
    assert fields["plan_targets"] == "StringList"


def test_gdal_date_filters_fail_loudly(live_server: str) -> None:
    """GDAL pushes a date-field comparison as `datetime`; the 400 says why, no wrong data."""
    result = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-q", f"OAPIF:{live_server}/ogc", "key_project"]
        + ["-where", "deadline >= '2021-06-01'"],
        capture_output=True,
        text=True,
        timeout=180,
        env=os.environ | GDAL_ENV,
        check=False,
    )
    assert "does not filter a date property" in result.stderr
    assert "OGRFeature" not in result.stdout


@pytest.mark.parametrize("collection", ["old_compound", "communities"])
def test_ogr2ogr_reads_every_feature(live_server: str, collection: str, tmp_path: Path) -> None:
    """ogr2ogr pages through next links and gets every feature with its properties."""
    data = export(live_server, collection, tmp_path / "out.geojson")
    response = httpx.get(
        f"{live_server}/ogc/collections/{collection}/items", params={"limit": 10000}, timeout=30
    )
    expected = response.json()["features"]
    assert len(data["features"]) == len(expected) > 10  # more than GDAL's first page
    assert [f["properties"]["id"] for f in data["features"]] == [f["id"] for f in expected]
    first, wanted = data["features"][0], expected[0]
    assert first["properties"]["name"] == wanted["properties"]["name"]
    assert first["geometry"]["type"] == "MultiPolygon"


def test_gdal_spatial_filter_is_sent_as_bbox(live_server: str, tmp_path: Path) -> None:
    """ogr2ogr -spat reads what the API returns for the same bbox."""
    bbox = ("122.42", "37.15", "122.45", "37.16")
    data = export(live_server, "old_compound", tmp_path / "box.geojson", "-spat", *bbox)
    assert len(data["features"]) == number_matched(live_server, "old_compound", bbox=",".join(bbox))


def test_owslib_reads_collections_and_items(live_server: str) -> None:
    """OWSLib's Features client reads the landing page, conformance, collections and items."""
    client = Features(f"{live_server}/ogc", timeout=30)
    assert client.links
    conformance = client.conformance()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conformance
    assert [c["id"] for c in client.collections()["collections"]] == list(COLLECTIONS)
    assert client.collection("key_project")["title"] == "重点项目"
    page = client.collection_items("idle_building", limit=3)
    assert (page["numberReturned"], len(page["features"])) == (3, 3)
    assert page["numberMatched"] == number_matched(live_server, "idle_building")
    code = page["features"][0]["id"]
    assert client.collection_item("idle_building", code)["properties"]["code"] == code
    boxed = client.collection_items("old_compound", bbox=[122.42, 37.15, 122.45, 37.16])
    assert boxed["numberMatched"] == number_matched(
        live_server, "old_compound", bbox="122.42,37.15,122.45,37.16"
    )
    villages = client.collection_items("communities", kind="urban_village")
    assert {f["properties"]["kind"] for f in villages["features"]} == {"urban_village"}


@pytest.fixture(scope="module")
def writable_server() -> Iterator[tuple[str, dict[str, str]]]:
    """A server on its own database (sample data loaded) and a token per role."""
    # Unique names: with DATABASE_URL set, fresh_database gives the shared database back.
    database = migrated_database(
        "yatou_test_ogc", roles=("planner", "investment", "admin"), user_name=f"ogc-{{role}}-{RUN}"
    )
    with running_server(database.settings) as base:
        yield base, database.tokens


def test_writes_through_ogc_are_read_by_gdal(
    writable_server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    """POST, PATCH and DELETE through /ogc on a live server; GDAL sees each change."""
    base, tokens = writable_server
    items = f"{base}/ogc/collections/idle_building/items"
    before = feature_count(base, "idle_building")
    body = feature(CODE, name="OGC测试楼宇") | {"geometry": square(dy=-0.01)}
    headers = {"Authorization": f"Bearer {tokens['planner']}"}
    created = httpx.post(items, json=body, headers=headers, timeout=30)
    assert created.status_code == 201, created.text
    assert feature_count(base, "idle_building") == before + 1

    investment = {"Authorization": f"Bearer {tokens['investment']}", "If-Match": '"v1"'}
    patch = {"properties": {"stage": "negotiating", "intended_tenant": "某连锁超市"}}
    patched = httpx.patch(f"{items}/{CODE}", json=patch, headers=investment, timeout=30)
    assert patched.status_code == 200, patched.text
    data = export(base, "idle_building", tmp_path / "ib.geojson", "-where", f"code = '{CODE}'")
    [read] = data["features"]
    assert (read["properties"]["stage"], read["properties"]["name"]) == (
        "negotiating",
        "OGC测试楼宇",
    )
    assert read["properties"]["intended_tenant"] == "某连锁超市"

    admin = {"Authorization": f"Bearer {tokens['admin']}", "If-Match": patched.headers["ETag"]}
    assert httpx.delete(f"{items}/{CODE}", headers=admin, timeout=30).status_code == 204
    assert feature_count(base, "idle_building") == before


def test_gdal_sends_attribute_filters_to_the_server(live_server: str, tmp_path: Path) -> None:
    # GDAL learns the queryable parameters from the service-desc (/ogc/api) and pushes
    # `-where stage = ...` down as ?stage=..., instead of downloading every feature.
    result = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", f"OAPIF:{live_server}/ogc", "old_compound",
         "-where", "stage = 'completed'"],
        capture_output=True, text=True, timeout=180, check=False,
        env=os.environ | GDAL_ENV | {"CPL_DEBUG": "ON"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "items?limit=" in result.stderr and "stage=completed" in result.stderr
    match = re.search(r"^Feature Count: (\d+)$", result.stdout, re.MULTILINE)
    assert match and int(match.group(1)) == number_matched(
        live_server, "old_compound", stage="completed"
    )
