"""The dated history of every parcel: demolition (T1, T2) and compounds (T3, T4) here, the
buildings and projects in building_stories; `stories` hands each site its story."""

from __future__ import annotations

import copy
import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from gis_service.rules.kpis import PLAN_START
from gis_service.sample.building_stories import delivery_story, idle_building_story, project_story
from gis_service.sample.plan_items import (
    COMMITTEE_FIRST_BATCH_DUE,
    COMMITTEES_2020,
    COMMITTEES_PER_MONTH,
    DELIVERY_PLANS,
    PEOPLE,
    PROJECT_PLANS,
    T1_BUILDINGS,
    T1_CLEARED,
    T1_DEADLINE,
    T2_DEADLINE,
    T2_SOLVED_MONTHS,
    T4_DEADLINE,
    T4_PLANS,
    T4_START,
    T9_PLANS,
    d,
)
from gis_service.sample.random_streams import rng_for, shuffled
from gis_service.sample.site_layout import Site
from gis_service.sample.story import Story, milestone


def base_properties(site: Site, unit: str, note: str) -> dict[str, Any]:
    """The properties every story starts from: identity, place, people, note."""
    person = PEOPLE[rng_for(f"person/{site.code}").randrange(len(PEOPLE))]
    return {
        "code": site.code,
        "name": site.name,
        "category": site.category,
        "plan_targets": site.targets,
        "community": site.community,
        "responsible_unit": unit,
        "responsible_person": person,
        "note": note,
    }


def stories(sites: Sequence[Site]) -> dict[str, Story]:
    """Each site's story, by code."""
    by_prefix: dict[str, list[Site]] = {}
    for site in sites:
        by_prefix.setdefault(site.code[:2], []).append(site)
    result: dict[str, Story] = {}
    for k, site in enumerate(by_prefix["DA"]):
        base = base_properties(site, "街道城建办", "示意数据：2月底前完成征地拆迁和旧房拆除。")
        result[site.code] = demolition_area_story(k, base)
    for k, site in enumerate(by_prefix["PS"]):
        base = base_properties(site, f"{site.community}居委会",
                               "示意数据：剩余拆迁问题，6月底前解决。")  # fmt: skip
        result[site.code] = problem_site_story(k, base)
    result.update(compound_stories(by_prefix["OC"]))
    for k, site in enumerate(by_prefix["IB"]):
        result[site.code] = building_story(k, site)
    projects = {p.code: p for p in PROJECT_PLANS}
    for site in by_prefix["KP"]:
        project = projects[site.code]
        unit = "街道经发办" if project.target == "T7" else "街道招商中心"
        result[site.code] = project_story(project, base_properties(site, unit, project.note))
    return result


def building_story(index: int, site: Site) -> Story:
    """The story of the index-th idle building: a T10/T11 delivery or a T9 complex."""
    deliveries = {p.code: p for p in DELIVERY_PLANS}
    if site.code in deliveries:
        delivery = deliveries[site.code]
        note = ("示意数据：半拉子工程，3月底前完成一期楼房交付。" if delivery.target == "T10"
                else "示意数据：安置楼建设，12月底前完成。")  # fmt: skip
        return delivery_story(delivery, base_properties(site, "街道城建办", note))
    idle = T9_PLANS[index]
    note = "示意数据：成山大道两侧闲置楼宇盘活，3年内全部盘活。"
    if idle.name in ("上城国际", "利群广场"):
        note += "年内部分投入运营。"
    return idle_building_story(idle, base_properties(site, "街道招商中心", note))


def compound_stories(compound_sites: Sequence[Site]) -> dict[str, Story]:
    """T3 stories for all compounds, with the T4 renovation added to six of them."""
    dates = committee_dates(len(compound_sites))
    batch = first_batch(dates)
    named = {name: p for name, p in T4_PLANS.items() if not name.startswith("renovation-")}
    spare = [p for name, p in T4_PLANS.items() if name.startswith("renovation-")]
    result = {}
    for k, site in enumerate(compound_sites):
        due = COMMITTEE_FIRST_BATCH_DUE if k in batch else "2021-12-31"
        rng = rng_for(f"compound/{site.code}")
        if "T4" not in site.targets:
            note = f"示意数据：业委会组建，目标{'6月底前' if k in batch else '年底前'}。"
            base = base_properties(site, f"{site.community}居委会", note)
            result[site.code] = compound_story(base, dates[k], due, rng)
            continue
        note = "示意数据：老旧小区改造（含智慧化改造），年底前完成。"
        base = base_properties(site, "街道城建办", note)
        story = compound_story(base, dates[k], due, rng, renovated=True)
        plan = named[site.name] if site.name in named else spare.pop(0)
        result[site.code] = renovation_story(story, plan)
    return result


def spread_dates(first: date, last: date, count: int) -> list[date]:
    """`count` dates evenly between two dates (both excluded)."""
    span = (last - first).days
    return [first + timedelta(days=span * (k + 1) // (count + 1)) for k in range(count)]


def demolition_area_story(index: int, base: dict[str, Any]) -> Story:
    """Acquisition, then demolition in steps, then cleared (two of them after the deadline)."""
    rng = rng_for(f"DA/{index}")
    total = T1_BUILDINGS[index]
    cleared = d(shuffled(T1_CLEARED, "DA-order")[index])
    start = cleared - timedelta(days=rng.randint(170, 260))
    acquired = start + timedelta(days=(cleared - start).days * 2 // 5)
    milestones = [
        milestone("征收协议签订", "2020-12-31"),
        milestone("旧房拆除完成", "2021-02-20"),
        milestone("场地清零验收", T1_DEADLINE.isoformat()),
    ]
    story = Story(
        start,
        base
        | {
            "stage": "acquiring",
            "progress": 5,
            "start_date": start,
            "deadline": T1_DEADLINE,
            "buildings_total": total,
            "buildings_demolished": 0,
            "households": round(total * rng.uniform(1.2, 1.7)),
            "milestones": milestones,
        },
    )
    story.change(start + (acquired - start) / 2, progress=15)
    story.change(acquired, stage="demolishing", progress=30)
    story.milestone_done(acquired, "征收协议签订")
    last_step = cleared - timedelta(days=4)
    for step, on in zip((0.25, 0.55, 0.85), spread_dates(acquired, last_step, 3), strict=True):
        story.change(on, buildings_demolished=round(total * step), progress=30 + round(70 * step))
    story.change(last_step, buildings_demolished=total, progress=97)
    story.milestone_done(last_step, "旧房拆除完成")
    story.change(cleared, stage="cleared", progress=100, completed_on=cleared)
    return story.milestone_done(cleared, "场地清零验收")


def problem_site_story(index: int, base: dict[str, Any]) -> Story:
    """A leftover holdout: negotiation, agreement, demolition; two stay open all year."""
    rng = rng_for(f"PS/{index}")
    total = rng.randint(1, 4)
    # Shuffled, so that the late and open sites are not neighbours by code (codes follow place).
    month = shuffled(T2_SOLVED_MONTHS, "PS-order")[index]
    started = rng.random() < 0.75
    story = Story(
        PLAN_START,
        base
        | {
            "stage": "acquiring" if started else "not_started",
            "progress": rng.choice((10, 15, 20, 30)) if started else 0,
            "start_date": PLAN_START,
            "deadline": T2_DEADLINE,
            "buildings_total": total,
            "buildings_demolished": 0,
            "households": rng.randint(1, 5),
            "milestones": [
                milestone("协商签约", "2021-04-30"),
                milestone("拆除清零", "2021-06-30"),
            ],
        },
    )
    if month is None:
        # Still open at year end: one stuck in negotiation, one with a building left.
        if index % 2 == 0:
            story.change(d("2021-03-15"), stage="acquiring", progress=25)
            return story.change(d("2021-07-01"), progress=40)
        story.change(d("2021-04-12"), stage="demolishing", progress=60).milestone_done(
            d("2021-04-12"), "协商签约"
        )
        return story.change(d("2021-09-08"), buildings_demolished=total - 1 if total > 1 else 0,
                            progress=80)  # fmt: skip
    solved = date(2021, month, rng.randint(1, 28))
    signed = PLAN_START + timedelta(days=(solved - PLAN_START).days * rng.randint(45, 75) // 100)
    signed = max(signed, d("2021-01-05"))
    story.change(signed, stage="demolishing", progress=60).milestone_done(signed, "协商签约")
    story.change(solved, stage="cleared", progress=100, buildings_demolished=total,
                 completed_on=solved)  # fmt: skip
    return story.milestone_done(solved, "拆除清零")


def committee_dates(count: int) -> list[date | None]:
    """Committee dates for `count` compounds in a shuffled order; the rest form none in 2021."""
    rng = rng_for("committees")
    dates = [d(x) for x in COMMITTEES_2020]
    for month, n in enumerate(COMMITTEES_PER_MONTH, start=1):
        dates.extend(sorted(date(2021, month, rng.randint(1, 28)) for _ in range(n)))
    padded: list[date | None] = [*dates, *([None] * (count - len(dates)))]
    rng.shuffle(padded)
    return padded


def first_batch(dates: Sequence[date | None]) -> set[int]:
    """The compounds whose committee was due by June: those formed by then and 4 that missed."""
    due = d(COMMITTEE_FIRST_BATCH_DUE)
    on_time = [k for k, x in enumerate(dates) if x is not None and x <= due]
    missed = [k for k, x in enumerate(dates) if x is None or x > due][::9][:4]
    return set(on_time) | set(missed)


T4_MILESTONES = [  # with the two T3 milestones, four per renovated compound
    milestone("改造开工", "2021-06-30"),
    milestone("竣工验收（含智慧化改造）", "2021-12-31"),
]


def compound_story(
    base: dict[str, Any], committee: date | None, due: str, rng: random.Random,
    renovated: bool = False,
) -> Story:  # fmt: skip
    """A compound's T3 year: survey, then (maybe) the owners' committee.

    A renovated (T4) compound starts with its renovation dates and milestones too.
    """
    surveyed = date(2021, rng.randint(1, 3), rng.randint(1, 28))
    initial_committee = committee if committee is not None and committee < PLAN_START else None
    # A compound that is not renovated has one goal in the plan, its owners' committee: it is
    # graded against that deadline and completed when the committee is formed
    # (docs/data-model.md: completed_on is the day the parcel met its plan goal).
    goal = (
        {}
        if renovated
        else {
            "start_date": PLAN_START,
            "deadline": d(due),
            "completed_on": initial_committee,
            "progress": 100 if initial_committee else 0,
        }
    )
    story = Story(
        PLAN_START,
        base
        | {
            "stage": "not_started",
            "progress": 0,
            "households": rng.randint(12, 96) * 5,
            "committee_formed_on": initial_committee,
            "milestones": [
                milestone("入户摸底建档", "2021-03-31"),
                milestone("组建业委会", due, initial_committee),
                *(copy.deepcopy(T4_MILESTONES) if renovated else []),
            ],
            "start_date": T4_START if renovated else None,
            "deadline": T4_DEADLINE if renovated else None,
        }
        | goal,
    )
    story.milestone_done(surveyed, "入户摸底建档")
    formed = committee if committee is not None and committee >= PLAN_START else None
    if not renovated and initial_committee is None and (formed is None or formed > surveyed):
        story.change(surveyed, progress=30)  # households surveyed: a third of the way
    if formed is not None:
        story.change(formed, committee_formed_on=formed)
        story.milestone_done(formed, "组建业委会")
        if not renovated:
            story.change(formed, completed_on=formed, progress=100)
    return story


def renovation_story(story: Story, plan: tuple[str, str, tuple[str, int], str | None]) -> Story:
    """Add a T4 renovation to a compound's story: designing → construction → completed."""
    designing, building, (mid_date, mid_progress), completed = plan
    story.change(d(designing), stage="designing", progress=10)
    story.change(d(building), stage="under_construction", progress=30)
    story.milestone_done(d(building), "改造开工")
    story.change(d(mid_date), progress=mid_progress)
    if completed is None:
        return story.change(d("2021-12-20"), progress=85)
    done = d(completed)
    story.change(done, stage="completed", progress=100, completed_on=done)
    return story.milestone_done(done, "竣工验收（含智慧化改造）")
