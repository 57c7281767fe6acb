"""Imports (upload → dry-run report → confirm) and exports of parcels over HTTP."""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile

from gis_service.api.auth import WriterDep
from gis_service.api.deps import AsOfDep, SessionDep, SettingsDep
from gis_service.api.error_responses import error_responses
from gis_service.api.errors import InvalidInput, PayloadTooLarge
from gis_service.api.parcel_filters import FiltersDep
from gis_service.parcels.fields import ISO_DATE
from gis_service.parcels.parcel_input import parse_iso_date
from gis_service.rules.stages import CATEGORIES
from gis_service.settings import Settings
from gis_service.transfer.choices import FORMATS, MEDIA_TYPES, ImportOptions, file_name

router = APIRouter(prefix="/api", tags=["import and export"])


@router.get(
    "/export",
    summary="Parcels as a file: GeoJSON, GPKG, SHP (zip), KML, CSV or the XLSX 台账",
    responses=error_responses(401, 422) | {200: {"content": {m: {} for m in MEDIA_TYPES.values()}}},
)
def export(
    session: SessionDep,
    settings: SettingsDep,
    as_of: AsOfDep,
    filters: FiltersDep,
    format: Annotated[str, Query(description=f"One of {', '.join(FORMATS)}.")] = "geojson",
) -> Response:
    """Every parcel matching the filters of /api/parcels (not paged) as of the date."""
    if format not in FORMATS:
        raise InvalidInput(f"format must be one of {', '.join(FORMATS)}", field="format")
    # geopandas and openpyxl load on the first export, not at start-up (issue 10).
    from gis_service.transfer.exports import export_parcels

    data = export_parcels(session, format, filters=filters, on=as_of, settings=settings)
    name = file_name(format, as_of.isoformat())
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type=MEDIA_TYPES[format], headers=headers)


def _upload_limit(request: Request, settings: SettingsDep) -> None:
    """413 before reading an upload whose declared size is over the limit."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > settings.max_body_bytes:
        raise _too_large(settings)


def _too_large(settings: Settings) -> PayloadTooLarge:
    """The 413 error of an upload over `max_body_bytes`."""
    limit = settings.max_body_bytes
    return PayloadTooLarge(f"the upload is larger than {limit:,} bytes", field="file", limit=limit)


def _options(
    dry_run: Annotated[bool, Query(description="Report only; write nothing.")] = True,
    category: Annotated[str | None, Query(description="Category of rows naming none.")] = None,
    effective_date: Annotated[
        str | None, Query(pattern=ISO_DATE, description="Day the facts became true.")
    ] = None,
    crs: Annotated[str | None, Query(max_length=100, description="e.g. EPSG:4550")] = None,
    gcj02: Annotated[bool, Query(description="Coordinates are GCJ-02 (Gaode).")] = False,
    year: Annotated[int | None, Query(ge=1900, le=2200, description="Phrases' year.")] = None,
) -> ImportOptions:
    """The import's options from the query."""
    if category is not None and category not in CATEGORIES:
        raise InvalidInput(f"category must be one of {', '.join(CATEGORIES)}", field="category")
    day: date | None = None
    if effective_date is not None:
        day = parse_iso_date(effective_date, "effective_date")
    return ImportOptions(dry_run, category, day, crs, gcj02, year)


@router.post(
    "/imports",
    summary="Import a file: the dry-run report (default), or write it all (dry_run=false)",
    responses=error_responses(401, 403, 413, 422),
    dependencies=[Depends(_upload_limit)],
)
def create_import(
    session: SessionDep,
    settings: SettingsDep,
    user: WriterDep,
    options: Annotated[ImportOptions, Depends(_options)],
    file: Annotated[
        UploadFile, File(description="GeoJSON, GPKG, zipped SHP, KML/KMZ, CSV, XLSX, XLS")
    ],
) -> dict[str, Any]:
    """Read the upload, plan every row, write all of it in one transaction or nothing."""
    name = _safe_name(file.filename or "upload")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        _save(file, path, settings)
        from gis_service.transfer.importer import import_file  # GDAL readers: on first use

        report = import_file(session, path, options=options, user=user, settings=settings)
    session.commit()
    return report.as_dict()


def _save(file: UploadFile, path: Path, settings: Settings) -> None:
    """Copy an upload to disk, counting bytes (a chunked upload declares no length)."""
    size = 0
    with path.open("wb") as out:
        while chunk := file.file.read(1 << 20):
            size += len(chunk)
            if size > settings.max_body_bytes:
                raise _too_large(settings)
            out.write(chunk)


def _safe_name(name: str) -> str:
    """The upload's base name without path parts or odd characters (kept for the actor)."""
    base = Path(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^\w.\-()\u4e00-\u9fff]", "_", base)[:120]
    return cleaned if cleaned.strip("._") else "upload"
