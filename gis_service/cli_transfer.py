"""`gis-service import FILE` and `gis-service export --format F --out FILE`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from gis_service import db
from gis_service.api.auth import User
from gis_service.api.parcel_filters import parcel_filters
from gis_service.cli_users import ensure_database
from gis_service.rules.roles import ROLES
from gis_service.rules.stages import CATEGORIES
from gis_service.settings import Settings
from gis_service.transfer.choices import FORMATS, ImportOptions

Progress = Callable[[int, int], None]


def add_transfer_commands(commands: Any, progress: Callable[[str], Progress]) -> None:
    """Add `import` and `export` to the CLI's sub-parsers."""
    imp = commands.add_parser("import", help="import parcels from a file (report, then write)")
    imp.add_argument(
        "file", type=Path, help="GeoJSON, GPKG, SHP (.shp/.zip/folder), KML/KMZ, CSV, XLSX/XLS/ODS"
    )
    imp.add_argument("--dry-run", action="store_true", help="print the report, write nothing")
    imp.add_argument("--category", choices=CATEGORIES, help="category of rows that name none")
    imp.add_argument("--effective-date", type=date.fromisoformat, help="day the facts became true")
    imp.add_argument("--crs", help="coordinates are in this CRS, e.g. EPSG:4550 (overrides all)")
    imp.add_argument("--gcj02", action="store_true", help="coordinates are GCJ-02 (Gaode/AMap)")
    imp.add_argument(
        "--year",
        type=int,
        help="year of deadline phrases such as 6月底 (default: that of the effective date)",
    )
    imp.add_argument(
        "--bulk",
        action="store_true",
        help="large files of new parcels only: checked and written set-based (GPKG, SHP, …)",
    )
    imp.add_argument("--role", default="planner", choices=ROLES, help="role the import writes with")
    imp.set_defaults(handler=lambda args, settings: cmd_import(args, settings, progress("import")))
    exp = commands.add_parser("export", help="export parcels to a file")
    exp.add_argument("--format", required=True, choices=FORMATS, help="file format")
    exp.add_argument("--out", required=True, type=Path, help="file to write")
    exp.add_argument("--as-of", type=date.fromisoformat, help="state on this date (default today)")
    for name in (
        "category",
        "stage",
        "level",
        "community",
        "q",
        "bbox",
        "deadline-from",
        "deadline-to",
    ):
        exp.add_argument(f"--{name}", help=f"only parcels matching {name} (as GET /api/parcels)")
    exp.set_defaults(handler=cmd_export)


def cmd_import(args: argparse.Namespace, settings: Settings, progress: Progress) -> int:
    """Import a file: print the report; exit 1 when rows were refused (nothing written)."""
    from gis_service.transfer.bulk import reads_tables
    from gis_service.transfer.importer import import_file

    if args.bulk and not reads_tables(args.file):
        return cmd_bulk_import(args, settings)
    if args.bulk:
        print(f"{args.file.name}: a table (CSV, XLSX, XLS, ODS) goes row by row, not --bulk")
    options = ImportOptions(
        dry_run=args.dry_run,
        category=args.category,
        effective_date=args.effective_date,
        crs=args.crs,
        gcj02=args.gcj02,
        year=args.year,
    )
    engine = _engine(settings)
    with db.transaction(engine) as session:
        report = import_file(
            session,
            args.file,
            options=options,
            user=User(name="cli", role=args.role),
            settings=settings,
            progress=progress,
        )
    if report.applied:
        db.analyze(engine)
    engine.dispose()
    print(report.as_text())
    return 1 if report.refused else 0


def cmd_bulk_import(args: argparse.Namespace, settings: Settings) -> int:
    """Create every feature of a file as a new parcel, set-based; all or nothing."""
    from gis_service.transfer.bulk import bulk_create

    engine = _engine(settings)
    with db.transaction(engine) as session:
        report = bulk_create(
            session,
            args.file,
            user=User(name="cli", role=args.role),
            settings=settings,
            category=args.category,
            effective_date=args.effective_date,
            year=args.year,
            crs=args.crs,
            gcj02=args.gcj02,
        )
        for r in report.refused:
            print(f"  {r.as_text()}")
        if report.refused or args.dry_run:
            session.rollback()
    if report.created and not args.dry_run and not report.refused:
        db.analyze(engine)
    engine.dispose()
    print(f"file: {report.file}\ncoordinates: {report.crs.crs} ({report.crs.reason})")
    print(f"rows read: {report.rows_read}; refused: {len(report.refused)}")
    if report.squared:
        side = f"{settings.import_point_square_m:g}"
        rows = ", ".join(map(str, report.squared[:20])) + (" …" if len(report.squared) > 20 else "")
        print(f"point rows given a {side} m square outline (approximate): {rows}")
    print("seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in report.seconds.items()))
    if report.refused:
        print("nothing written: fix the refused rows and import again")
    else:
        done = "dry run: would create" if args.dry_run else "created in one transaction:"
        print(f"{done} {report.created} parcels")
    return 1 if report.refused else 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write the matching parcels as of a date to a file."""
    from gis_service.transfer.exports import export_parcels

    filters = parcel_filters(
        category=args.category,
        stage=args.stage,
        level=args.level,
        community=args.community,
        q=args.q,
        bbox=args.bbox,
        deadline_from=args.deadline_from,
        deadline_to=args.deadline_to,
    )
    on = args.as_of or settings.today_date()
    engine = _engine(settings)
    with db.transaction(engine) as session:
        data = export_parcels(session, args.format, filters=filters, on=on, settings=settings)
    engine.dispose()
    args.out.write_bytes(data)
    print(f"{args.out} ({len(data) / 1024:.0f} KiB, as of {on.isoformat()})", file=sys.stderr)
    return 0


def _engine(settings: Settings) -> Any:
    """An engine of the configured database, starting the local cluster when it is used.

    Not cli_users.command_session: an import runs ANALYZE after its transaction commits.
    """
    ensure_database(settings)
    return db.make_engine(settings)
