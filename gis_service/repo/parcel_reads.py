"""Reads of parcels, current or as of a date, and of their history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import text
from sqlalchemy.orm import Session

from gis_service.parcels.fields import COLUMN_FIELDS
from gis_service.repo.sql_files import sql_file

# The columns of parcel_current and parcel_as_of() that a read returns, in the view's order
# (the geometry is selected apart, as GeoJSON); tests/test_field_table.py checks the view.
READ_COLUMNS: Final[tuple[str, ...]] = (
    "id",
    "code",
    *COLUMN_FIELDS,
    "milestones",
    "version",
    "updated_at",
)
_SELECT_LIST: Final = ", ".join(f"p.{column}" for column in READ_COLUMNS)


@dataclass(frozen=True)
class ParcelQuery:
    """Filters the database applies; None switches a filter off."""

    category: str | None = None
    stage: str | None = None
    community: str | None = None
    code: str | None = None
    q: str | None = None
    deadline_from: date | None = None
    deadline_to: date | None = None
    bbox: tuple[float, float, float, float] | None = None


def last_effective_date(session: Session) -> date | None:
    """The latest effective date of any recorded change."""
    return session.execute(text("SELECT max(effective_date) FROM parcel_event")).scalar()


def is_deleted(session: Session, code: str) -> bool:
    """Whether a parcel with this code existed and was (soft-)deleted."""
    statement = text(
        "SELECT EXISTS (SELECT 1 FROM parcel WHERE code = :code AND deleted_at IS NOT NULL)"
    )
    return bool(session.execute(statement, {"code": code}).scalar_one())


def select_parcels(
    session: Session, query: ParcelQuery, *, as_of: date | None = None, geometry: bool = True
) -> list[dict[str, Any]]:
    """Rows of the parcels matching the query, ordered by code, as of a date or current.

    For dates on or after the last recorded change the current table is read (cheaper, and
    the same state); before it, the state is folded from the events.
    """
    folded = as_of is not None and _before_last_change(session, as_of)
    # Folding one parcel's events is cheap; the code filter goes into the fold itself.
    source = "parcel_as_of(:as_of, :code)" if folded else "parcel_current"
    minlon, minlat, maxlon, maxlat = query.bbox or (None, None, None, None)
    params = {
        "as_of": as_of,
        "category": query.category,
        "stage": query.stage,
        "community": query.community,
        "code": query.code,
        "q": query.q,
        "deadline_from": query.deadline_from,
        "deadline_to": query.deadline_to,
        "minlon": minlon,
        "minlat": minlat,
        "maxlon": maxlon,
        "maxlat": maxlat,
    }
    outline = "ST_AsGeoJSON(p.geom, 6)::jsonb" if geometry else "NULL::jsonb"
    sql = sql_file("parcels_select").format(columns=_SELECT_LIST, source=source, geometry=outline)
    statement = text(sql)
    return [dict(row) for row in session.execute(statement, params).mappings()]


def select_parcel(
    session: Session, code: str, *, as_of: date | None = None
) -> dict[str, Any] | None:
    """One parcel by code, as of a date or current; None when it does not exist then."""
    rows = select_parcels(session, ParcelQuery(code=code), as_of=as_of)
    return rows[0] if rows else None


def select_history(session: Session, code: str) -> list[dict[str, Any]]:
    """Every event of a parcel (deleted ones included), newest first."""
    statement = text(
        """
        SELECT e.id, e.action, e.field, e.old_value, e.new_value, e.effective_date,
               e.recorded_at, e.actor, e.version
        FROM parcel_event AS e
        WHERE e.code = :code
        ORDER BY e.recorded_at DESC, e.id DESC
        """
    )
    return [dict(row) for row in session.execute(statement, {"code": code}).mappings()]


def select_last_changes(
    session: Session, *, as_of: date | None = None, code: str | None = None
) -> dict[str, dict[str, Any]]:
    """The latest update event (field, effective date, actor) of every parcel (or one), by code."""
    statement = text(
        """
        SELECT DISTINCT ON (e.code) e.code, e.field, e.effective_date, e.actor
        FROM parcel_event AS e
        WHERE e.action = 'update'
          AND (CAST(:as_of AS date) IS NULL OR e.effective_date <= :as_of)
          AND (CAST(:code AS text) IS NULL OR e.code = :code)
        ORDER BY e.code, e.effective_date DESC, e.id DESC
        """
    )
    rows = session.execute(statement, {"as_of": as_of, "code": code}).mappings()
    return {row["code"]: dict(row) for row in rows}


def _before_last_change(session: Session, as_of: date) -> bool:
    """Whether a date lies before the latest effective date of any change."""
    last = last_effective_date(session)
    return last is not None and as_of < last


def last_recorded_at(session: Session) -> datetime | None:
    """When the newest change of any parcel was written."""
    return session.execute(text("SELECT max(recorded_at) FROM parcel_event")).scalar()


def change_stamp(session: Session) -> tuple[int, datetime | None]:
    """The newest event's id and time: it moves with every write (parcel_event is append-only)."""
    row = session.execute(
        text("SELECT coalesce(max(id), 0), max(recorded_at) FROM parcel_event")
    ).one()
    return int(row[0]), row[1]
