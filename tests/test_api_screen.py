"""/api/screen, /screen and kiosk links: one definition of every number, 304s, key access."""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from gis_service.screen.links import create_link
from tests.api_helpers import bearer, tokens

__all__ = ["tokens"]  # the fixture, imported for the tests below

DATES = ("2021-03-31", "2021-06-30", "2021-09-30", "2021-12-31")


@pytest.mark.parametrize("as_of", DATES)
def test_tiles_are_the_kpis_of_the_same_date(client: TestClient, as_of: str) -> None:
    screen = client.get("/api/screen", params={"as_of": as_of}).json()
    kpis = client.get("/api/kpis", params={"as_of": as_of}).json()["kpis"]
    assert screen["as_of"] == as_of
    assert [{k: t[k] for k in kpis[0]} for t in screen["kpis"]] == kpis
    for tile in screen["kpis"]:
        share = Decimal(100 * tile["actual"]) / Decimal(tile["target"])  # halves round up
        assert tile["percent"] == float(share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_level_counts_and_watch_list_are_the_parcels_levels(client: TestClient) -> None:
    as_of = "2021-09-30"
    screen = client.get("/api/screen", params={"as_of": as_of}).json()
    parcels = client.get("/api/parcels", params={"as_of": as_of}).json()["features"]
    levels = Counter(f["properties"]["level"] for f in parcels)
    assert screen["level_counts"] == {lv: levels.get(lv, 0) for lv in screen["level_counts"]}
    assert (
        sum(screen["level_counts"].values()) == len(parcels) == len(screen["parcels"]["features"])
    )
    red = {f["properties"]["code"] for f in parcels if f["properties"]["level"] == "red"}
    watched = {w["code"] for w in screen["watch"] if w["level"] == "red"}
    assert red and watched == red
    assert sum(u["overdue"] for u in screen["overdue_by_unit"]) == len(red)
    days = [w["days_left"] for w in screen["watch"] if w["level"] == "red"]
    assert days == sorted(days) and all(d < 0 for d in days)


def test_monthly_completions_add_up_to_the_year_s_completions(client: TestClient) -> None:
    screen = client.get("/api/screen", params={"as_of": "2021-12-31"}).json()
    parcels = client.get("/api/parcels", params={"as_of": "2021-12-31"}).json()["features"]
    in_2021 = [f for f in parcels if (f["properties"]["completed_on"] or "").startswith("2021-")]
    assert sum(m["completions"] for m in screen["monthly"]) == len(in_2021) > 0
    assert [m["month"] for m in screen["monthly"]] == [f"2021-{m:02d}" for m in range(1, 13)]


def test_key_project_investment_matches_its_kpi(client: TestClient) -> None:
    screen = client.get("/api/screen", params={"as_of": "2021-12-31"}).json()
    tile = next(t for t in screen["kpis"] if t["id"] == "T7i")
    done = sum(p["investment_wan"] for p in screen["investments"] if p["done"])
    assert len(screen["investments"]) == 5 and done == tile["actual"]


@pytest.mark.parametrize(
    "path", ["/api/screen?as_of=2021-06-30", "/api/kpis?as_of=2021-06-30", "/api/parcels?limit=3"]
)
def test_polled_reads_answer_304_to_their_etag(client: TestClient, path: str) -> None:
    first = client.get(path)
    tag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == tag
    assert "content-type" not in again.headers
    other = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.json() == first.json()


def test_an_edit_changes_the_etag(client: TestClient, tokens: dict[str, str]) -> None:
    tag = client.get("/api/screen").headers["ETag"]
    parcel = client.get("/api/parcels/IB-01")
    patch = {"properties": {"name": parcel.json()["properties"]["name"] + "（改）"}}
    edited = client.patch(
        "/api/parcels/IB-01",
        json=patch,
        headers=bearer(tokens["planner"]) | {"If-Match": parcel.headers["ETag"]},
    )
    assert edited.status_code == 200, edited.text
    assert client.get("/api/screen", headers={"If-None-Match": tag}).status_code == 200


def test_a_parcel_keeps_its_version_etag(client: TestClient) -> None:
    response = client.get("/api/parcels/IB-01")
    assert re.fullmatch(r'"v[0-9]+"', response.headers["ETag"])


def test_playback_walks_the_year_a_week_at_a_time(client: TestClient) -> None:
    frames = client.get("/api/screen/playback").json()["frames"]
    dates = [f["as_of"] for f in frames]
    assert (
        dates[0] == "2021-01-01" and dates[-1] == "2021-12-31" and len(dates) == 53
    )  # 52 weeks after 01-01 is 12-31
    last = client.get("/api/kpis", params={"as_of": "2021-12-31"}).json()["kpis"]
    assert [{k: t[k] for k in last[0]} for t in frames[-1]["kpis"]] == last
    parcels = client.get("/api/parcels", params={"as_of": "2021-12-31"}).json()["features"]
    assert frames[-1]["levels_by_code"] == {
        f["properties"]["code"]: f["properties"]["level"] for f in parcels
    }


def test_the_page_carries_its_settings_as_inert_json(client: TestClient) -> None:
    page = client.get("/screen", params={"as_of": "2021-06-30"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    config = json.loads(re.search(r'id="ys-config">(.*?)</script>', page.text, re.S)[1])
    assert config["as_of"] == "2021-06-30" and config["live"] is True
    assert config["refresh_seconds"] == 60
    assert "/static/vendor/echarts-5.6.0/echarts.min.js" in page.text
    assert "//cdn" not in page.text and "https://" not in page.text


def test_names_from_the_database_stay_inside_the_json(client: TestClient, session: Session) -> None:
    from sqlalchemy import text

    evil = "</script><script>alert(1)</script>&"
    session.execute(
        text("UPDATE community SET name = :n WHERE name = (SELECT min(name) FROM community)"),
        {"n": evil},
    )
    page = client.get("/screen").text
    assert evil not in page and "<script>alert(1)" not in page
    config = json.loads(re.search(r'id="ys-config">(.*?)</script>', page, re.S)[1])
    assert evil in [f["properties"]["name"] for f in config["communities"]["features"]]


def test_a_bad_date_is_a_422_naming_as_of(client: TestClient) -> None:
    for path in ("/screen", "/api/screen"):
        response = client.get(path, params={"as_of": "2021-13-01"})
        assert response.status_code == 422 and response.json()["field"] == "as_of"


def test_a_kiosk_key_opens_the_screen_and_nothing_else(
    private_client: TestClient, session: Session
) -> None:
    _, key = create_link(session, name="会议室")
    # A person without a key is sent to sign in (issue 11); the JSON answers 401.
    page = private_client.get("/screen", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/screen"
    assert private_client.get("/api/screen").status_code == 401
    for path in ("/screen", "/api/screen", "/api/screen/playback"):
        assert private_client.get(path, params={"key": key}).status_code == 200, path
    for path in ("/api/parcels", "/api/parcels/IB-01", "/map", "/api/users/me"):
        response = private_client.get(path, params={"key": key}, follow_redirects=False)
        assert response.status_code in (401, 303), path
        assert response.status_code == 401 or response.headers["location"].startswith("/login")
    assert private_client.get("/api/parcels", headers=bearer(key)).status_code == 401


def test_a_revoked_or_unknown_key_is_refused(
    private_client: TestClient, client: TestClient, session: Session
) -> None:
    from gis_service.repo.screen_links import find_live_by_hash, revoke_link

    stored, key = create_link(session, name="大厅")
    assert stored["name"] == "大厅" and stored["revoked_at"] is None
    revoke_link(session, name="大厅")
    for path in ("/screen", "/api/screen"):
        assert private_client.get(path, params={"key": key}).status_code == 401
        # A dead key is refused even where reads are public: the kiosk must notice.
        assert client.get(path, params={"key": key}).status_code == 401
        assert private_client.get(path, params={"key": "x" * 43}).status_code == 401
    assert find_live_by_hash(session, key) is None  # the key itself is never stored


def test_link_names_are_checked(session: Session) -> None:
    from gis_service.api.errors import Conflict, InvalidInput

    create_link(session, name="会议室")
    with pytest.raises(Conflict):
        create_link(session, name="会议室")
    for bad in ("", "  ", "a\x00b", "x" * 65):
        with pytest.raises(InvalidInput):
            create_link(session, name=bad)
