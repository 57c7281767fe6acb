"""The 2021 plan as the sample tells it: names, targets, deadlines and each item's year.

Only the plan's own names (communities, compounds, buildings, projects) come from the plan
text; sizes, dates and figures are illustrative (data/geo/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


def d(text: str) -> date:
    """A date from ISO text (keeps the tables below readable)."""
    return date.fromisoformat(text)


PLAN_END = date(2021, 12, 31)
OLD_TOWN = (122.4376, 37.1566)  # "Yatou" (GeoNames)
CITY_HALL = (122.4818, 37.1644)

# The plan's community names first (plan text), then neutral placeholders.
PLAN_COMMUNITIES = ("曙光", "香河", "南山", "沽河", "德平", "河西")
PLACEHOLDER_COMMUNITIES = (
    "崖东", "崖西", "崖南", "崖北", "东山", "西山", "北山", "滨河",
    "中心", "和平", "幸福", "光明", "建设", "新村", "友谊",
)  # fmt: skip
URBAN_VILLAGES = (  # name, lon, lat, radius in metres
    ("城中村甲", 122.4165, 37.1505, 230.0),
    ("城中村乙", 122.4475, 37.1755, 200.0),
    ("城中村丙", 122.4725, 37.1720, 210.0),
    ("城中村丁", 122.4845, 37.1605, 180.0),
)
PEOPLE = ("王某", "李某", "张某", "刘某", "陈某", "杨某", "赵某", "黄某", "周某", "吴某", "孙某")
FAKE_PHONE = "0631-7xxxxxx"  # deliberately not a number


# Demolition areas (T1) and problem sites (T2)

T1_BUILDINGS = (88, 72, 45, 93, 60, 51, 79, 40, 66, 58, 53)  # sums to 705 (the plan's count)
T1_CLEARED = (  # four before the plan year, most by the deadline, two late
    "2020-10-28", "2020-11-20", "2020-12-15", "2020-12-28", "2021-01-20", "2021-01-30",
    "2021-02-10", "2021-02-22", "2021-02-26", "2021-03-25", "2021-04-20",
)  # fmt: skip
T1_DEADLINE = d("2021-02-28")

T2_DEADLINE = d("2021-06-30")
# Month of solution of the 32 problem sites: 26 by the deadline, 4 late, 2 not in 2021.
T2_SOLVED_MONTHS = (1, 1, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5,
                    6, 6, 6, 6, 7, 8, 9, 11, None, None)  # fmt: skip


# Old compounds (T3 committees, T4 renovation)

# Committees formed per month of 2021 (3 more were formed in 2020).
COMMITTEES_2020 = ("2020-09-18", "2020-11-06", "2020-12-10")
COMMITTEES_PER_MONTH = (3, 3, 7, 8, 9, 10, 15, 15, 15, 15, 14, 12)
COMMITTEE_FIRST_BATCH_DUE = "2021-06-30"

T4_START = d("2021-03-01")
T4_DEADLINE = PLAN_END
# Renovation of the six compounds: (designing, under construction, mid progress date and value,
# completed or None). 惠风 finishes early, one is still under construction at year end.
T4_PLANS = {
    "惠风小区": ("2021-03-05", "2021-05-10", ("2021-07-15", 60), "2021-09-20"),
    "冠岭小区": ("2021-03-10", "2021-06-01", ("2021-08-20", 50), "2021-12-20"),
    "renovation-3": ("2021-03-20", "2021-06-15", ("2021-09-10", 70), "2021-11-05"),
    "renovation-4": ("2021-04-01", "2021-06-25", ("2021-09-20", 55), "2021-12-28"),
    "renovation-5": ("2021-03-25", "2021-07-05", ("2021-10-15", 60), "2021-12-15"),
    "renovation-6": ("2021-04-20", "2021-08-10", ("2021-10-20", 40), None),
}


# Idle buildings (T9, T10, T11)


@dataclass(frozen=True)
class IdlePlan:
    """An idle building on 成山大道: where, how big, and its 2021 (stage, vacancy) changes."""

    name: str
    along: float  # position along the road, 0 = west end, 1 = east end
    side: int  # +1 north of the road, -1 south
    floor_m2: int
    vacant_m2: int
    stage: str
    changes: tuple[tuple[str, dict[str, Any]], ...] = ()
    tenant: str | None = None


T9_PLANS = (
    IdlePlan("上城国际", 0.42, 1, 52000, 46000, "idle", (
        ("2021-03-15", {"stage": "negotiating", "intended_tenant": "某连锁超市（示意）"}),
        ("2021-05-20", {"stage": "signed"}),
        ("2021-08-18", {"stage": "partly_operating", "vacant_area_m2": 39000}),
        ("2021-11-10", {"vacant_area_m2": 36000}),
    )),
    IdlePlan("利群广场", 0.50, -1, 38000, 30000, "idle", (
        ("2021-02-20", {"stage": "negotiating", "intended_tenant": "某影院及餐饮品牌（示意）"}),
        ("2021-04-28", {"stage": "signed"}),
        ("2021-06-26", {"stage": "partly_operating", "vacant_area_m2": 25000}),
        ("2021-09-25", {"vacant_area_m2": 22000}),
        ("2021-12-10", {"vacant_area_m2": 20000}),
    )),
    IdlePlan("成山大道西段商业综合体", 0.12, 1, 24000, 12000, "partly_operating", (
        ("2021-04-10", {"vacant_area_m2": 10500}),
        ("2021-07-20", {"vacant_area_m2": 8000}),
        ("2021-10-15", {"vacant_area_m2": 6500}),
    ), "某家居卖场（示意）"),
    IdlePlan("成山大道西段写字楼", 0.20, -1, 9000, 9000, "idle", (
        ("2021-06-10", {"stage": "negotiating", "intended_tenant": "某电商企业（示意）"}),
        ("2021-10-20", {"stage": "signed"}),
    )),
    IdlePlan("成山大道中段商业综合体", 0.60, 1, 18000, 6000, "partly_operating", (
        ("2021-03-20", {"vacant_area_m2": 3000}),
        ("2021-06-18", {"stage": "revitalised", "vacant_area_m2": 0}),
    ), "某餐饮连锁（示意）"),
    IdlePlan("成山大道中段写字楼", 0.33, -1, 12000, 8500, "negotiating", (
        ("2021-05-15", {"stage": "signed"}),
        ("2021-09-01", {"stage": "partly_operating", "vacant_area_m2": 5500}),
    ), "某培训机构（示意）"),
    IdlePlan("成山大道东段商业综合体", 0.78, 1, 20000, 20000, "idle", (
        ("2021-11-20", {"stage": "negotiating", "intended_tenant": "某酒店管理公司（示意）"}),
    )),
    IdlePlan("成山大道东段商务楼", 0.90, -1, 7000, 4000, "partly_operating", (
        ("2021-08-10", {"vacant_area_m2": 3000}),
    ), "某物流企业（示意）"),
)  # fmt: skip
T9_DEADLINE = d("2023-12-31")  # the plan: all remaining revitalised within three years


@dataclass(frozen=True)
class DeliveryPlan:
    """An unfinished (T10) or resettlement (T11) building: construction, then hand-over."""

    code: str
    name: str
    target: str
    point: tuple[float, float]  # lon, lat of the wanted site
    floor_m2: int
    start: str
    deadline: str
    progress: int
    steps: tuple[tuple[str, int], ...]  # construction progress reports
    delivered: str | None
    milestones: tuple[tuple[str, str, str | None], ...]  # name, due, done (None = at delivery)


DELIVERY_PLANS = (
    DeliveryPlan("IB-09", "缔景城", "T10", (122.4225, 37.1625), 36000, "2020-10-01", "2021-03-31",
                 75, (("2021-02-10", 90),), "2021-03-26",
                 (("复工续建", "2020-12-31", "2020-10-01"), ("一期楼房交付", "2021-03-31", None))),
    DeliveryPlan("IB-10", "星河郡", "T10", (122.4600, 37.1700), 28000, "2020-11-01", "2021-03-31",
                 60, (("2021-02-25", 70), ("2021-03-31", 85)), "2021-05-20",
                 (("复工续建", "2020-12-31", "2020-11-01"), ("一期楼房交付", "2021-03-31", None))),
    DeliveryPlan("IB-11", "道南姜家安置楼", "T11", (122.4330, 37.1490), 22000, "2020-08-01",
                 "2021-12-31", 30, (("2021-04-15", 50), ("2021-07-10", 70), ("2021-10-12", 90)),
                 "2021-12-28",
                 (("主体封顶", "2021-08-31", "2021-07-10"), ("竣工交付", "2021-12-31", None))),
)  # fmt: skip


# Key projects (T7, T8)


@dataclass(frozen=True)
class ProjectPlan:
    """A key project: site, size, money, goal date and its 2021 reports."""

    code: str
    name: str
    target: str
    point: tuple[float, float]
    size: tuple[float, float]  # metres
    investment_wan: int
    start: str
    deadline: str
    stage: str
    progress: int
    milestones: tuple[tuple[str, str], ...]  # name, due
    # (date, changes, milestones done that day); "completed_on": True means that date
    steps: tuple[tuple[str, dict[str, Any], tuple[str, ...]], ...]
    note: str


PROJECT_PLANS = (
    ProjectPlan("KP-01", "富智大兴电机", "T7", (122.4165, 37.1715), (250, 180), 35000,
                "2020-05-01", "2021-09-30", "under_construction", 40,
                (("主体完工", "2021-05-31"),
                 ("设备安装调试", "2021-08-31"), ("投产", "2021-09-30")),
                (("2021-03-31", {"progress": 55}, ()),
                 ("2021-05-20", {"stage": "structure_done", "progress": 75}, ("主体完工",)),
                 ("2021-08-28", {"progress": 90}, ("设备安装调试",)),
                 ("2021-09-18", {"stage": "operating", "progress": 100, "completed_on": True},
                  ("投产",))),
                "示意数据：计划9月份投产。"),
    ProjectPlan("KP-02", "美辰口腔医疗中心", "T7", (122.4450, 37.1625), (120, 100), 12000,
                "2020-08-01", "2021-08-31", "under_construction", 35,
                (("主体完工", "2021-04-30"),
                 ("内部装修", "2021-07-31"), ("投入使用", "2021-08-31")),
                (("2021-03-15", {"progress": 50}, ()),
                 ("2021-04-30", {"stage": "structure_done", "progress": 70}, ("主体完工",)),
                 ("2021-07-25", {"progress": 90}, ("内部装修",)),
                 ("2021-08-10", {"stage": "operating", "progress": 100, "completed_on": True},
                  ("投入使用",))),
                "示意数据：计划8月份投入使用。"),
    ProjectPlan("KP-03", "北大街海鲜市场", "T7", (122.4380, 37.1720), (150, 110), 18000,
                "2020-09-01", "2021-09-30", "under_construction", 20,
                (("主体完工", "2021-06-30"),
                 ("商户入驻", "2021-09-15"), ("投入运营", "2021-09-30")),
                (("2021-03-31", {"progress": 35}, ()),
                 ("2021-06-30", {"progress": 55}, ()),
                 ("2021-08-25", {"stage": "structure_done", "progress": 75}, ("主体完工",)),
                 ("2021-10-20", {"progress": 92}, ("商户入驻",)),
                 ("2021-10-25", {"stage": "operating", "progress": 100, "completed_on": True},
                  ("投入运营",))),
                "示意数据：计划9月份投入运营（实际延后）。"),
    ProjectPlan("KP-04", "玥儿湾酒店", "T7", (122.4680, 37.1515), (140, 100), 25000,
                "2020-06-01", "2021-12-31", "under_construction", 30,
                (("主体完工", "2021-06-30"),
                 ("内部装修", "2021-11-30"), ("投入运营", "2021-12-31")),
                (("2021-04-15", {"progress": 45}, ()),
                 ("2021-07-20", {"stage": "structure_done", "progress": 65}, ("主体完工",)),
                 ("2021-10-10", {"progress": 75}, ()),
                 ("2021-12-15", {"progress": 85}, ())),
                "示意数据：计划12月底前投入运营。"),
    ProjectPlan("KP-05", "道南于家商贸综合体", "T7", (122.4520, 37.1490), (200, 150), 40000,
                "2021-03-01", "2021-12-31", "preparing", 5,
                (("开工", "2021-03-31"),
                 ("主体完工", "2021-10-31"), ("内部施工完成", "2021-12-31")),
                (("2021-03-10", {"stage": "under_construction", "progress": 15}, ("开工",)),
                 ("2021-06-30", {"progress": 40}, ()),
                 ("2021-09-15", {"progress": 65}, ()),
                 ("2021-11-20", {"progress": 85}, ("主体完工",)),
                 ("2021-12-15", {"stage": "structure_done", "progress": 100, "completed_on": True},
                  ("内部施工完成",))),
                "示意数据：计划12月底前完成主体和内部施工（该目标即completed_on）。"),
    ProjectPlan("KP-06", "阳光新城商贸综合体", "T8", (122.4270, 37.1470), (180, 140), 30000,
                "2021-01-01", "2021-06-30", "preparing", 10,
                (("签订投资意向", "2021-03-31"), ("签约落户", "2021-06-30")),
                (("2021-03-20", {"progress": 40}, ("签订投资意向",)),
                 ("2021-05-20", {"progress": 100, "completed_on": True}, ("签约落户",))),
                "示意数据：项目引进，力争6月底前落户；completed_on为落户日期。"),
    ProjectPlan("KP-07", "希尔顿欢朋酒店", "T8", (122.4760, 37.1630), (120, 90), 15000,
                "2021-01-01", "2021-06-30", "preparing", 10,
                (("签订投资意向", "2021-03-31"), ("签约落户", "2021-06-30")),
                (("2021-04-10", {"progress": 40}, ("签订投资意向",)),
                 ("2021-06-20", {"progress": 60}, ()),
                 ("2021-08-16", {"progress": 100, "completed_on": True}, ("签约落户",))),
                "示意数据：项目引进，力争6月底前落户（实际延后）；completed_on为落户日期。"),
)  # fmt: skip
