"""/static/ with HTTP caching the pages can rely on (issue 10, goal 4: a second visit's map).

A file asked for with `?v=` equal to its content hash (the links maps/assets.py writes), or under
vendor/<library>-<version>/, never changes under that URL: browsers keep it a year without
asking again. Any other file is revalidated on each use (ETag, 304), so an upgrade shows at once.
"""

from __future__ import annotations

import os
from typing import Final

from starlette.datastructures import QueryParams
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from gis_service.maps.static_version import static_version

IMMUTABLE: Final = "public, max-age=31536000, immutable"
REVALIDATE: Final = "no-cache"


class CachedStaticFiles(StaticFiles):
    """StaticFiles whose answers say how long a browser may keep them."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        """The file (or 304) with Cache-Control: immutable when its URL names its content."""
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = cache_control(
            self.get_path(scope), QueryParams(scope.get("query_string", b""))
        )
        return response


def cache_control(path: str, query: QueryParams) -> str:
    """The Cache-Control of a static file asked for by this path and query."""
    posix = path.replace(os.sep, "/")
    if posix.startswith("vendor/"):
        return IMMUTABLE
    version = query.get("v")
    if version and version == static_version(posix):
        return IMMUTABLE
    return REVALIDATE
