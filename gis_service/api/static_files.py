"""/static/ with HTTP caching the pages can rely on (issue 10, goal 4: a second visit's map).

A file asked for with `?v=` equal to its content hash (the links maps/assets.py writes), or under
vendor/<library>-<version>/, never changes under that URL: browsers keep it a year without
asking again. Any other file is revalidated on each use (ETag, 304), so an upgrade shows at once.

Text files are gzipped once per process and kept: the GZip middleware compressed MapLibre's
1 MB on every request (about 0.1 s of a worker's CPU each time, on the map's first load).
"""

from __future__ import annotations

import gzip
import os
from functools import lru_cache
from pathlib import Path
from typing import Final

from starlette.datastructures import Headers, QueryParams
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from gis_service.maps.static_version import static_version

IMMUTABLE: Final = "public, max-age=31536000, immutable"
REVALIDATE: Final = "no-cache"
COMPRESSED: Final = frozenset({".js", ".css", ".svg", ".json", ".html", ".map", ".txt"})


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
        if isinstance(response, FileResponse) and _wants_gzip(Headers(scope=scope), full_path):
            response = _gzipped(response, full_path, stat_result)
        response.headers["Cache-Control"] = cache_control(
            self.get_path(scope), QueryParams(scope.get("query_string", b""))
        )
        return response


def _wants_gzip(request: Headers, path: str | os.PathLike[str]) -> bool:
    """Whether to answer with the kept gzip: a text file, asked whole, by a gzip client."""
    accepts = "gzip" in request.get("accept-encoding", "")
    return accepts and "range" not in request and Path(path).suffix in COMPRESSED


def _gzipped(response: FileResponse, path: str | os.PathLike[str], st: os.stat_result) -> Response:
    """The file's answer with its body gzipped (once per version of the file), same ETag."""
    headers = {k: v for k, v in response.headers.items() if k != "content-length"}
    headers |= {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
    body = _compress(str(path), st.st_mtime_ns, st.st_size)
    return Response(body, status_code=response.status_code, headers=headers)


@lru_cache(maxsize=64)
def _compress(path: str, mtime_ns: int, size: int) -> bytes:
    """A file's bytes gzipped; keyed by its time and size so a changed file is read again."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


def cache_control(path: str, query: QueryParams) -> str:
    """The Cache-Control of a static file asked for by this path and query."""
    posix = path.replace(os.sep, "/")
    if posix.startswith("vendor/"):
        return IMMUTABLE
    version = query.get("v")
    if version and version == static_version(posix):
        return IMMUTABLE
    return REVALIDATE
