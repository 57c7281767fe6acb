"""OGC API – Features Part 4 on /ogc: POST items, PUT/PATCH/DELETE item, roles and ETags."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api_helpers import bearer, feature, square, tokens

__all__ = ["tokens"]  # the fixture, imported for the tests below

ITEMS = "/ogc/collections/idle_building/items"
PART_4 = "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete"


def post(client: TestClient, token: str, body: Any, url: str = ITEMS, **params: Any) -> Any:
    """POST a Feature to a collection's items."""
    headers = bearer(token) | {"Content-Type": "application/geo+json"}
    return client.post(url, content=json.dumps(body), headers=headers, params=params or None)


def write(
    client: TestClient, method: str, token: str, code: str, version: int | None, body: Any = None
) -> Any:
    """PUT, PATCH or DELETE one item, with If-Match for a version (None: no If-Match)."""
    headers = bearer(token) | ({"If-Match": f'"v{version}"'} if version is not None else {})
    content = None if body is None else json.dumps(body)
    if content is not None:  # a JSON body must say so (415 otherwise)
        kind = "merge-patch+json" if method == "PATCH" else "geo+json"
        headers["Content-Type"] = f"application/{kind}"
    return client.request(method, f"{ITEMS}/{code}", content=content, headers=headers)


def created(client: TestClient, tokens: dict[str, str], code: str = "IB-T1") -> dict[str, Any]:
    """Create an idle building through /ogc (category left to the collection)."""
    body = feature(code)
    del body["properties"]["category"]
    response = post(client, tokens["planner"], body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_conformance_declares_part_4(client: TestClient) -> None:
    """Create/replace/delete and update are declared."""
    classes = client.get("/ogc/conformance").json()["conformsTo"]
    assert PART_4 in classes
    assert "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update" in classes


def test_post_creates_with_location_and_etag(client: TestClient, tokens: dict[str, str]) -> None:
    """201, an absolute Location under /ogc, ETag v1; the category comes from the collection."""
    body = feature("IB-T1")
    del body["properties"]["category"]
    response = post(client, tokens["planner"], body)
    assert response.status_code == 201, response.text
    assert response.headers["Location"] == f"http://testserver{ITEMS}/IB-T1"
    assert response.headers["ETag"] == '"v1"'
    assert response.headers["content-type"] == "application/geo+json"
    assert response.json()["properties"]["category"] == "idle_building"
    read = client.get(response.headers["Location"])
    assert read.status_code == 200 and read.headers["ETag"] == '"v1"'
    assert client.get("/api/parcels/IB-T1").json()["properties"]["name"] == "测试楼宇"


def test_post_refuses_another_category(client: TestClient, tokens: dict[str, str]) -> None:
    """A key project posted to the idle buildings is a 422 naming category."""
    response = post(client, tokens["planner"], feature("KP-T1", category="key_project"))
    assert response.status_code == 422
    assert response.json()["field"] == "category"
    # Names the category sent and the collection's (it named the collection twice, issue 8).
    assert "'key_project'" in response.json()["message"]
    assert "idle_building" in response.json()["message"]
    assert client.get("/api/parcels/KP-T1").status_code == 404


def test_communities_are_read_only(client: TestClient, tokens: dict[str, str]) -> None:
    """Writes to the communities are 405 with Allow: GET; unknown collections 404."""
    response = post(
        client, tokens["admin"], feature("C-1"), url="/ogc/collections/communities/items"
    )
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
    assert (
        post(client, tokens["admin"], feature("C-1"), url="/ogc/collections/x/items").status_code
        == 404
    )


def test_write_parameters_are_checked(client: TestClient, tokens: dict[str, str]) -> None:
    """Unknown query parameters on a write are 400; bad bodies are edits.py's 4xx."""
    assert post(client, tokens["planner"], feature(), colour="red").status_code == 400
    assert post(client, tokens["planner"], {"type": "Feature"}).status_code == 422
    json_type = {"Content-Type": "application/json"}
    bad = client.post(ITEMS, content=b"{not json", headers=bearer(tokens["planner"]) | json_type)
    assert bad.status_code == 400


def test_investment_moves_an_idle_building_with_if_match(
    client: TestClient, tokens: dict[str, str]
) -> None:
    """PATCH with the ETag: 200 and v2; the same ETag again: 412; history records it."""
    created(client, tokens)
    patch = {"properties": {"stage": "negotiating", "progress": 20}}
    response = write(client, "PATCH", tokens["investment"], "IB-T1", 1, patch)
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"v2"'
    assert response.json()["properties"]["stage"] == "negotiating"
    stale = write(
        client, "PATCH", tokens["investment"], "IB-T1", 1, {"properties": {"progress": 30}}
    )
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2
    events = client.get("/api/parcels/IB-T1/history").json()["events"]
    assert any(e["field"] == "stage" and e["new_value"] == "negotiating" for e in events)


def test_a_read_feature_can_be_sent_back(client: TestClient, tokens: dict[str, str]) -> None:
    """A Feature read from /ogc, links and computed fields included, PUTs back unchanged."""
    created(client, tokens)
    read = client.get(f"{ITEMS}/IB-T1").json()
    response = write(client, "PUT", tokens["planner"], "IB-T1", 1, read)
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"v1"'


def test_put_replaces_the_whole_feature(client: TestClient, tokens: dict[str, str]) -> None:
    """Properties left out of a PUT become null; a missing If-Match is 428."""
    created(client, tokens)
    body = feature("IB-T1", name="新名称")
    del body["properties"]["vacant_area_m2"]
    body["geometry"] = square(dx=0.002)
    assert write(client, "PUT", tokens["planner"], "IB-T1", None, body).status_code == 428
    response = write(client, "PUT", tokens["planner"], "IB-T1", 1, body)
    assert response.status_code == 200, response.text
    properties = response.json()["properties"]
    assert (properties["name"], properties["vacant_area_m2"]) == ("新名称", None)


def test_items_of_another_collection_are_404(client: TestClient, tokens: dict[str, str]) -> None:
    """A parcel is written only through its own collection."""
    code = client.get("/ogc/collections/key_project/items?limit=1").json()["features"][0]["id"]
    patch = {"properties": {"progress": 50}}
    response = client.patch(
        f"{ITEMS}/{code}", json=patch, headers=bearer(tokens["planner"]) | {"If-Match": '"v1"'}
    )
    assert response.status_code == 404


def test_delete_removes_the_feature(client: TestClient, tokens: dict[str, str]) -> None:
    """Admin DELETE with If-Match: 204, then the item is 404 and leaves the items."""
    created(client, tokens)
    assert write(client, "DELETE", tokens["admin"], "IB-T1", None).status_code == 428
    assert write(client, "DELETE", tokens["admin"], "IB-T1", 7).status_code == 412
    assert write(client, "DELETE", tokens["admin"], "IB-T1", 1).status_code == 204
    assert client.get(f"{ITEMS}/IB-T1").status_code == 404
    ids = [f["id"] for f in client.get(ITEMS, params={"limit": 1000}).json()["features"]]
    assert "IB-T1" not in ids


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("viewer", {"POST": 403, "PATCH": 403, "PUT": 403, "DELETE": 403}),
        ("investment", {"POST": 403, "PATCH": 200, "PUT": 403, "DELETE": 403}),
        ("planner", {"POST": 201, "PATCH": 200, "PUT": 200, "DELETE": 403}),
        ("admin", {"POST": 201, "PATCH": 200, "PUT": 200, "DELETE": 204}),
        (None, {"POST": 401, "PATCH": 401, "PUT": 401, "DELETE": 401}),
    ],
)
def test_roles(
    client: TestClient, tokens: dict[str, str], role: str | None, expected: dict[str, int]
) -> None:
    """The roles of /api/parcels: investment edits idle buildings' marks, admin deletes."""
    created(client, tokens)
    token = tokens[role] if role else "no-such-token"
    got = {"POST": post(client, token, feature("IB-T2")).status_code}
    patch = {"properties": {"stage": "negotiating"}}
    got["PATCH"] = write(client, "PATCH", token, "IB-T1", 1, patch).status_code
    version = 2 if got["PATCH"] == 200 else 1
    renamed = feature("IB-T1", name="改名", stage="negotiating")
    got["PUT"] = write(client, "PUT", token, "IB-T1", version, renamed).status_code
    version += got["PUT"] == 200
    got["DELETE"] = write(client, "DELETE", token, "IB-T1", version).status_code
    assert got == expected
