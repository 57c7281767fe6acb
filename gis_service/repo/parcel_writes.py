"""Writes of parcels: every change appends its events to parcel_event in the same transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gis_service.api.errors import Conflict, InvalidInput, NotFound, StaleVersion
from gis_service.parcels.fields import COLUMN_FIELDS, FIELD_KINDS, to_json_value

# Sentences for the constraints the database enforces, so a 422 names the rule that failed.
CONSTRAINT_MESSAGES: dict[str, tuple[str, str]] = {
    "parcel_code_key": ("code", "a parcel with this code already exists"),
    "parcel_code_check": ("code", "code must be 1–64 letters, digits, '.', '_' or '-'"),
    "parcel_name_check": ("name", "name must not be empty"),
    "parcel_category_check": ("category", "category is not one of the four kinds"),
    "parcel_stage_of_category": ("stage", "stage is not a stage of the parcel's category"),
    "parcel_progress_check": ("progress", "progress must be between 0 and 100"),
    "parcel_completed_has_date": ("completed_on", "a completed stage needs completed_on"),
    "parcel_deadline_after_start": ("deadline", "deadline is before start_date"),
    "parcel_vacant_within_floor": ("vacant_area_m2", "vacant area exceeds floor area"),
    "parcel_demolished_within_total": (
        "buildings_demolished",
        "buildings_demolished exceeds buildings_total",
    ),
    "parcel_geom_valid": ("geometry", "geometry is not valid"),
    "parcel_geom_in_service_area": ("geometry", "geometry lies outside the service area"),
    "parcel_community_fkey": ("community", "community is not a known community"),
}


def create_parcel(
    session: Session, *, code: str, values: dict[str, Any], actor: str, effective_date: date
) -> int:
    """Insert a parcel and its `create` events; returns its id."""
    columns = [f for f in COLUMN_FIELDS if f in values]
    names = ", ".join(["code", *columns, "geom", "created_by", "updated_by"])
    binds = ", ".join([":code", *(f":{f}" for f in columns), _GEOM_BIND, ":actor", ":actor"])
    params = {f: values[f] for f in columns} | {
        "code": code,
        "actor": actor,
        "geometry": json.dumps(values["geometry"]),
    }
    parcel_id: int = _guarded(
        session,
        lambda: session.execute(
            text(f"INSERT INTO parcel ({names}) VALUES ({binds}) RETURNING id"), params
        ).scalar_one(),
    )
    _replace_milestones(session, parcel_id, values.get("milestones") or [])
    stored = _stored_fields(session, parcel_id)
    initial = {"code": code} | {f: v for f, v in stored.items() if v is not None}
    created = [(field, None, value) for field, value in initial.items()]
    _append_events(session, parcel_id, code, "create", created, effective_date, actor, 1)
    return parcel_id


def update_parcel(
    session: Session,
    *,
    code: str,
    changes: dict[str, Any],
    actor: str,
    effective_date: date,
    expected_version: int | None = None,
) -> int:
    """Apply changes to a parcel, appending one event per changed field; returns the new version.

    The row is locked first, so two writers holding the same version cannot both pass the
    version check: the second waits, then sees the new version and gets StaleVersion.
    """
    parcel_id, version = _lock(session, code, expected_version)
    _check_in_order(session, parcel_id, effective_date)
    before = _stored_fields(session, parcel_id)
    columns = [f for f in COLUMN_FIELDS if f in changes]
    _write_columns(session, parcel_id, columns, changes, changes.get("geometry"))
    if "milestones" in changes:
        _replace_milestones(session, parcel_id, changes["milestones"] or [])
    after = _stored_fields(session, parcel_id)
    changed = [f for f in FIELD_KINDS if before.get(f) != after.get(f)]
    if not changed:
        return version
    new_version = version + 1
    session.execute(
        text(
            "UPDATE parcel SET version = :version, updated_at = now(), updated_by = :actor"
            " WHERE id = :id"
        ),
        {"version": new_version, "actor": actor, "id": parcel_id},
    )
    updated = [(field, before.get(field), after.get(field)) for field in changed]
    _append_events(session, parcel_id, code, "update", updated, effective_date, actor, new_version)
    return new_version


def delete_parcel(
    session: Session, *, code: str, actor: str, effective_date: date, expected_version: int | None
) -> None:
    """Soft-delete a parcel: it leaves current views; its history stays."""
    parcel_id, version = _lock(session, code, expected_version)
    _check_in_order(session, parcel_id, effective_date)
    session.execute(
        text(
            "UPDATE parcel SET deleted_at = now(), deleted_by = :actor, version = :version"
            " WHERE id = :id"
        ),
        {"actor": actor, "version": version + 1, "id": parcel_id},
    )
    deletion = [(None, None, None)]
    _append_events(session, parcel_id, code, "delete", deletion, effective_date, actor, version + 1)


_GEOM_BIND = "ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(:geometry), 4326))"


def _lock(session: Session, code: str, expected_version: int | None) -> tuple[int, int]:
    """Lock a live parcel's row and check its version; returns (id, version)."""
    row = session.execute(
        text("SELECT id, version FROM parcel WHERE code = :code AND deleted_at IS NULL FOR UPDATE"),
        {"code": code},
    ).first()
    if row is None:
        raise NotFound(f"no parcel with code {code!r}", field="code")
    if expected_version is not None and row.version != expected_version:
        raise StaleVersion(
            f"parcel {code} is at version {row.version}, not {expected_version}: "
            "read it again and reapply your change",
            current_version=row.version,
        )
    return int(row.id), int(row.version)


def _check_in_order(session: Session, parcel_id: int, effective_date: date) -> None:
    """Refuse a change dated before the parcel's latest recorded change.

    Facts are recorded in the order they became true, so the current row always equals the
    fold of the events and every "as of" view agrees with it (docs/data-model.md).
    """
    latest = session.execute(
        text("SELECT max(effective_date) FROM parcel_event WHERE parcel_id = :id"),
        {"id": parcel_id},
    ).scalar()
    if latest is not None and effective_date < latest:
        raise InvalidInput(
            f"effective_date {effective_date.isoformat()} is before this parcel's latest "
            f"recorded change ({latest.isoformat()}); record facts in the order they happened",
            field="effective_date",
        )


def _write_columns(
    session: Session,
    parcel_id: int,
    columns: list[str],
    values: dict[str, Any],
    geometry: dict[str, Any] | None,
) -> None:
    """UPDATE the given columns (names come from COLUMN_FIELDS, never from the client)."""
    assignments = [f"{column} = :{column}" for column in columns]
    params: dict[str, Any] = {c: values[c] for c in columns} | {"id": parcel_id}
    if geometry is not None:
        assignments.append(f"geom = {_GEOM_BIND}")
        params["geometry"] = json.dumps(geometry)
    if not assignments:
        return
    statement = text(f"UPDATE parcel SET {', '.join(assignments)} WHERE id = :id")
    _guarded(session, lambda: session.execute(statement, params))


def _replace_milestones(session: Session, parcel_id: int, milestones: list[dict[str, Any]]) -> None:
    """Replace a parcel's milestones with the given list, keeping its order."""
    session.execute(text("DELETE FROM milestone WHERE parcel_id = :id"), {"id": parcel_id})
    if not milestones:
        return
    rows = [
        {
            "parcel_id": parcel_id,
            "position": position,
            "name": milestone["name"],
            "due_date": milestone.get("due_date"),
            "done_on": milestone.get("done_on"),
        }
        for position, milestone in enumerate(milestones)
    ]
    session.execute(
        text(
            "INSERT INTO milestone (parcel_id, position, name, due_date, done_on)"
            " VALUES (:parcel_id, :position, :name, :due_date, :done_on)"
        ),
        rows,
    )


def _stored_fields(session: Session, parcel_id: int) -> dict[str, Any]:
    """Every field of a parcel as stored, in JSON form (the form events carry)."""
    row = (
        session.execute(
            text(
                "SELECT *, ST_AsGeoJSON(geom, 9)::jsonb AS geometry"
                " FROM parcel_current WHERE id = :id"
            ),
            {"id": parcel_id},
        )
        .mappings()
        .one()
    )
    return {field: to_json_value(field, row[field]) for field in FIELD_KINDS}


def _append_events(
    session: Session,
    parcel_id: int,
    code: str,
    action: str,
    changes: Sequence[tuple[str | None, Any, Any]],
    effective_date: date,
    actor: str,
    version: int,
) -> None:
    """Append one event row per (field, old, new), in one round trip (executemany)."""
    rows = [
        {
            "parcel_id": parcel_id,
            "code": code,
            "action": action,
            "field": field,
            "old": None if old is None else json.dumps(old, ensure_ascii=False),
            "new": None if new is None else json.dumps(new, ensure_ascii=False),
            "effective_date": effective_date,
            "actor": actor,
            "version": version,
        }
        for field, old, new in changes
    ]
    session.execute(
        text(
            """
            INSERT INTO parcel_event
                (parcel_id, code, action, field, old_value, new_value,
                 effective_date, actor, version)
            VALUES
                (:parcel_id, :code, :action, :field, CAST(:old AS jsonb), CAST(:new AS jsonb),
                 :effective_date, :actor, :version)
            """
        ),
        rows,
    )


def _guarded(session: Session, write: Any) -> Any:
    """Run a write in a savepoint, turning constraint violations into 4xx errors."""
    try:
        with session.begin_nested():
            return write()
    except IntegrityError as error:
        raise _client_error(error) from None


def _client_error(error: IntegrityError) -> InvalidInput | Conflict:
    """The client-safe error for a violated constraint, naming the field."""
    name = getattr(getattr(error.orig, "diag", None), "constraint_name", None) or ""
    field, sentence = CONSTRAINT_MESSAGES.get(name, (None, f"the data break rule {name or '?'}"))
    if name == "parcel_code_key":
        return Conflict(sentence, field=field)
    return InvalidInput(sentence, field=field, constraint=name or None)
