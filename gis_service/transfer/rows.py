"""Rows of a file turned into parcels' field values (JSON form) and WGS84 geometry, or refusals.

Pure (no I/O). Headers map to fields through the one synonym table (`columns`); category and
stage accept keys or Chinese labels; a sheet named after a category gives its rows that
category, and `--category` fills it when the file has none. A polygon becomes the row's outline;
a point (longitude/latitude columns, a placemark) is kept as the row's point (`points` says what
the import does with it). A row is refused, with its number, the field, the value and the
reason, when a cell does not read, its geometry is neither a polygon nor a point (a line …),
or the geometry lands outside the service area (the refusal says where it landed).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from gis_service.parcels.geometry_input import ServiceArea
from gis_service.transfer.cells import CellError, cell_value, is_blank
from gis_service.transfer.columns import (
    KML_COLUMNS,
    WKT_HEADERS,
    X_HEADERS,
    Y_HEADERS,
    category_of,
    field_of_header,
    is_ignored_header,
    normal_header,
    stage_of,
)
from gis_service.transfer.crs import Transform, transform_geometry
from gis_service.transfer.sources import Source, SourceRow


@dataclass(frozen=True)
class Refusal:
    """Why a row cannot go in: its number (and sheet), the field, the value, the reason."""

    row: int
    field: str
    value: str
    reason: str
    sheet: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON form for the report."""
        return {
            "row": self.row,
            "sheet": self.sheet,
            "field": self.field,
            "value": self.value,
            "reason": self.reason,
        }

    def as_text(self) -> str:
        """One line for the command line: where, the field, the value and the reason."""
        where = f"{self.sheet}!" if self.sheet else ""
        return f"refused row {where}{self.row} {self.field} {self.value!r}: {self.reason}"


@dataclass(frozen=True)
class ParsedRow:
    """A row ready to plan: its code, the fields the file gives, its WGS84 outline or point."""

    row: int
    code: str
    properties: dict[str, Any]
    geometry: dict[str, Any] | None
    sheet: str | None = None
    point: tuple[float, float] | None = None  # (lon, lat) of a point row; geometry is then None


def parse_rows(
    source: Source,
    transform: Transform | None,
    *,
    category: str | None,
    year: int,
    area: ServiceArea,
) -> tuple[list[ParsedRow], list[Refusal]]:
    """Every row as a ParsedRow or a Refusal; codes found twice are refused on every row."""
    parsed: list[ParsedRow] = []
    refused: list[Refusal] = []
    for row in source.rows:
        result = parse_row(row, transform, category=category, year=year, area=area)
        (parsed if isinstance(result, ParsedRow) else refused).append(result)  # type: ignore[arg-type]
    counts = Counter(p.code for p in parsed)
    twice = {code for code, n in counts.items() if n > 1}
    for p in parsed:
        if p.code in twice:
            rows = ", ".join(str(q.row) for q in parsed if q.code == p.code)
            refused.append(Refusal(p.row, "code", p.code, f"code repeated in rows {rows}", p.sheet))
    return [p for p in parsed if p.code not in twice], sorted(refused, key=lambda r: r.row)


def unknown_columns(source: Source) -> list[str]:
    """Headers naming no field (ignored by the import; the report lists them)."""
    headers = dict.fromkeys(h for row in source.rows for h in row.values)
    geometry = WKT_HEADERS | X_HEADERS | Y_HEADERS
    return [
        str(h)
        for h in headers
        if field_of_header(h) is None
        and not is_ignored_header(h)
        and normal_header(h) not in geometry | KML_COLUMNS
    ]


def parse_row(
    row: SourceRow,
    transform: Transform | None,
    *,
    category: str | None,
    year: int,
    area: ServiceArea,
) -> ParsedRow | Refusal:
    """One row's fields and geometry, or the first reason it cannot go in."""
    values: dict[str, Any] = {}
    for header, raw in row.values.items():
        field = field_of_header(header)
        if field is None or (field in values and is_blank(raw)):
            continue
        try:
            values[field] = cell_value(field, raw, year=year)
        except CellError as error:
            return Refusal(row.number, field, _shown(raw), str(error), row.sheet)
    code = values.pop("code", None)
    if not code:
        return Refusal(row.number, "code", "", "no code (编号): every row needs one", row.sheet)
    problem = _category_and_stage(values, row, category)
    if problem is not None:
        return problem
    geometry = _geometry(row, transform, area)
    if isinstance(geometry, Refusal):
        return geometry
    if isinstance(geometry, Point):
        point = (float(geometry.x), float(geometry.y))
        return ParsedRow(row.number, str(code), values, None, row.sheet, point)
    return ParsedRow(row.number, str(code), values, _multipolygon(geometry), row.sheet)


def _category_and_stage(
    values: dict[str, Any], row: SourceRow, option: str | None
) -> Refusal | None:
    """Category and stage turned into keys (labels accepted); a Refusal when unknown."""
    sheet_category = category_of(row.sheet) if row.sheet else None
    given = values.get("category") or sheet_category or option
    if given is None:
        values.pop("category", None)
    else:
        key = category_of(str(given))
        if key is None:
            return Refusal(row.number, "category", str(given), "unknown category", row.sheet)
        values["category"] = key
    stage = values.get("stage")
    if stage is not None and "category" in values:
        key = stage_of(values["category"], str(stage))
        if key is None:
            reason = f"unknown stage of {values['category']}"
            return Refusal(row.number, "stage", str(stage), reason, row.sheet)
        values["stage"] = key
    return None


def _geometry(
    row: SourceRow, transform: Transform | None, area: ServiceArea
) -> BaseGeometry | None | Refusal:
    """The row's polygon or point in WGS84, inside the service area; None when it has none."""
    if row.geometry_error:
        return Refusal(row.number, "geometry", "", row.geometry_error, row.sheet)
    geometry = row.geometry
    if geometry is None or geometry.is_empty:
        return None
    if isinstance(geometry, MultiPoint) and len(geometry.geoms) == 1:
        geometry = geometry.geoms[0]  # GDAL reads some placemarks as a one-point MultiPoint
    if not isinstance(geometry, Polygon | MultiPolygon | Point):
        reason = (
            f"a {geometry.geom_type} is not a polygon (nor a point): a parcel needs its outline"
        )
        return Refusal(row.number, "geometry", geometry.geom_type, reason, row.sheet)
    if transform is None:
        return Refusal(row.number, "geometry", "", "coordinates fit no known system", row.sheet)
    lonlat = transform_geometry(geometry, transform)
    if not _inside(lonlat, area):
        at = lonlat.representative_point()
        reason = f"lands outside the service area, at {at.x:.5f}, {at.y:.5f} (lon, lat)"
        return Refusal(row.number, "geometry", geometry.geom_type, reason, row.sheet)
    return lonlat


def _multipolygon(geometry: BaseGeometry | None) -> dict[str, Any] | None:
    """A lon/lat polygon as a GeoJSON MultiPolygon (None stays None)."""
    if geometry is None:
        return None
    multi = geometry if isinstance(geometry, MultiPolygon) else MultiPolygon([geometry])
    geojson: dict[str, Any] = json.loads(shapely.to_geojson(multi))
    return geojson


def _inside(geometry: BaseGeometry, area: ServiceArea) -> bool:
    """Whether a lon/lat geometry's bounds lie within the service area box."""
    minx, miny, maxx, maxy = geometry.bounds
    return bool(area[0] <= minx and maxx <= area[2] and area[1] <= miny and maxy <= area[3])


def _shown(value: Any) -> str:
    """A cell value as short text for a refusal."""
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."
