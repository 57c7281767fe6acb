"""Chinese UI words of the maps that are not domain rules or field labels.

Domain labels (categories, stages, levels) live in gis_service.rules and field labels in the
field table (gis_service.parcels.fields); planner.js receives all of them in the embedded data
and spells no word itself. `{name}` marks a value planner.js fills in.
"""

from __future__ import annotations

from datetime import date
from typing import Final

# The deadline filter: "" is every parcel; the other keys are payload.deadline_windows' keys.
DEADLINE_WINDOWS_ZH: Final[tuple[tuple[str, str], ...]] = (
    ("", "全部期限"),
    ("month", "本月到期"),
    ("quarter", "本季度到期"),
    ("overdue", "已逾期"),
)

# The legend's two colourings, as the radio buttons name them.
COLOURINGS_ZH: Final[tuple[tuple[str, str], ...]] = (
    ("level", "按风险等级"),
    ("stage", "按进度阶段"),
)

PLANNER_WORDS_ZH: Final[dict[str, str]] = {
    "progress": "进度 {progress}",
    "planned": "（计划 {planned}）",
    "planned_mark": "计划进度 {planned}",
    "no_deadline": "无",
    "done_on": "完成于 {date}",
    "milestone_due": "计划",
    "milestone_done": "完成",
    "milestone_open": "未完成",
    "last_change": "最近变更：{change}",
    "history_link": "查看变更历史",
    "as_of": "截至 ",
    "pick_date": "选择日期",
    "data_changed": "数据更新于 {moment}",
    "filters": "筛选",
    "level_filter": "等级",
    "all_categories": "全部类别",
    "all_communities": "全部社区",
    "all_levels": "全部等级",
    "reset": "重置",
    "search_placeholder": "按名称或编号搜索",
    "search_label": "搜索地块",
    "no_match": "无匹配地块",
    "legend": "图例",
    "points_note": "地块超过 {limit} 个：仅显示各地块的位置点（聚合），不显示范围",
    "shown": "显示 {shown} / 共 {total} 个地块",
    "tiles_note": "地块超过 {limit} 个：按矢量切片绘制，计数为全部地块",
    "loading": "载入中…",
    "popup_failed": "无法载入地块信息（{status}）",
    "avenue": "成山大道",
}


def format_as_of(day: date) -> str:
    """An as-of date as the title bar shows it, e.g. 2021年6月30日."""
    return f"{day.year}年{day.month}月{day.day}日"
