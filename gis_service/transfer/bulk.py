"""The bulk path for large files of new parcels: typed in Python column by column, checked
and written set-based in SQL (COPY into staging, one INSERT … SELECT for parcels, one for
their events). All or nothing, like the row path; it only creates (existing codes refused).

Cells are converted per distinct value (a 台账 repeats its dates, phrases and labels) and
geometry is reprojected as whole arrays, so the Python work grows with distinct values.
Point features get the row path's square outline (`points.squares_around`, one array call).
It reads vector files (GPKG, SHP, GeoJSON, KML) through pyogrio's Arrow reader; tables
(CSV, workbooks) go row by row (`reads_tables`: the CLI falls back to the row path for them).
The caller owns the transaction: roll it back when `refused` is not empty or for a dry run.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final

import numpy as np
from sqlalchemy.orm import Session

import pyogrio
import shapely

from gis_service.api.auth import User
from gis_service.parcels import edits
from gis_service.repo import bulk_import
from gis_service.rules.roles import Operation
from gis_service.settings import Settings
from gis_service.transfer.cells import CellError, cell_value, is_blank
from gis_service.transfer.columns import category_of, field_of_header, stage_of
from gis_service.transfer.crs import (
    CrsDecision,
    decide_crs,
    sample_points,
    to_lonlat,
    transform_geometry,
)
from gis_service.transfer.points import squares_around
from gis_service.transfer.rows import Refusal
from gis_service.transfer.sources import TABLE_SUFFIXES, SourceError

FIELDS: Final = bulk_import.STAGED_COLUMNS[1:-1]
_BAD: Final = object()  # a cell that did not convert (its refusal is recorded)


@dataclass
class BulkReport:
    """What a bulk import read, refused and wrote, and the seconds each step took."""

    file: str
    crs: CrsDecision
    rows_read: int = 0
    created: int = 0
    refused: list[Refusal] = field(default_factory=list)
    squared: list[int] = field(default_factory=list)  # point rows given a square outline
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class Prepared:
    """A file's rows typed for the staging table, its CRS decision and the cells refused."""

    rows: list[list[Any]]
    crs: CrsDecision
    refused: list[Refusal]
    squared: list[int] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


class _Steps:
    """Seconds per named step, each from the end of the one before."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into = into
        self.mark = time.perf_counter()

    def done(self, step: str) -> None:
        now = time.perf_counter()
        self.into[step] = self.into.get(step, 0.0) + now - self.mark
        self.mark = now


def reads_tables(path: Path) -> bool:
    """Whether a file is a table (CSV, workbook): the bulk path leaves those to the row path."""
    return path.suffix.lower() in TABLE_SUFFIXES


def bulk_create(
    session: Session,
    path: Path,
    *,
    user: User,
    settings: Settings,
    category: str | None = None,
    effective_date: date | None = None,
    year: int | None = None,
    crs: str | None = None,
    gcj02: bool = False,
) -> BulkReport:
    """Create every feature of a vector file as a new parcel; refusals stop before writing."""
    user.require(Operation.CREATE)
    day = edits.effective_day(effective_date, today=settings.today_date())
    prepared = prepare(
        path,
        category=category,
        year=year or day.year,
        crs=crs,
        gcj02=gcj02,
        square_m=settings.import_point_square_m,
    )
    report = BulkReport(
        path.name,
        prepared.crs,
        len(prepared.rows),
        refused=prepared.refused,
        squared=prepared.squared,
        seconds=prepared.seconds,
    )
    if report.refused or not prepared.rows:
        return report
    steps = _Steps(report.seconds)
    bulk_import.stage_rows(session, prepared.rows)
    steps.done("stage")
    report.refused = [
        Refusal(r["row_number"], r["field"], r["value"] or "", r["reason"])
        for r in bulk_import.refused_rows(session)
    ]
    steps.done("validate")
    if report.refused:
        return report
    actor = f"import:{path.name}"
    report.created = bulk_import.insert_parcels(session, actor=actor)
    steps.done("insert parcels")
    bulk_import.insert_events(session, actor=actor, effective_date=day)
    steps.done("insert events and states")
    return report


def prepare(
    path: Path,
    *,
    year: int,
    square_m: float,
    category: str | None = None,
    crs: str | None = None,
    gcj02: bool = False,
) -> Prepared:
    """Read a vector file and type its columns for staging (per distinct value)."""
    if reads_tables(path):
        raise SourceError(
            f"{path.name}: the bulk path reads vector files (GPKG, SHP, GeoJSON, KML); "
            "import tables (CSV, XLSX, XLS, ODS) row by row, without --bulk",
            field="file",
        )
    seconds: dict[str, float] = {}
    steps = _Steps(seconds)
    frame = pyogrio.read_dataframe(path, use_arrow=True)
    steps.done("read")
    names = {c: field_of_header(c) for c in frame.columns if c != frame.geometry.name}
    # Plain Python objects, blanks as None: iterating Arrow-backed columns cell by cell is slow.
    table = {
        f: frame[c].to_numpy(dtype=object, na_value=None) for c, f in names.items() if f in FIELDS
    }
    decision = decide_crs(
        sample_points(frame.geometry.values), declared=_crs(frame), override=crs, gcj02=gcj02
    )
    refused: list[Refusal] = []
    if decision.crs is None:
        refused.append(Refusal(1, "geometry", "", decision.reason))
        return Prepared([], decision, refused, seconds=seconds)
    count = len(frame)
    table["category"] = _categories(table.get("category"), category, count, refused)
    if "stage" in table:
        table["stage"] = _stages(table["category"], table["stage"], refused)
    for name in table:
        if name not in ("category", "stage"):
            table[name] = _converted(table[name], name, year, refused)
    steps.done("type cells")
    geometry, squared = _outlines(_lonlat(frame.geometry.values, decision), square_m)
    rows = list(_rows(table, geometry, count))
    steps.done("geometry and rows")
    return Prepared(rows, decision, refused, squared, seconds)


def _crs(frame: Any) -> str | None:
    """The CRS a file declares, as text."""
    return None if frame.crs is None else str(frame.crs.to_string())


def _categories(given: Any, option: str | None, count: int, refused: list[Refusal]) -> list[Any]:
    """Category keys from keys or Chinese labels (per distinct value); the option when absent."""
    if given is None:
        given = [option] * count
    keys = {v: category_of(str(v)) for v in dict.fromkeys(given) if v is not None}
    for number, value in enumerate(given, start=1):
        if value is not None and keys[value] is None:
            refused.append(Refusal(number, "category", str(value), "unknown category"))
    return [None if v is None else keys[v] for v in given]


def _stages(categories: list[Any], given: Any, refused: list[Refusal]) -> list[Any]:
    """Stage keys of each row's category, from keys or Chinese labels (per distinct pair)."""
    pairs = dict.fromkeys(zip(categories, given, strict=True))
    stages = {(c, s): stage_of(str(c), str(s)) for c, s in pairs if c and not is_blank(s)}
    mapped = [stages.get(pair) for pair in zip(categories, given, strict=True)]
    for number, (value, key) in enumerate(zip(given, mapped, strict=True), start=1):
        if key is None and not is_blank(value):
            refused.append(Refusal(number, "stage", str(value), "unknown stage of the category"))
    return mapped


def _converted(column: Any, name: str, year: int, refused: list[Refusal]) -> list[Any]:
    """A column converted per distinct value through the row path's cell rule (blank: None)."""
    values: dict[Any, Any] = {None: None}
    for value in dict.fromkeys(column):
        if value in values:
            continue
        try:
            converted = cell_value(name, value, year=year)
            values[value] = None if is_blank(converted) else converted
        except CellError as error:
            values[value] = _BAD
            rows = [i + 1 for i, v in enumerate(column) if v == value]
            refused += [Refusal(row, name, str(value), str(error)) for row in rows]
    return [values[v] for v in column]


def _lonlat(geometry: Any, decision: CrsDecision) -> Any:
    """The geometry array reprojected to lon/lat as the decision says."""
    if decision.crs in ("EPSG:4326", "OGC:CRS84") and not (decision.swapped or decision.gcj02):
        return geometry
    return transform_geometry(geometry, to_lonlat(decision))


def _outlines(geometry: Any, square_m: float) -> tuple[Any, list[int]]:
    """Point features replaced by the row path's square outline; the row numbers squared.

    A one-point MultiPoint counts as its point (GDAL reads some placemarks so), as on the row
    path; any other geometry stays for the checks to accept or refuse.
    """
    geometry = np.asarray(geometry, dtype=object).copy()
    kinds = shapely.get_type_id(geometry)
    single = (kinds == shapely.GeometryType.MULTIPOINT) & (
        shapely.get_num_geometries(geometry) == 1
    )
    geometry[single] = shapely.get_geometry(geometry[single], 0)
    points = (shapely.get_type_id(geometry) == shapely.GeometryType.POINT) & ~shapely.is_empty(
        geometry
    )
    if points.any():
        xs, ys = shapely.get_x(geometry[points]), shapely.get_y(geometry[points])
        geometry[points] = squares_around(xs, ys, square_m)
    return geometry, [int(i) + 1 for i in np.flatnonzero(points)]


def _rows(table: dict[str, list[Any]], geometry: Any, count: int) -> Iterator[list[Any]]:
    """Rows in the staging table's column order (EWKB hex geometry with SRID 4326)."""
    wkb = shapely.to_wkb(shapely.set_srid(geometry, 4326), hex=True, include_srid=True)
    columns = [table[f] if f in table else [None] * count for f in FIELDS]
    for number, cells in enumerate(zip(*columns, wkb, strict=True), start=1):
        yield [number, *cells]
