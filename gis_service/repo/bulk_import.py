"""Set-based writes of many new parcels: COPY into a staging table, check in SQL, two INSERTs.

The bulk path of `gis_service.transfer.bulk`: the table's own constraints (read from the
catalogue) checked set-based, and the same `create` events as `parcel_writes.create_parcel`,
for a whole file at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from sqlalchemy import text
from sqlalchemy.orm import Session

from gis_service.repo.parcel_writes import CONSTRAINT_MESSAGES
from gis_service.repo.sql_files import sql_file

STAGED_COLUMNS: Final[tuple[str, ...]] = (
    "row_number", "code", "name", "category", "stage", "progress", "start_date", "deadline",
    "completed_on", "community", "responsible_unit", "responsible_person", "buildings_total",
    "buildings_demolished", "households", "floor_area_m2", "vacant_area_m2", "investment_wan",
    "committee_formed_on", "intended_tenant", "contact", "note", "geom",
)  # fmt: skip


def stage_rows(session: Session, rows: Iterable[Sequence[Any]]) -> None:
    """Create the staging table and COPY the rows into it (geometry as EWKB hex, SRID 4326).

    JIT compilation is turned off for the rest of the transaction: the set-based statements
    of a large file have cost estimates far above jit_above_cost, and compiling them (with
    inlining and optimisation) took 5.4 s of the 10 s fold of 20,000 new parcels' events
    into parcel_state (auto_explain, docs/benchmarks.md), more than running them.
    """
    session.execute(text("SET LOCAL jit = off"))
    _copy_into(session, "import_staging", rows)
    # Fresh statistics, so the checks plan hash joins rather than loops over the staged rows.
    session.execute(text("ANALYZE import_staging"))


def refused_rows(session: Session) -> list[dict[str, Any]]:
    """Every rule a staged row breaks: row number, field, value, reason (at most 1000)."""
    rules = table_rules(session)
    params: dict[str, Any] = {
        "community_reason": CONSTRAINT_MESSAGES["parcel_community_fkey"][1],
        "service_area_reason": CONSTRAINT_MESSAGES["parcel_geom_in_service_area"][1],
    }
    rows = []
    for number, rule in enumerate(rules):
        params |= {f"field_{number}": rule.field, f"reason_{number}": rule.reason}
        value = _shown_value(rule.field)
        rows.append(
            f"(CAST(:field_{number} AS text), {value}, ({rule.expression}) IS FALSE,"
            f" CAST(:reason_{number} AS text))"
        )
    statement = sql_file("bulk_refusals").format(table_rules=",\n    ".join(rows))
    result = session.execute(text(statement), params).mappings()
    return [dict(row) for row in result]


def _shown_value(field: str) -> str:
    """The SQL of the value a refusal shows for a field: the staged cell, or the outline's kind."""
    if field == "geometry":
        return "s.kind"
    return f"CAST(s.{field} AS text)" if field in STAGED_COLUMNS else "NULL"


@dataclass(frozen=True)
class TableRule:
    """A rule of the parcel table as SQL over the staging columns, with its field and sentence."""

    expression: str
    field: str
    reason: str


def table_rules(session: Session) -> list[TableRule]:
    """The parcel table's CHECK constraints and NOT NULL columns that staged rows can break.

    Read from the catalogue (bulk_table_rules.sql), so the bulk path checks exactly what the
    table enforces, with the row path's sentences (parcel_writes.CONSTRAINT_MESSAGES).
    """
    rules = []
    for name, expression, columns in session.execute(text(sql_file("bulk_table_rules"))):
        if not set(columns) <= set(STAGED_COLUMNS):
            continue  # version, audit columns: the insert sets them
        field = "geometry" if columns == ["geom"] else columns[-1]
        default = (field, f"{field} must be given" if name in columns else f"breaks rule {name}")
        field, reason = CONSTRAINT_MESSAGES.get(name, default)
        rules.append(TableRule(expression, field, reason))
    return rules


def insert_parcels(session: Session, *, actor: str) -> int:
    """Insert every staged row as a parcel; returns parcels written."""
    result = session.execute(text(sql_file("bulk_insert_parcels")), {"actor": actor})
    return int(result.rowcount)  # type: ignore[attr-defined]


def insert_events(session: Session, *, actor: str, effective_date: date) -> None:
    """Append the `create` events of the parcels insert_parcels wrote (and so their states)."""
    session.execute(
        text(sql_file("bulk_insert_events")), {"actor": actor, "effective_date": effective_date}
    )


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
