"""The leadership screen's figures from parcel Features and states: pure, no I/O.

Every figure is a count or sum over what the rules already computed (the Feature's `level`
and `days_left` from `rules.levels`, "done" from `rules.kpis.is_done`), so the screen never
holds a second definition of any number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Final

from gis_service.reports.model import percent
from gis_service.rules.kpis import Kpi, is_done
from gis_service.rules.levels import LEVEL_ORDER, Level, days_left
from gis_service.rules.phrases import deadline_phrase
from gis_service.rules.stages import CATEGORIES

Feature = Mapping[str, Any]
Parcel = Mapping[str, object]

# Levels a 督办 (supervision) list carries: overdue first, then due soon or far behind.
WATCH_LEVELS: Final = (Level.RED, Level.ORANGE)
# What the per-unit count calls an item without a responsible unit.
NO_UNIT_ZH: Final = "未指定单位"


def tiles(kpis: Sequence[Kpi], on: date) -> list[dict[str, object]]:
    """Every KPI as a tile for the as-of date, in the plan's order (its deadline in words)."""
    return [_tile(kpi, days_left(kpi.deadline, on)) for kpi in kpis]


def _tile(kpi: Kpi, days: int | None) -> dict[str, object]:
    """One KPI's tile: the rules' figures plus percent, days left and their phrase."""
    done = kpi.level is Level.GREEN
    return kpi.as_dict() | {
        "percent": percent_of(kpi.actual, kpi.target),
        "days_left": days,
        "days_zh": deadline_phrase(days, done),
    }


def percent_of(actual: float, target: float) -> float:
    """Actual as a percentage of target, as the reports round it (a zero target is 100 %)."""
    share = percent(actual, target)
    return 100.0 if share is None else float(share)


def level_counts(features: Iterable[Feature]) -> dict[str, int]:
    """How many parcels are at each level, every level present, most urgent first."""
    counts = Counter(str(f["properties"]["level"]) for f in features)
    return {level.value: counts.get(level.value, 0) for level in LEVEL_ORDER}


def category_progress(features: Iterable[Feature]) -> list[dict[str, object]]:
    """Per category: parcels in the plan (target) against parcels done (actual, level green)."""
    total: Counter[str] = Counter()
    done: Counter[str] = Counter()
    for feature in features:
        props = feature["properties"]
        total[props["category"]] += 1
        done[props["category"]] += props["level"] == Level.GREEN.value
    return [{"category": c, "target": total[c], "actual": done[c]} for c in CATEGORIES]


def monthly_completions(states: Iterable[Parcel], year: int, on: date) -> list[dict[str, object]]:
    """Parcels completed in each month of the year, counting only completions by the date."""
    per_month: Counter[int] = Counter()
    for state in states:
        completed = state.get("completed_on")
        if isinstance(completed, date) and completed.year == year and is_done(state, on):
            per_month[completed.month] += 1
    return [{"month": f"{year}-{m:02d}", "completions": per_month[m]} for m in range(1, 13)]


def investments(states: Iterable[Parcel], on: date) -> list[dict[str, object]]:
    """The key projects (plan target T7): planned investment (万元) and whether each is done."""
    rows = []
    for state in states:
        targets = state.get("plan_targets") or ()
        if not isinstance(targets, list | tuple) or "T7" not in targets:
            continue
        amount = state.get("investment_wan")
        rows.append(
            {
                "code": state.get("code"),
                "name": state.get("name"),
                "investment_wan": _num(amount),
                "done": is_done(state, on),
            }
        )
    return sorted(rows, key=lambda row: str(row["code"]))


def _num(value: object) -> float:
    """An amount (int, float or PostgreSQL's Decimal) as a float; missing counts as 0."""
    return 0.0 if value is None else float(str(value))


def watch_list(features: Iterable[Feature]) -> list[dict[str, object]]:
    """The 督办 list: overdue parcels (most days overdue first), then the orange ones."""
    rank = {level.value: i for i, level in enumerate(WATCH_LEVELS)}
    rows = [
        {
            "code": f["properties"]["code"],
            "name": f["properties"].get("name"),
            "unit": f["properties"].get("responsible_unit"),
            "level": f["properties"]["level"],
            "days_left": f["properties"].get("days_left"),
            "days_zh": deadline_phrase(f["properties"].get("days_left"), False),
            "deadline": f["properties"].get("deadline"),
        }
        for f in features
        if f["properties"]["level"] in rank
    ]
    return sorted(rows, key=lambda r: (rank[str(r["level"])], _days(r), str(r["code"])))


def _days(row: Mapping[str, object]) -> int:
    """Days left of a row for sorting (most overdue first); no deadline sorts last."""
    value = row.get("days_left")
    return value if isinstance(value, int) else 1 << 30


def overdue_by_unit(features: Iterable[Feature]) -> list[dict[str, object]]:
    """How many overdue (red) parcels each responsible unit has, most first."""
    counts = Counter(
        str(f["properties"].get("responsible_unit") or NO_UNIT_ZH)
        for f in features
        if f["properties"]["level"] == Level.RED.value
    )
    return [
        {"unit": u, "overdue": n} for u, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))
    ]


def map_features(features: Iterable[Feature]) -> list[dict[str, Any]]:
    """Features slimmed to what the screen's map draws: outline, code, name, level."""
    keep = ("code", "name", "category", "level", "days_left")
    return [
        {
            "type": "Feature",
            "id": f["properties"]["code"],
            "geometry": f.get("geometry"),
            "properties": {k: f["properties"].get(k) for k in keep},
        }
        for f in features
    ]
