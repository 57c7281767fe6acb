"""JSON documents that carry pieces already serialised by PostgreSQL (GeoJSON outlines).

issue 10: decoding every outline from `ST_AsGeoJSON` only to encode it again cost more than
the query. An outline stays the text PostgreSQL wrote, wrapped in RawJSON, and is spliced into
the document's JSON as it is.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from starlette.responses import Response


class RawJSON:
    """A JSON value given as its text (str, or UTF-8 bytes or a view of them), written into
    documents unchanged."""

    __slots__ = ("text",)

    def __init__(self, text: str | bytes | memoryview) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RawJSON) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


class RawFeatures(RawJSON):
    """A JSON array of Features given as its text, with how many it holds."""

    __slots__ = ("count",)

    def __init__(self, text: str | bytes | memoryview, count: int) -> None:
        super().__init__(text)
        self.count = count

    def __len__(self) -> int:
        return self.count


def dumps(document: Any) -> str:
    """The document as compact JSON text, RawJSON pieces written as they are."""
    return dumps_bytes(document).decode("utf-8")


def dumps_bytes(document: Any) -> bytes:
    """The document as compact JSON in UTF-8, RawJSON pieces written as they are.

    Bytes, so that a megabyte of JSON PostgreSQL built goes out without a trip through str.
    """
    return b"".join(dumps_pieces(document))


def dumps_pieces(document: Any) -> list[bytes | memoryview]:
    """dumps_bytes's text in the order written, not joined: each RawJSON piece as it is, so
    that a megabyte PostgreSQL sent is not copied once more to be sent (api/page_fast_path)."""
    pieces: list[bytes | memoryview] = []
    # A marker no stored text can forge: it carries a fresh random nonce.
    marker = f"\x00raw-{secrets.token_hex(8)}\x00"

    def default(value: Any) -> str:
        if isinstance(value, RawJSON):
            text = value.text
            pieces.append(text.encode("utf-8") if isinstance(text, str) else text)
            return marker
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")

    text = json.dumps(
        document, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=default
    ).encode("utf-8")
    if not pieces:
        return [text]
    parts = text.split(json.dumps(marker).encode("utf-8"))
    out: list[bytes | memoryview] = [parts[0]]
    for piece, part in zip(pieces, parts[1:], strict=True):
        out.extend((piece, part))
    return out


class RawJSONResponse(Response):
    """A JSON response whose document may hold RawJSON pieces."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        """The document's JSON as UTF-8 bytes."""
        return dumps_bytes(content)
