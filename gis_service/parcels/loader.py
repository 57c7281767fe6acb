"""Loads the plan's sample data (communities, parcels with their dated history) into PostGIS.

Parcels are written through the data-access module, so their history becomes real events.
Running it again changes nothing when the files have not changed; a parcel whose file state
differs from the stored one gets one update, effective on the day of loading. A parcel that
was deleted (through the API) stays deleted: a reload does not bring it back, and the report
lists it (issue 8: it used to abort the whole load with "already exists").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from shapely.geometry import MultiPolygon, shape

from gis_service.parcels.fields import FIELD_KINDS, from_json_value, to_json_value
from gis_service.repo import communities, parcel_reads, parcel_writes

LOADER_ACTOR = "loader"


@dataclass
class LoadReport:
    """What one load did."""

    communities_changed: int = 0
    parcels_created: int = 0
    parcels_updated: int = 0
    parcels_unchanged: int = 0
    codes: list[str] = field(default_factory=list)
    left_deleted: list[str] = field(default_factory=list)


def load_folder(
    session: Session,
    folder: Path,
    *,
    today: date,
    progress: Callable[[int, int], None] | None = None,
) -> LoadReport:
    """Load communities.geojson then parcels.geojson from a folder, in the caller's transaction."""
    report = LoadReport()
    for feature in _features(folder / "communities.geojson"):
        props = feature["properties"]
        changed = communities.upsert_community(
            session,
            name=props["name"],
            kind=props.get("kind", "community"),
            illustrative=bool(props.get("illustrative", False)),
            geometry=feature["geometry"],
        )
        report.communities_changed += int(changed)
    parcels = _features(folder / "parcels.geojson")
    for done, feature in enumerate(parcels, start=1):
        _load_parcel(session, feature, today=today, report=report)
        if progress:
            progress(done, len(parcels))
    return report


def _load_parcel(
    session: Session, feature: dict[str, Any], *, today: date, report: LoadReport
) -> None:
    """Create a parcel from its history, or bring a stored one up to the file's state."""
    props = feature["properties"]
    code = props["code"]
    report.codes.append(code)
    stored = parcel_reads.select_parcel(session, code)
    if stored is None and parcel_reads.is_deleted(session, code):
        report.left_deleted.append(code)  # deleted on purpose: a reload must not undo that
        return
    if stored is None:
        _create_from_history(session, code, props, feature["geometry"])
        report.parcels_created += 1
        return
    wanted = _file_state(props, feature["geometry"])
    changes = {f: v for f, v in wanted.items() if _stored_json(stored, f) != _normal(f, v)}
    if not changes:
        report.parcels_unchanged += 1
        return
    parcel_writes.update_parcel(
        session,
        code=code,
        changes=_python_values(changes),
        actor=LOADER_ACTOR,
        effective_date=today,
    )
    report.parcels_updated += 1


def _create_from_history(
    session: Session, code: str, props: dict[str, Any], geometry: dict[str, Any]
) -> None:
    """Replay a parcel's dated history: the first entry creates it, the rest update it."""
    first, *later = props["history"]
    values = _python_values(first["changes"]) | {"geometry": geometry}
    parcel_writes.create_parcel(
        session,
        code=code,
        values=values,
        actor=first.get("actor", LOADER_ACTOR),
        effective_date=date.fromisoformat(first["effective_date"]),
    )
    for entry in later:
        parcel_writes.update_parcel(
            session,
            code=code,
            changes=_python_values(entry["changes"]),
            actor=entry.get("actor", LOADER_ACTOR),
            effective_date=date.fromisoformat(entry["effective_date"]),
        )


def _file_state(props: dict[str, Any], geometry: dict[str, Any]) -> dict[str, Any]:
    """The stored fields a file feature asks for (JSON form)."""
    state = {f: props.get(f) for f in FIELD_KINDS if f != "geometry"}
    state["geometry"] = geometry
    return state


def _stored_json(row: dict[str, Any], field: str) -> Any:
    """A stored row's field in comparable JSON form (geometry rounded like the files)."""
    return _normal(field, to_json_value(field, row[field]))


def _normal(field: str, value: Any) -> Any:
    """Comparable form: geometry as rounded MultiPolygon coordinates, numbers as floats."""
    if value is None:
        return None
    if field == "geometry":
        geom = shape(value)
        multi = geom if isinstance(geom, MultiPolygon) else MultiPolygon([geom])
        return json.dumps(_rounded(multi.__geo_interface__["coordinates"]))
    if FIELD_KINDS[field] == "number":
        return float(value)
    if FIELD_KINDS[field] == "milestones":
        return [to_json_value("milestones", [m])[0] for m in value]
    return value


def _rounded(coords: Any) -> Any:
    """Coordinates rounded to 6 decimals (about 0.1 m), the precision of the files."""
    if isinstance(coords, int | float):
        return round(float(coords), 6)
    return [_rounded(c) for c in coords]


def _python_values(changes: dict[str, Any]) -> dict[str, Any]:
    """File values (ISO dates) as the Python values the data-access module binds."""
    return {
        f: v if f == "geometry" else from_json_value(f, v)
        for f, v in changes.items()
        if f in FIELD_KINDS  # `code` names the parcel; it is not a change
    }


def _features(path: Path) -> list[dict[str, Any]]:
    """The features of a GeoJSON file."""
    with path.open(encoding="utf-8") as handle:
        return list(json.load(handle)["features"])
