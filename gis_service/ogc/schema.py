"""JSON Schema of each collection's features, linked from the collection as `describedby`.

GIS clients type their fields from it instead of guessing from the first page: GDAL's OAPIF
driver reads a `describedby` link of type application/schema+json, and without it a field
that is null on the first page (floor area of compounds, say) becomes text. Each property
has one `type` (no type lists) because GDAL reads `type` as a single string; every
property may be null, as the description says.
"""

from __future__ import annotations

from typing import Any, Final

from gis_service.ogc.documents import collection_title
from gis_service.ogc.query import COMMUNITIES
from gis_service.parcels.fields import FIELD_KINDS, Kind
from gis_service.rules.levels import Level
from gis_service.rules.stages import STAGES

_KIND_SCHEMAS: Final[dict[Kind, dict[str, Any]]] = {
    "text": {"type": "string"},
    "int": {"type": "integer"},
    "number": {"type": "number"},
    "date": {"type": "string", "format": "date"},
    "bool": {"type": "boolean"},
    "text_list": {"type": "array", "items": {"type": "string"}},
    "milestones": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "due_date": {"type": "string", "format": "date"},
                "done_on": {"type": "string", "format": "date"},
            },
        },
    },
}

# Properties beyond the stored fields (DESIGN.md "Names that other tools rely on").
_SERVICE_PROPERTIES: Final[dict[str, dict[str, Any]]] = {
    "version": {"type": "integer", "description": "Optimistic-locking version (ETag v<N>)."},
    "updated_at": {"type": "string", "format": "date-time"},
    "as_of": {"type": "string", "format": "date", "description": "Date of the risk fields."},
    "level": {"type": "string", "enum": [level.value for level in Level]},
    "planned_progress": {"type": "integer"},
    "days_left": {"type": "integer", "description": "Negative when overdue."},
    "completed_late": {"type": "boolean"},
    "last_change": {
        "type": "object",
        "properties": {
            "field": {"type": "string"},
            "effective_date": {"type": "string", "format": "date"},
            "actor": {"type": "string"},
        },
    },
}

_COMMUNITY_PROPERTIES: Final[dict[str, dict[str, Any]]] = {
    "name": {"type": "string"},
    "kind": {"type": "string", "enum": ["community", "urban_village"]},
    "illustrative": {"type": "boolean"},
}


def feature_schema(collection_id: str, *, schema_url: str) -> dict[str, Any]:
    """The JSON Schema of a Feature of the collection, properties in the order served."""
    return {
        "$id": schema_url,
        "title": collection_title(collection_id),
        "description": "A GeoJSON Feature; every property may be null where not applicable.",
        "type": "object",
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "string"},
            "geometry": {"type": "object", "description": "Polygon or MultiPolygon, CRS84."},
            "properties": {"type": "object", "properties": _properties(collection_id)},
        },
    }


def _properties(collection_id: str) -> dict[str, dict[str, Any]]:
    """The schemas of a collection's feature properties."""
    if collection_id == COMMUNITIES:
        return dict(_COMMUNITY_PROPERTIES)
    stored = {name: _KIND_SCHEMAS[kind] for name, kind in FIELD_KINDS.items() if kind != "geometry"}
    stored["category"] = {"type": "string", "enum": [collection_id]}
    stored["stage"] = {"type": "string", "enum": list(STAGES[collection_id])}
    return {"code": {"type": "string"}} | stored | _SERVICE_PROPERTIES
