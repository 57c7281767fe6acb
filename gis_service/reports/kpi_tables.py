"""The KPI table (target, actual, percent, level, change) and the plan's dated targets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from gis_service.reports.model import LEVEL_SHORT_ZH, Cell, Section, number, percent
from gis_service.rules.kpis import Kpi


def kpi_section(kpis: Sequence[Kpi], before: Sequence[Kpi], before_label: str) -> Section:
    """Every KPI on the report's day, with its change since the end of the period before."""
    previous = {k.id: k for k in before}
    rows = tuple(
        (
            k.id,
            k.title_zh,
            k.unit,
            number(k.target),
            number(k.actual),
            percent(k.actual, k.target),
            LEVEL_SHORT_ZH[k.level],
            change_text(k.actual, previous[k.id].actual if k.id in previous else None),
            None if k.deadline is None else k.deadline.isoformat(),
            k.detail_zh,
        )
        for k in kpis
    )
    return Section(
        key="kpis",
        title_zh="一、计划指标完成情况",
        headers=(
            "编号",
            "指标",
            "单位",
            "目标",
            "实际",
            "完成率(%)",
            "等级",
            f"较{before_label}",
            "期限",
            "说明",
        ),  # fmt: skip
        rows=rows,
        level_column=6,
    )


def change_text(now: float, before: float | None) -> str:
    """The change of a figure as ↑n / ↓n / 持平 (— when there was no figure before)."""
    if before is None:
        return "—"
    delta = number(now - before)
    if delta == 0:
        return "持平"
    return f"↑{delta}" if delta > 0 else f"↓{number(-delta)}"


def dated_targets_section(
    now: Sequence[Kpi], at_deadline: Mapping[date, Sequence[Kpi]], on: date
) -> Section:
    """Each KPI against its dated target: the figure on its deadline if passed, else now."""
    rows: list[tuple[Cell, ...]] = []
    for kpi in now:
        deadline = kpi.deadline
        passed = deadline is not None and deadline <= on
        then = (
            next(k for k in at_deadline[deadline] if k.id == kpi.id)
            if passed and deadline is not None
            else None
        )
        measured = then if then is not None else kpi
        rows.append(
            (
                kpi.id,
                kpi.title_zh,
                None if deadline is None else deadline.isoformat(),
                number(kpi.target),
                number(measured.actual),
                percent(measured.actual, kpi.target),
                number(kpi.actual),
                _verdict(measured.actual, kpi.target, passed),
            )
        )
    return Section(
        key="dated_targets",
        title_zh="七、对照计划节点目标",
        headers=("编号", "指标", "节点期限", "目标", "节点时完成", "完成率(%)", "当前实际", "结论"),
        rows=tuple(rows),
        note_zh="节点已到的指标按节点当日的历史状态计算；未到的按报告日计算。",
    )


def _verdict(actual: float, target: float, passed: bool) -> str:
    """达标 / 未达标 for a passed deadline, 进行中 otherwise."""
    if actual >= target:
        return "达标"
    return "未达标" if passed else "进行中"
