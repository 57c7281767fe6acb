"""The dated histories of the buildings and projects: idle buildings (T9), unfinished and
resettlement buildings (T10, T11) and key projects (T7, T8)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from gis_service.rules.kpis import PLAN_START
from gis_service.sample.plan_items import (
    FAKE_PHONE,
    T9_DEADLINE,
    DeliveryPlan,
    IdlePlan,
    ProjectPlan,
    d,
)
from gis_service.sample.random_streams import rng_for
from gis_service.sample.story import Story, milestone


def occupied_percent(floor: int, vacant: int) -> int:
    """T9 progress is the share of floor area in use (documented in the README)."""
    return int((Decimal(100) * (floor - vacant) / floor).quantize(Decimal(1), ROUND_HALF_UP))


def scheme_date(plan: IdlePlan) -> date:
    """When the building's revitalisation scheme was done: Feb–Mar, before its first change."""
    drawn = date(2021, rng_for(f"scheme/{plan.name}").randint(2, 3), 1) + timedelta(
        days=rng_for(f"scheme-day/{plan.name}").randint(0, 26)
    )
    first_change = min((d(on) for on, _ in plan.changes), default=drawn)
    return min(drawn, first_change)


def idle_building_story(plan: IdlePlan, base: dict[str, Any]) -> Story:
    """A complex on 成山大道: vacancy falls as tenants sign; milestones follow the stages."""
    partly_due = "2021-12-31" if plan.name in ("上城国际", "利群广场") else "2023-12-31"
    story = Story(
        PLAN_START,
        base
        | {
            "stage": plan.stage,
            "progress": occupied_percent(plan.floor_m2, plan.vacant_m2),
            "start_date": PLAN_START,
            "deadline": T9_DEADLINE,
            "floor_area_m2": plan.floor_m2,
            "vacant_area_m2": plan.vacant_m2,
            "intended_tenant": plan.tenant,
            "contact": f"街道招商中心 {FAKE_PHONE}" if plan.tenant else None,
            "milestones": [
                milestone("制定盘活方案", "2021-03-31"),
                milestone("部分投入运营", partly_due,
                          "2020-12-01" if plan.stage == "partly_operating" else None),
                milestone("全部盘活", T9_DEADLINE.isoformat()),
            ],
        },
    )  # fmt: skip
    story.milestone_done(scheme_date(plan), "制定盘活方案")
    vacant = plan.vacant_m2
    for on_text, changes in plan.changes:
        on = d(on_text)
        extra = dict(changes)
        vacant = extra.get("vacant_area_m2", vacant)
        extra["progress"] = occupied_percent(plan.floor_m2, vacant)
        if "intended_tenant" in extra:
            extra["contact"] = f"街道招商中心 {FAKE_PHONE}"
        if extra.get("stage") == "partly_operating":
            story.milestone_done(on, "部分投入运营")
        if extra.get("stage") == "revitalised":
            extra["completed_on"] = on
            story.milestone_done(on, "全部盘活")
        story.change(on, **extra)
    return story


def delivery_story(plan: DeliveryPlan, base: dict[str, Any]) -> Story:
    """Construction resumed under contract (stage signed); delivered = revitalised, vacant 0."""
    story = Story(
        PLAN_START,
        base
        | {
            "stage": "signed",
            "progress": plan.progress,
            "start_date": d(plan.start),
            "deadline": d(plan.deadline),
            "floor_area_m2": plan.floor_m2,
            "vacant_area_m2": plan.floor_m2,
            "milestones": [
                milestone(name, due, done if done is not None and d(done) < PLAN_START else None)
                for name, due, done in plan.milestones
            ],
        },
    )
    for on, progress in plan.steps:
        story.change(d(on), progress=progress)
    for name, _, done in plan.milestones:
        if done is not None and d(done) >= PLAN_START:
            story.milestone_done(d(done), name)
    if plan.delivered is not None:
        delivered = d(plan.delivered)
        story.change(
            delivered, stage="revitalised", progress=100, vacant_area_m2=0, completed_on=delivered
        )
        story.milestone_done(
            delivered, *(name for name, _, done in plan.milestones if done is None)
        )
    return story


def project_story(plan: ProjectPlan, base: dict[str, Any]) -> Story:
    """A key project's year; `completed_on` marks the plan goal (see docs/data-model.md)."""
    story = Story(
        PLAN_START,
        base
        | {
            "stage": plan.stage,
            "progress": plan.progress,
            "start_date": d(plan.start),
            "deadline": d(plan.deadline),
            "investment_wan": plan.investment_wan,
            "milestones": [milestone(name, due) for name, due in plan.milestones],
        },
    )
    for on_text, changes, done in plan.steps:
        on = d(on_text)
        values = {k: (on if k == "completed_on" else v) for k, v in changes.items()}
        story.change(on, **values)
        if done:
            story.milestone_done(on, *done)
    return story
