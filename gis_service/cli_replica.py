"""`gis-service db replica start|stop|status`: the local hot standby (issue 10 goal 8)."""

from __future__ import annotations

import argparse
import sys

from gis_service.settings import Settings


def add_replica_argument(database: argparse.ArgumentParser) -> None:
    """The second word of `db replica ACTION`."""
    database.add_argument(
        "replica_action",
        nargs="?",
        choices=["start", "stop", "status"],
        help="with `replica`: start a local standby (a copy streaming from the local cluster), "
        "stop and remove it, or report it",
    )


def cmd_replica(args: argparse.Namespace, settings: Settings) -> int:
    """Start, stop (and remove) or report the local standby of the local cluster."""
    from gis_service.pg_local import replica

    if args.replica_action is None:
        print("say what to do: gis-service db replica start|stop|status", file=sys.stderr)
        return 2
    if args.replica_action == "start":
        read_url = replica.start(settings)
        print(f"local standby streaming from the local cluster: {read_url}")
        print(f"serve reads from it with DATABASE_READ_URL={read_url}")
    elif args.replica_action == "stop":
        replica.stop(settings)
        print("local standby stopped and removed")
    else:
        print(replica.status(settings))
    return 0
