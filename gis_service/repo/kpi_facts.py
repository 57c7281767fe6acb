"""The KPIs' read: only the fields their rules use, of the parcels their targets count."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from gis_service.repo.parcel_reads import ParcelQuery, before_last_change, source_relation
from gis_service.repo.sql_files import sql_file
from gis_service.rules.kpis import KPI_FIELDS, KPI_TARGETS, Parcel


def select_kpi_facts(
    session: Session, *, as_of: date | None, targets: frozenset[str] = KPI_TARGETS
) -> list[Parcel]:
    """KPI_FIELDS of every parcel with one of the plan targets, in code order, current or as
    of a date (folded from the events before the last change, as select_parcels reads)."""
    folded = as_of is not None and before_last_change(session, as_of)
    statement = text(
        sql_file("kpi_facts").format(
            columns=", ".join(f"p.{field}" for field in KPI_FIELDS),
            source=source_relation(ParcelQuery(), folded),
        )
    )
    result = session.execute(statement, {"as_of": as_of, "targets": sorted(targets)})
    # Plain tuples zipped with the names: SQLAlchemy's mappings cost more than the query.
    return [dict(zip(KPI_FIELDS, row, strict=True)) for row in result]
