"""Set-based writes of many new parcels: COPY into a staging table, check in SQL, two INSERTs.

The bulk path of `gis_service.transfer.bulk`: the same rules as the table's constraints and
the same `create` events as `parcel_writes.create_parcel`, for a whole file at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Final

from sqlalchemy import text
from sqlalchemy.orm import Session

from gis_service.repo.sql_files import sql_file
from gis_service.rules.stages import CATEGORIES, STAGES

STAGED_COLUMNS: Final[tuple[str, ...]] = (
    "row_number", "code", "name", "category", "stage", "progress", "start_date", "deadline",
    "completed_on", "community", "responsible_unit", "responsible_person", "buildings_total",
    "buildings_demolished", "households", "floor_area_m2", "vacant_area_m2", "investment_wan",
    "committee_formed_on", "intended_tenant", "contact", "note", "geom",
)  # fmt: skip


def stage_rows(session: Session, rows: Iterable[Sequence[Any]]) -> None:
    """Create the staging table and COPY the rows into it (geometry as EWKB hex, SRID 4326)."""
    _copy_into(session, "import_staging", rows)
    # Fresh statistics, so the checks plan hash joins rather than loops over the staged rows.
    session.execute(text("ANALYZE import_staging"))


def refused_rows(session: Session) -> list[dict[str, Any]]:
    """Every rule a staged row breaks: row number, field, value, reason (at most 1000)."""
    pairs = [(c, s) for c in CATEGORIES for s in STAGES[c]]
    params = {
        "categories": [c for c, _ in pairs],
        "stages": [s for _, s in pairs],
        "last_stages": [STAGES[c][-1] for c in CATEGORIES],  # the last stage is completed
    }
    result = session.execute(text(sql_file("bulk_refusals")), params).mappings()
    return [dict(row) for row in result]


def insert_staged(session: Session, *, actor: str, effective_date: date) -> int:
    """Insert every staged row as a parcel, then its `create` events; returns parcels written."""
    session.execute(
        text(sql_file("bulk_insert")), {"actor": actor, "effective_date": effective_date}
    )
    count = session.execute(text("SELECT count(*) FROM import_staging")).scalar_one()
    return int(count)


def copy_bare(session: Session, rows: Iterable[Sequence[Any]]) -> None:
    """COPY rows into a bare temporary table of the same columns (the benchmark's yardstick)."""
    _copy_into(session, "bare_copy", rows)


def _copy_into(session: Session, table: str, rows: Iterable[Sequence[Any]]) -> None:
    """Create a temporary table of the staged columns under this name and COPY the rows in."""
    session.execute(text(sql_file("bulk_staging").replace("import_staging", table)))
    cursor = session.connection().connection.cursor()
    columns = ", ".join(STAGED_COLUMNS)
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
