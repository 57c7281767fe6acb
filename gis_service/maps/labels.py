"""Chinese UI words of the maps that are not domain rules (those live in gis_service.rules)."""

from __future__ import annotations

from datetime import date
from typing import Final

# DESIGN.md "Names that other tools rely on", as the popup's last change names them.
FIELD_LABELS_ZH: Final[dict[str, str]] = {
    "code": "编号",
    "name": "名称",
    "category": "类别",
    "stage": "阶段",
    "progress": "进度",
    "start_date": "开始日期",
    "deadline": "期限",
    "completed_on": "完成日期",
    "community": "社区",
    "responsible_unit": "责任单位",
    "responsible_person": "责任人",
    "buildings_total": "房屋总数",
    "buildings_demolished": "已拆房屋",
    "households": "户数",
    "floor_area_m2": "建筑面积",
    "vacant_area_m2": "空置面积",
    "investment_wan": "投资额",
    "committee_formed_on": "业委会成立日期",
    "note": "备注",
    "milestones": "节点",
    "geometry": "范围",
}


def format_as_of(day: date) -> str:
    """An as-of date as the title bar shows it, e.g. 2021年6月30日."""
    return f"{day.year}年{day.month}月{day.day}日"
