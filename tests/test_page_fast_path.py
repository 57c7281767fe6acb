"""The page fast path (api/page_fast_path.py, issue 10 goal 1): a plain public GeoJSON page is
answered in one statement on the worker's pool with the very bytes and headers the route
answers, and every other request is passed on to the route, which answers it as before.

The route's answer is the same app's with get_session overridden by itself: the fast path
passes on under any session override (the tests' shared session lives there), and FastAPI
then runs get_session as in service. These apps share no test session: they read committed
data."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from gis_service.api.deps import get_session
from gis_service.api.page_requests import PARCELS
from gis_service.main import create_app
from gis_service.settings import Settings
from tests.api_helpers import app_engine, bearer, committed_token, patch_stage
from tests.conftest import free_port
from tests.test_write_statements import statements_sent

ITEMS = "/ogc/collections/old_compound/items"
TOWN = "122.40,37.10,122.50,37.20"  # around the sample's parcels
PLAIN = {"Accept-Encoding": "identity"}


@pytest.fixture
def fast(settings: Settings) -> Iterator[TestClient]:
    """A client of the app as served: the fast path engages."""
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def routed(settings: Settings) -> Iterator[TestClient]:
    """A client of the app whose pages the routes answer (get_session overridden by itself)."""
    app = create_app(settings)
    app.dependency_overrides[get_session] = get_session
    with TestClient(app) as client:
        yield client


def without_time(body: bytes) -> bytes:
    """An items page without its timeStamp (the second it was built)."""
    return re.sub(rb'"timeStamp":"[^"]*"', b'"timeStamp":""', body)


def same_answer(fast: Any, routed: Any) -> None:
    """Status, every header (in order) and the body, byte for byte. Two items pages built in
    different seconds differ in their timeStamp and so, gzipped, may differ in length: then
    every header but Content-Length is compared."""
    assert fast.status_code == routed.status_code
    if fast.content == routed.content:
        assert fast.headers.raw == routed.headers.raw
    else:
        assert without_length(fast.headers.raw) == without_length(routed.headers.raw)
    assert without_time(fast.content) == without_time(routed.content)


def without_length(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers but Content-Length."""
    return [(name, value) for name, value in headers if name.lower() != b"content-length"]


def answered_fast(fast: TestClient, url: str, headers: dict[str, str]) -> Any:
    """The fast path's answer, checked to have used none of the routes' sessions."""
    with statements_sent(app_engine(fast)) as sent:
        answer = fast.get(url, headers=headers)
    assert sent == [], "the fast path answers without the routes' sessions"
    return answer


PAGES = [
    PARCELS,
    f"{PARCELS}?bbox={TOWN}&limit=5",
    f"{PARCELS}?bbox={TOWN}&limit=5&offset=5",  # next and prev links
    f"{PARCELS}?category=idle_building&limit=2&offset=1",
    f"{PARCELS}?category=idle_building&stage=idle&limit=2",
    f"{PARCELS}?community=%E5%B4%96%E5%A4%B4&limit=3",  # a community's name, percent-encoded
    f"{PARCELS}?as_of=2099-01-01&limit=4",  # a date after the last change: the current view
    f"{PARCELS}?as_of=2021-06-30",  # before the last change: the dated states (the fold)
    f"{PARCELS}?as_of=2021-03-31&bbox={TOWN}&limit=3&offset=2",
    f"{PARCELS}?category=key_project&bbox=0,0,1,1",  # an empty first page
    ITEMS,
    f"{ITEMS}?bbox={TOWN}&limit=3&offset=3",
    f"{ITEMS}?f=json&stage=designing&datetime=2099-01-01",
    f"{ITEMS}?bbox={TOWN}&limit=2&offset=0&f=geojson",
    f"{ITEMS}?datetime=2021-06-30&limit=4",  # the fold
]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_a_plain_page_is_the_routes_answer(
    fast: TestClient, routed: TestClient, url: str, encoding: str
) -> None:
    headers = {"Accept-Encoding": encoding}
    answer = answered_fast(fast, url, headers)
    with statements_sent(app_engine(routed)) as sent:
        by_route = routed.get(url, headers=headers)
    assert sent, "the route read through its session"
    assert answer.status_code == 200
    same_answer(answer, by_route)
    if encoding == "gzip" and len(answer.content) >= 1024:
        assert answer.headers["Content-Encoding"] == "gzip"


def test_the_page_links_and_counts_are_the_routes(fast: TestClient) -> None:
    page = answered_fast(fast, f"{PARCELS}?bbox={TOWN}&limit=5&offset=5", PLAIN).json()
    assert page["numberReturned"] == len(page["features"]) == 5
    assert page["numberMatched"] > 10
    rels = {link["rel"]: link["href"] for link in page["links"]}
    assert rels["next"].endswith("limit=5&offset=10") and rels["prev"].endswith("offset=0")
    assert [f["id"] for f in page["features"]] == sorted(f["id"] for f in page["features"])


def test_a_held_tag_gets_the_routes_304(fast: TestClient, routed: TestClient) -> None:
    url = f"{PARCELS}?bbox={TOWN}&limit=5"
    tag = answered_fast(fast, url, PLAIN).headers["ETag"]
    assert routed.get(url, headers=PLAIN).headers["ETag"] == tag
    held = PLAIN | {"If-None-Match": tag}
    not_modified = answered_fast(fast, url, held)
    assert not_modified.status_code == 304 and not_modified.content == b""
    same_answer(not_modified, routed.get(url, headers=held))
    other = answered_fast(fast, url, PLAIN | {"If-None-Match": '"other"'})
    assert other.status_code == 200 and other.headers["ETag"] == tag


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        (f"{PARCELS}?bbox=1,2,3", {}),  # the route's 422
        (f"{PARCELS}?limit=0", {}),
        (f"{PARCELS}?limit=+5", {}),  # a spelling the route may read otherwise
        (f"{PARCELS}?limit=5&limit=6", {}),  # twice
        (f"{PARCELS}?q=IB", {}),  # a parameter it does not take
        (f"{PARCELS}?level=red", {}),
        (f"{PARCELS}?stage=nonsense", {}),
        (f"{PARCELS}?as_of=2021-13-01", {}),
        (f"{PARCELS}?offset=100000", {}),  # past the last match: its count is the route's
        (f"{PARCELS}/", {}),  # the router's redirect
        (f"{ITEMS}?bbox=1,2,3", {}),  # the OGC 400
        (f"{ITEMS}?limit=x", {}),
        (f"{ITEMS}?level=red", {}),
        (f"{ITEMS}?f=html", {}),
        (ITEMS, {"Accept": "text/html"}),
        ("/ogc/collections/communities/items", {}),
        ("/ogc/collections/nowhere/items", {}),
    ],
)
def test_other_requests_are_passed_on(
    fast: TestClient, routed: TestClient, url: str, headers: dict[str, str]
) -> None:
    with statements_sent(app_engine(fast)) as sent:
        answer = fast.get(url, headers=PLAIN | headers, follow_redirects=False)
    by_route = routed.get(url, headers=PLAIN | headers, follow_redirects=False)
    if answer.status_code == 200:
        assert sent, "the route read through its session"
    same_answer(answer, by_route)


def test_a_token_and_a_private_service_go_to_the_routes(
    io_database: tuple[Settings, Engine],
) -> None:
    settings, engine = io_database
    token = committed_token(engine, "page-reader")
    with TestClient(create_app(settings)) as client:
        with statements_sent(app_engine(client)) as sent:
            read = client.get(f"{PARCELS}?limit=2", headers=PLAIN | bearer(token))
        assert read.status_code == 200 and sent  # the route checked the token
        bad = client.get(f"{PARCELS}?limit=2", headers=bearer("nonsense"))
        assert bad.status_code == 401
    private = settings.model_copy(update={"public_read": False})
    with TestClient(create_app(private)) as client:
        assert client.get(f"{PARCELS}?limit=2").status_code == 401
        assert client.get(ITEMS).status_code == 401


def test_after_an_edit_the_page_has_a_new_tag_and_shows_it(
    io_database: tuple[Settings, Engine],
) -> None:
    settings, engine = io_database
    token = committed_token(engine, "page-editor")
    url = f"{PARCELS}?category=idle_building&limit=3"
    with TestClient(create_app(settings)) as client:
        before = answered_fast(client, url, PLAIN)
        first = before.json()["features"][0]
        assert first["id"] == "IB-01" and first["properties"]["stage"] != "signed"
        patch_stage(client, "IB-01", "signed", token)
        held = PLAIN | {"If-None-Match": before.headers["ETag"]}
        after = answered_fast(client, url, held)
        assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
        assert after.json()["features"][0]["properties"]["stage"] == "signed"
        items = answered_fast(client, "/ogc/collections/idle_building/items?limit=1", PLAIN)
        assert items.json()["features"][0]["properties"]["stage"] == "signed"


def test_a_database_that_is_down_gets_the_routes_503(settings: Settings) -> None:
    down = settings.model_copy(
        update={"database_url": f"postgresql://nobody@127.0.0.1:{free_port()}/yatou"}
    )
    with TestClient(create_app(down)) as client:
        for url in (PARCELS, ITEMS):
            answer = client.get(url)
            assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
            assert answer.json()["error"] == "database_unavailable"


def test_no_free_connection_is_the_busy_503_at_once(settings: Settings) -> None:
    # One connection of the pool, held below: a page waits db_pool_timeout, then 503.
    narrow = settings.model_copy(update={"db_max_overflow": 1, "db_pool_timeout": 0.3})
    with TestClient(create_app(narrow)) as client:
        assert client.get(PARCELS).status_code == 200  # the pool exists, in the app's loop
        pool = client.app.state.tile_pool  # type: ignore[attr-defined]
        held, release = threading.Event(), threading.Event()

        async def hold() -> None:
            async with pool.connection():
                held.set()
                while not release.is_set():
                    await asyncio.sleep(0.01)

        assert client.portal is not None
        client.portal.start_task_soon(hold)
        assert held.wait(5)
        try:
            busy = client.get(PARCELS)
        finally:
            release.set()
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "1"
        assert busy.json()["error"] == "overloaded"
        assert client.get(PARCELS).status_code == 200
