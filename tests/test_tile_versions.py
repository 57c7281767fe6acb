"""Versioned tile URLs (issue 10 goal 3): the maps ask `v=<data version>`, such a tile is
immutable and, once built, answered by the fast path without the database; an edit gives the
page new URLs; read access holds on the fast path as on the routes."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from gis_service.api.tile_fast_path import versioned_tile
from gis_service.maps.tile_grid import Tile
from gis_service.repo.parcel_tiles import data_version
from gis_service.settings import Settings
from tests.api_helpers import app_client, bearer, tokens
from tests.mvt_reader import read_tile
from tests.test_tile_map import low_client, low_settings
from tests.test_write_statements import statements_sent

__all__ = ["low_client", "low_settings", "tokens"]  # fixtures, imported for the tests below

TOWN = "/api/tiles/12/3441/1592.mvt"  # holds IB-01 (tests/test_api_tiles.py)


def page_tile_url(client: TestClient) -> str:
    """The tile URL template of the tiled /map page of today, as planner_tiles.js reads it."""
    page = client.get("/map")
    assert page.status_code == 200
    found = re.search(r'"tile_url":\s*"([^"]+)"', page.text)
    assert found, "no tile_url in the page"
    return found.group(1).replace("\\u0026", "&")


def version_of(url: str) -> int:
    """The `v` of a tile URL."""
    return int(parse_qs(urlsplit(url).query)["v"][0])


def edit_stage(client: TestClient, token: str, stage: str) -> None:
    """PATCH IB-01's stage."""
    version = client.get("/api/parcels/IB-01").headers["ETag"]
    headers = bearer(token) | {"If-Match": version}
    body = {"properties": {"stage": stage}}
    edit = client.patch("/api/parcels/IB-01", json=body, headers=headers)
    assert edit.status_code == 200, edit.text


def stage_in(response_content: bytes) -> str:
    """IB-01's stage in a tile."""
    return str({f["code"]: f["stage"] for f in read_tile(response_content)["parcels"]}["IB-01"])


IMMUTABLE = "public, max-age=31536000, immutable"


def test_a_versioned_tile_is_immutable_and_a_hit_sends_no_statement(
    client: TestClient, session: Session, engine: Engine
) -> None:
    url = f"{TOWN}?as_of=2021-06-30&v={data_version(session)}"
    first = client.get(url)
    assert first.status_code == 200 and first.headers["Cache-Control"] == IMMUTABLE
    tag = first.headers["ETag"]
    app_engine = client.app.state.engine  # type: ignore[attr-defined]
    with statements_sent(engine) as sent, statements_sent(app_engine) as sent_by_app:
        again = client.get(url)
        gzipped = client.get(url, headers={"Accept-Encoding": "gzip"})
        unchanged = client.get(url, headers={"If-None-Match": tag})
    assert sent == sent_by_app == []  # from the worker's cache, before any session is opened
    assert again.content == first.content and again.headers["ETag"] == tag
    assert again.headers["Cache-Control"] == IMMUTABLE
    assert gzipped.headers["Content-Encoding"] == "gzip" and gzipped.content == first.content
    assert unchanged.status_code == 304 and unchanged.headers["ETag"] == tag


def test_urls_without_or_with_an_old_version_are_revalidated(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    assert client.get(TOWN).headers["Cache-Control"] == "no-cache"
    old = f"{TOWN}?v={data_version(session)}"
    built = client.get(old)
    assert built.headers["Cache-Control"] == IMMUTABLE
    edit_stage(client, tokens["investment"], "signed")
    kept = client.get(old)  # built at that version: its content, which never changes
    assert kept.headers["Cache-Control"] == IMMUTABLE and kept.content == built.content
    # An older page's URL not built before the edit: today's data, to be revalidated.
    stale = client.get(old.replace("12/3441/1592", "11/1720/796"))  # the parent tile
    assert stale.headers["Cache-Control"] == "no-cache" and stage_in(stale.content) == "signed"
    assert client.get(f"{TOWN}?v=x").status_code == 422


def test_after_an_edit_the_page_asks_a_new_url_that_shows_the_edit(
    low_client: TestClient, tokens: dict[str, str]
) -> None:
    before = page_tile_url(low_client)
    tile = before.replace("{z}/{x}/{y}", "12/3441/1592")
    shown = low_client.get(tile)
    assert shown.headers["Cache-Control"] == IMMUTABLE and stage_in(shown.content) != "signed"
    assert low_client.get(tile).content == shown.content  # the cached copy, by the fast path
    edit_stage(low_client, tokens["investment"], "signed")
    after = page_tile_url(low_client)
    assert version_of(after) > version_of(before)
    fresh = low_client.get(after.replace("{z}/{x}/{y}", "12/3441/1592"))
    assert fresh.headers["Cache-Control"] == IMMUTABLE and stage_in(fresh.content) == "signed"


def test_the_fast_path_keeps_read_access(
    settings: Settings, session: Session, tokens: dict[str, str]
) -> None:
    url = f"{TOWN}?v={data_version(session)}"
    with app_client(settings, session, public_read=False) as private:
        reader = bearer(tokens["viewer"])
        assert private.get(url, headers=reader).status_code == 200  # now cached
        assert private.get(url).status_code == 401
        assert private.get(url, headers=bearer("not-a-token")).status_code == 401
        # never public: a shared cache in front would hand it to readers without a token
        private_only = "private, max-age=31536000, immutable"
        assert private.get(url, headers=reader).headers["Cache-Control"] == private_only
    with app_client(settings, session) as public:
        assert public.get(url).status_code == 200  # cached by this app's fast path next
        assert public.get(url).status_code == 200
        assert public.get(url, headers=bearer("not-a-token")).status_code == 401


def test_what_the_fast_path_takes_and_leaves_to_the_routes(settings: Settings) -> None:
    def asked(path: str, query: str) -> object:
        return versioned_tile(path, query.encode(), settings)

    hit = asked("/api/tiles/16/55050/25495.mvt", "as_of=2021-06-30&category=idle_building&v=7")
    assert hit is not None and hit.tile == Tile(16, 55050, 25495)  # type: ignore[attr-defined]
    assert asked("/ogc/collections/idle_building/tiles/WebMercatorQuad/3/1/2", "v=1") is not None
    assert asked("/api/screen/tiles/3/1/2.mvt", "v=1") is not None
    for path, query in (
        ("/api/tiles/3/1/2.mvt", "as_of=2021-06-30"),  # no version: today's behaviour
        ("/api/tiles/3/1/2.mvt", "v=1&v=2"),
        ("/api/tiles/3/1/2.mvt", "v=1&limit=5"),
        ("/api/tiles/3/1/2.mvt", "v=\xb2"),
        ("/api/tiles/3/9/2.mvt", "v=1"),  # no such tile: the route's 422
        ("/api/tiles/3/1/2.mvt", "v=1&as_of=2021-02-30"),
        ("/api/tiles/3/1/2.mvt", "v=1&category=nothing"),
        ("/api/screen/tiles/3/1/2.mvt", "v=1&key=abc"),  # a kiosk key is checked by the route
        ("/ogc/collections/communities/tiles/WebMercatorQuad/3/1/2", "v=1"),
    ):
        assert asked(path, query) is None, (path, query)
