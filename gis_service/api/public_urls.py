"""Absolute links to this service, never built from an unchecked Host header (issue 8).

With `public_base_url` set, every absolute link starts with it, whatever Host the request
carried. Without it, links use the request's Host, which `TrustedHosts` has already checked
against `allowed_hosts` (a forged Host gets 400 before any handler runs).
"""

from __future__ import annotations

from starlette.datastructures import URL, Headers
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from gis_service.api.errors import ServiceError


def public_url(request: Request, url: URL) -> str:
    """The absolute form of a URL of this app, as its users reach it."""
    base: str | None = request.app.state.settings.public_base_url
    if not base:
        return str(url)
    root = request.scope.get("root_path", "")
    path = url.path[len(root) :] if root and url.path.startswith(root) else url.path
    return base + path + (f"?{url.query}" if url.query else "")


class UntrustedHost(ServiceError):
    """The Host header names no host this service answers to."""

    status, code = 400, "invalid_host"


def host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """Whether a Host header (port stripped) matches a name or a `*.domain` pattern."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]").lower()
    for pattern in allowed:
        pattern = pattern.lower()
        if pattern == "*" or name == pattern:
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
    return False


class TrustedHosts:
    """ASGI middleware: 400 in the service's error shape unless Host is an allowed host.

    Starlette's TrustedHostMiddleware does the same but answers in plain text.
    """

    def __init__(self, app: ASGIApp, allowed: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass requests for an allowed host on; answer the others 400."""
        if scope["type"] not in ("http", "websocket") or "*" in self.allowed:
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host", "")
        if host_allowed(host, self.allowed):
            await self.app(scope, receive, send)
            return
        error = UntrustedHost(
            "this service does not answer to that Host; see the allowed_hosts setting",
            field="Host",
        )
        await JSONResponse(error.body(), status_code=error.status)(scope, receive, send)
