"""Parcel input, pure: strict JSON, merge patches, field checks, replacement (PUT)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gis_service.api.errors import InvalidInput, MalformedBody
from gis_service.parcels.parcel_input import (
    merge_patch,
    new_parcel,
    parse_iso_date,
    parse_json,
    patched_values,
    replacement_values,
)

AREA = (122.30, 37.00, 122.65, 37.30)
RING = [[122.45, 37.15], [122.451, 37.15], [122.451, 37.151], [122.45, 37.151], [122.45, 37.15]]
GEOMETRY = {"type": "MultiPolygon", "coordinates": [[RING]]}
CURRENT: dict[str, Any] = {
    "name": "楼宇",
    "category": "idle_building",
    "stage": "idle",
    "progress": 10,
    "floor_area_m2": 1000,
    "vacant_area_m2": 800,
    "note": "旧备注",
    "plan_targets": ["T9"],
    "illustrative": False,
    "milestones": [{"name": "方案", "due_date": "2021-03-31", "done_on": None}],
    "geometry": GEOMETRY,
}


@pytest.mark.parametrize(
    ("target", "patch", "result"),
    [  # RFC 7396 appendix A
        ({"a": "b"}, {"a": "c"}, {"a": "c"}),
        ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
        ({"a": "b"}, {"a": None}, {}),
        ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
        ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
        ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
        ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
        ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
        (["a", "b"], ["c", "d"], ["c", "d"]),
        ({"a": "b"}, ["c"], ["c"]),
        ({"a": "foo"}, None, None),
        ({"a": "foo"}, "bar", "bar"),
        ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
        ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
        ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    ],
)
def test_merge_patch_follows_rfc_7396(target: Any, patch: Any, result: Any) -> None:
    assert merge_patch(target, patch) == result


def test_parse_json_refuses_what_json_does_not_allow() -> None:
    assert parse_json(b'{"a": 1.5}') == {"a": 1.5}
    for raw in (b"NaN", b"[Infinity]", b"[-Infinity]", b"[1e999]", b"{", b"\xff", b"  "):
        with pytest.raises(MalformedBody):
            parse_json(raw)


@pytest.mark.parametrize(
    "text", ["2021-6-30", "20210630", "2021-W26", "2021-02-29", 20210630, None]
)
def test_dates_must_be_iso(text: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_iso_date(text, "deadline")
    assert caught.value.field == "deadline"


def test_new_parcel_values_are_python_values() -> None:
    body = {"type": "Feature", "properties": {
        "code": "IB-9", "name": "楼", "category": "idle_building", "stage": "idle",
        "deadline": "2021-12-31", "level": "red", "version": 7, "note": ""},
        "geometry": {"type": "Polygon", "coordinates": [RING]}}  # fmt: skip
    code, parcel = new_parcel(body, area=AREA)
    assert code == "IB-9"
    assert parcel.values["deadline"] == date(2021, 12, 31)
    assert parcel.values["note"] is None  # an emptied optional text is cleared
    assert "level" not in parcel.values and "version" not in parcel.values
    assert "progress" not in parcel.values  # left to the database default
    assert parcel.values["geometry"]["type"] == "MultiPolygon"


def test_patch_returns_only_what_changes() -> None:
    patch = {"properties": {"stage": "negotiating", "progress": 10, "floor_area_m2": 1000.0,
                            "note": None, "milestones": CURRENT["milestones"]}}  # fmt: skip
    parcel = patched_values("IB-9", CURRENT, patch, area=AREA)
    assert parcel.values == {"stage": "negotiating", "note": None}


def test_resending_the_same_geometry_is_no_change() -> None:
    polygon = {"type": "Polygon", "coordinates": [RING]}
    assert patched_values("IB-9", CURRENT, {"geometry": polygon}, area=AREA).values == {}


def test_a_geometry_patch_merges_into_the_current_geometry() -> None:
    moved = [[x + 0.01, y] for x, y in RING]
    parcel = patched_values("IB-9", CURRENT, {"geometry": {"coordinates": [[moved]]}}, area=AREA)
    assert parcel.values["geometry"]["coordinates"] == [[moved]]


def test_patch_checks_the_stage_against_the_resulting_category() -> None:
    moved = {"properties": {"category": "key_project", "stage": "preparing"}}
    assert patched_values("IB-9", CURRENT, moved, area=AREA).values == {
        "category": "key_project",
        "stage": "preparing",
    }
    with pytest.raises(InvalidInput) as caught:
        patched_values("IB-9", CURRENT, {"properties": {"stage": "preparing"}}, area=AREA)
    assert caught.value.field == "stage"


def test_replacement_clears_what_it_leaves_out() -> None:
    body = {"type": "Feature", "properties": {"name": "楼宇", "category": "idle_building",
            "stage": "idle"}, "geometry": GEOMETRY}  # fmt: skip
    values = replacement_values("IB-9", CURRENT, body, area=AREA).values
    assert values == {
        "progress": 0,
        "floor_area_m2": None,
        "vacant_area_m2": None,
        "note": None,
        "plan_targets": [],
        "milestones": [],
    }


def test_replacement_needs_a_geometry() -> None:
    with pytest.raises(InvalidInput) as caught:
        replacement_values("IB-9", CURRENT, {"properties": {}}, area=AREA)
    assert caught.value.field == "geometry"


@pytest.mark.parametrize(
    ("properties", "field"),
    [
        ({"floor_area_m2": -1}, "floor_area_m2"),
        ({"floor_area_m2": "1000"}, "floor_area_m2"),
        ({"illustrative": "yes"}, "illustrative"),
        ({"plan_targets": ["T9", 3]}, "plan_targets"),
        ({"plan_targets": ["T9", "a\x00"]}, "plan_targets"),
        ({"milestones": [{"due_date": "2021-01-01"}]}, "milestones"),
        ({"milestones": "方案"}, "milestones"),
        ({"name": ["楼"]}, "name"),
        ({"name": "x" * 10_001}, "name"),
        ({"version": 3, "colour": "red"}, "colour"),
    ],
)
def test_field_checks_name_the_field(properties: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        patched_values("IB-9", CURRENT, {"properties": properties}, area=AREA)
    assert caught.value.field == field
