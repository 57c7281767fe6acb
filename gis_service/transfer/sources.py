"""Files read into rows: a header → value dict and a raw geometry per row, plus the file's CRS.

GeoJSON, GeoPackage, Shapefile (a .shp, a folder or a .zip), KML and KMZ go through
pyogrio/GDAL; CSV through the csv module (UTF-8 with or without BOM, else GB18030); XLSX,
XLS and ODS through python-calamine (merged and missing header cells are refused). Coordinates
stay as the file has them: `gis_service.transfer.crs` decides what they mean. Problems with the
file as a whole raise SourceError naming the file (and the sheet, row or cell).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pyogrio
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from gis_service.api.errors import InvalidInput
from gis_service.transfer import workbook_source
from gis_service.transfer.columns import GCJ02_MARKS, WKT_HEADERS, X_HEADERS, Y_HEADERS
from gis_service.transfer.columns import normal_header as _norm
from gis_service.transfer.formula_text import from_csv_text

VECTOR_SUFFIXES: Final = frozenset({".geojson", ".json", ".gpkg", ".shp", ".kml", ".kmz"})
TABLE_SUFFIXES: Final = frozenset({".csv"}) | workbook_source.WORKBOOK_SUFFIXES
SUFFIXES: Final = VECTOR_SUFFIXES | TABLE_SUFFIXES | {".zip"}


class SourceError(InvalidInput):
    """A file that cannot be read at all (corrupt, empty, missing parts, bad header)."""


@dataclass(frozen=True)
class SourceRow:
    """One row of a file: its number as people see it, its cells, its raw geometry."""

    number: int
    values: dict[str, Any]
    geometry: BaseGeometry | None
    sheet: str | None = None
    geometry_error: str | None = None


@dataclass
class Source:
    """A file's rows, the CRS it declares, and notes saying its coordinates are GCJ-02."""

    name: str
    rows: list[SourceRow] = field(default_factory=list)
    crs: str | None = None
    gcj02_note: str | None = None


def read_source(path: Path, name: str | None = None) -> Source:
    """Read any supported file (by its suffix; a folder is a shapefile folder)."""
    name = name or path.name
    if path.is_dir():
        return _read_vector(_shapefile_in_folder(path, name), name)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        known = ", ".join(sorted(SUFFIXES))
        raise SourceError(f"{name}: unknown file type {suffix or '(none)'}; use {known}")
    if path.stat().st_size == 0:
        raise SourceError(f"{name}: the file is empty", field="file")
    if suffix == ".csv":
        return _read_csv(path.read_bytes(), name)
    if suffix in workbook_source.WORKBOOK_SUFFIXES:
        sheets = workbook_source.read_sheets(path, name)
        return _table_source(name, [(s.title, s.number_rows()) for s in sheets])
    if suffix == ".zip":
        return _read_vector(_shapefile_in_zip(path, name), name)
    if suffix == ".shp":
        _check_shapefile_parts({p.name.lower() for p in path.parent.iterdir()}, path.stem, name)
    return _read_vector(str(path), name)


def _read_vector(location: str, name: str) -> Source:
    """Every layer of a GDAL vector source, rows numbered from 1 across layers."""
    try:
        layers = [str(layer[0]) for layer in pyogrio.list_layers(location)]
    except Exception as error:  # GDAL's errors vary by driver; the file is unreadable either way
        raise SourceError(f"{name}: not a readable vector file ({_first_line(error)})") from None
    source = Source(name=name)
    for layer in layers:
        info = pyogrio.read_info(location, layer=layer)
        encoding = _shapefile_encoding(location, info)
        frame = pyogrio.read_dataframe(location, layer=layer, encoding=encoding)
        source.crs = source.crs or (str(frame.crs.to_string()) if frame.crs else None)
        columns = [c for c in frame.columns if c != frame.geometry.name]
        for values, geometry in zip(frame[columns].to_dict("records"), frame.geometry, strict=True):
            number = len(source.rows) + 1
            source.rows.append(SourceRow(number, values, geometry, sheet=None))
        source.gcj02_note = source.gcj02_note or _gcj02_note(layer, columns)
    if not source.rows:
        raise SourceError(f"{name}: the file holds no features", field="file")
    return source


def _shapefile_encoding(location: str, info: dict[str, Any]) -> str | None:
    """GB18030 for a shapefile without .cpg whose attributes are not UTF-8, else GDAL's choice.

    GDAL decodes a .dbf without .cpg (or code-page byte) as ISO-8859-1, which turns GBK
    attributes (the usual case from Chinese desktop GIS) into mojibake.
    """
    if info.get("driver") != "ESRI Shapefile" or info.get("encoding") != "ISO-8859-1":
        return None
    raw = _dbf_bytes(location)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "GB18030"
    return "UTF-8"


def _dbf_bytes(location: str) -> bytes:
    """The .dbf bytes next to a .shp (on disk or inside a zip)."""
    if location.startswith("/vsizip/"):
        archive, member = _split_vsizip(location)
        with zipfile.ZipFile(archive) as bundle:
            names = {n.lower(): n for n in bundle.namelist()}
            return bundle.read(names[member.lower()[:-4] + ".dbf"])
    shp = Path(location)
    dbf = next(p for p in shp.parent.iterdir() if p.name.lower() == shp.stem.lower() + ".dbf")
    return dbf.read_bytes()


def _split_vsizip(location: str) -> tuple[str, str]:
    """(archive path, member) of a /vsizip/ location."""
    rest = location.removeprefix("/vsizip/")
    archive, _, member = rest.partition(".zip/")
    return archive + ".zip", member


def _shapefile_in_zip(path: Path, name: str) -> str:
    """The /vsizip/ location of the one shapefile a zip holds (checked for .shx and .dbf)."""
    try:
        with zipfile.ZipFile(path) as bundle:
            members = bundle.namelist()
            bad = bundle.testzip()
    except (zipfile.BadZipFile, OSError, EOFError):
        raise SourceError(f"{name}: not a readable zip file (corrupt or truncated)") from None
    if bad is not None:
        raise SourceError(f"{name}: the zip member {bad} is corrupt")
    shps = [m for m in members if m.lower().endswith(".shp")]
    if len(shps) != 1:
        raise SourceError(f"{name}: the zip must hold exactly one .shp, it holds {len(shps)}")
    stem = shps[0][:-4]
    _check_shapefile_parts({m.lower() for m in members}, stem.lower(), name)
    return f"/vsizip/{path}/{shps[0]}"


def _shapefile_in_folder(folder: Path, name: str) -> str:
    """The one .shp of a folder (checked for .shx and .dbf)."""
    shps = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".shp")
    if len(shps) != 1:
        raise SourceError(f"{name}: the folder must hold exactly one .shp, it holds {len(shps)}")
    _check_shapefile_parts({p.name.lower() for p in folder.iterdir()}, shps[0].stem, name)
    return str(shps[0])


def _check_shapefile_parts(names: set[str], stem: str, name: str) -> None:
    """Refuse a shapefile whose .shx or .dbf is missing (GDAL would guess or fail obscurely)."""
    missing = [ext for ext in (".shx", ".dbf") if f"{stem.lower()}{ext}" not in names]
    if missing:
        raise SourceError(
            f"{name}: the shapefile {stem}.shp has no {' and no '.join(missing)}; "
            "send all its parts (.shp, .shx, .dbf, .prj, .cpg), e.g. zipped together",
            field="file",
        )


def _read_csv(raw: bytes, name: str) -> Source:
    """A CSV table: UTF-8 (BOM or not), else GB18030; line 1 is the header."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as error:
            raise SourceError(
                f"{name}: not UTF-8 or GBK text (byte {error.start})", field="file"
            ) from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise SourceError(f"{name}: the file has no header line", field="file")
    header = [cell.strip() for cell in rows[0]]
    blank = [i + 1 for i, cell in enumerate(header) if not cell]
    if blank:
        raise SourceError(f"{name}: header column {blank[0]} is empty", field="file")
    numbered = [
        (number, dict(zip(header, map(from_csv_text, cells), strict=False)))
        for number, cells in enumerate(rows[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    return _table_source(name, [(None, numbered)])


TableRows = list[tuple[int, dict[str, Any]]]


def _table_source(name: str, tables: list[tuple[str | None, TableRows]]) -> Source:
    """Rows of tables (CSV, sheets) with geometry from a WKT column or X/Y columns."""
    source = Source(name=name)
    for sheet, rows in tables:
        for number, values in rows:
            geometry, problem = _table_geometry(values)
            source.rows.append(SourceRow(number, values, geometry, sheet, problem))
        headers = list(rows[0][1]) if rows else []
        source.gcj02_note = source.gcj02_note or _gcj02_note(sheet, headers)
    if not source.rows:
        raise SourceError(f"{name}: the file holds no rows below its header", field="file")
    return source


def _table_geometry(values: dict[str, Any]) -> tuple[BaseGeometry | None, str | None]:
    """A row's geometry from WKT or X/Y cells; (None, reason) when they do not parse."""
    by_name = {_norm(k): v for k, v in values.items()}
    wkt = next((by_name[k] for k in by_name if k in WKT_HEADERS and by_name[k]), None)
    if wkt:
        try:
            return shapely.from_wkt(str(wkt)), None
        except shapely.errors.GEOSException:
            return None, f"not WKT: {str(wkt)[:40]!r}"
    x = next((by_name[k] for k in by_name if k in X_HEADERS), None)
    y = next((by_name[k] for k in by_name if k in Y_HEADERS), None)
    if x in (None, "") or y in (None, ""):
        return None, None
    try:
        return Point(float(x), float(y)), None
    except (TypeError, ValueError):
        return None, f"coordinates {x!r}, {y!r} are not numbers"


def _gcj02_note(where: str | None, headers: list[str]) -> str | None:
    """'sheet X' or 'column Y' when a sheet name or header says GCJ-02/高德."""
    for label, text in [("sheet", where or ""), *(("column", h) for h in headers)]:
        if any(mark in str(text).lower() for mark in GCJ02_MARKS):
            return f"{label} {text}"
    return None


def _first_line(error: Exception) -> str:
    """The first line of an error message (GDAL's can be long)."""
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__
