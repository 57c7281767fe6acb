"""The HTML history page of one parcel, for planners following a link from the map."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from gis_service.ogc.html import display, label
from gis_service.people.shell import Shell, render_page

ACTIONS_ZH: Final[dict[str, str]] = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "photo_added": "添加照片",
    "photo_removed": "删除照片",
}
PHOTO_FIELD: Final = "photo"
FACT_FIELDS: Final = ("category", "stage", "progress", "deadline", "completed_on", "community",
                      "responsible_unit", "responsible_person", "note")  # fmt: skip


def render_history(
    code: str,
    events: list[dict[str, Any]],
    current: dict[str, Any] | None,
    shell: Shell,
    photos: Sequence[dict[str, Any]] = (),
) -> str:
    """The page: current facts (when the parcel lives) and every event, newest first."""
    state = current or {}
    name = state.get("name") or _created_value(events, "name") or code
    context = state or {"category": _created_value(events, "category")}
    return render_page(
        "history.html",
        shell,
        as_of=None,
        code=code,
        name=name,
        deleted=current is None,
        facts=[(label(f), display(f, state.get(f), state)) for f in FACT_FIELDS if current],
        events=[_event_row(e, context) for e in events],
        photos=photos,
    )


def _event_row(event: dict[str, Any], context: dict[str, Any]) -> dict[str, str]:
    """One event as the table shows it: Chinese labels, readable values."""
    field = event["field"]
    recorded: datetime = event["recorded_at"]
    return {
        "effective_date": event["effective_date"].isoformat(),
        "recorded_at": recorded.strftime("%Y-%m-%d %H:%M"),
        "actor": event["actor"],
        "action": ACTIONS_ZH.get(event["action"], event["action"]),
        "field": "现场照片" if field == PHOTO_FIELD else label(field) if field else "—",
        "old": _readable(field, event["old_value"], context),
        "new": _readable(field, event["new_value"], context),
    }


def _readable(field: str | None, value: Any, context: dict[str, Any]) -> str:
    """A value of an event for people: milestones as a list, geometry as a note."""
    if field is None or value is None:
        return "—"
    if field == "geometry":
        return "（范围图形）"
    if field == PHOTO_FIELD:
        return f"照片 #{value.get('id')}" + (
            f"（{value['file_name']}）" if value.get("file_name") else ""
        )
    if field == "milestones":
        return (
            "；".join(
                f"{m['name']}（计划{m.get('due_date') or '—'}，完成{m.get('done_on') or '未完成'}）"
                for m in value
            )
            or "—"
        )
    return display(field, value, context)


def _created_value(events: list[dict[str, Any]], field: str) -> Any:
    """A field's value when the parcel was created."""
    for event in reversed(events):
        if event["action"] == "create" and event["field"] == field:
            return event["new_value"]
    return None
