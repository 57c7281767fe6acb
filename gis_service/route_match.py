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
    """The Allow header for a path: every method some matching route answers, sorted."""
    methods = {m for methods, _params in matching_routes(app, path) for m in methods}
    return ", ".join(sorted(methods))
