"""HTML views of the OGC documents (the html conformance class): Jinja2, autoescaped, offline.

The pages load nothing from elsewhere (the intranet has no internet): styles are inline and
every link points back at this service.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from gis_service.parcels.fields import label_zh
from gis_service.rules.levels import LEVEL_LABELS_ZH, Level
from gis_service.rules.stages import CATEGORY_LABELS_ZH, STAGE_LABELS_ZH

if TYPE_CHECKING:  # Jinja2 loads with the first page rendered (issue 10 start-up)
    from jinja2 import Environment

LEVEL_VALUES: Final = frozenset(level.value for level in Level)
KIND_LABELS_ZH: Final[dict[str, str]] = {"community": "社区", "urban_village": "城中村"}
# The one property of a community that is not a parcel field.
COMMUNITY_LABELS_ZH: Final[dict[str, str]] = {"kind": "类型"}
# Columns of the items table, per kind of collection.
PARCEL_COLUMNS: Final = ("code", "name", "stage", "progress", "deadline", "community", "level")
COMMUNITY_COLUMNS: Final = ("name", "kind")


def label(field: str) -> str:
    """The Chinese label of a property name (the name itself when it has none)."""
    return COMMUNITY_LABELS_ZH.get(field) or label_zh(field)


def display(field: str, value: Any, properties: dict[str, Any]) -> str:
    """A property value as a reader wants it: Chinese labels for codes, JSON for nested data."""
    if value is None:
        return "—"
    if field == "category":
        return CATEGORY_LABELS_ZH.get(value, str(value))
    if field == "stage":
        return STAGE_LABELS_ZH.get(properties.get("category", ""), {}).get(value, str(value))
    if field == "level" and value in LEVEL_VALUES:
        return LEVEL_LABELS_ZH[Level(value)]
    if field == "kind":
        return KIND_LABELS_ZH.get(value, str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def render(template: str, **context: Any) -> str:
    """Render one of templates/ogc/*.html with the context (every value autoescaped)."""
    return _environment().get_template(template).render(**context)


@cache
def _environment() -> Environment:
    """The Jinja2 environment of the OGC pages; autoescape on for every template."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    environment = Environment(
        loader=PackageLoader("gis_service", "templates/ogc"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(label=label, display=display)
    return environment
