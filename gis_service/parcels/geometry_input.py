"""Geometry input at the edge: a GeoJSON Polygon/MultiPolygon checked and made ready to store.

Pure (no I/O). Accepted: longitude/latitude in WGS84 or CGCS2000 (EPSG:4490, treated as equal
to WGS84), or any CRS declared by a GeoJSON 2008 `crs` member, which is reprojected. Refused,
each with a sentence that names the problem: other geometry types, malformed coordinates,
coordinates that look projected or swapped (shared/geo/README.md "Coordinate systems"),
invalid geometry (repaired instead when asked), and anything outside the service area.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import shapely
from pyproj import CRS, Geod, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import MultiPolygon, Polygon, box, mapping

from gis_service.api.errors import InvalidInput

ServiceArea = tuple[float, float, float, float]
Position = tuple[float, float]
Ring = list[Position]
Polygons = list[list[Ring]]

# Declared CRSs taken as longitude/latitude on WGS84 (CGCS2000 differs by centimetres).
LONLAT_CRS: Final[frozenset[int]] = frozenset({4326, 4490})
_EPSG: Final = re.compile(r"EPSG(?::|::|/0/|/)(\d{4,6})$", re.IGNORECASE)
_CRS84: Final = re.compile(r"CRS:?84$", re.IGNORECASE)
_GEOD: Final = Geod(ellps="WGS84")


@dataclass(frozen=True)
class CleanGeometry:
    """A geometry ready to store (GeoJSON MultiPolygon, lon/lat) and what was changed on it."""

    geometry: dict[str, Any]
    repairs: tuple[str, ...] = ()


def clean_geometry(
    value: object, *, area: ServiceArea, repair: bool = False, field: str = "geometry"
) -> CleanGeometry:
    """Check a GeoJSON geometry and return it as a MultiPolygon in lon/lat; InvalidInput if not.

    With `repair`, an invalid geometry (or an unclosed ring) is fixed with shapely's
    `make_valid` instead of refused, and `repairs` says what changed.
    """
    obj = _geometry_object(value, field)
    epsg = declared_epsg(obj.get("crs"), field)
    polygons, notes = _polygons(obj, field, repair)
    if epsg is not None and epsg not in LONLAT_CRS:
        polygons = _reproject(polygons, epsg, field)
        notes.append(f"reprojected from EPSG:{epsg} to longitude/latitude (EPSG:4326)")
    else:
        refuse_foreign_axes(polygons, area, field)
    multi, fixes = _valid(polygons, field, repair)
    _check_inside(multi, area, field)
    return CleanGeometry(geometry=_geojson(multi), repairs=tuple(notes + fixes))


def declared_epsg(crs: object, field: str = "geometry") -> int | None:
    """The EPSG code a GeoJSON 2008 `crs` member names (CRS84 is 4326); None when absent."""
    if crs is None:
        return None
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if isinstance(name, str):
        if _CRS84.search(name):
            return 4326
        match = _EPSG.search(name)
        if match:
            return int(match.group(1))
    raise InvalidInput(
        f'{field}.crs must be {{"type": "name", "properties": {{"name": "EPSG:<code>"}}}}',
        field=f"{field}.crs",
    )


def refuse_foreign_axes(polygons: Polygons, area: ServiceArea, field: str = "geometry") -> None:
    """Refuse coordinates that look projected or have latitude first, naming the likely CRS."""
    xs = [x for polygon in polygons for ring in polygon for x, _ in ring]
    ys = [y for polygon in polygons for ring in polygon for _, y in ring]
    x, y = xs[0], ys[0]
    if not _inside(xs, ys, area) and _inside(ys, xs, area):
        raise InvalidInput(
            f"{field} coordinates look like latitude, longitude (first position {x:g}, "
            f"{y:g}); GeoJSON puts longitude first: send [{y:g}, {x:g}]",
            field=field,
        )
    if not (all(-180 <= v <= 180 for v in xs) and all(-90 <= v <= 90 for v in ys)):
        raise InvalidInput(_projected_sentence(x, y, field), field=field)


def _projected_sentence(x: float, y: float, field: str) -> str:
    """A sentence naming the CRS that projected numbers most likely come from."""
    advice = (
        "; send longitude/latitude (EPSG:4326 or CGCS2000 EPSG:4490), or declare the CRS with "
        'a `crs` member, e.g. {"type": "name", "properties": {"name": "EPSG:4550"}}'
    )
    seen = f"{field} coordinates look projected (first position {x:,.0f}, {y:,.0f})"
    if 41_000_000 <= x < 42_000_000 and 1_000_000 <= y < 10_000_000:
        return (
            f"{seen}: an easting with zone prefix 41 matches CGCS2000 3-degree Gauss-Kruger "
            f"zone 41, central meridian 123°E (EPSG:4529){advice}"
        )
    if 100_000 <= x < 1_000_000 and 1_000_000 <= y < 10_000_000:
        return (
            f"{seen}: easting and northing in metres match CGCS2000 3-degree Gauss-Kruger, "
            f"central meridian 123°E (EPSG:4550; EPSG:4510, Xian 1980 and Beijing 1954 "
            f"share these numbers){advice}"
        )
    if 1_000_000 <= x < 10_000_000 and (100_000 <= y < 1_000_000 or y >= 41_000_000):
        return (
            f"{seen}: the first number looks like a northing (X = north, as in surveying "
            f"lists): swap each pair to easting, northing (likely EPSG:4550){advice}"
        )
    return f"{seen}: they are not longitude/latitude in any CRS this service recognises{advice}"


def _geometry_object(value: object, field: str) -> dict[str, Any]:
    """The geometry as a dict of a polygonal type; InvalidInput naming what is wrong."""
    if not isinstance(value, dict):
        raise InvalidInput(f"{field} must be a GeoJSON geometry object", field=field)
    kind = value.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise InvalidInput(
            f"{field} must be a Polygon or MultiPolygon, not {_safe(kind)}", field=f"{field}.type"
        )
    unknown = sorted(set(value) - {"type", "coordinates", "crs", "bbox"})
    if unknown:
        raise InvalidInput(
            f"{field} has unknown members: {', '.join(_safe(k) for k in unknown)}", field=field
        )
    return value


def _polygons(obj: dict[str, Any], field: str, repair: bool) -> tuple[Polygons, list[str]]:
    """The coordinates as a list of polygons of closed rings of (x, y); notes on changes."""
    where = f"{field}.coordinates"
    raw = obj.get("coordinates")
    items = [raw] if obj["type"] == "Polygon" else raw
    if not isinstance(items, list) or not items:
        raise InvalidInput(f"{where} must be a non-empty array", field=where)
    notes: list[str] = []
    polygons = []
    for i, polygon in enumerate(items):
        at = where if obj["type"] == "Polygon" else f"{where}[{i}]"
        if not isinstance(polygon, list) or not polygon:
            raise InvalidInput(f"{at} must be a non-empty array of rings", field=where)
        polygons.append(
            [_ring(ring, f"{at}[{j}]", repair, notes) for j, ring in enumerate(polygon)]
        )
    return polygons, notes


def _ring(value: object, at: str, repair: bool, notes: list[str]) -> Ring:
    """One linear ring: at least four positions, first equal to last (closed by repair)."""
    if not isinstance(value, list):
        raise InvalidInput(f"{at} must be an array of positions", field=at.split("[")[0])
    ring = [_position(p, f"{at}[{k}]", notes) for k, p in enumerate(value)]
    if ring and ring[0] != ring[-1]:
        if not repair:
            raise InvalidInput(
                f"{at} is not closed: its first and last positions differ (RFC 7946 3.1.6); "
                "add ?repair=true to close it",
                field="geometry",
            )
        ring.append(ring[0])
        notes.append(f"closed ring {at}")
    if len(ring) < 4:
        raise InvalidInput(f"{at} needs at least 4 positions, has {len(ring)}", field="geometry")
    return ring


def _position(value: object, at: str, notes: list[str]) -> Position:
    """One position: two or three finite numbers (a height is dropped, with a note)."""
    if not isinstance(value, list) or len(value) not in (2, 3):
        raise InvalidInput(f"{at} must be a position [x, y]", field="geometry")
    for number in value:
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise InvalidInput(f"{at} must hold numbers, not {_safe(number)}", field="geometry")
        if not math.isfinite(number):
            raise InvalidInput(f"{at} holds {number}, which is not a number", field="geometry")
    if len(value) == 3 and "dropped heights (Z)" not in notes:
        notes.append("dropped heights (Z)")
    return float(value[0]), float(value[1])


def _reproject(polygons: Polygons, epsg: int, field: str) -> Polygons:
    """The polygons moved from a declared CRS to lon/lat WGS84."""
    try:
        transformer = Transformer.from_crs(CRS.from_epsg(epsg), CRS.from_epsg(4326), always_xy=True)
    except CRSError:
        raise InvalidInput(
            f"{field}.crs names EPSG:{epsg}, which is unknown", field=field
        ) from None
    moved = [[[transformer.transform(x, y) for x, y in ring] for ring in p] for p in polygons]
    if not all(math.isfinite(v) for p in moved for ring in p for pos in ring for v in pos):
        raise InvalidInput(f"{field} cannot be reprojected from EPSG:{epsg}", field=field)
    return moved


def _valid(polygons: Polygons, field: str, repair: bool) -> tuple[MultiPolygon, list[str]]:
    """A valid MultiPolygon (OGC rules); invalid ones refused, or repaired with make_valid."""
    multi = MultiPolygon([Polygon(p[0], p[1:]) for p in polygons])
    if multi.is_valid:
        return multi, []
    reason = shapely.is_valid_reason(multi)
    if not repair:
        raise InvalidInput(
            f"{field} is not valid: {reason}; add ?repair=true to have it repaired", field=field
        )
    fixed = _polygonal(shapely.make_valid(multi))
    if fixed.is_empty:
        raise InvalidInput(f"{field} is not valid ({reason}) and has no area left", field=field)
    before, after = _area_m2(multi), _area_m2(fixed)
    return fixed, [
        f"repaired {reason}: now {len(fixed.geoms)} polygon(s) of {after:,.0f} m² "
        f"(the input's rings enclosed {before:,.0f} m²)"
    ]


def _polygonal(geometry: Any) -> MultiPolygon:
    """The polygonal part of a make_valid result, as one MultiPolygon."""
    parts = [g for g in shapely.get_parts(geometry) if isinstance(g, Polygon | MultiPolygon)]
    merged = shapely.union_all(parts) if parts else MultiPolygon()
    if isinstance(merged, Polygon):
        return MultiPolygon([merged])
    return merged if isinstance(merged, MultiPolygon) else MultiPolygon()


def _area_m2(geometry: MultiPolygon) -> float:
    """Area on the ellipsoid in square metres (abs: orientation does not matter here)."""
    return sum(abs(_GEOD.geometry_area_perimeter(p)[0]) for p in geometry.geoms)


def _check_inside(geometry: MultiPolygon, area: ServiceArea, field: str) -> None:
    """Refuse geometry not covered by the service area, naming the area."""
    if not box(*area).covers(geometry):
        minlon, minlat, maxlon, maxlat = area
        raise InvalidInput(
            f"{field} lies outside the service area (longitude {minlon:g}–{maxlon:g}, "
            f"latitude {minlat:g}–{maxlat:g})",
            field=field,
        )


def _inside(xs: Sequence[float], ys: Sequence[float], area: ServiceArea) -> bool:
    """Whether every (x, y) lies in the area's box."""
    minlon, minlat, maxlon, maxlat = area
    return all(minlon <= x <= maxlon for x in xs) and all(minlat <= y <= maxlat for y in ys)


def _geojson(geometry: MultiPolygon) -> dict[str, Any]:
    """GeoJSON of a MultiPolygon with lists (not tuples) for coordinates."""
    coordinates = mapping(geometry)["coordinates"]
    return {
        "type": "MultiPolygon",
        "coordinates": [[[list(pos) for pos in ring] for ring in poly] for poly in coordinates],
    }


def _safe(value: object) -> str:
    """A value quoted for an error sentence, short, and encodable even with lone surrogates."""
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
