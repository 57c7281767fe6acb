"""The HTML history page of one parcel, for planners following a link from the map."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, Final

from jinja2 import Environment, PackageLoader, select_autoescape

from gis_service.ogc.html import display, label

ACTIONS_ZH: Final[dict[str, str]] = {"create": "新建", "update": "修改", "delete": "删除"}
FACT_FIELDS: Final = ("category", "stage", "progress", "deadline", "completed_on", "community",
                      "responsible_unit", "responsible_person", "note")  # fmt: skip


def render_history(code: str, events: list[dict[str, Any]], current: dict[str, Any] | None) -> str:
    """The page: current facts (when the parcel lives) and every event, newest first."""
    state = current or {}
    name = state.get("name") or _created_value(events, "name") or code
    context = state or {"category": _created_value(events, "category")}
    page = _environment().get_template("history.html")
    return page.render(
        code=code,
        name=name,
        deleted=current is None,
        facts=[(label(f), display(f, state.get(f), state)) for f in FACT_FIELDS if current],
        events=[_event_row(e, context) for e in events],
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
        "field": label(field) if field else "—",
        "old": _readable(field, event["old_value"], context),
        "new": _readable(field, event["new_value"], context),
    }


def _readable(field: str | None, value: Any, context: dict[str, Any]) -> str:
    """A value of an event for people: milestones as a list, geometry as a note."""
    if field is None or value is None:
        return "—"
    if field == "geometry":
        return "（范围图形）"
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


@cache
def _environment() -> Environment:
    """Jinja2 for the pages; autoescape on, so stored text never becomes markup."""
    return Environment(
        loader=PackageLoader("gis_service", "templates/pages"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
