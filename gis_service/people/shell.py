"""The shell of every page: a top bar with the pages, the as-of date, who is signed in.

Pages built with Jinja extend `templates/pages/shell.html`; pages built by folium get the same
bar inserted into their rendered HTML by `wrap_map_page` (rendered on its own with autoescape,
so no stored or typed text ever becomes template source). See docs/pages.md.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Final

from fastapi import Depends, Request

from gis_service.api.auth import CallerDep, User
from gis_service.parcels.fields import INVESTMENT_FIELDS
from gis_service.people.signin import SignedIn, login_url
from gis_service.rules.roles import ROLE_LABELS_ZH, edit_refusal
from gis_service.rules.stages import CATEGORIES

if TYPE_CHECKING:  # Jinja2 loads with the first page rendered (issue 10 start-up)
    from jinja2 import Environment

# The top bar's pages, in order: (path, Chinese name).
PAGES: Final[tuple[tuple[str, str], ...]] = (
    ("/map", "地图"),
    ("/idle", "闲置楼宇"),
    ("/screen", "大屏"),
    ("/import", "导入"),
    ("/reports", "报告"),
)
ASSETS: Final = (
    '<link rel="stylesheet" href="/static/css/shell.css">',
    '<script src="/static/js/shell.js"></script>',
    '<script src="/static/js/photos.js"></script>',
)


@dataclass(frozen=True)
class Shell:
    """Who is looking at a page, and from where: what the top bar needs."""

    user: User | None
    csrf_token: str | None
    here: str

    def context(self, as_of: date | None) -> dict[str, Any]:
        """The template variables of the bar (`shell.*` in templates)."""
        return {
            "pages": [
                {"href": href, "label": label, "active": self.here.split("?")[0] == href}
                for href, label in PAGES
            ],
            "as_of": as_of.isoformat() if as_of else None,
            "user": self.user,
            "role_label": ROLE_LABELS_ZH.get(self.user.role, "") if self.user else "",
            "csrf_token": self.csrf_token,
            "edit_categories": " ".join(editable_categories(self.user)),
            "login_url": login_url(self.here),
        }


def editable_categories(user: User | None) -> list[str]:
    """The categories whose parcels this user may edit (the popups' edit links)."""
    if user is None:
        return []
    return [
        c
        for c in CATEGORIES
        if edit_refusal(user.role, c, (), investment_fields=INVESTMENT_FIELDS) is None
    ]


def page_shell(request: Request, user: CallerDep) -> Shell:
    """Dependency of every page: the viewer (read access is checked on the routers)."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    signed_in: SignedIn | None = getattr(request.state, "signed_in", None)
    csrf = signed_in.csrf_token if signed_in is not None and user is not None else None
    return Shell(user=user, csrf_token=csrf, here=here)


ShellDep = Annotated[Shell, Depends(page_shell)]


def render_page(template: str, shell: Shell, *, as_of: date | None, **context: Any) -> str:
    """A page of templates/pages that extends shell.html, rendered with autoescape."""
    page = page_environment().get_template(template)
    return page.render(shell=shell.context(as_of), **context)


def wrap_map_page(page_html: str, shell: Shell, *, as_of: date | None) -> str:
    """A rendered folium page with the shell's assets in its head and its bar atop its body."""
    bar = page_environment().get_template("shell_bar.html").render(shell=shell.context(as_of))
    head = "\n".join((*ASSETS, _csrf_meta(shell)))
    page_html = page_html.replace("</head>", head + "\n</head>", 1)
    return page_html.replace("<body>", '<body class="ys-map-page">\n' + bar, 1)


def _csrf_meta(shell: Shell) -> str:
    """The CSRF token as shell.js reads it (empty when nobody is signed in)."""
    token = html.escape(shell.csrf_token or "", quote=True)
    return f'<meta name="csrf-token" content="{token}">'


@cache
def page_environment() -> Environment:
    """Jinja2 for the pages; autoescape on, so stored text never becomes markup."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("gis_service", "templates/pages"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
