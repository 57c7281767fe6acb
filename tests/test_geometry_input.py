"""Geometry input, pure: types, coordinates, CRS guesses, validity and repair, service area."""

from __future__ import annotations

from typing import Any

import pytest

from pyproj import Transformer
from shapely.geometry import shape

from gis_service.api.errors import InvalidInput
from gis_service.parcels.geometry_input import clean_geometry, declared_epsg

AREA = (122.30, 37.00, 122.65, 37.30)
X, Y = 122.45, 37.15
SQUARE = [[X, Y], [X + 0.001, Y], [X + 0.001, Y + 0.001], [X, Y + 0.001], [X, Y]]
BOWTIE = [[X, Y], [X + 0.001, Y + 0.001], [X + 0.001, Y], [X, Y + 0.001], [X, Y]]


def polygon(*rings: Any, **members: Any) -> dict[str, Any]:
    """A GeoJSON Polygon."""
    return {"type": "Polygon", "coordinates": list(rings)} | members


def refusal(value: Any, **options: Any) -> InvalidInput:
    """The InvalidInput that clean_geometry raises for a value."""
    with pytest.raises(InvalidInput) as caught:
        clean_geometry(value, area=AREA, **options)
    return caught.value


def gauss_kruger(ring: list[list[float]]) -> list[list[float]]:
    """A lon/lat ring in CGCS2000 3-degree Gauss-Kruger CM 123°E (EPSG:4550)."""
    to_gk = Transformer.from_crs(4490, 4550, always_xy=True)
    return [list(to_gk.transform(x, y)) for x, y in ring]


def test_polygon_becomes_a_multipolygon_unchanged() -> None:
    result = clean_geometry(polygon(SQUARE), area=AREA)
    assert result.geometry == {"type": "MultiPolygon", "coordinates": [[SQUARE]]}
    assert result.repairs == ()


def test_multipolygon_with_hole_is_kept() -> None:
    hole = [[X + 0.0004, Y + 0.0004], [X + 0.0006, Y + 0.0004], [X + 0.0006, Y + 0.0006],
            [X + 0.0004, Y + 0.0004]]  # fmt: skip
    value = {"type": "MultiPolygon", "coordinates": [[SQUARE, hole]]}
    assert shape(clean_geometry(value, area=AREA).geometry).area == pytest.approx(
        shape(polygon(SQUARE)).area - shape(polygon(hole)).area
    )


@pytest.mark.parametrize("kind", ["Point", "LineString", "GeometryCollection", None, 5])
def test_only_polygons_are_accepted(kind: Any) -> None:
    error = refusal({"type": kind, "coordinates": [X, Y]})
    assert error.field == "geometry.type" and "Polygon or MultiPolygon" in error.message


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("POLYGON((0 0,1 0,1 1,0 0))", "GeoJSON geometry object"),
        (polygon(), "non-empty"),
        ({"type": "MultiPolygon", "coordinates": [[]]}, "non-empty array of rings"),
        (polygon(SQUARE[:3]), "not closed"),
        (polygon([[X, Y], [X + 0.001, Y], [X, Y]]), "at least 4"),
        (polygon([[X, Y]] * 3 + [[X]]), "position"),
        (polygon([[X, Y, 1, 2]] * 4), "position"),
        (polygon([[X, "37.1"]] * 4), "numbers"),
        (polygon([[X, True]] * 4), "numbers"),
        (polygon([[X, float("nan")]] * 4), "not a number"),
        (polygon([[X, float("inf")]] * 4), "not a number"),
        (polygon(SQUARE) | {"properties": {}}, "unknown members"),
    ],
)
def test_malformed_coordinates_are_refused_with_a_sentence(value: Any, words: str) -> None:
    assert words in refusal(value).message


def test_invalid_geometry_is_refused_with_the_reason() -> None:
    error = refusal(polygon(BOWTIE))
    assert error.field == "geometry"
    assert "Self-intersection" in error.message and "repair=true" in error.message


def test_repair_splits_a_bowtie_and_reports_it() -> None:
    result = clean_geometry(polygon(BOWTIE), area=AREA, repair=True)
    assert result.geometry["type"] == "MultiPolygon"
    assert len(result.geometry["coordinates"]) == 2
    assert shape(result.geometry).is_valid
    assert "Self-intersection" in result.repairs[0] and "2 polygon(s)" in result.repairs[0]


def test_repair_closes_an_open_ring() -> None:
    result = clean_geometry(polygon(SQUARE[:-1]), area=AREA, repair=True)
    assert result.geometry["coordinates"][0][0][-1] == SQUARE[0]
    assert any("closed ring" in note for note in result.repairs)


def test_repair_refuses_when_no_area_is_left() -> None:
    flat = [[X, Y], [X + 0.001, Y], [X + 0.002, Y], [X, Y]]
    assert "no area left" in refusal(polygon(flat), repair=True).message


def test_overlapping_parts_of_a_multipolygon_are_invalid() -> None:
    shifted = [[x + 0.0005, y] for x, y in SQUARE]
    value = {"type": "MultiPolygon", "coordinates": [[SQUARE], [shifted]]}
    assert "not valid" in refusal(value).message
    merged = clean_geometry(value, area=AREA, repair=True).geometry
    assert len(merged["coordinates"]) == 1


def test_heights_are_dropped_with_a_note() -> None:
    result = clean_geometry(polygon([p + [12.5] for p in SQUARE]), area=AREA)
    assert result.geometry["coordinates"] == [[SQUARE]]
    assert result.repairs == ("dropped heights (Z)",)


def test_gauss_kruger_without_prefix_names_epsg_4550() -> None:
    error = refusal(polygon(gauss_kruger(SQUARE)))
    assert "EPSG:4550" in error.message and "Gauss-Kruger" in error.message
    assert "123°E" in error.message and error.field == "geometry"


def test_gauss_kruger_with_zone_prefix_names_epsg_4529() -> None:
    ring = [[x + 41_000_000, y] for x, y in gauss_kruger(SQUARE)]
    error = refusal(polygon(ring))
    assert "EPSG:4529" in error.message and "zone 41" in error.message


def test_northing_first_survey_lists_are_recognised() -> None:
    ring = [[y, x] for x, y in gauss_kruger(SQUARE)]
    assert "northing" in refusal(polygon(ring)).message


def test_unknown_projected_numbers_are_refused() -> None:
    ring = [[x * 1000, y * 1000] for x, y in SQUARE]
    assert "not longitude/latitude" in refusal(polygon(ring)).message


def test_swapped_longitude_latitude_is_detected() -> None:
    error = refusal(polygon([[y, x] for x, y in SQUARE]))
    assert "latitude, longitude" in error.message
    assert f"[{X:g}, {Y:g}]" in error.message


@pytest.mark.parametrize(
    "name",
    [
        "EPSG:4490",
        "urn:ogc:def:crs:EPSG::4490",
        "http://www.opengis.net/def/crs/EPSG/0/4490",
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "EPSG:4326",
    ],
)
def test_cgcs2000_and_wgs84_crs_members_are_accepted_as_lon_lat(name: str) -> None:
    crs = {"type": "name", "properties": {"name": name}}
    result = clean_geometry(polygon(SQUARE, crs=crs), area=AREA)
    assert result.geometry["coordinates"] == [[SQUARE]] and result.repairs == ()


def test_declared_gauss_kruger_is_reprojected() -> None:
    crs = {"type": "name", "properties": {"name": "EPSG:4550"}}
    result = clean_geometry(polygon(gauss_kruger(SQUARE), crs=crs), area=AREA)
    corner = result.geometry["coordinates"][0][0][0]
    assert corner == pytest.approx([X, Y], abs=1e-7)
    assert "EPSG:4550" in result.repairs[0]


@pytest.mark.parametrize("crs", ["EPSG:4326", {"type": "name"}, {"properties": {"name": 5}}])
def test_malformed_crs_members_are_refused(crs: Any) -> None:
    assert refusal(polygon(SQUARE, crs=crs)).field == "geometry.crs"


def test_unknown_epsg_code_is_refused() -> None:
    crs = {"type": "name", "properties": {"name": "EPSG:999999"}}
    assert "unknown" in refusal(polygon(SQUARE, crs=crs)).message


def test_outside_the_service_area_names_the_area() -> None:
    far = [[x + 1.0, y] for x, y in SQUARE]
    error = refusal(polygon(far))
    assert "outside the service area" in error.message and "122.3–122.65" in error.message


def test_straddling_the_edge_of_the_area_is_outside() -> None:
    edge = [[122.649, Y], [122.651, Y], [122.651, Y + 0.001], [122.649, Y + 0.001], [122.649, Y]]
    assert "outside" in refusal(polygon(edge)).message


def test_declared_epsg_reads_the_usual_spellings() -> None:
    assert declared_epsg(None) is None
    assert declared_epsg({"type": "name", "properties": {"name": "epsg:4550"}}) == 4550
