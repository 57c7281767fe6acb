"""`gis-service user add|passwd|list|revoke`: users, their tokens and sign-in passwords."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from gis_service import db
from gis_service.api import auth
from gis_service.people import signin
from gis_service.repo import users
from gis_service.rules.roles import ROLES
from gis_service.settings import Settings

# `--password` given without a value: ask at the terminal rather than take it from argv.
PROMPT = "\0prompt"


def ensure_database(settings: Settings) -> None:
    """Start the local cluster unless DATABASE_URL points elsewhere."""
    if settings.database_url:
        return
    from gis_service import pg_local  # only the local set-up needs it

    pg_local.start(settings)


@contextmanager
def command_session(settings: Settings) -> Iterator[Session]:
    """A command's one transaction on the configured database; its engine is closed after."""
    ensure_database(settings)
    engine = db.make_engine(settings)
    try:
        with db.transaction(engine) as session:
            yield session
    finally:
        engine.dispose()


def add_user_commands(commands: Any) -> None:
    """Add the `user` command and its sub-commands to the CLI's sub-parsers."""
    user = commands.add_parser("user", help="users, tokens and passwords: add|passwd|list|revoke")
    actions = user.add_subparsers(required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a user; prints its new token on the last line")
    add.add_argument("name", help="user name, recorded as the actor of its edits")
    add.add_argument("--role", required=True, choices=ROLES, help="what the user may do")
    add.add_argument(
        "--password",
        nargs="?",
        const=PROMPT,
        help="password for signing in at /login (without a value: asked for, not echoed)",
    )
    add.set_defaults(handler=cmd_user_add)
    passwd = actions.add_parser("passwd", help="set a user's sign-in password")
    passwd.add_argument("name", help="user name")
    passwd.add_argument("--password", help="the new password (asked for when left out)")
    passwd.set_defaults(handler=cmd_user_passwd)
    listing = actions.add_parser("list", help="list users, roles and revoked tokens")
    listing.set_defaults(handler=cmd_user_list)
    revoke = actions.add_parser("revoke", help="revoke a user's token")
    revoke.add_argument("name", help="user name")
    revoke.set_defaults(handler=cmd_user_revoke)


def cmd_user_add(args: argparse.Namespace, settings: Settings) -> int:
    """Add a user and print its token (shown once; only its hash is stored)."""
    password = _asked(args.name) if args.password == PROMPT else args.password
    with command_session(settings) as session:
        _, token = auth.create_user(session, name=args.name, role=args.role)
        if password is not None:
            signin.set_password(session, name=args.name, password=password)
    print(f"user {args.name} added with role {args.role}; its token (shown only now):")
    print(token)
    return 0


def cmd_user_passwd(args: argparse.Namespace, settings: Settings) -> int:
    """Set a user's password (and sign them out everywhere)."""
    password = args.password if args.password is not None else _asked(args.name)
    with command_session(settings) as session:
        signin.set_password(session, name=args.name, password=password)
    print(f"password of {args.name} set; their open sessions are signed out")
    return 0


def _asked(name: str) -> str:
    """A password typed twice at the terminal (not echoed)."""
    first = getpass.getpass(f"password for {name}: ")
    if getpass.getpass("again: ") != first:
        raise SystemExit("the two passwords differ; nothing changed")
    return first


def cmd_user_list(args: argparse.Namespace, settings: Settings) -> int:
    """Print every user: name, role, created, revoked."""
    with command_session(settings) as session:
        rows = users.list_users(session)
    print(f"{'name':<24} {'role':<11} {'created':<20} revoked")
    for row in rows:
        revoked = "" if row["revoked_at"] is None else f"{row['revoked_at']:%Y-%m-%d %H:%M}"
        print(
            f"{row['name']:<24} {row['role']:<11} {row['created_at']:%Y-%m-%d %H:%M}     {revoked}"
        )
    return 0


def cmd_user_revoke(args: argparse.Namespace, settings: Settings) -> int:
    """Revoke a user's token; its past edits keep its name."""
    with command_session(settings) as session:
        users.revoke_user(session, name=args.name)
    print(f"token of {args.name} revoked")
    return 0
