"""OpenAPI text of the /ogc endpoints: responses and request bodies read outside pydantic."""

from __future__ import annotations

from typing import Any, Final

from gis_service.api.error_responses import error_responses

PARAMETER_ERROR: Final[dict[str, Any]] = {  # content: ErrorBody (api/openapi_fixes.py)
    "description": "A query parameter is unknown or malformed (OGC 17-069r4 7.15); "
    "`field` names it.",
}
READ_ERRORS: Final = error_responses(401, 404) | {400: PARAMETER_ERROR}
JSON_OR_HTML: Final[dict[int | str, dict[str, Any]]] = {
    200: {"content": {"application/json": {}, "text/html": {}}},
}
GEOJSON_OR_HTML: Final[dict[int | str, dict[str, Any]]] = {
    200: {"content": {"application/geo+json": {}, "text/html": {}}},
}
SCHEMA_RESPONSE: Final[dict[int | str, dict[str, Any]]] = {
    200: {"content": {"application/schema+json": {}}},
}
READ_ONLY_COLLECTION: Final[dict[int | str, dict[str, Any]]] = {
    405: {"description": "The communities collection is read-only."}
}
FEATURE_BODY: Final = {
    "requestBody": {
        "required": True,
        "content": {
            media: {"schema": {"type": "object", "description": "A GeoJSON Feature."}}
            for media in ("application/geo+json", "application/json")
        },
    }
}
PATCH_BODY: Final = {
    "requestBody": {
        "required": True,
        "content": {
            media: {"schema": {"type": "object", "description": "RFC 7396 merge patch."}}
            for media in ("application/merge-patch+json", "application/json")
        },
    }
}
