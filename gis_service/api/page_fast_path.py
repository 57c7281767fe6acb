"""GeoJSON pages answered before FastAPI's routing and dependencies (issue 10 goal 1).

A page of 1,000 Features is one cheap statement since the Features' text is stored
(migration 0006); what the routes added around it was Python on the cores PostgreSQL needs:
routing and dependency resolution, hops to worker threads, a SQLAlchemy session (the pool's
ping, BEGIN, the data's stamp, the page, ROLLBACK), then the megabyte joined and buffered by the
middlewares. This ASGI layer sits inside the Host check and the overload limit (they still
apply), before the other middlewares, and answers a plain public read of `GET /api/parcels`
and `GET /ogc/collections/{category}/items` itself: one statement on the worker's tile pool
(api/tile_pool.py) from the event loop, the data's stamp and the page together
(sql/parcels_page_versioned.sql), the page's JSON sent as a view of the bytes PostgreSQL sent,
the rest of the document around it. It answers what the route and the middlewares after it
answer: the same document (links, counts, `timeStamp`), the same ETag (data_etag of the same
parts, /api/parcels only) and `no-cache`, 304 when If-None-Match holds the tag (the stamp alone
is read first then, as the route reads it before the page), GZipMiddleware's `Vary` and gzip
(the same level, so the same bytes); read-after-write stamping has nothing to add (no replica).

It passes everything else on unchanged, so the routes keep every rule and error message:
- read access: only when reads are public and the request brings no token to check;
- a parameter it does not take (q, level, deadlines, kind, ...), one given twice, a value the
  routes would refuse (their 422 or 400), HTML asked of the OGC items, the communities;
- an empty page past the last match (its count is a second statement), a read replica
  configured (its routing rules live in the sessions: no pool then), the tests' shared session
  override, a database error (the route answers its 503).

A date before the last change is answered here too: the statement then reads the page from
the dated states, as the route's select_feature_page does (issue 10 goal 2: the as-of page
keeps within 1.5x of today's).

One thing is answered here that is not the route's page:
- no connection of the pool free within `db_pool_timeout`: the 503 with Retry-After the routes
  answer when their pool has none, at once (issue 10 goal 6: not a second wait in the route).

A client that goes while its page is read has the statement cancelled (issue 10 goal 6), as
CancelOnDisconnect does for the routes' sessions: psycopg sends PostgreSQL a cancel when the
task awaiting the statement is cancelled, and the pool closes that connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, Final

import psycopg
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gis_service.api.http_cache import data_etag, none_match
from gis_service.api.json_shapes import page_links
from gis_service.api.overload import busy_response
from gis_service.api.page_http import JSON, Answer, encoded, revalidated, send_answer
from gis_service.api.page_requests import PlainPage, plain_page
from gis_service.api.patch_fast_path import replay
from gis_service.api.routers.ogc_routes import ogc_base
from gis_service.api.routers.parcel_routes import PAGE_FORMAT
from gis_service.api.tile_pool import TilePool, request_pool
from gis_service.ogc import documents as ogc_documents
from gis_service.parcels.features import feature_collection
from gis_service.raw_json import RawFeatures, dumps_pieces
from gis_service.repo import parcel_reads
from gis_service.repo.parcel_reads import Paging, ParcelQuery
from gis_service.repo.sql_files import psycopg_sql, sql_file
from gis_service.repo.text_bytes import TextViewLoader
from gis_service.rules.levels import RiskThresholds
from gis_service.settings import Settings

log = logging.getLogger("gis_service")

# The pages' gates: the current view's rows are read only when it holds the date, the dated
# states' only when it does not.
_GATES: Final[dict[bool, str]] = {
    False: "NOT (SELECT folded FROM stamp)",
    True: "(SELECT folded FROM stamp)",
}


@dataclass(frozen=True)
class PageRow:
    """What the page statement read: the data's version and the page (number_matched None:
    an empty page past the last match, whose count the route reads)."""

    version: int
    number_matched: int | None
    number_returned: int
    features: memoryview


class PageFastPath:
    """Answer plain public GeoJSON pages in one statement; pass everything else on."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A plain page is answered here; any other request goes to the app unchanged."""
        asked = plain_page(scope, self.settings) if scope["type"] == "http" else None
        pool = None if asked is None else request_pool(scope, self.settings)
        if asked is None or pool is None:
            await self.app(scope, receive, send)
            return
        read: list[Message] = []
        work = asyncio.ensure_future(self._answer(Request(scope), asked, pool))
        listener = asyncio.ensure_future(_until_gone(receive, read))
        try:
            await asyncio.wait((work, listener), return_when=asyncio.FIRST_COMPLETED)
        except BaseException:  # the server stops this request: nothing of it runs on
            work.cancel()
            listener.cancel()
            raise
        if not work.done():
            # The client went: psycopg cancels the statement on the server when its task is
            # cancelled, and the pool closes that connection (CancelOnDisconnect's rule).
            work.cancel()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError, psycopg.Error):
                await work
            return
        listener.cancel()
        try:
            answer = work.result()
        except TimeoutError:  # no free connection in time: the routes' 503, at once
            log.warning("no free connection for %s %s", scope["method"], scope["path"])
            await busy_response()(scope, replay(read, receive), send)
            return
        if answer is None:
            await self.app(scope, replay(read, receive), send)
            return
        await send_answer(send, answer)

    async def _answer(self, request: Request, asked: PlainPage, pool: TilePool) -> Answer | None:
        """The route's answer to the page, or None to pass the request on."""
        held = request.headers.get("if-none-match")
        if asked.collection is None and held:  # the route's 304 comes before the page
            version = await _version(pool)
            if version is None:
                return None
            tag = self._tag(request, asked, version)
            if none_match(held, tag):
                return Answer(304, revalidated(tag), [])
        row = await read_page(pool, asked, self.settings)
        if row is None or row.number_matched is None:
            return None
        features = RawFeatures(row.features, row.number_returned)
        if asked.collection is None:
            document = feature_collection(
                features,
                numberMatched=row.number_matched,
                numberReturned=row.number_returned,
                links=page_links(request, row.number_matched, asked.limit, asked.offset),
            )
            head = revalidated(self._tag(request, asked, row.version))
            return await encoded(request, head, JSON, dumps_pieces(document))
        assert asked.items is not None, "an items request carries its query"
        items_url = f"{ogc_base(request)}/collections/{asked.collection}/items"
        document = ogc_documents.items_document(
            features,
            number_matched=row.number_matched,
            query=asked.items,
            params=request.query_params.multi_items(),
            items_url=items_url,
            time_stamp=datetime.now(UTC),
        )
        return await encoded(request, [], ogc_documents.GEOJSON, dumps_pieces(document))

    def _tag(self, request: Request, asked: PlainPage, version: int) -> str:
        """The page's ETag, of the very parts parcel_routes.list_parcels digests."""
        settings = self.settings
        return data_etag(
            PAGE_FORMAT, str(request.url), settings.public_base_url, asked.on, settings.thresholds,
            version,
        )  # fmt: skip


async def _until_gone(receive: Receive, read: list[Message]) -> None:
    """Return when the client has gone; the messages read are kept for the app (a GET's
    empty request, then nothing until the disconnect)."""
    while True:
        message = await receive()
        read.append(message)
        if message["type"] == "http.disconnect":
            return


async def _version(pool: TilePool) -> int | None:
    """The data's version now (sql/data_stamp.sql), or None after a database error;
    TimeoutError when no connection frees in time."""
    try:
        async with pool.connection() as conn:
            cursor = await conn.execute(_stamp_sql())
            row = await cursor.fetchone()
    except psycopg.Error:
        return None
    assert row is not None, "the stamp's aggregate has one row"
    return int(row[0])


async def read_page(pool: TilePool, asked: PlainPage, settings: Settings) -> PageRow | None:
    """The data's version and the page, or None after a database error; TimeoutError when no
    connection frees in time."""
    statement, values = page_statement(asked, settings)
    try:
        async with pool.connection() as conn:
            cursor = conn.cursor()
            # The page's JSON stays a view of the bytes PostgreSQL sent (repo/text_bytes.py).
            cursor.adapters.register_loader("text", TextViewLoader)
            await cursor.execute(statement, values)
            row = await cursor.fetchone()
    except psycopg.Error:
        return None
    assert row is not None, "the stamp's aggregate has one row"
    version, _folded, matched, returned, features = row
    if matched is None and not asked.offset:  # an empty first page
        matched = 0
    return PageRow(int(version), matched, int(returned), features)


def page_statement(asked: PlainPage, settings: Settings) -> tuple[str, dict[str, Any]]:
    """sql/parcels_page_versioned.sql for the page (psycopg's placeholders) and its values."""
    query, paging = asked.query, Paging(limit=asked.limit, offset=asked.offset)
    used = tuple(name for name in _FILTERS if getattr(query, name) is not None)
    values = parcel_reads.feature_page_params(
        query, on=asked.on, thresholds=settings.thresholds, levels=None, paging=paging
    )
    return _page_sql(used, asked.offset > 0), values


# The filters a page may use here, and a stand-in value of each to write its statement with.
_FILTERS: Final[dict[str, Any]] = {
    "category": "",
    "stage": "",
    "community": "",
    "bbox": (0.0, 0.0, 0.0, 0.0),
}


@cache
def _page_sql(filters: tuple[str, ...], offset: bool) -> str:
    """The page statement with these filters, with or without an OFFSET (the text only: it
    is the same for every value; a few texts in all)."""
    pages = {
        folded: parcel_reads.feature_page_statement(
            ParcelQuery(**{name: _FILTERS[name] for name in filters}),
            on=date.min,
            thresholds=RiskThresholds(),
            levels=None,
            paging=Paging(limit=1, offset=1 if offset else 0),
            folded=folded,
            only_if=gate,
        )[0].text
        for folded, gate in _GATES.items()
    }
    page = sql_file("parcels_page_versioned")
    statement = page.format(stamp=sql_file("data_stamp"), current=pages[False], folded=pages[True])
    return psycopg_sql(statement)


@cache
def _stamp_sql() -> str:
    """sql/data_stamp.sql in psycopg's form."""
    return psycopg_sql(sql_file("data_stamp"))
