"""What every sample history and layout must keep; the generator refuses to write otherwise.

The parcel rules are the database's (a stage of the category, progress 0–100, the last stage
dated, deadline not before start, vacant within floor area): the loader replays every entry
through the data-access module, so a history that broke one would fail to load. The date rules
are the file format's (docs/data-model.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shapely.geometry import shape

from gis_service.rules.stages import STAGES
from gis_service.sample.plan_items import PLAN_END

MILESTONE_KEYS = frozenset({"name", "due_date", "done_on"})


def history_problems(history: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every broken rule of a history, as `on <date>: <problem>` (empty when none)."""
    dates = [entry["effective_date"] for entry in history]
    if dates != sorted(set(dates)):
        return ["entries are not oldest first, one a date"]  # the steps would mean nothing
    problems: list[str] = []
    state: dict[str, Any] = {}
    for entry in history:
        on, changes = entry["effective_date"], entry["changes"]
        state |= changes
        problems += [f"on {on}: {p}" for p in step_problems(state, on, changes)]
    return problems


def step_problems(state: Mapping[str, Any], on: str, changes: Mapping[str, Any]) -> list[str]:
    """What is wrong with a state reached by a change on a date (ISO text; empty when nothing)."""
    category, stage = state["category"], state["stage"]
    stages = STAGES.get(category, ())
    problems = []
    if stage not in stages:
        problems.append(f"stage {stage} is not one of {category}")
    elif stage == stages[-1] and state["completed_on"] is None:
        problems.append("last stage without completed_on")
    if not 0 <= state["progress"] <= 100:
        problems.append(f"progress {state['progress']}")
    if state["start_date"] and state["deadline"] and state["deadline"] < state["start_date"]:
        problems.append("deadline before start_date")
    floor, vacant = state["floor_area_m2"], state["vacant_area_m2"]
    if floor is not None and vacant is not None and not 0 <= vacant <= floor:
        problems.append(f"vacant {vacant} not within 0..{floor}")
    if on > PLAN_END.isoformat():
        problems.append("effective date after 2021")
    for name in ("completed_on", "committee_formed_on"):
        if changes.get(name) is not None and changes[name] > on:
            problems.append(f"{name} {changes[name]} after its effective date")
    return problems + milestone_problems(state.get("milestones") or [], on)


def milestone_problems(milestones: Sequence[Mapping[str, Any]], on: str) -> list[str]:
    """Milestones with other keys than the format's, or done after the entry's date."""
    problems = []
    for m in milestones:
        if set(m) != MILESTONE_KEYS:
            problems.append(f"milestone keys {sorted(m)}, not {sorted(MILESTONE_KEYS)}")
        elif m["done_on"] is not None and m["done_on"] > on:
            problems.append(f"milestone {m['name']} done after the effective date")
    return problems


def check_history(code: str, history: Sequence[Mapping[str, Any]]) -> None:
    """Raise ValueError naming the parcel when any step of its history breaks a rule."""
    problems = history_problems(history)
    if problems:
        raise ValueError(f"{code}: {'; '.join(problems)}")


def check_layout(parcels: Sequence[Mapping[str, Any]], land_box: Any) -> None:
    """On land, inside the box, valid, and no two parcels of a category overlapping."""
    shapes = [(p["properties"], shape(p["geometry"])) for p in parcels]
    for props, geom in shapes:
        if not (geom.is_valid and land_box.contains(geom)):
            raise ValueError(f"{props['code']}: invalid or not on land inside the box")
    for i, (a, ga) in enumerate(shapes):
        for b, gb in shapes[i + 1 :]:
            if a["category"] == b["category"] and ga.intersects(gb):
                raise ValueError(f"{a['code']} overlaps {b['code']}")
