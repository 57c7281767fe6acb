"""The field table of a parcel: every stored field once, with its kind, Chinese label, the
categories that use it and whether the investment team may edit it; and the fields' JSON form.

Everything else derives from this table: the columns the repo writes and reads, input
validation, the OGC schema, the labels of the map, the OGC HTML pages and exports, and who may
edit what. The SQL copies that must stay SQL (the migration's table, type, view and function)
are checked against it by tests/test_field_table.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final, Literal

from gis_service.rules.stages import CATEGORIES

Kind = Literal["text", "int", "number", "date", "bool", "text_list", "milestones", "geometry"]

# An ISO calendar date as clients write it (the one pattern; anchor it where a whole value
# must match, e.g. Query(pattern=f"^{ISO_DATE}$")).
ISO_DATE: Final = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

ALL_CATEGORIES: Final[frozenset[str]] = frozenset(CATEGORIES)


@dataclass(frozen=True)
class Field:
    """One stored field: its public name (DESIGN.md), kind, label, users and editors."""

    name: str
    kind: Kind
    label_zh: str
    # The categories whose parcels carry it (docs/data-model.md); others leave it empty.
    categories: frozenset[str] = ALL_CATEGORIES
    # Planners and admins edit every field; the investment team (招商) only these, on idle
    # buildings. completed_on and progress go with stage: the last stage needs its date.
    investment_edits: bool = False


def _only(*categories: str) -> frozenset[str]:
    """The categories that use a field, checked against the plan's four."""
    assert set(categories) <= ALL_CATEGORIES, categories
    return frozenset(categories)


# Every field a parcel stores, in the order GeoJSON shows them.
FIELDS: Final[tuple[Field, ...]] = (
    Field("name", "text", "名称"),
    Field("category", "text", "类别"),
    Field("stage", "text", "阶段", investment_edits=True),
    Field("progress", "int", "进度", investment_edits=True),
    Field("start_date", "date", "开始日期"),
    Field("deadline", "date", "期限"),
    Field("completed_on", "date", "完成日期", investment_edits=True),
    Field("community", "text", "社区"),
    Field("responsible_unit", "text", "责任单位"),
    Field("responsible_person", "text", "责任人"),
    Field("buildings_total", "int", "房屋总数", _only("demolition_area")),
    Field("buildings_demolished", "int", "已拆房屋", _only("demolition_area")),
    Field("households", "int", "户数", _only("demolition_area", "old_compound")),
    Field("floor_area_m2", "number", "建筑面积", _only("idle_building"), investment_edits=True),
    Field("vacant_area_m2", "number", "空置面积", _only("idle_building"), investment_edits=True),
    Field("investment_wan", "number", "投资额", _only("key_project")),
    Field("committee_formed_on", "date", "业委会成立日期", _only("old_compound")),
    Field("intended_tenant", "text", "意向租户", _only("idle_building"), investment_edits=True),
    Field("contact", "text", "联系方式", _only("idle_building"), investment_edits=True),
    Field("plan_targets", "text_list", "计划目标"),
    Field("note", "text", "备注", investment_edits=True),
    Field("illustrative", "bool", "示意数据"),
    Field("milestones", "milestones", "节点"),
    Field("geometry", "geometry", "范围"),
)

FIELD_KINDS: Final[dict[str, Kind]] = {f.name: f.kind for f in FIELDS}

# Columns of the parcel table that hold a field directly (not milestones, not geometry).
COLUMN_FIELDS: Final[tuple[str, ...]] = tuple(
    f.name for f in FIELDS if f.kind not in ("milestones", "geometry")
)

DATE_FIELDS: Final[frozenset[str]] = frozenset(f.name for f in FIELDS if f.kind == "date")

# What the investment team may change on an idle building (rules.roles.edit_refusal).
INVESTMENT_FIELDS: Final[frozenset[str]] = frozenset(f.name for f in FIELDS if f.investment_edits)

# Kept by the service; readable, never writable by clients.
SYSTEM_LABELS_ZH: Final[dict[str, str]] = {
    "code": "编号",
    "version": "版本",
    "updated_at": "更新时间",
}
SYSTEM_FIELDS: Final[tuple[str, ...]] = tuple(SYSTEM_LABELS_ZH)

# Computed for a request's as-of date; never stored, never accepted as input.
COMPUTED_LABELS_ZH: Final[dict[str, str]] = {
    "as_of": "统计日期",
    "level": "风险等级",
    "planned_progress": "计划进度",
    "days_left": "剩余天数",
    "completed_late": "逾期完成",
}
COMPUTED_FIELDS: Final[tuple[str, ...]] = tuple(COMPUTED_LABELS_ZH)

# The Chinese label of every property a parcel Feature carries: the map's popups, the OGC HTML
# pages, the history page and exports all read this one table.
PROPERTY_LABELS_ZH: Final[dict[str, str]] = {
    "code": SYSTEM_LABELS_ZH["code"],
    **{f.name: f.label_zh for f in FIELDS},
    **SYSTEM_LABELS_ZH,
    **COMPUTED_LABELS_ZH,
    "last_change": "最近变更",
}


def label_zh(name: str) -> str:
    """The Chinese label of a parcel property (the name itself when it has none)."""
    return PROPERTY_LABELS_ZH.get(name, name)


def to_json_value(field: str, value: Any) -> Any:
    """The JSON form of a field's value, as events and GeoJSON carry it."""
    if value is None:
        return None
    kind = FIELD_KINDS[field]
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if kind == "number":
        return _plain_number(value)
    if kind == "text_list":
        return list(value)
    if kind == "milestones":
        return [milestone_to_json(m) for m in value]
    return value


def milestone_to_json(milestone: dict[str, Any]) -> dict[str, Any]:
    """A milestone with its dates as ISO strings."""
    return {
        "name": milestone["name"],
        "due_date": _iso(milestone.get("due_date")),
        "done_on": _iso(milestone.get("done_on")),
    }


def from_json_value(field: str, value: Any) -> Any:
    """The Python value of a field from its JSON form (dates become `date`)."""
    if value is None:
        return None
    kind = FIELD_KINDS[field]
    if kind == "date":
        return date.fromisoformat(value) if isinstance(value, str) else value
    if kind == "milestones":
        return [
            {
                "name": m["name"],
                "due_date": _date_or_none(m.get("due_date")),
                "done_on": _date_or_none(m.get("done_on")),
            }
            for m in value
        ]
    return value


def _plain_number(value: Any) -> int | float:
    """A Decimal or float as int when whole, else float, so JSON stays tidy."""
    number = float(value) if isinstance(value, Decimal | str) else value
    return int(number) if float(number).is_integer() else float(number)


def _iso(value: Any) -> str | None:
    """ISO text of a date (strings pass through)."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _date_or_none(value: Any) -> date | None:
    """A date from ISO text (dates pass through)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
