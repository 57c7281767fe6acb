"""Builds a report's content from the store: every figure from the history as of the period's
last day, through the same rules and reads as the API (one definition of every number)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from gis_service.maps import map_data
from gis_service.parcels.plan_status import kpis_as_of
from gis_service.repo import parcel_reads, report_events
from gis_service.repo.parcel_reads import ParcelQuery
from gis_service.reports import figures
from gis_service.reports.change_table import change_section
from gis_service.reports.due_tables import (
    due_soon_section,
    lookback_section,
    overdue_section,
    supervision_section,
)
from gis_service.reports.kpi_tables import dated_targets_section, kpi_section
from gis_service.reports.model import Figure, Report, Section
from gis_service.rules.history import Event
from gis_service.rules.kpis import PLAN_START
from gis_service.rules.levels import RiskThresholds
from gis_service.rules.periods import Period, count_per_week, weeks_between
from gis_service.rules.supervision import (
    PRESSED_LEVELS,
    Standing,
    due_soon,
    level_since,
    overdue,
    pressed_by_unit,
    standings,
)
from gis_service.settings import Settings

TITLES_ZH = {"weekly": "周调度报告", "monthly": "月回头报告"}
PERIOD_WORDS_ZH = {"weekly": "本周", "monthly": "本月"}
BEFORE_WORDS_ZH = {"weekly": "上周", "monthly": "上月"}


def build_report(session: Session, settings: Settings, period: Period) -> Report:
    """The whole report of a week or month, as of its last day."""
    on, thresholds = period.end, settings.thresholds
    states = _states(session, on)
    items = standings(states, on, thresholds)
    kpis = kpis_as_of(session, on, thresholds=thresholds)
    sections = [
        kpi_section(
            kpis,
            kpis_as_of(session, period.previous.end, thresholds=thresholds),
            BEFORE_WORDS_ZH[period.kind],
        ),
        change_section(
            report_events.select_events_between(session, period.start, on),
            PERIOD_WORDS_ZH[period.kind],
        ),
        due_soon_section(due_soon(items)),
        overdue_section(overdue(items)),
        _supervision(session, items, on, thresholds),
    ]
    if period.kind == "monthly":
        sections += _monthly_sections(session, settings, period, items, kpis)
    weeks_section, chart = _completions(states, period, after=sections[-1].key)
    sections.append(weeks_section)
    return Report(
        period=period,
        title_zh=f"崖头街道城市更新{TITLES_ZH[period.kind]}（{period.title_zh}）",
        illustrative=any(bool(s.get("illustrative")) for s in states),
        sections=tuple(sections),
        figures=(_level_map(session, settings, on), chart),
    )


def _states(session: Session, on: date) -> list[dict[str, Any]]:
    """Every parcel's facts as of a day (no outlines)."""
    return parcel_reads.select_parcels(session, ParcelQuery(), as_of=on, outline="none")


def _supervision(
    session: Session, items: list[Standing], on: date, thresholds: RiskThresholds
) -> Section:
    """The 督办单, with the day each item entered its level, folded from its history."""
    groups = pressed_by_unit(items)
    pressed = [item for group in groups.values() for item in group]
    codes = [str(item.state["code"]) for item in pressed]
    history: dict[str, list[Event]] = {}
    for row in report_events.select_events_of(session, codes, on):
        history.setdefault(row["code"], []).append(Event.from_mapping(row))
    since = {
        str(item.state["code"]): level_since(
            history[str(item.state["code"])], item.level, on, thresholds
        )
        for item in pressed
    }
    return supervision_section(groups, since, on)


def _monthly_sections(
    session: Session, settings: Settings, period: Period, items: list[Standing], kpis: list[Any]
) -> list[Section]:
    """The look-back: last month's red and orange items now; KPIs against their dated targets."""
    then = period.previous.end
    earlier = standings(_states(session, then), then, settings.thresholds)
    pressed_then = [s for s in earlier if s.level in PRESSED_LEVELS]
    now = {str(s.state["code"]): s for s in items}
    deadlines = sorted(
        {k.deadline for k in kpis if k.deadline is not None and k.deadline <= period.end}
    )
    at_deadline = {d: kpis_as_of(session, d, thresholds=settings.thresholds) for d in deadlines}
    return [
        lookback_section(pressed_then, now, then),
        dated_targets_section(kpis, at_deadline, period.end),
    ]


def _completions(
    states: list[dict[str, Any]], period: Period, *, after: str
) -> tuple[Section, Figure]:
    """Completions per ISO week since the plan began: a table and its chart."""
    weeks = weeks_between(PLAN_START, period.end)
    done = [
        s["completed_on"]
        for s in states
        if s.get("completed_on") and s["completed_on"] <= period.end
    ]
    counts = count_per_week(done, weeks)
    mine = {w.label for w in weeks if w.end >= period.start}
    by_label = {w.label: w for w in weeks}
    section = Section(
        key="completions",
        title_zh="附表 每周完成数",
        headers=("周", "起", "止", "完成数"),
        rows=tuple(
            (label, by_label[label].start.isoformat(), by_label[label].end.isoformat(), count)
            for label, count in counts
        ),
        note_zh=f"自{PLAN_START.isoformat()}起共完成{len(done)}项（按完成日期所在周计）。",
    )
    chart = Figure(
        key="completions_chart",
        caption_zh="图2 每周完成数（红色为本期）",
        png=figures.completions_chart_png(counts, mine),
        after=after,
    )
    return section, chart


def _level_map(session: Session, settings: Settings, on: date) -> Figure:
    """The area map coloured by level on the report's day."""
    inputs = map_data.gather(session, settings, as_of=on)
    png = figures.level_map_png(
        inputs.parcels["features"],
        inputs.communities["features"],
        inputs.land,
        on,
    )
    return Figure(key="level_map", caption_zh="图1 地块风险等级分布", png=png, after="kpis")
