"""Reads of parcels, current or as of a date, and of their history."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any, Final, Literal

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session

from gis_service.parcels.fields import COLUMN_FIELDS
from gis_service.repo.sql_files import sql_file
from gis_service.repo.text_bytes import TEXT_AS_BYTES
from gis_service.rules.levels import RiskThresholds

# How a read returns outlines: GeoJSON text to splice into a response unparsed, parsed
# objects for code that works on them (maps), or none at all (KPIs).
Outline = Literal["text", "object", "none"]

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

_OUTLINES: Final[dict[Outline, str]] = {
    "text": "ST_AsGeoJSON(page.geom, 6)",
    "object": "ST_AsGeoJSON(page.geom, 6)::jsonb",
    "none": "NULL::jsonb",
}

# Each filter's SQL, used only when its value is given (so the planner sees plain predicates).
_FILTERS: Final[dict[str, str]] = {
    "category": "p.category = :category",
    "stage": "p.stage = :stage",
    "community": "p.community = :community",
    "code": "p.code = :code",
    "codes": "p.code = ANY(:codes)",
    "q": "(strpos(lower(p.name), lower(:q)) > 0 OR strpos(lower(p.code), lower(:q)) > 0"
    " OR strpos(lower(coalesce(p.note, '')), lower(:q)) > 0)",
    "deadline_from": "p.deadline >= :deadline_from",
    "deadline_to": "p.deadline <= :deadline_to",
    # `OR p.id < 0` is never true (ids count from 1); it is there for the plan. psycopg prepares
    # a statement from its sixth run and PostgreSQL then keeps one generic plan, which cannot
    # see the envelope: it estimates 10 rows and reads them by a plain GiST index scan, one heap
    # fetch per row in the index's order. A bbox page of 1,000 costs ~0.3-1 ms less read as a
    # bitmap (docs/benchmarks.md, run 11), and the OR of two indexes is only a bitmap's to do.
    "bbox": "(p.geom && ST_MakeEnvelope(:minlon, :minlat, :maxlon, :maxlat, 4326) OR p.id < 0)",
}

# The latest update event of each row of `row` (up to the date when `until` says so): reads
# and the write lock both join it, and pop_last_change takes its columns out of the row.
_LAST_CHANGE: Final = """
LEFT JOIN LATERAL (
    SELECT e.field, e.effective_date, e.actor
    FROM parcel_event AS e
    WHERE e.parcel_id = {row}.id AND e.action = 'update' {until}
    ORDER BY e.effective_date DESC, e.id DESC
    LIMIT 1
) AS last ON true"""
LAST_COLUMNS: Final = (
    ", last.field AS last_field, last.effective_date AS last_effective_date,"
    " last.actor AS last_actor"
)


_ON: Final = "CAST(:on AS date)"


def _json_text(expression: str) -> str:
    """SQL of the JSON text of a number, boolean or json expression (null when NULL)."""
    return f"coalesce(({expression})::text, 'null')"


_RISK_LEVEL: Final = (
    "parcel_risk_level({row}.progress, {row}.start_date, {row}.deadline, {row}.completed_on, "
    + _ON
    + ", :orange_days, :yellow_days, :orange_lag, :yellow_lag)"
)
_DONE: Final = f"page.completed_on <= {_ON}"
# The properties of gis_service.features.parcel_feature that depend on the page's date, in
# its order after updated_at, as the arguments of the concat() that completes each Feature's
# stored head (migration 0006: the text up to updated_at, written with the state): the text
# row_to_json wrote for them (numbers, booleans and json are their own text, null as null),
# without a row built and serialised a Feature (issue 10 goal 1: a fifth of the page).
_FEATURE_TAIL: Final = ", ".join(
    [
        """',"as_of":'""",
        f"to_json({_ON})",
        """',"level":'""",
        f"to_json({_RISK_LEVEL.format(row='page')})",
        """',"planned_progress":'""",
        _json_text(f"parcel_planned_progress(page.start_date, page.deadline, {_ON})"),
        """',"days_left":'""",
        _json_text(f"page.deadline - {_ON}"),
        """',"completed_late":'""",
        _json_text(
            f"CASE WHEN {_DONE} AND page.deadline IS NOT NULL"
            " THEN page.completed_on > page.deadline END"
        ),
        """',"last_change":'""",
        _json_text("stored.last_change"),
        "'}}'",  # the properties' brace and the Feature's
    ]
)
# What the Feature page reads of each matching row: the date-dependent fields' columns. The
# stored head and last change are looked up for the page's rows only, after its LIMIT (a
# join before it would carry 1 kB a row through the sort of every match, or hash the table).
_FEATURE_COLUMNS: Final = ("id", "code", "progress", "start_date", "deadline", "completed_on")
# Each page row's head and last change (migration 0006): the current parcel's, or those of
# the state that holds on the date (the latest to start by then: parcel_as_of chose its row).
# The LIMIT keeps the lookup a subquery run per page row (an index probe each).
_HEADS: Final[dict[bool, str]] = {
    False: "SELECT f.head, f.last_change FROM parcel_feature AS f"
    " WHERE f.parcel_id = page.id LIMIT 1",
    True: "SELECT s.head, s.last_change FROM parcel_state_feature AS s"
    " WHERE s.parcel_id = page.id AND s.valid_from <= :as_of"
    " ORDER BY s.valid_from DESC LIMIT 1",
}


@dataclass(frozen=True)
class ParcelQuery:
    """Filters the database applies; None switches a filter off."""

    category: str | None = None
    stage: str | None = None
    community: str | None = None
    code: str | None = None
    codes: tuple[str, ...] | None = None
    q: str | None = None
    deadline_from: date | None = None
    deadline_to: date | None = None
    bbox: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class Paging:
    """Which rows of the code-ordered result to return."""

    limit: int | None = None
    offset: int = 0


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
    session: Session,
    query: ParcelQuery,
    *,
    as_of: date | None = None,
    outline: Outline = "object",
    paging: Paging = Paging(),
    last_change: bool = False,
) -> list[dict[str, Any]]:
    """Rows of the parcels matching the query, ordered by code, as of a date or current.

    For dates on or after the last recorded change the current table is read (cheaper, and
    the same state); before it, the state is folded from the events. Every row carries
    `number_matched` (all rows matching, whatever the page) and, when asked, `last_change`.
    """
    folded = as_of is not None and before_last_change(session, as_of)
    params = filter_params(query) | {"as_of": as_of, "limit": paging.limit, "offset": paging.offset}
    statement = text(
        sql_file("parcels_select").format(
            page=_page(query, folded, where_clause(query), paging),
            page_columns=", ".join(f"page.{c}" for c in READ_COLUMNS),
            geometry=_OUTLINES[outline],
            last=last_change_join("page", until_as_of=as_of is not None) if last_change else "",
            last_columns=LAST_COLUMNS if last_change else "",
        )
    )
    rows = [dict(row) for row in session.execute(statement, params).mappings()]
    if last_change:
        for row in rows:
            row["last_change"] = pop_last_change(row)
    return rows


@dataclass(frozen=True)
class FeaturePage:
    """A page of Features as the JSON of their array (UTF-8 bytes), and the counts."""

    features_json: bytes
    number_returned: int
    number_matched: int


def select_feature_page(
    session: Session,
    query: ParcelQuery,
    *,
    on: date,
    thresholds: RiskThresholds,
    levels: frozenset[str] | None = None,
    paging: Paging = Paging(),
    stamp: DataStamp | None = None,
) -> FeaturePage:
    """Matching parcels as of a date, one page of GeoJSON Features built by PostgreSQL.

    The risk level (and its filter) come from the SQL copy of the rules, which
    tests/test_levels_sql.py holds equal to gis_service.rules.levels. A stamp read just
    before saves the query of the latest effective date.
    """
    folded = (stamp or data_stamp(session)).before_last_change(on)
    statement, params = feature_page_statement(
        query, on=on, thresholds=thresholds, levels=levels, paging=paging, folded=folded
    )
    # The page's JSON stays the bytes PostgreSQL sent: no decode here, no encode in the answer.
    row = session.execute(statement.execution_options(**{TEXT_AS_BYTES: True}), params).one()
    matched = row.number_matched
    if matched is None:  # no row on this page: a page past the last match counts from the first
        first = Paging(limit=1)
        matched = (
            select_feature_page(
                session,
                query,
                on=on,
                thresholds=thresholds,
                levels=levels,
                paging=first,
                stamp=stamp,
            ).number_matched
            if paging.offset
            else 0
        )
    return FeaturePage(row.features, int(row.number_returned), int(matched))


def feature_page_statement(
    query: ParcelQuery,
    *,
    on: date,
    thresholds: RiskThresholds,
    levels: frozenset[str] | None,
    paging: Paging,
    folded: bool,
    only_if: str | None = None,
) -> tuple[TextClause, dict[str, Any]]:
    """The statement of select_feature_page and its bound values (the bench runs it too).

    `only_if`: an SQL condition the page's rows must also meet (the page fast path's gate,
    sql/parcels_page_versioned.sql: the current view holds the date).
    """
    where = where_clause(query)
    if only_if is not None:
        where += f" AND {only_if}"
    if levels:
        where += f" AND {_RISK_LEVEL.format(row='p')} = ANY(:levels)"
    statement = text(
        sql_file("parcels_features").format(
            page=_page(query, folded, where, paging, columns=_FEATURE_COLUMNS),
            heads=_HEADS[folded],
            tail=_FEATURE_TAIL,
        )
    )
    return statement, feature_page_params(
        query, on=on, thresholds=thresholds, levels=levels, paging=paging
    )


def feature_page_params(
    query: ParcelQuery,
    *,
    on: date,
    thresholds: RiskThresholds,
    levels: frozenset[str] | None,
    paging: Paging,
) -> dict[str, Any]:
    """The bound values of feature_page_statement (its text depends only on which filters are
    used, a level filter, an offset and the fold: the page fast path keeps those texts)."""
    return (
        filter_params(query)
        | {
            "as_of": on,
            "on": on,
            "levels": sorted(levels or ()),
            "limit": paging.limit,
            "offset": paging.offset,
        }
        | threshold_params(thresholds)
    )


def count_parcels(session: Session, query: ParcelQuery, *, as_of: date | None = None) -> int:
    """How many parcels match the query (for a page past the last match)."""
    rows = select_parcels(session, query, as_of=as_of, outline="none", paging=Paging(limit=1))
    return int(rows[0]["number_matched"]) if rows else 0


def select_parcel(
    session: Session, code: str, *, as_of: date | None = None, outline: Outline = "object"
) -> dict[str, Any] | None:
    """One parcel by code with its last change, as of a date or current; None when absent."""
    rows = select_parcels(
        session, ParcelQuery(code=code), as_of=as_of, outline=outline, last_change=True
    )
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


def last_recorded_at(session: Session) -> datetime | None:
    """When the newest change of any parcel was written."""
    return session.execute(text("SELECT max(recorded_at) FROM parcel_event")).scalar()


def threshold_params(thresholds: RiskThresholds) -> dict[str, int]:
    """Bound values of the risk thresholds, named as parcel_risk_level()'s arguments."""
    return asdict(thresholds)


def where_clause(query: ParcelQuery) -> str:
    """The SQL condition of the filters the query uses (values bound by filter_params)."""
    used = [sql for name, sql in _FILTERS.items() if getattr(query, name) is not None]
    return " AND ".join(used) or "true"


def filter_params(query: ParcelQuery) -> dict[str, Any]:
    """Bound values of the query's filters."""
    minlon, minlat, maxlon, maxlat = query.bbox or (None, None, None, None)
    values = {name: getattr(query, name) for name in _FILTERS if name != "bbox"}
    values["codes"] = list(query.codes) if query.codes is not None else None
    return values | {"minlon": minlon, "minlat": minlat, "maxlon": maxlon, "maxlat": maxlat}


def source_relation(query: ParcelQuery, folded: bool) -> str:
    """The relation read: the current view, or the fold narrowed to a code or an envelope."""
    if not folded:
        return "parcel_current"
    within = "ST_MakeEnvelope(:minlon, :minlat, :maxlon, :maxlat, 4326)" if query.bbox else "NULL"
    code = ":code" if query.code is not None else "NULL"
    return f"parcel_as_of(:as_of, {code}, {within})"


def _page(
    query: ParcelQuery,
    folded: bool,
    where: str,
    paging: Paging,
    *,
    columns: tuple[str, ...] = READ_COLUMNS,
) -> str:
    """The page of matching rows both reads start from (parcels_page.sql), filled in."""
    return sql_file("parcels_page").format(
        columns=", ".join(f"p.{c}" for c in columns),
        source=source_relation(query, folded),
        where=where,
        paging=_paging(paging),
    )


def _paging(paging: Paging) -> str:
    """LIMIT/OFFSET with bound values, or nothing for every row."""
    limit = "LIMIT :limit" if paging.limit is not None else ""
    offset = "OFFSET :offset" if paging.offset else ""
    return f"{limit} {offset}".strip()


def last_change_join(row: str, *, until_as_of: bool) -> str:
    """The join of each row's last update event (columns LAST_COLUMNS), up to :as_of or not."""
    until = "AND e.effective_date <= :as_of" if until_as_of else ""
    return _LAST_CHANGE.format(row=row, until=until)


def pop_last_change(row: dict[str, Any]) -> dict[str, Any] | None:
    """The row's last change (field, effective date, actor), taken out of its columns."""
    field = row.pop("last_field")
    effective_date = row.pop("last_effective_date")
    actor = row.pop("last_actor")
    if field is None:
        return None
    return {"field": field, "effective_date": effective_date, "actor": actor}


def before_last_change(session: Session, as_of: date) -> bool:
    """Whether a date lies before the latest effective date of any change."""
    last = last_effective_date(session)
    return last is not None and as_of < last


@dataclass(frozen=True)
class DataStamp:
    """The newest event's id (every write raises it) and the latest effective date."""

    version: int
    last_effective_date: date | None

    def before_last_change(self, as_of: date) -> bool:
        """Whether a date lies before the latest effective date of any change."""
        return self.last_effective_date is not None and as_of < self.last_effective_date


def data_stamp(session: Session) -> DataStamp:
    """The data's stamp, in one statement of two index lookups (sql/data_stamp.sql)."""
    row = session.execute(text(sql_file("data_stamp"))).one()
    return DataStamp(int(row[0]), row[1])


def change_stamp(session: Session) -> tuple[int, datetime | None]:
    """The newest event's id and time: it moves with every write (parcel_event is append-only)."""
    # The newest row by the primary key's index: max(recorded_at) read all 1.4 M events of a
    # city on every screen poll (3.6 polls/s at 100,000 parcels, bench/bench_replica.py).
    row = session.execute(
        text("SELECT id, recorded_at FROM parcel_event ORDER BY id DESC LIMIT 1")
    ).one_or_none()
    return (0, None) if row is None else (int(row[0]), row[1])
