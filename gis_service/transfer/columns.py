"""The one table of column names: each stored field's Chinese header, SHP name and synonyms.

Imports map a file's header to a field through `field_of_header`; exports write the Chinese
header (XLSX, CSV) or the SHP abbreviation (dBASE names are at most 10 bytes). docs/import-
export.md prints this table; a test checks the two agree.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from gis_service.parcels.fields import label_zh
from gis_service.rules.stages import CATEGORY_LABELS_ZH, STAGE_LABELS_ZH, STAGES


@dataclass(frozen=True)
class Column:
    """One field as files name it: SHP abbreviation and accepted synonyms; the export header
    is the field table's Chinese label (parcels/fields.py), one label for every page."""

    field: str
    shp: str
    synonyms: tuple[str, ...] = ()

    @property
    def header_zh(self) -> str:
        """The Chinese header exports write (the field table's label)."""
        return label_zh(self.field)


COLUMNS: Final[tuple[Column, ...]] = (
    Column("code", "code", ("编号", "项目编号", "地块编号", "序号编码", "id", "parcel_code")),
    Column("name", "name", ("名称", "项目名称", "地块名称", "楼宇名称", "小区名称", "名字")),
    Column("category", "category", ("类别", "类型", "分类", "项目类别", "kind", "type")),
    Column("stage", "stage", ("阶段", "进度状态", "状态", "当前阶段", "status")),
    Column("progress", "progress", ("进度(%)", "进度", "完成进度", "完成比例", "进度%")),
    Column("start_date", "start_date", ("开工时间", "开始时间", "开工日期", "启动时间", "start")),
    Column("deadline", "deadline", ("完成时限", "期限", "完成期限", "时限", "计划完成时间")),
    Column("completed_on", "done_on", ("完成时间", "实际完成时间", "完成日期", "completed")),
    Column("community", "community", ("社区", "所属社区", "村居", "社区(村)")),
    Column("responsible_unit", "resp_unit", ("责任单位", "牵头单位", "主责单位", "unit")),
    Column("responsible_person", "resp_pers", ("责任人", "负责人", "person")),
    Column("buildings_total", "bldg_total", ("栋数", "房屋栋数", "总栋数", "buildings")),
    Column("buildings_demolished", "bldg_demol", ("已拆栋数", "拆除栋数", "已拆除栋数")),
    Column("households", "households", ("户数", "涉及户数", "居民户数", "总户数")),
    Column("floor_area_m2", "floor_area", ("建筑面积(㎡)", "建筑面积", "建筑面积(平方米)", "面积")),
    Column("vacant_area_m2", "vacant_are", ("空置面积(㎡)", "空置面积", "闲置面积")),
    Column("investment_wan", "invest_wan", 
           ("投资(万元)", "投资", "总投资", "总投资(万元)", "投资额")),
    Column("committee_formed_on", "committee", 
           ("业委会成立时间", "业委会成立日期", "成立业委会时间")),
    Column("intended_tenant", "tenant",
           ("意向业态/客商", "意向业态", "意向客商", "招商对象", "客商")),
    Column("contact", "contact", ("联系人", "联系方式", "联系电话")),
    Column("plan_targets", "targets", ("计划目标", "目标", "对应目标")),
    Column("note", "note", ("备注", "说明", "情况说明", "remark", "remarks")),
    Column("illustrative", "illustr", ("示意数据",)),
    Column("milestones", "milestones", ("节点", "里程碑", "节点计划")),
)  # fmt: skip

# Computed or service-kept values that exports write: recognised on import and ignored, so an
# exported file goes back in unchanged.
COMPUTED_COLUMNS: Final[tuple[Column, ...]] = (
    Column("level", "level", ("预警等级",)),
    Column("planned_progress", "planned", ("计划进度(%)",)),
    Column("days_left", "days_left"),
    Column("as_of", "as_of"),
    Column("version", "version"),
    Column("updated_at", "updated"),
    Column("completed_late", "late"),
    Column("last_change", "last_chg"),
)

# Geometry columns of tables (CSV, XLSX): WKT text, or coordinates of a point each.
WKT_HEADER: Final = "几何(WKT)"  # what exports write
WKT_HEADERS: Final[frozenset[str]] = frozenset(
    {"wkt", "geometry", "geom", "几何", "几何(wkt)", "图形"}
)
X_HEADERS: Final[frozenset[str]] = frozenset(
    {"lon", "lng", "longitude", "经度", "x", "x坐标", "东坐标", "easting", "y(东)"}
)
Y_HEADERS: Final[frozenset[str]] = frozenset(
    {"lat", "latitude", "纬度", "y", "y坐标", "北坐标", "northing", "x(北)"}
)
# Columns GDAL's KML reader adds to every placemark (not data of ours).
KML_COLUMNS: Final[frozenset[str]] = frozenset(
    {"id", "description", "timestamp", "begin", "end", "altitudemode", "tessellate", "extrude",
     "visibility", "draworder", "icon"}
)  # fmt: skip
# Headers or sheet names that say coordinates were picked on Gaode/AMap (GCJ-02).
GCJ02_MARKS: Final[tuple[str, ...]] = ("高德", "gcj-02", "gcj02", "火星坐标")

BY_FIELD: Final[dict[str, Column]] = {column.field: column for column in COLUMNS}
# Every column exports write, stored or computed, by field.
WRITTEN: Final[dict[str, Column]] = {c.field: c for c in (*COLUMNS, *COMPUTED_COLUMNS)}


def normal_header(header: object) -> str:
    """A header compared loosely: NFKC (full-width brackets), lower case, no spaces."""
    text = unicodedata.normalize("NFKC", str(header or "")).strip().lower()
    return re.sub(r"\s+", "", text).replace("(㎡)", "(m2)").replace("㎡", "m2")


def _lookup() -> dict[str, str]:
    """Every accepted header (normalised) → the field it names."""
    table: dict[str, str] = {}
    for column in COLUMNS:
        for name in (column.field, column.header_zh, column.shp, *column.synonyms):
            table[normal_header(name)] = column.field
    return table


_HEADERS: Final[dict[str, str]] = _lookup()
_IGNORED: Final[frozenset[str]] = frozenset(
    normal_header(name)
    for c in COMPUTED_COLUMNS
    for name in (c.field, c.header_zh, c.shp, *c.synonyms)
)


def header_of(field: str) -> str:
    """The Chinese header exports write for a stored or computed field."""
    return WRITTEN[field].header_zh


def field_of_header(header: object) -> str | None:
    """The stored field a file's column header names, or None when it names none."""
    return _HEADERS.get(normal_header(header))


def is_ignored_header(header: object) -> bool:
    """Whether a header names a computed or service-kept value (skipped on import)."""
    return normal_header(header) in _IGNORED


def category_of(text: str) -> str | None:
    """A category key from its key or Chinese label (闲置楼宇 → idle_building)."""
    value = unicodedata.normalize("NFKC", text).strip()
    if value in STAGES:
        return value
    return next((key for key, label in CATEGORY_LABELS_ZH.items() if label == value), None)


def stage_of(category: str, text: str) -> str | None:
    """A stage key of a category from its key or Chinese label (洽谈中 → negotiating)."""
    value = unicodedata.normalize("NFKC", text).strip()
    if value in STAGES.get(category, ()):
        return value
    labels = STAGE_LABELS_ZH.get(category, {})
    return next((key for key, label in labels.items() if label == value), None)
