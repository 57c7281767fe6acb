"""Files made by the import tests: every format, coordinate system and encoding met in the field.

Parcels are small squares north of the town (tests.api_helpers.ORIGIN), clear of the sample
data; each file is written by the library a real producer would use (GDAL, openpyxl, csv).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import Workbook
from sqlalchemy.orm import Session

import geopandas as gpd
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon, shape

from gis_service.api.auth import User
from gis_service.settings import Settings
from gis_service.transfer.importer import ImportOptions, import_file
from gis_service.transfer.report import ImportReport
from tests.api_helpers import ORIGIN

Rows = list[dict[str, Any]]
PLANNER = User(name="tester", role="planner")


def run(session: Session, settings: Settings, path: Path, **options: Any) -> ImportReport:
    """Import a file as a planner."""
    return import_file(
        session, path, options=ImportOptions(**options), user=PLANNER, settings=settings
    )


def squares(n: int, size: float = 0.0008) -> list[Polygon]:
    """n small lon/lat squares in a row, east of ORIGIN."""
    x0, y0 = ORIGIN
    return [
        Polygon([(x, y0), (x + size, y0), (x + size, y0 + size), (x, y0 + size)])
        for x in (x0 + i * 0.002 for i in range(n))
    ]


def rows(n: int, prefix: str = "IMP") -> Rows:
    """n parcels' attributes with Chinese names, as a 台账 has them."""
    return [
        {
            "code": f"{prefix}-{i + 1}",
            "name": f"导入测试楼宇{i + 1}",
            "category": "idle_building",
            "stage": "idle",
            "floor_area_m2": 1000.0 + i,
            "vacant_area_m2": 500.0,
            "community": None,
            "note": "测试导入",
        }
        for i in range(n)
    ]


def projected(polygons: Sequence[Polygon], epsg: int) -> list[Polygon]:
    """Polygons taken from lon/lat to a projected CRS."""
    project = Transformer.from_crs(4326, epsg, always_xy=True).transform
    return [
        shapely.transform(p, lambda c: np.column_stack(project(c[:, 0], c[:, 1]))) for p in polygons
    ]


def swapped(polygons: Sequence[Polygon]) -> list[Polygon]:
    """Polygons with X and Y exchanged (survey lists: X north, Y east; lat/lon order)."""
    return [shapely.transform(p, lambda c: c[:, ::-1]) for p in polygons]


def frame(attrs: Rows, polygons: Sequence[Polygon], crs: int | str | None) -> gpd.GeoDataFrame:
    """A GeoDataFrame of attribute rows and polygons."""
    return gpd.GeoDataFrame(attrs, geometry=list(polygons), crs=crs)


def write_vector(path: Path, data: gpd.GeoDataFrame, driver: str, **options: Any) -> Path:
    """Write with GDAL (pyogrio)."""
    data.to_file(path, driver=driver, engine="pyogrio", **options)
    return path


def write_shapefile(
    folder: Path,
    data: gpd.GeoDataFrame,
    *,
    encoding: str = "UTF-8",
    prj: bool = True,
    cpg: bool = True,
) -> Path:
    """A shapefile folder; drop the .prj or .cpg to imitate what surveyors send."""
    folder.mkdir(parents=True, exist_ok=True)
    shp = folder / "parcels.shp"
    data.to_file(shp, driver="ESRI Shapefile", engine="pyogrio", encoding=encoding)
    if not prj:
        (folder / "parcels.prj").unlink(missing_ok=True)
    if not cpg:
        (folder / "parcels.cpg").unlink(missing_ok=True)
    return folder


def zip_folder(folder: Path, out: Path, skip: str | None = None) -> Path:
    """Zip every file of a folder (leaving out one suffix when asked)."""
    import zipfile

    with zipfile.ZipFile(out, "w") as bundle:
        for part in sorted(folder.iterdir()):
            if skip is None or part.suffix != skip:
                bundle.write(part, part.name)
    return out


def wkt_table(attrs: Rows, polygons: Sequence[Polygon]) -> list[dict[str, Any]]:
    """Rows with a WKT column, as a table export has them."""
    return [a | {"WKT": p.wkt} for a, p in zip(attrs, polygons, strict=True)]


def write_csv(path: Path, table: list[dict[str, Any]], encoding: str = "utf-8-sig") -> Path:
    """A CSV file in the given encoding (utf-8-sig has the BOM Excel writes)."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(table[0]))
    writer.writeheader()
    writer.writerows(table)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def write_xlsx(
    path: Path,
    header: list[str],
    body: list[list[Any]],
    *,
    sheet: str = "台账",
    title: str | None = None,
    edit: Callable[[Any], None] | None = None,
) -> Path:
    """A workbook with an optional merged title row, a header row and rows."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for row in body:
        ws.append(row)
    if edit:
        edit(ws)
    book.save(path)
    return path


def lonlat_distance_m(a: Any, b: Any) -> float:
    """Largest distance in metres between two lon/lat geometries (Hausdorff, local scale)."""
    from math import cos, radians

    ga, gb = shape(a) if isinstance(a, dict) else a, shape(b) if isinstance(b, dict) else b
    scale = 111_320 * cos(radians(ORIGIN[1]))
    to_m = np.array([scale, 110_574.0])  # a local equirectangular scale
    metres = [shapely.transform(g, lambda c: c * to_m) for g in (ga, gb)]
    return float(metres[0].hausdorff_distance(metres[1]))


def point_map(polygon: Any, move: Callable[[float, float], tuple[float, float]]) -> Any:
    """A polygon with a point function applied to every vertex."""
    return shapely.transform(polygon, lambda c: np.array([move(x, y) for x, y in c]))


def geojson_text(data: dict[str, Any]) -> str:
    """JSON text, Chinese kept readable."""
    return json.dumps(data, ensure_ascii=False)


def write_xls(
    path: Path,
    header: list[str],
    body: list[list[Any]],
    *,
    sheet: str = "台账",
    title: str | None = None,
    merge_header: tuple[int, int] | None = None,
) -> Path:
    """An Excel 97 (BIFF8) workbook written by xlwt, as old office software saves a 台账.

    Dates become date cells (yyyy-mm-dd); `merge_header` merges those header columns (0-based).
    """
    import xlwt  # test-only: the one pure-Python writer of .xls

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet(sheet)
    dated = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    top = 0
    if title:
        ws.write_merge(0, 0, 0, len(header) - 1, title)
        top = 1
    if merge_header:
        first, last = merge_header
        ws.write_merge(top, top, first, last, header[first])
    for column, heading in enumerate(header):
        if heading is not None and not (merge_header and first <= column <= last):
            ws.write(top, column, heading)
    for r, row in enumerate(body, start=top + 1):
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, date):
                ws.write(r, column, value, dated)
            else:
                ws.write(r, column, value)
    book.save(str(path))
    return path


def write_ods(
    path: Path,
    header: list[str],
    body: list[list[Any]],
    *,
    sheet: str = "台账",
    title: str | None = None,
) -> Path:
    """An OpenDocument spreadsheet written by odfpy, as LibreOffice or WPS saves a 台账.

    Numbers are float cells, dates date cells, text string cells; `title` is a row merged
    across the header's width above it.
    """
    from odf.opendocument import OpenDocumentSpreadsheet  # test-only: odfpy
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    def cell(value: Any, **span: Any) -> Any:
        if value is None:
            return TableCell(**span)
        if isinstance(value, date):
            made = TableCell(valuetype="date", datevalue=value.isoformat(), **span)
        elif isinstance(value, int | float):
            made = TableCell(valuetype="float", value=value, **span)
        else:
            made = TableCell(valuetype="string", **span)
        made.addElement(P(text=str(value)))
        return made

    book = OpenDocumentSpreadsheet()
    table = Table(name=sheet)
    lines = [[cell(title, numbercolumnsspanned=len(header))]] if title else []
    lines += [[cell(v) for v in row] for row in [header, *body]]
    for cells in lines:
        row = TableRow()
        for made in cells:
            row.addElement(made)
        table.addElement(row)
    book.spreadsheet.addElement(table)
    book.save(str(path))
    return path
