"""Parcels (GeoJSON Features from the listing) written to files: GeoJSON, GPKG, SHP, KML, CSV.

The XLSX 台账 is `ledger`. Every format carries the stored fields and the as-of risk fields, so
that importing an export back changes nothing. Tables and dBASE cannot hold lists: plan
targets are written "T1,T2" and milestones as their JSON text (SHP leaves milestones out: a
dBASE text holds at most 254 bytes). SHP field names are the abbreviations of `columns`.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import shapely
from shapely.geometry import shape

from gis_service.parcels.fields import FIELD_KINDS
from gis_service.transfer import ledger
from gis_service.transfer.columns import WKT_HEADER, WRITTEN, header_of
from gis_service.transfer.formula_text import csv_text

EXPORTED_COMPUTED: Final[tuple[str, ...]] = ("level", "planned_progress", "days_left", "as_of")
STORED: Final[tuple[str, ...]] = ("code", *(f for f in FIELD_KINDS if f != "geometry"))


def export_bytes(
    features: list[dict[str, Any]], fmt: str, *, kpis: list[dict[str, Any]], as_of: str
) -> bytes:
    """The file of one format holding the features (and, for XLSX, the KPI sheet)."""
    if fmt == "geojson":
        return _geojson(features)
    if fmt == "xlsx":
        return ledger.ledger_bytes(features, kpis=kpis, as_of=as_of)
    if fmt == "csv":
        return _csv(features)
    with tempfile.TemporaryDirectory() as folder:
        if fmt == "shp":
            return _shapefile_zip(features, Path(folder))
        out = Path(folder) / f"parcels.{fmt}"
        frame = _frame(features)
        if fmt == "kml":
            # KML's own <name> comes from the "Name" column; ours stays in ExtendedData.
            frame.insert(0, "Name", frame["name"])
            frame.to_file(out, driver="KML", engine="pyogrio")
        else:
            frame.to_file(out, driver="GPKG", layer="parcels", engine="pyogrio")
        return out.read_bytes()


def _geojson(features: list[dict[str, Any]]) -> bytes:
    """A FeatureCollection, Chinese kept readable (UTF-8)."""
    collection = {"type": "FeatureCollection", "features": [_plain(f) for f in features]}
    return json.dumps(collection, ensure_ascii=False).encode("utf-8")


def _plain(feature: dict[str, Any]) -> dict[str, Any]:
    """A feature with the stored and exported computed properties only."""
    props = feature["properties"]
    keep = {k: props.get(k) for k in (*STORED, *EXPORTED_COMPUTED)}
    return {
        "type": "Feature",
        "id": props["code"],
        "properties": keep,
        "geometry": feature["geometry"],
    }


def _row(props: dict[str, Any], *, shp: bool = False) -> dict[str, Any]:
    """Flat properties: lists as text, milestones as JSON (none in SHP)."""
    row: dict[str, Any] = {}
    for field in (*STORED, *EXPORTED_COMPUTED):
        value = props.get(field)
        kind = FIELD_KINDS.get(field)
        if kind == "milestones":
            if shp:
                continue
            value = json.dumps(value, ensure_ascii=False) if value else None
        elif kind == "text_list":
            value = ",".join(value) if value else None
        elif kind == "bool":
            value = int(bool(value))
        row[field] = value
    return row


def _frame(features: list[dict[str, Any]], *, shp: bool = False) -> gpd.GeoDataFrame:
    """A GeoDataFrame of flat rows in WGS84."""
    rows = [_row(f["properties"], shp=shp) for f in features]
    geometries = [shape(f["geometry"]) if f["geometry"] else None for f in features]
    columns = list(rows[0]) if rows else list(_row({}, shp=shp))
    return gpd.GeoDataFrame(rows, columns=columns, geometry=geometries, crs="EPSG:4326")


def _csv(features: list[dict[str, Any]]) -> bytes:
    """CSV with Chinese headers and a WKT column; UTF-8 with BOM so Excel reads it right."""
    rows = [_row(f["properties"]) for f in features]
    header = list(_row({}))
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([header_of(h) for h in header] + [WKT_HEADER])
    for row, feature in zip(rows, features, strict=True):
        wkt = shapely.to_wkt(shape(feature["geometry"]), rounding_precision=7)
        writer.writerow(["" if row[h] is None else csv_text(row[h]) for h in header] + [wkt])
    return text.getvalue().encode("utf-8-sig")


def _shapefile_zip(features: list[dict[str, Any]], folder: Path) -> bytes:
    """A zip of parcels.shp/.shx/.dbf/.prj/.cpg with abbreviated field names (UTF-8)."""
    frame = _frame(features, shp=True)
    frame = frame.rename(columns={field: c.shp for field, c in WRITTEN.items()})
    frame.to_file(
        folder / "parcels.shp", driver="ESRI Shapefile", encoding="UTF-8", engine="pyogrio"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for part in sorted(folder.iterdir()):
            bundle.write(part, part.name)
    return buffer.getvalue()
