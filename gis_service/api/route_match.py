"""Which routes of the app a path matches, whatever method was asked (for 405 and the edge)."""

from __future__ import annotations

from typing import Any

from fastapi import routing
from starlette.routing import compile_path


def matching_routes(app: Any, path: str) -> list[tuple[set[str], dict[str, str]]]:
    """(methods, path parameters) of every route whose path pattern matches the path."""
    out = []
    for context in routing.iter_route_contexts(getattr(app, "routes", [])):
        regex, _format, _convertors = compile_path(context.path or "")
        match = regex.match(path)
        if match is not None:
            methods = getattr(context.original_route, "methods", None) or set()
            out.append((set(methods), match.groupdict()))
    return out


def allowed_methods(app: Any, path: str) -> str:
    """The Allow header for a path: every method the routes of its documented path answer.

    A path that names a route without parameters (/api/users/me) is that resource, not an
    instance of a parameterised one (/api/users/{name}), as the OpenAPI document lists it.
    """
    routes = matching_routes(app, path)
    exact = [route for route in routes if not route[1]]
    methods = {m for methods, _params in (exact or routes) for m in methods}
    return ", ".join(sorted(methods))
