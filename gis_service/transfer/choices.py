"""What a person asks of an import or an export: the options and the file formats.

Kept apart from the readers and writers (geopandas, openpyxl) so the routers and the command
line can name them without loading those libraries at start-up (issue 10: /healthz fast).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

Format = Literal["geojson", "gpkg", "shp", "kml", "csv", "xlsx"]
FORMATS: Final[tuple[str, ...]] = ("geojson", "gpkg", "shp", "kml", "csv", "xlsx")
MEDIA_TYPES: Final[dict[str, str]] = {
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "shp": "application/zip",
    "kml": "application/vnd.google-earth.kml+xml",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SUFFIXES: Final[dict[str, str]] = {"shp": "zip"}


def file_name(fmt: str, as_of: str) -> str:
    """A download name such as parcels-2021-06-30.zip."""
    return f"parcels-{as_of}.{SUFFIXES.get(fmt, fmt)}"


@dataclass(frozen=True)
class ImportOptions:
    """What the command line or the upload form asks for."""

    dry_run: bool = False
    category: str | None = None
    effective_date: date | None = None
    crs: str | None = None
    gcj02: bool = False
    year: int | None = None
