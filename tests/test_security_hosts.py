"""Links never reflect a forged Host (issue 8): a public base URL when set, else allowed hosts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from gis_service.api.public_urls import host_allowed
from gis_service.settings import Settings
from tests.api_helpers import app_client

BASE = "https://gis.example.gov.cn/yatou"


def hrefs(document: dict[str, object]) -> list[str]:
    """Every link target of a JSON document's `links` (there must be some: the checks below
    are over all of them)."""
    targets = [link["href"] for link in document["links"]]  # type: ignore[attr-defined, index]
    assert targets, document
    return targets


@pytest.fixture
def behind_proxy(settings: Settings, session: Session) -> Iterator[TestClient]:
    """A client of the app with public_base_url set."""
    with app_client(settings, session, public_base_url=BASE) as client:
        yield client


@pytest.mark.parametrize("url", ["/ogc", "/api/parcels", "/healthz", "/map"])
def test_a_forged_host_gets_400(client: TestClient, url: str) -> None:
    answer = client.get(url, headers={"Host": "evil.example"})
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_host" and answer.json()["field"] == "Host"


def test_links_use_an_allowed_host(client: TestClient) -> None:
    landing = client.get("/ogc?f=json", headers={"Host": "127.0.0.1:8000"})
    assert landing.status_code == 200
    assert all(href.startswith("http://127.0.0.1:8000/") for href in hrefs(landing.json()))


def test_links_use_the_public_base_url_whatever_the_host(behind_proxy: TestClient) -> None:
    landing = behind_proxy.get("/ogc?f=json", headers={"Host": "localhost"})
    assert all(href.startswith(f"{BASE}/") for href in hrefs(landing.json()))
    page = behind_proxy.get("/api/parcels", params={"limit": 2, "category": "old_compound"})
    links = hrefs(page.json())
    assert links and all(href.startswith(f"{BASE}/api/parcels?") for href in links)
    items = behind_proxy.get("/ogc/collections/old_compound/items", params={"limit": 2})
    assert all(href.startswith(f"{BASE}/ogc/") for href in hrefs(items.json()))


@pytest.mark.parametrize(
    ("host", "allowed"),
    [("localhost", True), ("localhost:8000", True), ("[::1]:8000", True), ("LOCALHOST", True),
     ("a.intranet", True), ("intranet", False), ("evil.example", False), ("", False),
     ("localhost.evil.example", False)],
)  # fmt: skip
def test_host_patterns(host: str, allowed: bool) -> None:
    assert host_allowed(host, ("localhost", "::1", "*.intranet")) is allowed


@pytest.mark.parametrize("url", ["gis.example.gov.cn", "ftp://x", f"{BASE}?a=1", f"{BASE}#x"])
def test_the_public_base_url_must_be_a_plain_http_url(url: str) -> None:
    with pytest.raises(ValueError, match="http"):
        Settings(_env_file=None, public_base_url=url)  # type: ignore[call-arg]
