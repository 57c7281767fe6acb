"""Categories of parcels, their stages in order, and their Chinese labels (DESIGN.md)."""

from __future__ import annotations

from typing import Final, Literal, get_args

# The four categories of the plan, in the plan's order (the one place they are spelt).
Category = Literal["demolition_area", "old_compound", "idle_building", "key_project"]
CATEGORIES: Final[tuple[str, ...]] = get_args(Category)

CATEGORY_LABELS_ZH: Final[dict[str, str]] = {
    "demolition_area": "拆迁区域",
    "old_compound": "老旧小区",
    "idle_building": "闲置楼宇",
    "key_project": "重点项目",
}

STAGES: Final[dict[str, tuple[str, ...]]] = {
    "demolition_area": ("not_started", "acquiring", "demolishing", "cleared"),
    "old_compound": ("not_started", "designing", "under_construction", "completed"),
    "idle_building": ("idle", "negotiating", "signed", "partly_operating", "revitalised"),
    "key_project": ("preparing", "under_construction", "structure_done", "operating"),
}

# Labels depend on the category: under_construction is 施工中 for compounds, 在建 for projects.
STAGE_LABELS_ZH: Final[dict[str, dict[str, str]]] = {
    "demolition_area": {
        "not_started": "未启动",
        "acquiring": "征收中",
        "demolishing": "拆除中",
        "cleared": "已清零",
    },
    "old_compound": {
        "not_started": "未启动",
        "designing": "设计中",
        "under_construction": "施工中",
        "completed": "已完工",
    },
    "idle_building": {
        "idle": "闲置",
        "negotiating": "洽谈中",
        "signed": "已签约",
        "partly_operating": "部分运营",
        "revitalised": "已盘活",
    },
    "key_project": {
        "preparing": "前期",
        "under_construction": "在建",
        "structure_done": "主体完工",
        "operating": "投产运营",
    },
}
