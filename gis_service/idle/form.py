"""What the in-page editor offers: fields, labels, kinds, and which a role may change.

Derived from the one field table (`gis_service.parcels.fields`: labels, kinds, categories,
investment edits) and the role rule (`gis_service.rules.roles.edit_refusal`), and handed to
the page as data, so the browser never keeps its own copy of a rule.
"""

from __future__ import annotations

from typing import Any, Final

from gis_service.parcels.fields import FIELDS, INVESTMENT_FIELDS
from gis_service.rules.roles import edit_refusal
from gis_service.rules.stages import CATEGORIES, STAGE_LABELS_ZH, STAGES

# Kinds a form input can hold; milestones, geometry and target lists have their own tools.
FORM_KINDS: Final = frozenset({"text", "int", "number", "date", "bool"})
# The category decides which stages exist, and `illustrative` is set by the sample loader.
NOT_IN_FORM: Final = frozenset({"category", "illustrative"})
FORM: Final = tuple(f for f in FIELDS if f.kind in FORM_KINDS and f.name not in NOT_IN_FORM)
FORM_FIELDS: Final[tuple[str, ...]] = tuple(f.name for f in FORM)


def field_table() -> list[dict[str, str]]:
    """Every form field in display order: name, Chinese label, kind."""
    return [{"name": f.name, "label": f.label_zh, "kind": f.kind} for f in FORM]


def editable_fields(role: str | None) -> dict[str, list[str]]:
    """Per category, the form fields of that category this role may change (none without one)."""
    if role is None:
        return {category: [] for category in CATEGORIES}
    return {
        category: [
            f.name for f in FORM if category in f.categories and _may_change(role, category, f.name)
        ]
        for category in CATEGORIES
    }


def _may_change(role: str, category: str, field: str) -> bool:
    """Whether the role may change this field of a parcel of this category."""
    refusal = edit_refusal(role, category, [field], investment_fields=INVESTMENT_FIELDS)
    return refusal is None


def stage_options() -> dict[str, list[dict[str, str]]]:
    """Per category, its stages in order with their Chinese labels (the only stages offered)."""
    return {
        category: [{"value": s, "label": STAGE_LABELS_ZH[category][s]} for s in STAGES[category]]
        for category in CATEGORIES
    }


def editor_config(role: str | None) -> dict[str, Any]:
    """Everything editor.js needs besides the parcel itself."""
    return {
        "fields": field_table(),
        "editable": editable_fields(role),
        "stages": stage_options(),
        "completed_stage": {category: STAGES[category][-1] for category in CATEGORIES},
    }
