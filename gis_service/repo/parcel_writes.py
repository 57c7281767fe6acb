"""Writes of parcels: every change appends its events to parcel_event in the same transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gis_service.api.errors import Conflict, InvalidInput, NotFound, StaleVersion
from gis_service.api.preconditions import etag
from gis_service.parcels.fields import COLUMN_FIELDS, FIELD_KINDS, to_json_value
from gis_service.repo.parcel_reads import (
    LAST_COLUMNS,
    READ_COLUMNS,
    last_change_join,
    pop_last_change,
)
from gis_service.repo.sql_files import sql_file

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
    "parcel_buildings_total_check": ("buildings_total", "buildings_total must not be negative"),
    "parcel_buildings_demolished_check": (
        "buildings_demolished",
        "buildings_demolished must not be negative",
    ),
    "parcel_households_check": ("households", "households must not be negative"),
    "parcel_floor_area_m2_check": ("floor_area_m2", "floor_area_m2 must not be negative"),
    "parcel_vacant_area_m2_check": ("vacant_area_m2", "vacant_area_m2 must not be negative"),
    "parcel_investment_wan_check": ("investment_wan", "investment_wan must not be negative"),
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
    append_events(session, parcel_id, code, "create", created, effective_date, actor, 1)
    return parcel_id


@dataclass(frozen=True)
class LockedParcel:
    """A live parcel read under its row lock: its fields as stored and in JSON form."""

    id: int
    code: str
    version: int
    row: dict[str, Any]
    state: dict[str, Any]


def lock_parcel(
    session: Session, code: str, *, expected_version: int | None, effective_date: date
) -> LockedParcel:
    """Lock a live parcel's row and read it once; check its version and the change's date.

    The row is locked first, so two writers holding the same version cannot both pass the
    version check: the second waits, then sees the new version and gets StaleVersion.
    """
    found = session.execute(_lock_statement(), {"code": code}).mappings().first()
    if found is None:
        raise NotFound(f"no parcel with code {code!r}", field="code")
    row = dict(found)
    if expected_version is not None and row["version"] != expected_version:
        current = int(row["version"])
        raise StaleVersion(
            f"parcel {code} changed since your read: it is at version {current} "
            f"(ETag {etag(current)}); read it again and reapply your change",
            field="If-Match",
            current_version=current,
            etag=etag(current),
        )
    _check_in_order(row.pop("latest_effective_date"), effective_date)
    row["last_change"] = pop_last_change(row)
    state = {field: to_json_value(field, row[field]) for field in FIELD_KINDS}
    return LockedParcel(
        id=int(row["id"]), code=code, version=int(row["version"]), row=row, state=state
    )


def write_changes(
    session: Session,
    locked: LockedParcel,
    *,
    changes: dict[str, Any],
    actor: str,
    effective_date: date,
    savepoint: bool = True,
) -> tuple[int, dict[str, Any]]:
    """Write the fields that differ and append their events; (new version, row as written).

    One UPDATE … RETURNING with its event INSERT in the same statement; milestones, when
    changed, add a DELETE and an INSERT. Nothing is written when nothing differs. Without
    `savepoint` a refused write leaves the transaction failed: for callers that end it on
    the error anyway (a request, a row of an import in its own savepoint).
    """
    changed = {f: v for f, v in changes.items() if _differs(f, v, locked.state.get(f))}
    if not changed:
        return locked.version, locked.row
    if "milestones" in changed:
        _replace_milestones(session, locked.id, changed["milestones"] or [])
    columns = [f for f in COLUMN_FIELDS if f in changed]
    assignments = [f"{column} = :{column}" for column in columns]
    params: dict[str, Any] = {c: changed[c] for c in columns}
    guard = ""
    if "geometry" in changed:
        assignments.append(f"geom = {_GEOM_BIND}")
        params["geometry"] = json.dumps(changed["geometry"])
        others = [f for f in changed if f != "geometry"]
        if not others:  # a resent outline may be the same once stored: then it is no change
            guard = f"AND ST_AsGeoJSON(geom, 9) IS DISTINCT FROM ST_AsGeoJSON({_GEOM_BIND}, 9)"
    events = [
        {"field": f, "old": locked.state.get(f), "new": to_json_value(f, changed[f])}
        for f in FIELD_KINDS
        if f in changed
    ]
    statement = _update_statement(tuple(assignments), guard)
    params |= {
        "id": locked.id,
        "actor": actor,
        "effective_date": effective_date,
        "changes": json.dumps(events, ensure_ascii=False),
    }
    written = _guarded(
        session, lambda: session.execute(statement, params).mappings().first(), savepoint
    )
    if written is None:
        return locked.version, locked.row
    last = {"field": events[-1]["field"], "effective_date": effective_date, "actor": actor}
    milestones = changed["milestones"] if "milestones" in changed else locked.row["milestones"]
    row = dict(written) | {"milestones": milestones or [], "last_change": last}
    return int(row["version"]), row


def update_parcel(
    session: Session,
    *,
    code: str,
    changes: dict[str, Any],
    actor: str,
    effective_date: date,
    expected_version: int | None = None,
) -> int:
    """Apply changes to a parcel, appending one event per changed field; returns the new version."""
    locked = lock_parcel(
        session, code, expected_version=expected_version, effective_date=effective_date
    )
    version, _ = write_changes(
        session, locked, changes=changes, actor=actor, effective_date=effective_date
    )
    return version


def delete_parcel(
    session: Session, *, code: str, actor: str, effective_date: date, expected_version: int | None
) -> None:
    """Soft-delete a parcel: it leaves current views; its history stays."""
    locked = lock_parcel(
        session, code, expected_version=expected_version, effective_date=effective_date
    )
    parcel_id, version = locked.id, locked.version
    session.execute(
        text(
            "UPDATE parcel SET deleted_at = now(), deleted_by = :actor, version = :version"
            " WHERE id = :id"
        ),
        {"actor": actor, "version": version + 1, "id": parcel_id},
    )
    deletion = [(None, None, None)]
    append_events(session, parcel_id, code, "delete", deletion, effective_date, actor, version + 1)


_STAMP = ("version = version + 1", "updated_at = now()", "updated_by = :actor")
_GEOM_BIND = "ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(:geometry), 4326))"


# The statements are built once (per set of changed columns): building a TextClause parses its
# binds again, and an edit's Python time is what limits writes (issue 10 goal 5).
@cache
def _lock_statement() -> TextClause:
    """The locked read of a live parcel by code (parcel_lock.sql)."""
    return text(
        sql_file("parcel_lock").format(
            columns=_columns("p", [c for c in READ_COLUMNS if c != "milestones"]),
            last=last_change_join("p", until_as_of=False),
            last_columns=LAST_COLUMNS,
        )
    )


@cache
def _update_statement(assignments: tuple[str, ...], guard: str) -> TextClause:
    """The update of these columns with its events (parcel_update.sql)."""
    return text(
        sql_file("parcel_update").format(
            assignments=", ".join([*assignments, *_STAMP]),
            guard=guard,
            columns=_columns("u", ("id", "code", *COLUMN_FIELDS)),
        )
    )


def _check_in_order(latest: date | None, effective_date: date) -> None:
    """Refuse a change dated before the parcel's latest recorded change.

    Facts are recorded in the order they became true, so the current row always equals the
    fold of the events and every "as of" view agrees with it (docs/data-model.md).
    """
    if latest is not None and effective_date < latest:
        raise InvalidInput(
            f"effective_date {effective_date.isoformat()} is before this parcel's latest "
            f"recorded change ({latest.isoformat()}); record facts in the order they happened",
            field="effective_date",
        )


def _differs(field: str, new: Any, current_json: Any) -> bool:
    """Whether a value differs from the stored one (JSON form); numbers compare by value."""
    new_json = to_json_value(field, new)
    if FIELD_KINDS[field] == "number" and new_json is not None and current_json is not None:
        return float(new_json) != float(current_json)
    return bool(new_json != current_json)


def _columns(alias: str, names: Sequence[str]) -> str:
    """A select list of the given columns of an alias."""
    return ", ".join(f"{alias}.{name}" for name in names)


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


def append_events(
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


def _guarded(session: Session, write: Any, savepoint: bool = True) -> Any:
    """Run a write (in a savepoint unless told), turning constraint violations into 4xx errors."""
    try:
        if not savepoint:
            return write()
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
