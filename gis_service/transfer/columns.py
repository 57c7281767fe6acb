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

from gis_service.rules.stages import CATEGORY_LABELS_ZH, STAGE_LABELS_ZH, STAGES


@dataclass(frozen=True)
class Column:
    """One field as files name it: export header (zh), SHP abbreviation, accepted synonyms."""

    field: str
    header_zh: str
    shp: str
    synonyms: tuple[str, ...] = ()


COLUMNS: Final[tuple[Column, ...]] = (
    Column("code", "编号", "code", ("项目编号", "地块编号", "序号编码", "id", "parcel_code")),
    Column("name", "名称", "name", ("项目名称", "地块名称", "楼宇名称", "小区名称", "名字")),
    Column("category", "类别", "category", ("类型", "分类", "项目类别", "kind", "type")),
    Column("stage", "阶段", "stage", ("进度状态", "状态", "当前阶段", "status")),
    Column("progress", "进度(%)", "progress", ("进度", "完成进度", "完成比例", "进度%")),
    Column("start_date", "开工时间", "start_date", ("开始时间", "开工日期", "启动时间", "start")),
    Column("deadline", "完成时限", "deadline", ("期限", "完成期限", "时限", "计划完成时间")),
    Column("completed_on", "完成时间", "done_on", ("实际完成时间", "完成日期", "completed")),
    Column("community", "社区", "community", ("所属社区", "村居", "社区(村)")),
    Column("responsible_unit", "责任单位", "resp_unit", ("牵头单位", "主责单位", "unit")),
    Column("responsible_person", "责任人", "resp_pers", ("负责人", "person")),
    Column("buildings_total", "栋数", "bldg_total", ("房屋栋数", "总栋数", "buildings")),
    Column("buildings_demolished", "已拆栋数", "bldg_demol", ("拆除栋数", "已拆除栋数")),
    Column("households", "户数", "households", ("涉及户数", "居民户数", "总户数")),
    Column("floor_area_m2", "建筑面积(㎡)", "floor_area", ("建筑面积", "建筑面积(平方米)", "面积")),
    Column("vacant_area_m2", "空置面积(㎡)", "vacant_are",
           ("空置面积", "闲置面积", "空置面积(平方米)")),
    Column("investment_wan", "投资(万元)", "invest_wan",
           ("投资", "总投资", "总投资(万元)", "投资额")),
    Column("committee_formed_on", "业委会成立时间", "committee",
           ("业委会成立日期", "成立业委会时间")),
    Column("intended_tenant", "意向业态/客商", "tenant",
           ("意向业态", "意向客商", "招商对象", "客商")),
    Column("contact", "联系人", "contact", ("联系方式", "联系电话")),
    Column("plan_targets", "计划目标", "targets", ("目标", "对应目标")),
    Column("note", "备注", "note", ("说明", "情况说明", "remark", "remarks")),
    Column("illustrative", "示意数据", "illustr", ()),
    Column("milestones", "节点", "milestones", ("里程碑", "节点计划")),
)  # fmt: skip

# Computed or service-kept values that exports write: recognised on import and ignored, so an
# exported file goes back in unchanged.
COMPUTED_COLUMNS: Final[tuple[Column, ...]] = (
    Column("level", "预警等级", "level"),
    Column("planned_progress", "计划进度(%)", "planned"),
    Column("days_left", "剩余天数", "days_left"),
    Column("as_of", "统计日期", "as_of"),
    Column("version", "版本", "version"),
    Column("updated_at", "更新时间", "updated"),
    Column("completed_late", "逾期完成", "late"),
    Column("last_change", "最近变更", "last_chg"),
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
    normal_header(name) for c in COMPUTED_COLUMNS for name in (c.field, c.header_zh, c.shp)
)


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
