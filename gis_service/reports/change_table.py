"""What changed in the period: one row per recorded change (a new parcel is one row)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from gis_service.ogc.html import display, label
from gis_service.reports.model import Cell, Section

# The kinds of change the plan's weekly meeting asks about, most telling first.
KIND_STAGE: Final = "阶段推进"
KIND_DONE: Final = "完成"
KIND_DEADLINE: Final = "期限调整"
KIND_NEW: Final = "新增"
KIND_DELETED: Final = "删除"
KIND_OTHER: Final = "信息更新"

HEADERS: Final = ("生效日期", "编号", "名称", "变化", "字段", "原值", "新值", "操作人")


def change_kind(event: Mapping[str, Any]) -> str:
    """What sort of change an event is, in the meeting's words."""
    if event["action"] == "create":
        return KIND_NEW
    if event["action"] == "delete":
        return KIND_DELETED
    field = event["field"]
    if field == "stage":
        return KIND_STAGE
    if field == "completed_on" and event["new_value"] is not None:
        return KIND_DONE
    if field == "deadline":
        return KIND_DEADLINE
    return KIND_OTHER


def change_rows(events: Sequence[Mapping[str, Any]]) -> list[tuple[Cell, ...]]:
    """Table rows of events (in their order); a parcel's create events become one row."""
    rows: list[tuple[Cell, ...]] = []
    created: set[tuple[str, str]] = set()
    for event in events:
        day = event["effective_date"].isoformat()
        kind = change_kind(event)
        if kind == KIND_NEW:
            if (event["code"], day) in created:
                continue
            created.add((event["code"], day))
            rows.append((day, event["code"], event["name"], kind, "—", "—", "—", event["actor"]))
            continue
        field = event["field"]
        context = {"category": event.get("category")}
        rows.append(
            (
                day,
                event["code"],
                event["name"],
                kind,
                label(field) if field else "—",
                _value(field, event.get("old_value"), event.get("new_value"), context),
                _value(field, event["new_value"], event.get("old_value"), context),
                event["actor"],
            )
        )
    return rows


def change_section(events: Sequence[Mapping[str, Any]], period_word: str) -> Section:
    """The change list of the period, with a count per kind in its note."""
    rows = change_rows(events)
    counts: dict[str, int] = {}
    for row in rows:
        counts[str(row[3])] = counts.get(str(row[3]), 0) + 1
    order = (KIND_STAGE, KIND_DONE, KIND_DEADLINE, KIND_NEW, KIND_DELETED, KIND_OTHER)
    summary = "，".join(f"{kind}{counts[kind]}项" for kind in order if kind in counts)
    return Section(
        key="changes",
        title_zh=f"二、{period_word}变化",
        headers=HEADERS,
        rows=tuple(rows),
        note_zh=f"共{len(rows)}条记录：{summary}。" if rows else f"{period_word}无变更记录。",
    )


def _value(field: str | None, value: Any, other: Any, context: dict[str, Any]) -> str:
    """A value for people; milestones show only the ones that differ from the other side."""
    if field is None or value is None:
        return "—"
    if field == "geometry":
        return "（范围图形）"
    if field == "milestones":
        others = {_milestone_text(m) for m in other or []}
        changed = [_milestone_text(m) for m in value if _milestone_text(m) not in others]
        return "；".join(changed) or "—"
    return display(field, value, context)


def _milestone_text(milestone: Mapping[str, Any]) -> str:
    """One milestone as 名称（计划…，完成…）."""
    done = milestone.get("done_on") or "未完成"
    return f"{milestone.get('name')}（计划{milestone.get('due_date') or '—'}，完成{done}）"
