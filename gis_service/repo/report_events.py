"""Reads of the change log for reports: the events of a period, and whole histories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session


def select_events_between(session: Session, start: date, end: date) -> list[dict[str, Any]]:
    """Every event whose effective date lies in [start, end], in the order they apply.

    The parcel's name is the one of its latest `name` event up to `end`, so a report of a
    past week names parcels as they were called then, even after a later rename.
    """
    statement = text(
        """
        SELECT e.id, e.code, e.action, e.field, e.old_value, e.new_value, e.effective_date,
               e.actor,
               (SELECT n.new_value #>> '{}' FROM parcel_event AS n
                WHERE n.code = e.code AND n.field = 'name' AND n.effective_date <= :end
                ORDER BY n.effective_date DESC, n.id DESC LIMIT 1) AS name,
               (SELECT c.new_value #>> '{}' FROM parcel_event AS c
                WHERE c.code = e.code AND c.field = 'category' AND c.effective_date <= :end
                ORDER BY c.effective_date DESC, c.id DESC LIMIT 1) AS category
        FROM parcel_event AS e
        WHERE e.effective_date BETWEEN :start AND :end
        ORDER BY e.effective_date, e.code, e.id
        """
    )
    rows = session.execute(statement, {"start": start, "end": end}).mappings()
    return [dict(row) for row in rows]


def select_events_of(session: Session, codes: Sequence[str], end: date) -> list[dict[str, Any]]:
    """The events up to `end` of some parcels (what the fold needs), oldest first."""
    statement = text(
        """
        SELECT e.id, e.code, e.action, e.field, e.new_value, e.effective_date
        FROM parcel_event AS e
        WHERE e.code = ANY(:codes) AND e.effective_date <= :end
        ORDER BY e.code, e.effective_date, e.id
        """
    )
    rows = session.execute(statement, {"codes": list(codes), "end": end}).mappings()
    return [dict(row) for row in rows]
