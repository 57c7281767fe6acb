"""Parcel input: JSON bodies parsed strictly, Features and merge patches turned into field values.

Pure (no I/O). Every refusal is an InvalidInput (422) or MalformedBody (400) whose sentence and
`field` name the member at fault. Field values come out as the data-access module binds them
(dates as `date`; geometry as a GeoJSON MultiPolygon from `geometry_input`).

Properties the service computes or keeps (`version`, `level`, `as_of`, ...) are ignored in
input, so a Feature read from the API can be sent back as it is.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from gis_service.api.errors import InvalidInput, MalformedBody
from gis_service.parcels.fields import COMPUTED_FIELDS, FIELD_KINDS, ISO_DATE, SYSTEM_FIELDS
from gis_service.rules.stages import CATEGORIES, STAGES
from gis_service.rules.text import is_blank

if TYPE_CHECKING:  # shapely and pyproj load with the first geometry, not at start-up (issue 10)
    from gis_service.parcels.geometry_input import ServiceArea

# Properties clients may send but never set: kept by the service or computed per request.
READ_ONLY: Final[frozenset[str]] = frozenset({*SYSTEM_FIELDS, *COMPUTED_FIELDS, "last_change"})
WRITABLE: Final[tuple[str, ...]] = tuple(f for f in FIELD_KINDS if f != "geometry")
REQUIRED: Final[tuple[str, ...]] = ("name", "category", "stage")
# Stored NOT NULL with a default: omitted on create, refused as null on update.
NOT_NULL: Final[frozenset[str]] = frozenset({*REQUIRED, "progress", "plan_targets", "illustrative"})
FEATURE_MEMBERS: Final[frozenset[str]] = frozenset({"type", "id", "properties", "geometry", "bbox"})
CODE_PATTERN: Final = re.compile(r"[A-Za-z0-9_.-]{1,64}")
MAX_INT: Final = 2_147_483_647  # PostgreSQL integer
MAX_NUMBER: Final = 1e12
MAX_TEXT: Final = 10_000
_ISO_DATE: Final = re.compile(ISO_DATE)


class _NotJson(ValueError):
    """A constant or number JSON does not allow (NaN, Infinity, overflowing floats)."""


@dataclass(frozen=True)
class ParcelInput:
    """Field values to write (python form) and what was repaired on the geometry."""

    values: dict[str, Any]
    repairs: tuple[str, ...] = ()


def parse_json(raw: bytes) -> Any:
    """A JSON body parsed strictly (RFC 8259): NaN, Infinity, overflowing numbers and repeated
    keys (RFC 8259 section 4: names SHOULD be unique; issue 8) refused."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedBody(f"body is not UTF-8 (byte {error.start})", field="body") from None
    if not text.strip():
        raise MalformedBody("body is empty; send a JSON object", field="body")
    try:
        return json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise MalformedBody(
            f"body is not valid JSON: {error.msg} at {where}", field="body"
        ) from None
    except _NotJson as error:
        raise MalformedBody(f"body is not valid JSON: {error}", field="body") from None
    except (ValueError, RecursionError):
        raise MalformedBody(
            "body is not valid JSON: a number or nesting is too large", field="body"
        ) from None


def parse_iso_date(value: object, field: str, *, at: str | None = None) -> date:
    """A date from `YYYY-MM-DD` text; InvalidInput naming the field (at `at`) otherwise."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass  # 2021-02-30: the right shape, but no such day
    where = at or field
    raise InvalidInput(f"{where} must be an ISO date YYYY-MM-DD, got {safe(value)}", field=field)


def new_parcel(body: Any, *, area: ServiceArea, repair: bool = False) -> tuple[str, ParcelInput]:
    """The code and values of a new parcel from a GeoJSON Feature (POST, OGC create)."""
    properties = feature_properties(body)
    code = properties.get("code")
    if not isinstance(code, str) or not CODE_PATTERN.fullmatch(code):
        raise InvalidInput(
            "properties.code must be 1–64 letters, digits, '.', '_' or '-'", field="code"
        )
    _check_id(body, code)
    state = {f: properties.get(f) for f in WRITABLE}
    missing = [f for f in REQUIRED if state[f] is None]
    if missing:
        raise InvalidInput(f"properties need {', '.join(missing)}", field=missing[0])
    values = field_values(state, [f for f in WRITABLE if f in properties])
    geometry = _geometry(body, area=area, repair=repair)
    return code, ParcelInput(values | {"geometry": geometry.geometry}, geometry.repairs)


def feature_properties(body: Any) -> dict[str, Any]:
    """The properties of a Feature body, checked for unknown names; read-only ones dropped."""
    if not isinstance(body, dict):
        raise InvalidInput("body must be a GeoJSON Feature object", field="body")
    _check_members(body)
    if body.get("type", "Feature") != "Feature":
        raise InvalidInput(f"type must be 'Feature', not {safe(body.get('type'))}", field="type")
    properties = body.get("properties", {})
    if not isinstance(properties, dict):
        raise InvalidInput("properties must be an object", field="properties")
    unknown = sorted(set(properties) - set(WRITABLE) - READ_ONLY)
    if unknown:
        names = ", ".join(safe(name) for name in unknown)
        raise InvalidInput(f"unknown properties: {names}", field=safe_name(unknown[0]))
    code = properties.get("code")
    return {k: v for k, v in properties.items() if k not in READ_ONLY} | {"code": code}


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396: the target with the patch applied (null removes; objects merge; rest replaces)."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def patched_values(
    code: str, current: dict[str, Any], patch: Any, *, area: ServiceArea, repair: bool = False
) -> ParcelInput:
    """The fields a merge patch changes on a parcel whose current state (JSON form) is given.

    Only fields whose value actually differs are returned, so a Feature sent back unchanged
    changes nothing (and asks for no permission).
    """
    properties = feature_properties(patch)
    _check_id(patch, code)
    if properties.get("code") not in (None, code):
        raise InvalidInput(f"code cannot change (it is {code})", field="code")
    asked = {f: merge_patch(current.get(f), properties[f]) for f in WRITABLE if f in properties}
    values = field_values(current | asked, list(asked))
    changes = {f: v for f, v in values.items() if _differs(f, v, current.get(f))}
    if "geometry" not in patch:
        return ParcelInput(changes)
    if patch["geometry"] is None:
        raise InvalidInput("geometry cannot be removed", field="geometry")
    merged = merge_patch(current.get("geometry"), patch["geometry"])
    from gis_service.parcels.geometry_input import clean_geometry

    geometry = clean_geometry(merged, area=area, repair=repair)
    if _same_shape(geometry.geometry, current.get("geometry")):
        return ParcelInput(changes, geometry.repairs)
    return ParcelInput(changes | {"geometry": geometry.geometry}, geometry.repairs)


def replacement_values(
    code: str, current: dict[str, Any], body: Any, *, area: ServiceArea, repair: bool = False
) -> ParcelInput:
    """The fields a full replacement (PUT) changes: absent properties become null or default."""
    properties = feature_properties(body)
    defaults = {"progress": 0, "plan_targets": [], "illustrative": False, "milestones": []}
    if properties.get("code") not in (None, code):
        raise InvalidInput(f"code cannot change (it is {code})", field="code")
    full = {f: properties.get(f, defaults.get(f)) for f in WRITABLE}
    patch = {k: v for k, v in body.items() if k != "properties"} | {"properties": full}
    if "geometry" not in body or body["geometry"] is None:
        raise InvalidInput("a replacement needs its geometry", field="geometry")
    # A merge patch of scalar fields replaces them; nulls clear them, as a PUT must.
    return patched_values(code, current, patch, area=area, repair=repair)


def field_values(state: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """The given fields of a state (JSON form) validated into python values."""
    values = {f: field_value(f, state.get(f)) for f in fields}
    check_stage(state)
    return values


def field_value(field: str, value: Any) -> Any:
    """One property's JSON value checked and converted (dates become `date`)."""
    if value is None:
        if field in NOT_NULL:
            raise InvalidInput(f"{field} cannot be null", field=field)
        return None
    kind = FIELD_KINDS[field]
    if kind == "text":
        # An emptied form field clears an optional text; required texts must not be blank.
        if isinstance(value, str) and is_blank(value) and field not in NOT_NULL:
            return None
        return _text(value, field)
    if kind in ("int", "number"):
        return _number(value, field, whole=kind == "int")
    if kind == "date":
        return parse_iso_date(value, field)
    if kind == "bool":
        if not isinstance(value, bool):
            raise InvalidInput(f"{field} must be true or false, got {safe(value)}", field=field)
        return value
    if kind == "text_list":
        if not isinstance(value, list) or len(value) > 50:
            raise InvalidInput(f"{field} must be an array of at most 50 texts", field=field)
        return [_text(item, f"{field}[{i}]", parent=field) for i, item in enumerate(value)]
    return _milestones(value, field)


def check_stage(state: dict[str, Any]) -> None:
    """Refuse a category that is not one of the four, or a stage not of the category."""
    category, stage = state.get("category"), state.get("stage")
    if category not in CATEGORIES:
        raise InvalidInput(
            f"category must be one of {', '.join(CATEGORIES)}, got {safe(category)}",
            field="category",
        )
    if stage not in STAGES[category]:
        raise InvalidInput(
            f"stage {safe(stage)} is not a stage of {category} ({', '.join(STAGES[category])})",
            field="stage",
        )


def _text(value: Any, field: str, *, parent: str | None = None) -> str:
    """A text without NUL bytes or lone surrogates, not blank, at most MAX_TEXT characters."""
    name = parent or field
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be a text, got {safe(value)}", field=name)
    if "\x00" in value:
        raise InvalidInput(f"{field} contains a NUL character", field=name)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(
            f"{field} contains a lone surrogate (not Unicode text)", field=name
        ) from None
    if is_blank(value) or len(value) > MAX_TEXT:
        raise InvalidInput(f"{field} must be 1–{MAX_TEXT} characters, not blank", field=name)
    return value


def _number(value: Any, field: str, *, whole: bool) -> int | float:
    """A non-negative finite number (a whole one for integer fields) within the stored range."""
    ok = isinstance(value, int) if whole else isinstance(value, int | float)
    if isinstance(value, bool) or not ok:
        kind = "a whole number" if whole else "a number"
        raise InvalidInput(f"{field} must be {kind}, got {safe(value)}", field=field)
    top = 100 if field == "progress" else (MAX_INT if whole else MAX_NUMBER)
    # Compare before isfinite: a huge JSON integer does not convert to float.
    if not (0 <= value <= top and math.isfinite(value)):
        raise InvalidInput(f"{field} must be between 0 and {top:g}, got {safe(value)}", field=field)
    return int(value) if whole else float(value)


def _milestones(value: Any, field: str) -> list[dict[str, Any]]:
    """Milestones: an array of {name, due_date, done_on} with ISO dates or null."""
    if not isinstance(value, list) or len(value) > 100:
        raise InvalidInput(f"{field} must be an array of at most 100 objects", field=field)
    result = []
    for i, item in enumerate(value):
        at = f"{field}[{i}]"
        if not isinstance(item, dict):
            raise InvalidInput(f"{at} must be an object", field=field)
        unknown = sorted(set(item) - {"name", "due_date", "done_on"})
        if unknown:
            raise InvalidInput(
                f"{at} has unknown members: {', '.join(map(safe, unknown))}", field=field
            )
        dates = {
            k: _milestone_date(item.get(k), f"{at}.{k}", field) for k in ("due_date", "done_on")
        }
        result.append({"name": _text(item.get("name"), f"{at}.name", parent=field)} | dates)
    return result


def _milestone_date(value: Any, at: str, field: str) -> date | None:
    """A milestone's date or None; the error names the milestones field."""
    return None if value is None else parse_iso_date(value, field, at=at)


def _geometry(body: dict[str, Any], *, area: ServiceArea, repair: bool) -> Any:
    """The cleaned geometry of a Feature body (required)."""
    if body.get("geometry") is None:
        raise InvalidInput("a parcel needs a geometry (Polygon or MultiPolygon)", field="geometry")
    from gis_service.parcels.geometry_input import clean_geometry

    return clean_geometry(body["geometry"], area=area, repair=repair)


def _check_members(body: dict[str, Any]) -> None:
    """Refuse top-level members a Feature (or its merge patch) does not have."""
    unknown = sorted(set(body) - FEATURE_MEMBERS)
    if unknown:
        names = ", ".join(safe(name) for name in unknown)
        raise InvalidInput(
            f"unknown members: {names} (a Feature has type, id, properties, geometry)",
            field=safe_name(unknown[0]),
        )


def _check_id(body: dict[str, Any], code: str) -> None:
    """A Feature's id, when given, must be the parcel's code."""
    if body.get("id") not in (None, code):
        raise InvalidInput(f"id {safe(body.get('id'))} is not the parcel's code {code}", field="id")


def _differs(field: str, new: Any, current_json: Any) -> bool:
    """Whether a validated value differs from the current one (JSON form)."""
    if FIELD_KINDS[field] == "number" and new is not None and current_json is not None:
        return float(new) != float(current_json)
    if FIELD_KINDS[field] == "date":
        return bool((None if new is None else new.isoformat()) != current_json)
    if FIELD_KINDS[field] == "milestones":
        current = [
            {k: m.get(k) for k in ("name", "due_date", "done_on")} for m in current_json or []
        ]
        return [{**m, **_iso_dates(m)} for m in new or []] != current
    return bool(new != current_json)


def _iso_dates(milestone: dict[str, Any]) -> dict[str, str | None]:
    """A milestone's dates as ISO text."""
    return {
        k: None if milestone[k] is None else milestone[k].isoformat()
        for k in ("due_date", "done_on")
    }


def _same_shape(new: dict[str, Any], current: Any) -> bool:
    """Whether two GeoJSON geometries cover the same points (a resent geometry is no change)."""
    if not isinstance(current, dict):
        return False
    from shapely.geometry import shape

    return bool(shape(new).equals(shape(current)))


def _refuse_constant(name: str) -> Any:
    """json.loads hook: NaN, Infinity and -Infinity are not JSON (RFC 8259 section 6)."""
    raise _NotJson(f"{name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json.loads hook: an object whose keys repeat is refused, not read as "last one wins"."""
    seen: set[str] = set()
    for key, _value in pairs:
        if key in seen:
            raise MalformedBody(
                f"body has the key {safe(key)} twice; each key may appear once", field="body"
            )
        seen.add(key)
    return dict(pairs)


def _finite_float(text: str) -> float:
    """json.loads hook: a float that does not overflow to infinity."""
    number = float(text)
    if not math.isfinite(number):
        raise _NotJson(f"{text[:20]} is too large for a number")
    return number


def safe(value: object) -> str:
    """A value quoted for an error sentence: short, and encodable even with lone surrogates."""
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def safe_name(name: str) -> str:
    """A client-sent name made safe to echo as the `field` of an error."""
    return name[:64].encode("utf-8", "backslashreplace").decode("utf-8")
