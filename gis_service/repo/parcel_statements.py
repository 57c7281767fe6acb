"""A statement of sql/*.sql over the parcels matching a query as of a date, values bound."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session

from gis_service.repo.parcel_reads import (
    ParcelQuery,
    before_last_change,
    filter_params,
    source_relation,
    threshold_params,
    where_clause,
)
from gis_service.repo.sql_files import sql_file
from gis_service.rules.levels import RiskThresholds


def as_of_statement(
    session: Session,
    name: str,
    query: ParcelQuery,
    *,
    on: date,
    thresholds: RiskThresholds,
    folded: bool | None = None,
) -> tuple[TextClause, dict[str, Any]]:
    """sql/NAME.sql with <source> (current view or fold) and <where> filled in, and its values:
    the filters, the date (`:as_of`, `:on`) and the risk thresholds. `folded` (whether `on`
    lies before the last change) is asked of the database unless the caller knows it."""
    if folded is None:
        folded = before_last_change(session, on)
    statement = text(
        sql_file(name).format(source=source_relation(query, folded), where=where_clause(query))
    )
    params = filter_params(query) | {"as_of": on, "on": on} | threshold_params(thresholds)
    return statement, params
