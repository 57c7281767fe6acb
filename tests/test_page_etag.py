"""GET /api/parcels is tagged from the data's version: a poll that still matches is 304, any
write or another query gives another tag (issue 10 goal 1)."""

from __future__ import annotations

from api_helpers import bearer, tokens  # noqa: F401 (fixture)
from fastapi.testclient import TestClient

PAGE = "/api/parcels?category=idle_building&limit=5"


def test_a_matching_poll_is_304_and_a_write_changes_the_tag(
    client: TestClient,
    tokens: dict[str, str],  # noqa: F811
) -> None:
    first = client.get(PAGE)
    tag = first.headers["ETag"]
    assert first.status_code == 200 and first.json()["numberReturned"] == 5
    again = client.get(PAGE, headers={"If-None-Match": tag})
    assert (again.status_code, again.content, again.headers["ETag"]) == (304, b"", tag)
    assert client.get(PAGE + "&offset=5").headers["ETag"] != tag
    assert client.get(PAGE + "&as_of=2021-06-30").headers["ETag"] != tag
    read = client.get("/api/parcels/IB-01")
    headers = bearer(tokens["admin"]) | {"If-Match": read.headers["ETag"]}
    patched = client.patch(
        "/api/parcels/IB-01", json={"properties": {"note": "新"}}, headers=headers
    )
    assert patched.status_code == 200
    after = client.get(PAGE, headers={"If-None-Match": tag})
    assert after.status_code == 200 and after.headers["ETag"] != tag
