"""The `gis-service` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from gis_service.cli_replica import add_replica_argument, cmd_replica
from gis_service.settings import Settings

if TYPE_CHECKING:
    from gis_service.parcels.loader import LoadReport


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser(everything=argv[:1] != ["serve"])
    args = parser.parse_args(argv)
    settings = Settings()
    try:
        code: int = args.handler(args, settings)
    except Exception as error:  # a command line shows the reason, not a traceback
        from gis_service.api.errors import ServiceError

        if not isinstance(error, ServiceError | OSError | RuntimeError):
            raise
        print(f"error: {error}", file=sys.stderr)
        return 1
    return code


def _parser(*, everything: bool = True) -> argparse.ArgumentParser:
    """The argument parser with every sub-command (with the built-in ones only, for `serve`).

    issue 10 goal 7: the server's supervisor process does not import the other commands'
    modules (FastAPI, SQLAlchemy): its worker processes import what they serve themselves.
    """
    parser = argparse.ArgumentParser(
        prog="gis-service", description="Yatou subdistrict renewal map service."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    up = commands.add_parser("up", help="database, migrations, sample data, maps, then serve")
    up.add_argument("--no-serve", action="store_true", help="stop after rendering the maps")
    up.set_defaults(handler=cmd_up)

    database = commands.add_parser(
        "db", help="the database: start|stop|status|upgrade, replica start|stop|status"
    )
    database.add_argument("action", choices=["start", "stop", "status", "upgrade", "replica"])
    add_replica_argument(database)
    database.set_defaults(handler=cmd_db)

    load = commands.add_parser("load", help="load sample data (communities, parcels, history)")
    load.add_argument("path", type=Path, help="folder with communities.geojson, parcels.geojson")
    load.set_defaults(handler=cmd_load)

    serve = commands.add_parser("serve", help="serve the API and the maps")
    serve.add_argument("--host", default=None, help="address to bind (setting GIS_HOST)")
    serve.add_argument("--port", type=int, default=None, help="port (setting GIS_PORT)")
    serve.add_argument(
        "--workers", type=int, default=None, help="worker processes (setting GIS_WORKERS)"
    )
    serve.set_defaults(handler=cmd_serve)

    render = commands.add_parser("render", help="render standalone map and screen files into maps/")
    render.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=None,
        help="one date (default: the plan's quarter ends and today)",
    )
    render.add_argument("--out", type=Path, default=None, help="folder (setting GIS_MAPS_DIR)")
    render.set_defaults(handler=cmd_render)

    if everything:
        from gis_service.cli_reports import add_report_commands
        from gis_service.cli_transfer import add_transfer_commands
        from gis_service.cli_users import add_user_commands
        from gis_service.screen.link_commands import add_screen_link_commands

        add_user_commands(commands)
        add_report_commands(commands)
        add_transfer_commands(commands, _progress)
        add_screen_link_commands(commands)
    return parser


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    """Start, stop, report or migrate the database."""
    from gis_service import db
    from gis_service.cli_users import ensure_database

    if args.action == "upgrade":
        ensure_database(settings)
        engine = db.make_engine(settings)
        db.upgrade(engine, settings)
        print(f"database at revision {db.current_revision(engine)}")
        engine.dispose()
        return 0
    if settings.database_url:
        print("DATABASE_URL is set: the local cluster is not used.", file=sys.stderr)
        return 0 if args.action == "status" else 2
    from gis_service import pg_local

    if args.action == "replica":
        return cmd_replica(args, settings)
    if args.action == "start":
        print(f"local PostGIS running: {pg_local.start(settings)}")
    elif args.action == "stop":
        pg_local.stop(settings)
        print("local PostGIS stopped")
    else:
        print(pg_local.status(settings))
    return 0


def cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    """Load a folder of sample data in one transaction."""
    from gis_service import db
    from gis_service.parcels.loader import load_folder

    engine = db.make_engine(settings)
    with db.transaction(engine) as session:
        report = load_folder(
            session, args.path, today=settings.today_date(), progress=_progress("load")
        )
    db.analyze(engine)  # the "as of" fold plans badly on a freshly loaded table without stats
    engine.dispose()
    print_load_report(report)
    return 0


def print_load_report(report: LoadReport) -> None:
    """The summary of a load, with the parcels a reload left deleted."""
    print(
        f"communities changed {report.communities_changed}; parcels created "
        f"{report.parcels_created}, updated {report.parcels_updated}, "
        f"unchanged {report.parcels_unchanged}"
    )
    if report.left_deleted:
        codes = ", ".join(report.left_deleted)
        print(f"left deleted {len(report.left_deleted)} (deleted since an earlier load): {codes}")


def cmd_render(args: argparse.Namespace, settings: Settings) -> int:
    """Render the planners' map and the leadership screen to standalone files, per date."""
    from gis_service import db
    from gis_service.maps.files import QUARTER_ENDS, render_planner_maps
    from gis_service.screen.screen_file import write_screen_file

    today = settings.today_date()
    dates = [args.as_of] if args.as_of else sorted({*QUARTER_ENDS, today})
    out = args.out or settings.maps_dir
    engine = db.make_engine(settings)
    with db.transaction(engine) as session:
        written = render_planner_maps(
            session, settings, dates=dates, out=out, progress=_progress("render")
        )
        written += [write_screen_file(session, settings, on=d, out=out) for d in dates]
    engine.dispose()
    for path, size in written:
        print(f"{path} ({size / 1024:.0f} KiB)")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the app with uvicorn, in one worker process per core unless told."""
    from gis_service.serving import default_workers, serve

    workers = getattr(args, "workers", None) or settings.workers or default_workers()
    serve(
        settings, host=args.host or settings.host, port=args.port or settings.port, workers=workers
    )
    return 0


def cmd_up(args: argparse.Namespace, settings: Settings) -> int:
    """Everything for a local run: database, migrations, sample data, maps, server."""
    from gis_service.cli_users import ensure_database

    ensure_database(settings)
    cmd_db(argparse.Namespace(action="upgrade"), settings)
    cmd_load(argparse.Namespace(path=settings.sample_data_dir), settings)
    cmd_render(argparse.Namespace(as_of=None, out=None), settings)
    if args.no_serve:
        return 0
    print(f"serving on http://{settings.host}:{settings.port}/map and /screen")
    return cmd_serve(argparse.Namespace(host=None, port=None, workers=None), settings)


def _progress(label: str) -> Callable[[int, int], None]:
    """A progress printer for long work: one updating line on a terminal, quarters in a log."""
    interactive = sys.stderr.isatty()

    def report(done: int, total: int) -> None:
        if interactive:
            end = "\n" if done == total else ""
            print(f"\r{label}: {done}/{total}", end=end, file=sys.stderr, flush=True)
        elif done == total or done * 4 // total != (done - 1) * 4 // total:
            print(f"{label}: {done}/{total}", file=sys.stderr, flush=True)

    return report


if __name__ == "__main__":
    raise SystemExit(main())
