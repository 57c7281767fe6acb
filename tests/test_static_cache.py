"""/static/ answers say how long a browser keeps them (issue 10, goal 4: a second visit)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from gis_service.main import STATIC_DIR as STATIC
from gis_service.maps.static_version import static_version

IMMUTABLE = "public, max-age=31536000, immutable"


def test_versioned_vendor_files_are_immutable(client: TestClient) -> None:
    response = client.get("/static/vendor/maplibre-gl-5.24.1/maplibre-gl.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE


def test_own_files_are_immutable_only_under_their_content_hash(client: TestClient) -> None:
    version = static_version("js/planner_tiles.js")
    assert re.fullmatch(r"[0-9a-f]{12}", version)
    named = client.get("/static/js/planner_tiles.js", params={"v": version})
    assert named.headers["cache-control"] == IMMUTABLE
    for params in ({}, {"v": "0" * 12}):  # no hash, or another file's: asked again each use
        response = client.get("/static/js/planner_tiles.js", params=params)
        assert response.status_code == 200 and response.headers["cache-control"] == "no-cache"
        etag = response.headers["etag"]
        again = client.get("/static/js/planner_tiles.js", headers={"If-None-Match": etag})
        assert again.status_code == 304


def test_the_map_links_its_own_scripts_by_content_hash(client: TestClient) -> None:
    page = client.get("/map").text
    assert f'src="/static/js/planner.js?v={static_version("js/planner.js")}"' in page
    assert f'href="/static/css/planner.css?v={static_version("css/planner.css")}"' in page
    assert 'src="/static/vendor/leaflet-1.9.3/leaflet.js"' in page  # its folder names a version


def test_a_missing_file_has_no_version() -> None:
    assert static_version("js/no_such_file.js") == ""


def test_text_files_are_sent_gzipped_and_read_back_whole(client: TestClient) -> None:
    path = "vendor/maplibre-gl-5.24.1/maplibre-gl.js"
    original = (STATIC / path).read_bytes()
    response = client.get(f"/static/{path}", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.content == original  # the client decodes it
    assert int(response.headers["content-length"]) < len(original) / 3
    plain = client.get(f"/static/{path}", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == original
    part = client.get(f"/static/{path}", headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.content == original[:10]
