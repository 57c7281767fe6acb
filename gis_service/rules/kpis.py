"""The plan's targets as KPIs (target vs actual) on an as-of date, one definition each.

Parcels are selected for a target by their `plan_targets` (a compound may count towards T3 and
T4); "done" means `completed_on` is set and not after the as-of date (docs/data-model.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from gis_service.rules.levels import Level, RiskThresholds, risk_level

Parcel = Mapping[str, object]

# The plan's year starts the clock of every KPI's planned progress.
PLAN_START: Final = date(2021, 1, 1)
# T9's growth is measured against the state on this day (the baseline states).
BASELINE_DATE: Final = PLAN_START
# T7's deadline when no T7 parcel carries one: the plan's own "年底".
KEY_PROJECT_DEFAULT_DEADLINE: Final = date(2021, 12, 31)
# The thresholds are frozen, so one shared default is safe.
DEFAULT_THRESHOLDS: Final = RiskThresholds()


@dataclass(frozen=True)
class Kpi:
    """One tile of the screen: a target of the plan, its actual value and its risk level."""

    id: str
    title_zh: str
    unit: str
    target: float
    actual: float
    deadline: date | None
    level: Level
    detail_zh: str | None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form: ISO deadline, level as text, whole numbers as integers."""
        return {
            "id": self.id,
            "title_zh": self.title_zh,
            "unit": self.unit,
            "target": _json_number(self.target),
            "actual": _json_number(self.actual),
            "deadline": None if self.deadline is None else self.deadline.isoformat(),
            "level": self.level.value,
            "detail_zh": self.detail_zh,
        }


@dataclass(frozen=True)
class Scope:
    """What a measure sees: the parcels of its plan target now and at the baseline."""

    parcels: tuple[Parcel, ...]
    baseline: tuple[Parcel, ...] | None
    on: date


# A measure returns the KPI's actual value and an optional detail line for the tile.
Measure = Callable[[Scope], tuple[float, str | None]]


@dataclass(frozen=True)
class KpiDefinition:
    """A target of the plan (plan/README.md) and how its actual value is measured."""

    id: str
    plan_target: str
    title_zh: str
    unit: str
    target: float
    deadline: date
    measure: Measure
    # T7's deadline is the latest of its projects' own deadlines (Aug … Dec in the plan).
    deadline_from_parcels: bool = False


def compute_kpis(
    parcels: Iterable[Parcel | None],
    on: date,
    *,
    baseline: Iterable[Parcel | None] | None = None,
    thresholds: RiskThresholds = DEFAULT_THRESHOLDS,
) -> list[Kpi]:
    """Every KPI of the plan on a date, from parcel states as of that date (None = absent)."""
    # Grouped once: at city scale, 13 targets × 100,000 parcels × 2 dates of set tests
    # were most of a KPI answer.
    states = _by_target(p for p in parcels if p is not None)
    base = None if baseline is None else _by_target(p for p in baseline if p is not None)
    return [_compute(d, states, base, on, thresholds) for d in KPI_DEFINITIONS]


def _compute(
    definition: KpiDefinition,
    states: Mapping[str, tuple[Parcel, ...]],
    baseline: Mapping[str, tuple[Parcel, ...]] | None,
    on: date,
    thresholds: RiskThresholds,
) -> Kpi:
    """One KPI: take its parcels, measure, and grade like a parcel of that deadline."""
    target = definition.plan_target
    scope = Scope(
        parcels=states.get(target, ()),
        baseline=None if baseline is None else baseline.get(target, ()),
        on=on,
    )
    actual, detail = definition.measure(scope)
    deadline = definition.deadline
    if definition.deadline_from_parcels:
        deadline = max(_dates(scope.parcels, "deadline"), default=deadline)
    return Kpi(
        id=definition.id,
        title_zh=definition.title_zh,
        unit=definition.unit,
        target=definition.target,
        actual=actual,
        deadline=deadline,
        level=kpi_level(definition.target, actual, deadline, on, thresholds),
        detail_zh=detail,
    )


def kpi_level(
    target: float,
    actual: float,
    deadline: date | None,
    on: date,
    thresholds: RiskThresholds = DEFAULT_THRESHOLDS,
) -> Level:
    """A KPI's level: the parcel rule, progress = actual/target, done when actual ≥ target."""
    # Decimal, not float: 23 of 40 is exactly 57.5 % and must round to 58, not 57.
    share = 100 * _exact(actual) / _exact(target) if target > 0 else Decimal(100)
    progress = int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return risk_level(
        progress=max(0, min(100, progress)),
        start_date=PLAN_START,
        deadline=deadline,
        completed_on=on if actual >= target else None,
        on=on,
        thresholds=thresholds,
    )


# Measures ---------------------------------------------------------------------------------


def count_done(scope: Scope) -> tuple[float, str | None]:
    """How many parcels are done on the as-of date."""
    done = sum(1 for p in scope.parcels if is_done(p, scope.on))
    return float(done), f"图上{len(scope.parcels)}项，已完成{done}项"


def sum_demolished(scope: Scope) -> tuple[float, str | None]:
    """Buildings demolished so far, with the data's own total for comparison."""
    total = _sum(scope.parcels, "buildings_total")
    return _sum(scope.parcels, "buildings_demolished"), f"数据中旧房共{_show(total)}栋"


def count_committees(scope: Scope) -> tuple[float, str | None]:
    """How many compounds have formed their owners' committee (业委会) by the as-of date."""
    formed = sum(1 for d in _dates(scope.parcels, "committee_formed_on") if d <= scope.on)
    return float(formed), f"图上小区{len(scope.parcels)}个，已组建{formed}个"


def sum_investment_done(scope: Scope) -> tuple[float, str | None]:
    """Investment (万元) of the projects that are done, with all projects' total."""
    done = [p for p in scope.parcels if is_done(p, scope.on)]
    total = _sum(scope.parcels, "investment_wan")
    return _sum(done, "investment_wan"), f"{len(scope.parcels)}个项目计划投资共{_show(total)}万元"


def revitalisation_rate(scope: Scope) -> tuple[float, str | None]:
    """Share of idle-building floor area in use, in % with one decimal."""
    rate, floor, vacant = _rate(scope.parcels)
    return rate, f"总建筑面积{_show(floor)}㎡，闲置{_show(vacant)}㎡"


def revitalisation_change(scope: Scope) -> tuple[float, str | None]:
    """Change of the revitalisation rate since the baseline, in percentage points."""
    if scope.baseline is None:
        return 0.0, f"缺少{BASELINE_DATE.isoformat()}基线数据"
    now, before = _rate(scope.parcels)[0], _rate(scope.baseline)[0]
    # Subtract the rounded rates so the tile agrees with the two rates it is shown beside.
    return _round1(now - before), f"{BASELINE_DATE.isoformat()}为{before}%，现为{now}%"


def _d(text: str) -> date:
    """A date constant from ISO text, to keep the table below readable."""
    return date.fromisoformat(text)


# The plan's mappable targets (plan/README.md), one line each; the list order is the screen's.
KPI_DEFINITIONS: Final[tuple[KpiDefinition, ...]] = (
    KpiDefinition("T1a", "T1", "拆迁区域清零", "个", 11, _d("2021-02-28"), count_done),
    KpiDefinition("T1b", "T1", "旧房拆除", "栋", 705, _d("2021-02-28"), sum_demolished),
    KpiDefinition("T2", "T2", "拆迁问题解决", "个", 32, _d("2021-06-30"), count_done),
    KpiDefinition(
        "T3a", "T3", "业委会组建（6月底前）", "个", 40, _d("2021-06-30"), count_committees
    ),
    KpiDefinition(
        "T3b", "T3", "业委会组建（年底前）", "个", 140, _d("2021-12-31"), count_committees
    ),
    KpiDefinition("T4", "T4", "老旧小区改造", "个", 6, _d("2021-12-31"), count_done),
    KpiDefinition("T7", "T7", "重点项目", "个", 5, KEY_PROJECT_DEFAULT_DEADLINE, count_done, True),
    KpiDefinition(
        "T7i",
        "T7",
        "重点项目投资",
        "万元",
        130000,
        KEY_PROJECT_DEFAULT_DEADLINE,
        sum_investment_done,
        True,
    ),  # fmt: skip
    KpiDefinition("T8", "T8", "项目引进落户", "个", 2, _d("2021-06-30"), count_done),
    # The plan: "all remaining within 3 years" (利用3年时间), so the rate aims at 100 % by 2023.
    KpiDefinition("T9", "T9", "闲置楼宇盘活率", "%", 100, _d("2023-12-31"), revitalisation_rate),
    KpiDefinition(
        "T9d", "T9", "盘活率增长", "个百分点", 15, _d("2021-12-31"), revitalisation_change
    ),
    KpiDefinition("T10", "T10", "半拉子工程交付", "个", 2, _d("2021-03-31"), count_done),
    KpiDefinition("T11", "T11", "安置楼建设", "个", 1, _d("2021-12-31"), count_done),
)


# The plan targets the KPIs above count: a parcel with none of them is in no KPI.
KPI_TARGETS: Final[frozenset[str]] = frozenset(d.plan_target for d in KPI_DEFINITIONS)
# The measures that read the baseline states (Scope.baseline); every other one ignores them.
BASELINE_MEASURES: Final[tuple[Measure, ...]] = (revitalisation_change,)
# The targets whose baseline states some KPI reads: the KPIs' read of the baseline date
# fetches only these parcels (the other scopes' baselines go unread either way).
BASELINE_TARGETS: Final[frozenset[str]] = frozenset(
    d.plan_target for d in KPI_DEFINITIONS if d.measure in BASELINE_MEASURES
)
# Every field of a parcel the rules and measures here read (`code` names it in errors): the
# KPIs' read fetches these alone (repo/kpi_facts.py); tests/test_kpi_facts.py proves the
# answer on rows cut to them equals the answer on whole rows.
KPI_FIELDS: Final[tuple[str, ...]] = (
    "code",
    "plan_targets",
    "completed_on",
    "deadline",
    "buildings_total",
    "buildings_demolished",
    "committee_formed_on",
    "investment_wan",
    "floor_area_m2",
    "vacant_area_m2",
)


# Reading parcels ------------------------------------------------------------------------


def is_done(parcel: Parcel, on: date) -> bool:
    """Whether the parcel met its plan goal on or before the as-of date."""
    completed = _date(parcel, "completed_on")
    return completed is not None and completed <= on


def _by_target(parcels: Iterable[Parcel]) -> dict[str, tuple[Parcel, ...]]:
    """The parcels that count towards each target of the plan, in the order given."""
    groups: dict[str, list[Parcel]] = {}
    for parcel in parcels:
        for target in _targets(parcel):
            groups.setdefault(target, []).append(parcel)
    return {target: tuple(group) for target, group in groups.items()}


def _targets(parcel: Parcel) -> frozenset[str]:
    """The parcel's `plan_targets` as a set; a bare string would match T1 inside T10."""
    value = parcel.get("plan_targets")
    if value is None:
        return frozenset()
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise TypeError(f"plan_targets of {parcel.get('code')!r} must be a list, got {value!r}")
    return frozenset(str(t) for t in value)


def _date(parcel: Parcel, field: str) -> date | None:
    """A date field; states must be coerced first (history.coerce_state), so text is an error."""
    value = parcel.get(field)
    if value is None or isinstance(value, date):
        return value
    raise TypeError(f"{field} of {parcel.get('code')!r} must be a date, got {value!r}")


def _dates(parcels: Iterable[Parcel], field: str) -> list[date]:
    """The non-null values of a date field."""
    return [d for d in (_date(p, field) for p in parcels) if d is not None]


def _number(parcel: Parcel, field: str) -> Decimal | None:
    """A numeric field as an exact Decimal (PostgreSQL numeric arrives as Decimal already)."""
    value = parcel.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"{field} of {parcel.get('code')!r} must be a number, got {value!r}")
    return _exact(value)


def _sum(parcels: Iterable[Parcel], field: str) -> float:
    """The sum of a numeric field, nulls counting as nothing."""
    values = (_number(p, field) for p in parcels)
    return float(sum((v for v in values if v is not None), Decimal(0)))


def _rate(parcels: Iterable[Parcel]) -> tuple[float, float, float]:
    """Revitalisation rate in % (one decimal), total floor area and vacant area."""
    floor_total = vacant_total = Decimal(0)
    for parcel in parcels:
        floor = _number(parcel, "floor_area_m2")
        if floor is None or floor <= 0:
            continue  # only buildings with a floor area count (T9's definition)
        vacant = _number(parcel, "vacant_area_m2")
        # An unknown vacant area counts as all vacant: nothing is called revitalised unsurveyed.
        floor_total += floor
        vacant_total += floor if vacant is None else max(Decimal(0), min(floor, vacant))
    if floor_total == 0:
        return 0.0, 0.0, 0.0
    rate = 100 * (floor_total - vacant_total) / floor_total
    return _round1(rate), float(floor_total), float(vacant_total)


def _exact(value: float | int | Decimal) -> Decimal:
    """A Decimal of a number; a float goes through its shortest repr, so 0.1 stays 0.1."""
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def _round1(value: float | Decimal) -> float:
    """Round to one decimal, halves up, as the screen shows rates."""
    return float(_exact(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _show(value: float) -> str:
    """A number for a detail line: no trailing .0 on whole numbers."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _json_number(value: float) -> int | float:
    """Whole numbers as int so JSON shows 705, not 705.0."""
    return int(value) if float(value).is_integer() else value
