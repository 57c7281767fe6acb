"""POST, PATCH and DELETE of /api/parcels: ETags, If-Match, validation, history, no 500s."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from gis_service.settings import Settings
from tests.api_helpers import app_client, bearer, counts, feature, square, tokens

__all__ = ["tokens"]  # the fixture, imported for the tests below

URL = "/api/parcels"


def create(client: TestClient, token: str, body: dict[str, Any] | None = None) -> Any:
    """POST a Feature (the default idle building IB-T1) and return the response."""
    content = json.dumps(body or feature())  # ASCII escapes: a lone surrogate stays sendable
    headers = bearer(token) | {"Content-Type": "application/geo+json"}
    return client.post(URL, content=content, headers=headers)


def patch(client: TestClient, token: str, code: str, body: Any, version: int, **params: Any) -> Any:
    """PATCH a parcel with If-Match for a version."""
    headers = bearer(token) | {"If-Match": f'"v{version}"'}
    return client.patch(f"{URL}/{code}", json=body, headers=headers, params=params)


def test_create_answers_201_with_location_etag_and_feature(
    client: TestClient, tokens: dict[str, str]
) -> None:
    response = create(client, tokens["planner"])
    assert response.status_code == 201, response.text
    assert response.headers["Location"] == "/api/parcels/IB-T1"
    assert response.headers["ETag"] == '"v1"'
    body = response.json()
    assert body["type"] == "Feature" and body["id"] == "IB-T1"
    assert body["properties"]["stage"] == "idle" and body["properties"]["version"] == 1
    assert body["geometry"]["type"] == "MultiPolygon"
    again = client.get("/api/parcels/IB-T1")
    assert again.status_code == 200 and again.headers["ETag"] == '"v1"'


def test_patch_changes_fields_and_bumps_the_etag(
    client: TestClient, tokens: dict[str, str]
) -> None:
    create(client, tokens["planner"])
    body = {"properties": {"stage": "negotiating", "intended_tenant": "某超市", "note": None}}
    response = patch(client, tokens["planner"], "IB-T1", body, 1)
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"v2"'
    props = response.json()["properties"]
    assert (props["stage"], props["intended_tenant"], props["version"]) == (
        "negotiating",
        "某超市",
        2,
    )
    assert props["vacant_area_m2"] == 800  # untouched by the merge patch


def test_patch_with_geometry_only(client: TestClient, tokens: dict[str, str]) -> None:
    create(client, tokens["planner"])
    response = patch(client, tokens["planner"], "IB-T1", {"geometry": square(dx=0.002)}, 1)
    assert response.status_code == 200, response.text
    ring = response.json()["geometry"]["coordinates"][0][0]
    assert ring[0] == pytest.approx([122.602, 37.27])


def test_sending_the_read_feature_back_changes_nothing(
    client: TestClient, tokens: dict[str, str]
) -> None:
    """A Feature read from the API (computed properties and all) is a valid no-op patch."""
    create(client, tokens["planner"])
    read = client.get(f"{URL}/IB-T1").json()
    response = patch(client, tokens["investment"], "IB-T1", read, 1)
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"v1"'


def test_missing_if_match_is_428_and_stale_is_412_with_the_current_version(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    create(client, tokens["planner"])
    patch(client, tokens["planner"], "IB-T1", {"properties": {"progress": 5}}, 1)
    before = counts(session)
    missing = client.patch(
        f"{URL}/IB-T1", json={"properties": {"progress": 9}}, headers=bearer(tokens["planner"])
    )
    assert missing.status_code == 428 and missing.json()["field"] == "If-Match"
    stale = patch(client, tokens["planner"], "IB-T1", {"properties": {"progress": 9}}, 1)
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2 and stale.json()["etag"] == '"v2"'
    assert counts(session) == before


@pytest.mark.parametrize("if_match", ["*", 'W/"v1"', "v1", '"v1", "v2"', '"x"'])
def test_if_match_forms_that_do_not_name_the_version(
    client: TestClient, tokens: dict[str, str], if_match: str
) -> None:
    create(client, tokens["planner"])
    headers = bearer(tokens["planner"]) | {"If-Match": if_match}
    response = client.patch(f"{URL}/IB-T1", json={"properties": {"progress": 3}}, headers=headers)
    assert response.status_code in (400, 412, 428)
    assert response.json()["field"] == "If-Match"


def test_delete_is_soft_and_keeps_history(client: TestClient, tokens: dict[str, str]) -> None:
    create(client, tokens["planner"])
    headers = bearer(tokens["admin"]) | {"If-Match": '"v1"'}
    response = client.delete(f"{URL}/IB-T1", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"v2"'
    assert client.get(f"{URL}/IB-T1").status_code == 404
    assert client.delete(f"{URL}/IB-T1", headers=headers).status_code == 404
    history = client.get(f"{URL}/IB-T1/history").json()["events"]
    assert history[0]["action"] == "delete" and history[0]["actor"] == "admin"
    codes = [f["id"] for f in client.get(URL, params={"q": "IB-T1"}).json()["features"]]
    assert codes == []


def test_history_after_a_sequence_of_edits(client: TestClient, tokens: dict[str, str]) -> None:
    headers = bearer(tokens["planner"])
    client.post(URL, json=feature(), headers=headers, params={"effective_date": "2024-01-01"})
    steps = [
        ({"properties": {"vacant_area_m2": 500}}, "planner", {"effective_date": "2024-05-01"}),
        ({"properties": {"stage": "negotiating"}}, "investment", {}),
        ({"properties": {"stage": "signed", "intended_tenant": "某影院"}}, "investment", {}),
    ]
    for version, (body, role, params) in enumerate(steps, start=1):
        answer = patch(client, tokens[role], "IB-T1", body, version, **params)
        assert answer.status_code == 200, answer.text
    events = client.get(f"{URL}/IB-T1/history").json()["events"]
    updates = [(e["field"], e["old_value"], e["new_value"], e["actor"], e["version"])
               for e in events if e["action"] == "update"]  # fmt: skip
    assert updates == [
        ("intended_tenant", None, "某影院", "investment", 4),
        ("stage", "negotiating", "signed", "investment", 4),
        ("stage", "idle", "negotiating", "investment", 3),
        ("vacant_area_m2", 800, 500, "planner", 2),
    ]
    assert events[3]["effective_date"] == "2024-05-01"
    assert (
        client.get(f"{URL}/IB-T1", params={"as_of": "2024-06-01"}).json()["properties"][
            "vacant_area_m2"
        ]
        == 500
    )
    assert {e["action"] for e in events[len(updates) :]} == {"create"}
    assert events[-1]["actor"] == "planner"


def test_effective_date_in_the_future_or_before_the_last_change_is_refused(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    create(client, tokens["planner"], feature())
    before = counts(session)
    future = patch(client, tokens["planner"], "IB-T1", {"properties": {"progress": 5}}, 1,
                   effective_date="2999-01-01")  # fmt: skip
    assert future.status_code == 422 and future.json()["field"] == "effective_date"
    early = patch(client, tokens["planner"], "IB-T1", {"properties": {"progress": 5}}, 1,
                  effective_date="2000-01-01")  # fmt: skip
    assert early.status_code == 422 and "in the order" in early.json()["message"]
    assert counts(session) == before


def test_back_dated_create_shows_in_the_as_of_view(
    client: TestClient, tokens: dict[str, str]
) -> None:
    headers = bearer(tokens["planner"])
    response = client.post(URL, json=feature(), headers=headers,
                           params={"effective_date": "2024-03-01"})  # fmt: skip
    assert response.status_code == 201
    assert client.get(f"{URL}/IB-T1", params={"as_of": "2024-03-02"}).status_code == 200


def test_repair_fixes_a_bowtie_and_says_so(client: TestClient, tokens: dict[str, str]) -> None:
    x, y = 122.6, 37.27
    bowtie = {"type": "Polygon", "coordinates": [
        [[x, y], [x + 0.001, y + 0.001], [x + 0.001, y], [x, y + 0.001], [x, y]]]}  # fmt: skip
    body = feature() | {"geometry": bowtie}
    refused = create(client, tokens["planner"], body)
    assert refused.status_code == 422 and "Self-intersection" in refused.json()["message"]
    response = client.post(URL, json=body, headers=bearer(tokens["planner"]),
                           params={"repair": "true"})  # fmt: skip
    assert response.status_code == 201, response.text
    assert "Self-intersection" in response.json()["repairs"][0]
    assert len(response.json()["geometry"]["coordinates"]) == 2


def test_duplicate_code_is_409(client: TestClient, tokens: dict[str, str]) -> None:
    assert create(client, tokens["planner"]).status_code == 201
    again = create(client, tokens["planner"])
    assert again.status_code == 409 and again.json()["field"] == "code"


# Malformed input: each gets its documented 4xx, names the field, and changes nothing. ------

GK_RING = [[452000, 4115000], [452100, 4115000], [452100, 4115100], [452000, 4115100],
           [452000, 4115000]]  # fmt: skip
X, Y = 122.6, 37.27
SWAPPED = [[Y, X], [Y, X + 0.001], [Y + 0.001, X + 0.001], [Y + 0.001, X], [Y, X]]


def _with(geometry: Any) -> dict[str, Any]:
    return feature() | {"geometry": geometry}


BAD_CREATES: list[tuple[str, Any, int, str | None, str]] = [
    ("unknown property", feature(colour="red"), 422, "colour", "colour"),
    ("unknown member", feature() | {"style": {}}, 422, "style", "style"),
    ("no code", feature(code=None), 422, "code", "code"),
    ("bad code", feature(code="a b"), 422, "code", "code"),
    ("no name", feature(name=None), 422, "name", "name"),
    ("blank name", feature(name="  "), 422, "name", "name"),
    ("unknown category", feature(category="park"), 422, "category", "park"),
    ("stage of another category", feature(stage="cleared"), 422, "stage", "cleared"),
    ("progress 101", feature(progress=101), 422, "progress", "101"),
    ("progress -1", feature(progress=-1), 422, "progress", "-1"),
    ("progress text", feature(progress="40"), 422, "progress", "'40'"),
    ("progress fraction", feature(progress=40.5), 422, "progress", "whole"),
    ("progress bool", feature(progress=True), 422, "progress", "True"),
    ("huge integer", feature(households=10**40), 422, "households", "between"),
    ("date not ISO", feature(deadline="2021/06/30"), 422, "deadline", "2021/06/30"),
    ("date compact", feature(deadline="20210630"), 422, "deadline", "ISO"),
    ("impossible date", feature(deadline="2021-02-30"), 422, "deadline", "2021-02-30"),
    (
        "deadline before start",
        feature(start_date="2021-05-01", deadline="2021-01-01"),
        422,
        "deadline",
        "before",
    ),  # fmt: skip
    ("vacant above floor", feature(vacant_area_m2=5000), 422, "vacant_area_m2", "exceeds"),
    ("NUL in text", feature(note="a\u0000b"), 422, "note", "NUL"),
    ("lone surrogate", feature(note="a\ud800b"), 422, "note", "surrogate"),
    ("unknown community", feature(community="火星社区"), 422, "community", "community"),
    ("completed without date", feature(stage="revitalised"), 422, "completed_on", "completed"),
    (
        "milestone unknown key",
        feature(milestones=[{"name": "x", "when": 1}]),
        422,
        "milestones",
        "when",
    ),  # fmt: skip
    (
        "milestone bad date",
        feature(milestones=[{"name": "x", "due_date": "soon"}]),
        422,
        "milestones",
        "soon",
    ),  # fmt: skip
    ("plan_targets not a list", feature(plan_targets="T9"), 422, "plan_targets", "array"),
    ("not a Feature", {"type": "FeatureCollection", "features": []}, 422, "features", "features"),
    ("array body", [feature()], 422, "body", "Feature"),
    ("no geometry", feature() | {"geometry": None}, 422, "geometry", "geometry"),
    ("point", _with({"type": "Point", "coordinates": [X, Y]}), 422, "geometry.type", "Point"),
    (
        "bowtie",
        _with(
            {
                "type": "Polygon",
                "coordinates": [
                    [[X, Y], [X + 0.001, Y + 0.001], [X + 0.001, Y], [X, Y + 0.001], [X, Y]]
                ],
            }
        ),
        422,
        "geometry",
        "Self-intersection",
    ),  # fmt: skip
    (
        "unclosed ring",
        _with({"type": "Polygon", "coordinates": [square()["coordinates"][0][:-1]]}),
        422,
        "geometry",
        "not closed",
    ),  # fmt: skip
    (
        "three positions",
        _with({"type": "Polygon", "coordinates": [[[X, Y], [X, Y + 1e-3], [X, Y]]]}),
        422,
        "geometry",
        "at least 4",
    ),  # fmt: skip
    (
        "text coordinate",
        _with({"type": "Polygon", "coordinates": [[["a", Y]] * 4]}),
        422,
        "geometry",
        "numbers",
    ),  # fmt: skip
    (
        "Gauss-Kruger",
        _with({"type": "Polygon", "coordinates": [GK_RING]}),
        422,
        "geometry",
        "EPSG:4550",
    ),  # fmt: skip
    (
        "Gauss-Kruger with zone",
        _with({"type": "Polygon", "coordinates": [[[x + 41_000_000, y] for x, y in GK_RING]]}),
        422,
        "geometry",
        "EPSG:4529",
    ),  # fmt: skip
    (
        "lat/lon swapped",
        _with({"type": "Polygon", "coordinates": [SWAPPED]}),
        422,
        "geometry",
        "latitude, longitude",
    ),  # fmt: skip
    ("outside the area", _with(square(dx=1.0)), 422, "geometry", "service area"),
    (
        "unknown crs",
        _with(square() | {"crs": {"type": "name", "properties": {"name": "x"}}}),
        422,
        "geometry.crs",
        "EPSG",
    ),  # fmt: skip
]


@pytest.mark.parametrize(
    ("body", "status", "field", "words"),
    [case[1:] for case in BAD_CREATES],
    ids=[case[0] for case in BAD_CREATES],
)
def test_bad_create_is_refused_and_changes_nothing(
    client: TestClient,
    session: Session,
    tokens: dict[str, str],
    body: Any,
    status: int,
    field: str | None,
    words: str,
) -> None:
    before = counts(session)
    response = create(client, tokens["planner"], body)
    assert response.status_code == status, response.text
    answer = response.json()
    assert answer["field"] == field and words in answer["message"], answer
    assert set(answer) >= {"error", "message", "field"}
    assert counts(session) == before


RAW_BODIES: list[tuple[str, bytes, str]] = [
    ("syntax", b'{"type": "Feature",', "line 1"),
    ("NaN", b'{"type": "Feature", "properties": {"progress": NaN}}', "NaN"),
    ("Infinity", b'{"properties": {"floor_area_m2": Infinity}}', "Infinity"),
    ("overflowing float", b'{"properties": {"floor_area_m2": 1e400}}', "too large"),
    ("not UTF-8", b'{"properties": {"name": "\xff"}}', "UTF-8"),
    ("empty", b"", "empty"),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000, "JSON"),
    ("huge integer", b'{"properties": {"progress": ' + b"9" * 5000 + b"}}", "JSON"),
]


@pytest.mark.parametrize(
    ("raw", "words"), [c[1:] for c in RAW_BODIES], ids=[c[0] for c in RAW_BODIES]
)
def test_malformed_json_is_400_for_post_and_patch(
    client: TestClient, session: Session, tokens: dict[str, str], raw: bytes, words: str
) -> None:
    create(client, tokens["planner"])
    before = counts(session)
    headers = bearer(tokens["planner"]) | {"Content-Type": "application/json"}
    posted = client.post(URL, content=raw, headers=headers)
    patched = client.patch(f"{URL}/IB-T1", content=raw, headers=headers | {"If-Match": '"v1"'})
    for response in (posted, patched):
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "malformed_json" and words in response.json()["message"]
    assert counts(session) == before


BAD_PATCHES: list[tuple[str, Any, int, str | None]] = [
    ("unknown property", {"properties": {"colour": "red"}}, 422, "colour"),
    ("stage of another category", {"properties": {"stage": "operating"}}, 422, "stage"),
    ("category without its stage", {"properties": {"category": "key_project"}}, 422, "stage"),
    ("null name", {"properties": {"name": None}}, 422, "name"),
    ("null progress", {"properties": {"progress": None}}, 422, "progress"),
    ("progress 140", {"properties": {"progress": 140}}, 422, "progress"),
    ("code change", {"properties": {"code": "IB-T2"}}, 422, "code"),
    ("id change", {"id": "IB-T2", "properties": {}}, 422, "id"),
    ("null geometry", {"geometry": None}, 422, "geometry"),
    ("geometry outside", {"geometry": square(dy=1.0)}, 422, "geometry"),
    ("properties not an object", {"properties": [1]}, 422, "properties"),
    ("body not an object", "progress=5", 422, "body"),
    ("completed without date", {"properties": {"stage": "revitalised"}}, 422, "completed_on"),
]


@pytest.mark.parametrize(
    ("body", "status", "field"), [c[1:] for c in BAD_PATCHES], ids=[c[0] for c in BAD_PATCHES]
)
def test_bad_patch_is_refused_and_changes_nothing(
    client: TestClient,
    session: Session,
    tokens: dict[str, str],
    body: Any,
    status: int,
    field: str | None,
) -> None:
    create(client, tokens["planner"])
    before = counts(session)
    response = patch(client, tokens["planner"], "IB-T1", body, 1)
    assert response.status_code == status, response.text
    assert response.json()["field"] == field
    assert counts(session) == before


def test_body_over_the_limit_is_413_by_header_and_by_bytes(
    settings: Settings, session: Session, tokens: dict[str, str]
) -> None:
    body = json.dumps(feature(note="长" * 1000)).encode()
    before = counts(session)
    headers = bearer(tokens["planner"]) | {"Content-Type": "application/geo+json"}
    with app_client(settings, session, max_body_bytes=2000) as client:
        declared = client.post(URL, content=body, headers=headers)

        def chunks() -> Any:  # no Content-Length: the bytes themselves must be counted
            yield body[:1500]
            yield body[1500:]

        streamed = client.post(URL, content=chunks(), headers=headers)
    for response in (declared, streamed):
        assert response.status_code == 413, response.text
        assert response.json()["error"] == "payload_too_large"
    assert counts(session) == before


def test_bad_query_parameters_of_writes(client: TestClient, tokens: dict[str, str]) -> None:
    headers = bearer(tokens["planner"])
    for params, field in (({"effective_date": "yesterday"}, "effective_date"),
                          ({"repair": "maybe"}, "repair")):  # fmt: skip
        response = client.post(URL, json=feature(), headers=headers, params=params)
        assert response.status_code == 422 and response.json()["field"] == field


def test_unknown_route_and_method_keep_the_error_shape(client: TestClient) -> None:
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    wrong = client.put("/api/parcels")
    assert wrong.status_code == 405 and set(wrong.json()) == {"error", "message", "field"}


def test_every_status_is_declared_in_openapi(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    declared = {
        ("post", "/api/parcels"): {"201", "400", "401", "403", "409", "413", "422"},
        ("patch", "/api/parcels/{code}"): {
            "200",
            "400",
            "401",
            "403",
            "404",
            "412",
            "413",
            "422",
            "428",
        },  # fmt: skip
        ("delete", "/api/parcels/{code}"): {"200", "401", "403", "404", "412", "422", "428"},
        ("get", "/api/parcels/{code}"): {"200", "404", "422"},
        ("get", "/api/parcels/{code}/history"): {"200", "404", "422"},
        ("get", "/api/parcels"): {"200", "422"},
    }
    for (method, path), statuses in declared.items():
        assert statuses <= set(paths[path][method]["responses"]), (method, path)
    assert "requestBody" in paths["/api/parcels/{code}"]["patch"]


# No input may produce a 500. ---------------------------------------------------------------

NASTY: list[tuple[str, str, Any]] = [
    ("post", URL, {"properties": {"\ud800": 1}}),
    ("post", URL, feature(code="\ud800")),
    ("post", URL, feature() | {"geometry": {"type": "\ud800"}}),
    (
        "post",
        URL,
        feature() | {"geometry": {"type": "Polygon", "coordinates": [[[1e308, 1e308]] * 4]}},
    ),
    ("post", URL, feature() | {"geometry": {"type": "MultiPolygon", "coordinates": [[[[0, 0]]]]}}),
    ("post", URL, feature() | {"geometry": {"type": "Polygon", "coordinates": {"a": 1}}}),
    ("post", URL, feature(milestones=[{"name": "x", "due_date": "0000-01-01"}])),
    ("post", URL, feature(deadline="9999-12-31", start_date="0001-01-01")),
    ("post", URL, feature(floor_area_m2=1e12, vacant_area_m2=0.1)),
    ("post", URL, feature(name="\u202e\u0007")),
    ("patch", f"{URL}/IB-T1", {"properties": {"milestones": [None]}}),
    (
        "patch",
        f"{URL}/IB-T1",
        {"geometry": {"crs": {"type": "name", "properties": {"name": "EPSG:3857"}}}},
    ),
    ("patch", f"{URL}/IB-T1", {"geometry": {"type": "Polygon"}}),
    ("patch", f"{URL}/IB-T1", {"properties": None}),
    ("patch", f"{URL}/IB-T1", {"type": None}),
    ("patch", f"{URL}/%E2%80%AE", {"properties": {}}),
]


@pytest.mark.parametrize(("method", "path", "body"), NASTY)
def test_nasty_inputs_get_a_4xx_not_a_500(
    client: TestClient, tokens: dict[str, str], method: str, path: str, body: Any
) -> None:
    create(client, tokens["planner"])
    headers = bearer(tokens["planner"]) | {"If-Match": '"v1"', "Content-Type": "application/json"}
    response = client.request(method, path, content=json.dumps(body), headers=headers)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert set(response.json()) >= {"error", "message", "field"}


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
FIELD_NAMES = st.sampled_from(
    ["name", "stage", "progress", "deadline", "milestones", "note", "plan_targets",
     "floor_area_m2", "category", "illustrative"]
)  # fmt: skip


@examples(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    properties=st.dictionaries(FIELD_NAMES, JSON_VALUES, max_size=3),
    geometry=st.none() | JSON_VALUES,
)
def test_random_patches_never_get_a_500(
    client: TestClient, tokens: dict[str, str], properties: dict[str, Any], geometry: Any
) -> None:
    if client.get(f"{URL}/IB-T1").status_code == 404:
        create(client, tokens["planner"])
    version = client.get(f"{URL}/IB-T1").json()["properties"]["version"]
    body: dict[str, Any] = {"properties": properties}
    if geometry is not None:
        body["geometry"] = geometry
    response = patch(client, tokens["planner"], "IB-T1", body, version)
    assert response.status_code in (200, 400, 422), response.text
