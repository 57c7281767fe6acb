"""How answers are gzipped: the settings of main.create_app's GZipMiddleware, which the fast
paths that compress their own answers (api/tile_fast_path.py, api/page_http.py) use too, so
that a fast answer is compressed as the routes' answers are (issue 10)."""

from __future__ import annotations

from typing import Final

# A 1,000-feature page is ~1 MB of GeoJSON and shrinks about 5x. Level 6, not Starlette's 9:
# half the CPU time for a body 1 % larger (measured on a 0.5 MB page).
GZIP_LEVEL: Final = 6
GZIP_MINIMUM: Final = 1024  # bytes; smaller answers go out as they are
