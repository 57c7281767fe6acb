"""What the in-page editor offers: fields, labels, kinds, and which a role may change.

Derived from the one field table (`gis_service.fields`), the one label table and the one role
table (`gis_service.rules.roles.edit_refusal`), and handed to the page as data, so the
browser never keeps its own copy of a rule.
"""

from __future__ import annotations

from typing import Any, Final

from gis_service.fields import FIELD_KINDS
from gis_service.ogc.html import label
from gis_service.rules.roles import edit_refusal
from gis_service.rules.stages import CATEGORIES, STAGE_LABELS_ZH, STAGES

# Kinds a form input can hold; milestones, geometry and target lists have their own tools.
FORM_KINDS: Final = frozenset({"text", "int", "number", "date", "bool"})
# The category decides which stages exist, and `illustrative` is set by the sample loader.
NOT_IN_FORM: Final = frozenset({"category", "illustrative"})
FORM_FIELDS: Final[tuple[str, ...]] = tuple(
    name for name, kind in FIELD_KINDS.items() if kind in FORM_KINDS and name not in NOT_IN_FORM
)


def field_table() -> list[dict[str, str]]:
    """Every form field in display order: name, Chinese label, kind."""
    return [{"name": name, "label": label(name), "kind": FIELD_KINDS[name]} for name in FORM_FIELDS]


def editable_fields(role: str | None) -> dict[str, list[str]]:
    """Per category, the form fields this role may change (none without a role)."""
    if role is None:
        return {category: [] for category in CATEGORIES}
    return {
        category: [name for name in FORM_FIELDS if edit_refusal(role, category, [name]) is None]
        for category in CATEGORIES
    }


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
