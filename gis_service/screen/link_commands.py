"""`gis-service screen-link create|list|revoke`: kiosk links of the leadership screen."""

from __future__ import annotations

import argparse
from typing import Any

from gis_service.cli_users import command_session
from gis_service.repo import screen_links
from gis_service.screen.links import create_link, link_url
from gis_service.settings import Settings


def add_screen_link_commands(commands: Any) -> None:
    """Add the `screen-link` command and its sub-commands to the CLI's sub-parsers."""
    link = commands.add_parser("screen-link", help="kiosk links of /screen: create|list|revoke")
    actions = link.add_subparsers(required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a link; prints its URL on the last line")
    create.add_argument("--name", required=True, help="where the screen hangs, e.g. 会议室")
    create.add_argument(
        "--base-url",
        default=None,
        help="address the screen reaches the service at "
        "(default GIS_PUBLIC_BASE_URL, else http://GIS_HOST:GIS_PORT)",
    )
    create.set_defaults(handler=cmd_link_create)
    listing = actions.add_parser("list", help="list links: name, created, revoked")
    listing.set_defaults(handler=cmd_link_list)
    revoke = actions.add_parser("revoke", help="revoke the live link of a name")
    revoke.add_argument("name", help="the link's name")
    revoke.set_defaults(handler=cmd_link_revoke)


def cmd_link_create(args: argparse.Namespace, settings: Settings) -> int:
    """Create a link and print its URL (the key is shown once; only its hash is stored)."""
    with command_session(settings) as session:
        _, key = create_link(session, name=args.name)
    base = args.base_url or settings.public_base_url or f"http://{settings.host}:{settings.port}"
    print(f"screen link {args.name} created; open this address on the screen (shown only now):")
    print(link_url(base, key))
    return 0


def cmd_link_list(args: argparse.Namespace, settings: Settings) -> int:
    """Print every link: name, created, revoked."""
    with command_session(settings) as session:
        rows = screen_links.list_links(session)
    print(f"{'name':<24} {'created':<20} revoked")
    for row in rows:
        revoked = "" if row["revoked_at"] is None else f"{row['revoked_at']:%Y-%m-%d %H:%M}"
        print(f"{row['name']:<24} {row['created_at']:%Y-%m-%d %H:%M}     {revoked}")
    return 0


def cmd_link_revoke(args: argparse.Namespace, settings: Settings) -> int:
    """Revoke the live link of a name; a screen using it gets 401 at its next refresh."""
    with command_session(settings) as session:
        screen_links.revoke_link(session, name=args.name)
    print(f"screen link {args.name} revoked")
    return 0
