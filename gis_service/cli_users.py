"""`gis-service user add|list|revoke`: API users and their tokens."""

from __future__ import annotations

import argparse
from typing import Any

from gis_service import db
from gis_service.api import auth
from gis_service.repo import users
from gis_service.rules.roles import ROLES
from gis_service.settings import Settings


def _engine(settings: Settings) -> Any:
    """An engine of the configured database, starting the local cluster when it is used."""
    if not settings.database_url:
        from gis_service import pg_local  # only the local set-up needs it

        pg_local.start(settings)
    return db.make_engine(settings)


def add_user_commands(commands: Any) -> None:
    """Add the `user` command and its sub-commands to the CLI's sub-parsers."""
    user = commands.add_parser("user", help="API users and tokens: add|list|revoke")
    actions = user.add_subparsers(required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a user; prints its new token on the last line")
    add.add_argument("name", help="user name, recorded as the actor of its edits")
    add.add_argument("--role", required=True, choices=ROLES, help="what the user may do")
    add.set_defaults(handler=cmd_user_add)
    listing = actions.add_parser("list", help="list users, roles and revoked tokens")
    listing.set_defaults(handler=cmd_user_list)
    revoke = actions.add_parser("revoke", help="revoke a user's token")
    revoke.add_argument("name", help="user name")
    revoke.set_defaults(handler=cmd_user_revoke)


def cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    """Add a user and print its token (shown once; only its hash is stored)."""
    engine = _engine(settings)
    with db.transaction(engine) as session:
        _, token = auth.create_user(session, name=args.name, role=args.role)
    engine.dispose()
    print(f"user {args.name} added with role {args.role}; its token (shown only now):")
    print(token)
    return 0


def cmd_user_list(args: argparse.Namespace, settings: Settings) -> int:
    """Print every user: name, role, created, revoked."""
    engine = _engine(settings)
    with db.transaction(engine) as session:
        rows = users.list_users(session)
    engine.dispose()
    print(f"{'name':<24} {'role':<11} {'created':<20} revoked")
    for row in rows:
        revoked = "" if row["revoked_at"] is None else f"{row['revoked_at']:%Y-%m-%d %H:%M}"
        print(
            f"{row['name']:<24} {row['role']:<11} {row['created_at']:%Y-%m-%d %H:%M}     {revoked}"
        )
    return 0


def cmd_user_revoke(args: argparse.Namespace, settings: Settings) -> int:
    """Revoke a user's token; its past edits keep its name."""
    engine = _engine(settings)
    with db.transaction(engine) as session:
        users.revoke_user(session, name=args.name)
    engine.dispose()
    print(f"token of {args.name} revoked")
    return 0
