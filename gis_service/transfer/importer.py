"""An import: read the file, decide its CRS, plan each row against the stored parcels, apply.

Every write goes through `gis_service.edits` (the API's own path: roles, validation, events),
as the user `import:<file name>` with the importing user's role, on one effective date. The
whole import runs in one savepoint: it is rolled back for a dry run and whenever any row is
refused, so an import lands whole or not at all; the caller commits its transaction.
A point row (`points`) creates a parcel with a square outline marked approximate, or updates
an existing parcel's fields and keeps its outline, noting when the point lies outside it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Final

from sqlalchemy.orm import Session

import shapely
from shapely.geometry import shape

from gis_service.api.auth import User
from gis_service.api.errors import ServiceError
from gis_service.parcels import edits
from gis_service.parcels.fields import FIELD_KINDS, to_json_value
from gis_service.parcels.parcel_input import NOT_NULL
from gis_service.repo import parcel_reads
from gis_service.settings import Settings
from gis_service.transfer.choices import ImportOptions
from gis_service.transfer.crs import CrsDecision, decide_crs, sample_points, to_lonlat
from gis_service.transfer.points import metres_outside, square_around
from gis_service.transfer.report import Change, ImportReport, Note, Update
from gis_service.transfer.rows import ParsedRow, Refusal, parse_rows, unknown_columns
from gis_service.transfer.sources import Source, read_source

# Geometries closer than this (degrees, about 0.1 m) are the same: files round coordinates.
SAME_SHAPE_DEGREES: Final = 1e-6


Progress = Callable[[int, int], None]


def import_file(
    session: Session,
    path: Path,
    *,
    options: ImportOptions,
    user: User,
    settings: Settings,
    name: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one file in the caller's transaction; returns the report (see module doc)."""
    source = read_source(path, name)
    day = edits.effective_day(options.effective_date, today=settings.today_date())
    decision = _decision(source, options)
    transform = to_lonlat(decision) if decision.crs else None
    year = options.year or day.year
    rows, refused = parse_rows(
        source, transform, category=options.category, year=year, area=settings.service_area
    )
    report = ImportReport(file=source.name, crs=decision, dry_run=options.dry_run)
    report.rows_read = len(source.rows)
    report.refused = refused
    report.ignored_columns = unknown_columns(source)
    actor = User(name=f"import:{source.name}", role=user.role)
    savepoint = session.begin_nested()
    for done, row in enumerate(rows, start=1):
        _apply_row(session, row, report, actor=actor, settings=settings, day=day)
        if progress:
            progress(done, len(rows))
    report.refused.sort(key=lambda r: (r.sheet or "", r.row))
    if options.dry_run or report.refused:
        savepoint.rollback()
    else:
        savepoint.commit()
        report.applied = bool(report.created or report.updated)
    return report


def _decision(source: Source, options: ImportOptions) -> CrsDecision:
    """The CRS decision from a sample of the file's coordinates."""
    try:
        return decide_crs(
            sample_points(row.geometry for row in source.rows),
            declared=source.crs,
            override=options.crs,
            gcj02=options.gcj02,
            gcj02_note=source.gcj02_note,
        )
    except ValueError as error:
        raise ServiceError(str(error), field="crs") from None


def _apply_row(
    session: Session,
    row: ParsedRow,
    report: ImportReport,
    *,
    actor: User,
    settings: Settings,
    day: date,
) -> None:
    """Create or update one parcel in its own savepoint; a refusal records the row instead."""
    stored = parcel_reads.select_parcel(session, row.code)
    try:
        with session.begin_nested():
            if stored is None:
                _create(session, row, actor=actor, settings=settings, day=day)
                report.created.append((row.code, row.row))
                report.notes += _point_notes(row, None, settings)
                return
            changes = changed_fields(row, stored)
            if changes:
                _update(session, row, stored, changes, actor=actor, settings=settings, day=day)
                report.updated.append(Update(row.code, row.row, tuple(changes)))
            else:
                report.unchanged.append(row.code)
            report.notes += _point_notes(row, stored, settings)
    except ServiceError as error:
        field = error.field or "row"
        value = row.properties.get(field, "")
        shown = "" if isinstance(value, dict) else str(value)
        report.refused.append(Refusal(row.row, field, shown, error.message, row.sheet))


def _create(
    session: Session, row: ParsedRow, *, actor: User, settings: Settings, day: date
) -> None:
    """Create a parcel from a row: its polygon, or a square around its point."""
    outline = row.geometry
    if outline is None and row.point is not None:
        outline = square_around(*row.point, settings.import_point_square_m)
    if outline is None:
        raise ServiceError("a new parcel needs its outline (a polygon)", field="geometry")
    # A blank cell of a new parcel means "not given": stored defaults apply (progress 0 …).
    given = {f: v for f, v in row.properties.items() if v is not None}
    body = {
        "type": "Feature",
        "properties": given | {"code": row.code},
        "geometry": outline,
    }
    edits.create_parcel(session, body=body, user=actor, settings=settings, effective_date=day)


def _update(
    session: Session,
    row: ParsedRow,
    stored: dict[str, Any],
    changes: list[Change],
    *,
    actor: User,
    settings: Settings,
    day: date,
) -> None:
    """Patch the changed fields of a parcel at its current version."""
    properties = {c.field: c.new for c in changes if c.field != "geometry"}
    body: dict[str, Any] = {"properties": properties}
    if any(c.field == "geometry" for c in changes):
        body["geometry"] = row.geometry
    edits.patch_parcel(
        session,
        code=row.code,
        body=body,
        user=actor,
        expected_version=int(stored["version"]),
        settings=settings,
        effective_date=day,
    )


def _point_notes(row: ParsedRow, stored: dict[str, Any] | None, settings: Settings) -> list[Note]:
    """Notes for a point row: the approximate square of a new parcel, or a point off its outline."""
    if row.point is None:
        return []
    if stored is None:
        side = f"{settings.import_point_square_m:g}"
        return [Note(row.code, row.row, f"点位导入，按 {side} m 方框（轮廓为近似，请补画）")]
    away = metres_outside(*row.point, stored["geometry"])
    if away == 0:
        return []
    where = f"{row.point[0]:.6f}, {row.point[1]:.6f}"
    text = f"点位 ({where}) 在现有轮廓外约 {away:.0f} m；轮廓未改"
    return [Note(row.code, row.row, text)]


def changed_fields(row: ParsedRow, stored: dict[str, Any]) -> list[Change]:
    """The fields a row changes on a stored parcel (old and new in JSON form)."""
    changes = []
    for field, new in row.properties.items():
        if new is None and field in NOT_NULL:
            continue  # a blank cell cannot clear a field that always has a value: not given
        old = to_json_value(field, stored.get(field))
        if not same_value(field, old, new):
            changes.append(Change(field, old, new))
    if row.geometry is not None and not same_shape(row.geometry, stored.get("geometry")):
        changes.append(Change("geometry", stored.get("geometry"), row.geometry))
    return changes


def same_value(field: str, old: Any, new: Any) -> bool:
    """Whether a stored value (JSON form) and a file's value are the same fact."""
    if old is None or new is None:
        return old is None and new is None
    kind = FIELD_KINDS[field]
    if kind in ("int", "number"):
        try:
            return float(old) == float(new)
        except (TypeError, ValueError):
            return False
    if kind == "milestones":
        return bool(to_json_value(field, _dated(new)) == old)
    return bool(old == new)


def same_shape(new: dict[str, Any], old: Any) -> bool:
    """Whether two lon/lat geometries match within SAME_SHAPE_DEGREES."""
    if not isinstance(old, dict):
        return False
    distance = shapely.hausdorff_distance(shape(new), shape(old))
    return bool(distance < SAME_SHAPE_DEGREES)


def _dated(milestones: Any) -> Any:
    """Milestones from a file with their keys in the stored order, for comparison."""
    if not isinstance(milestones, list):
        return milestones
    return [
        {k: m.get(k) for k in ("name", "due_date", "done_on")} if isinstance(m, dict) else m
        for m in milestones
    ]
