"""GET /api/parcels (filters, paging, links), GET one (ETag), GET history, on the sample data."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

URL = "/api/parcels"


def listing(client: TestClient, **params: Any) -> dict[str, Any]:
    """The JSON of a successful listing."""
    response = client.get(URL, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_all_parcels_form_a_feature_collection(client: TestClient) -> None:
    body = listing(client)
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == body["numberReturned"] == len(body["features"]) > 100
    assert [link["rel"] for link in body["links"]] == ["self"]


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"category": "idle_building"}, lambda p: p["category"] == "idle_building"),
        ({"stage": "partly_operating"}, lambda p: p["stage"] == "partly_operating"),
        ({"level": "red,orange"}, lambda p: p["level"] in ("red", "orange")),
        ({"level": "green"}, lambda p: p["level"] == "green"),
        ({"community": "曙光社区"}, lambda p: p["community"] == "曙光社区"),
        ({"q": "上城"}, lambda p: "上城" in p["name"]),
        ({"deadline_from": "2021-06-01"}, lambda p: p["deadline"] >= "2021-06-01"),
        ({"deadline_to": "2021-03-31"}, lambda p: p["deadline"] <= "2021-03-31"),
    ],
    ids=["category", "stage", "levels", "level", "community", "q", "from", "to"],
)
def test_each_filter_keeps_only_matching_parcels(
    client: TestClient, params: dict[str, str], check: Any
) -> None:
    features = listing(client, **params)["features"]
    assert features, params
    assert all(check(f["properties"]) for f in features)
    assert len(features) < listing(client)["numberMatched"]


def test_bbox_keeps_parcels_that_meet_the_box(client: TestClient) -> None:
    everything = listing(client)["features"]
    box = (122.40, 37.14, 122.43, 37.17)
    inside = listing(client, bbox=",".join(map(str, box)))["features"]
    assert 0 < len(inside) < len(everything)
    for feature in inside:
        xs = [x for poly in feature["geometry"]["coordinates"] for x, _ in poly[0]]
        ys = [y for poly in feature["geometry"]["coordinates"] for _, y in poly[0]]
        assert min(xs) <= box[2] and max(xs) >= box[0] and min(ys) <= box[3] and max(ys) >= box[1]


def test_filters_combine(client: TestClient) -> None:
    body = listing(client, category="idle_building", q="上城国际")
    assert [f["properties"]["name"] for f in body["features"]] == ["上城国际"]


def test_paging_with_next_and_prev_links(client: TestClient) -> None:
    total = listing(client)["numberMatched"]
    first = listing(client, limit=50)
    second = listing(client, limit=50, offset=50)
    assert first["numberMatched"] == total and first["numberReturned"] == 50
    links = {link["rel"]: link["href"] for link in second["links"]}
    assert set(links) == {"self", "next", "prev"}
    query = parse_qs(urlsplit(links["next"]).query)
    assert query["offset"] == ["100"] and query["limit"] == ["50"]
    assert parse_qs(urlsplit(links["prev"]).query)["offset"] == ["0"]
    codes = [f["id"] for f in first["features"] + second["features"]]
    assert len(set(codes)) == 100
    last = listing(client, limit=50, offset=total - 10)
    assert last["numberReturned"] == 10 and "next" not in {x["rel"] for x in last["links"]}


def test_next_link_keeps_the_filters(client: TestClient) -> None:
    body = listing(client, category="old_compound", limit=5)
    nxt = next(link["href"] for link in body["links"] if link["rel"] == "next")
    following = client.get(nxt).json()
    assert all(f["properties"]["category"] == "old_compound" for f in following["features"])


def test_as_of_shows_the_past_state(client: TestClient) -> None:
    code = listing(client, q="上城国际")["features"][0]["id"]
    then = client.get(f"{URL}/{code}", params={"as_of": "2021-02-01"}).json()
    assert then["properties"]["stage"] == "idle" and then["properties"]["as_of"] == "2021-02-01"
    before = listing(client, as_of="2020-12-31")
    assert before["numberMatched"] < listing(client)["numberMatched"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"as_of": "2021-13-01"}, "as_of"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"as_of": "1624999999"}, "as_of"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "122.5,37.2,122.4,37.1"}, "bbox"),
        ({"bbox": "0,0,200,10"}, "bbox"),
        ({"bbox": "nan,0,1,1"}, "bbox"),
        ({"level": "purple"}, "level"),
        ({"stage": "flying"}, "stage"),
        ({"category": "park"}, "category"),
        ({"deadline_from": "2021-1-1"}, "deadline_from"),
        ({"deadline_to": "2021-02-30"}, "deadline_to"),
        ({"limit": "0"}, "limit"),
        ({"limit": "100000"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"q": ""}, "q"),
    ],
)
def test_bad_query_parameters_get_422_naming_them(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    response = client.get(URL, params=params)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert field in response.json()["message"]


def test_one_parcel_with_a_strong_etag(client: TestClient) -> None:
    feature = listing(client, q="上城国际")["features"][0]
    response = client.get(f"{URL}/{feature['id']}")
    assert response.status_code == 200
    assert response.headers["ETag"] == f'"v{feature["properties"]["version"]}"'
    assert response.json() == feature


@pytest.mark.parametrize(
    ("path", "status"),
    # NUL is refused for every route at the edge (400, tests/test_security_edge.py).
    [("NOPE-1", 404), ("a%20b", 422), ("%00", 400), ("x" * 65, 422)],
)
def test_unknown_or_malformed_codes(client: TestClient, path: str, status: int) -> None:
    for suffix in ("", "/history"):
        response = client.get(f"{URL}/{path}{suffix}")
        assert response.status_code == status, response.text
        assert response.json()["field"] == "code"


def test_history_is_newest_first_with_who_when_and_values(client: TestClient) -> None:
    code = listing(client, q="上城国际")["features"][0]["id"]
    response = client.get(f"{URL}/{code}/history")
    assert response.status_code == 200
    events = response.json()["events"]
    keys = {"action", "field", "old_value", "new_value", "effective_date", "recorded_at", "actor"}
    assert all(keys <= set(event) for event in events)
    recorded = [(e["recorded_at"], e["id"]) for e in events]
    assert recorded == sorted(recorded, reverse=True)
    stages = [(e["old_value"], e["new_value"]) for e in events if e["field"] == "stage"]
    assert ("idle", "negotiating") in stages and (None, "idle") in stages
