"""The bulk path for large files of new parcels: typed in Python column by column, checked
and written set-based in SQL (COPY into staging, one INSERT … SELECT for parcels, one for
their events). All or nothing, like the row path; it only creates (existing codes refused).

Cells are converted per distinct value (a 台账 repeats its dates, phrases and labels) and
geometry is reprojected as whole arrays, so the Python work grows with distinct values.
The caller owns the transaction: roll it back when `refused` is not empty or for a dry run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final

import pandas as pd
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
from gis_service.transfer.rows import Refusal

FIELDS: Final = bulk_import.STAGED_COLUMNS[1:-1]
_BAD: Final = object()  # a cell that did not convert (its refusal is recorded)


@dataclass
class BulkReport:
    """What a bulk import read, refused and wrote."""

    file: str
    crs: CrsDecision
    rows_read: int = 0
    created: int = 0
    refused: list[Refusal] = field(default_factory=list)


@dataclass
class Prepared:
    """A file's rows typed for the staging table, its CRS decision and the cells refused."""

    rows: list[list[Any]]
    crs: CrsDecision
    refused: list[Refusal]


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
    prepared = prepare(path, category=category, year=year or day.year, crs=crs, gcj02=gcj02)
    report = BulkReport(path.name, prepared.crs, len(prepared.rows), refused=prepared.refused)
    if report.refused or not prepared.rows:
        return report
    bulk_import.stage_rows(session, prepared.rows)
    report.refused = [
        Refusal(r["row_number"], r["field"], r["value"] or "", r["reason"])
        for r in bulk_import.refused_rows(session)
    ]
    if not report.refused:
        report.created = bulk_import.insert_staged(
            session, actor=f"import:{path.name}", effective_date=day
        )
    return report


def prepare(
    path: Path,
    *,
    year: int,
    category: str | None = None,
    crs: str | None = None,
    gcj02: bool = False,
) -> Prepared:
    """Read a vector file and type its columns for staging (per distinct value)."""
    frame = pyogrio.read_dataframe(path)
    names = {c: field_of_header(c) for c in frame.columns if c != frame.geometry.name}
    table = pd.DataFrame({f: frame[c] for c, f in names.items() if f in FIELDS})
    decision = decide_crs(
        sample_points(frame.geometry.values), declared=_crs(frame), override=crs, gcj02=gcj02
    )
    refused: list[Refusal] = []
    if decision.crs is None:
        refused.append(Refusal(1, "geometry", "", decision.reason))
        return Prepared([], decision, refused)
    _category_and_stage(table, category, refused)
    for name in table.columns:
        if name not in ("category", "stage"):
            table[name] = _converted(table[name], name, year, refused)
    geometry = _lonlat(frame.geometry.values, decision)
    return Prepared(list(_rows(table, geometry)), decision, refused)


def _crs(frame: Any) -> str | None:
    """The CRS a file declares, as text."""
    return None if frame.crs is None else str(frame.crs.to_string())


def _category_and_stage(table: pd.DataFrame, option: str | None, refused: list[Refusal]) -> None:
    """Category and stage keys from keys or Chinese labels, converted per distinct value."""
    if "category" not in table:
        table["category"] = option
    keys = {v: category_of(str(v)) for v in table["category"].dropna().unique()}
    _refuse_unmapped(table["category"], keys, "category", "unknown category", refused)
    table["category"] = table["category"].map(keys)
    if "stage" not in table:
        return
    pairs = table[["category", "stage"]].drop_duplicates().itertuples(index=False)
    stages = {(c, s): stage_of(str(c), str(s)) for c, s in pairs if c and not is_blank(s)}
    mapped = [stages.get((c, s)) for c, s in zip(table["category"], table["stage"], strict=True)]
    for number, (given, key) in enumerate(zip(table["stage"], mapped, strict=True), start=1):
        if key is None and not is_blank(given):
            refused.append(Refusal(number, "stage", str(given), "unknown stage of the category"))
    table["stage"] = mapped


def _refuse_unmapped(
    column: pd.Series, keys: dict[Any, Any], field: str, reason: str, refused: list[Refusal]
) -> None:
    """A refusal for each row whose value mapped to nothing."""
    bad = {v for v, k in keys.items() if k is None}
    for number, value in enumerate(column, start=1):
        if value in bad:
            refused.append(Refusal(number, field, str(value), reason))


def _converted(column: pd.Series, name: str, year: int, refused: list[Refusal]) -> pd.Series:
    """A column converted per distinct value through the row path's cell rule."""
    values: dict[Any, Any] = {}
    for value in column.dropna().unique():
        try:
            values[value] = cell_value(name, value, year=year)
        except CellError as error:
            values[value] = _BAD
            rows = [i + 1 for i, v in enumerate(column) if v == value]
            refused += [Refusal(row, name, str(value), str(error)) for row in rows]
    # Built as objects: Series.map would turn integers back into floats when a cell is blank
    # (a float column with NaN), and COPY refuses "3.0" for an integer column.
    cells = [
        values[v] if present else None for v, present in zip(column, column.notna(), strict=True)
    ]
    return pd.Series(cells, index=column.index, dtype=object)


def _lonlat(geometry: Any, decision: CrsDecision) -> Any:
    """The geometry array reprojected to lon/lat as the decision says."""
    if decision.crs in ("EPSG:4326", "OGC:CRS84") and not (decision.swapped or decision.gcj02):
        return geometry
    return transform_geometry(geometry, to_lonlat(decision))


def _rows(table: pd.DataFrame, geometry: Any) -> Iterator[list[Any]]:
    """Rows in the staging table's column order (EWKB hex geometry with SRID 4326)."""
    wkb = shapely.to_wkb(shapely.set_srid(geometry, 4326), hex=True, include_srid=True)
    columns = [table[f].tolist() if f in table else [None] * len(table) for f in FIELDS]
    for number, cells in enumerate(zip(*columns, wkb, strict=True), start=1):
        yield [number, *(None if is_blank(c) else c for c in cells)]
