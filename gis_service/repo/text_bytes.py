"""Text columns read as their UTF-8 bytes, for statements that ask (issue 10 goal 1).

A page of 1,000 Features is about 1 MB of JSON built by PostgreSQL. Read as text, psycopg
decodes it into a str and the response encodes it back to bytes: two copies through the
codec that cost more per request than building the JSON did. A statement run with the
execution option `TEXT_AS_BYTES` gets its text columns as the bytes PostgreSQL sent (UTF-8,
the connection's encoding), spliced into the response unchanged (gis_service.raw_json).
"""

from __future__ import annotations

from typing import Any, Final

from psycopg.adapt import Buffer, Loader
from sqlalchemy import Engine, event

# The execution option naming a statement whose text columns come back as bytes.
TEXT_AS_BYTES: Final = "text_as_bytes"


class _TextBytesLoader(Loader):
    """psycopg loader of `text` that keeps the bytes (the client encoding is UTF-8)."""

    def load(self, data: Buffer) -> bytes:
        """The column's bytes as sent."""
        return bytes(data)


class TextViewLoader(Loader):
    """psycopg loader of `text` that keeps a view of the bytes, not a copy: the view holds
    the result psycopg received alive (its memory is freed with the last view), so a page's
    megabyte is not copied once more on its way to the socket (api/page_fast_path.py)."""

    def load(self, data: Buffer) -> memoryview:
        """A view of the column's bytes as sent."""
        return memoryview(data)


def install(engine: Engine) -> None:
    """Make the engine honour TEXT_AS_BYTES on the statements that set it."""
    event.listen(engine, "before_cursor_execute", _bytes_for_text)


def _bytes_for_text(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    """Register the bytes loader on this statement's cursor only (the connection keeps text)."""
    if context is not None and context.execution_options.get(TEXT_AS_BYTES):
        cursor.adapters.register_loader("text", _TextBytesLoader)
