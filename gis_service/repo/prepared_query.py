"""One statement prepared once per connection and run on libpq directly (issue 10 goal 3).

A versioned tile's miss is one statement on the tile pool (api/tile_pool.py). Through
psycopg's cursor each run made a cursor and its transformer, chose a dumper per value (an
int's type follows its size, so a tile's x at zoom 16 made a statement of its own), and waited
through the connection's lock: ~0.2 ms of the worker's CPU per tile, next to ~3 ms of
PostgreSQL. Here the statement is prepared once on each connection with fixed parameter
types, its values are packed in PostgreSQL's binary format, and its one row is read as bytes.

The types are those of what each value meets in the statement (ST_TileEnvelope's integers,
a date, double precision, text), so PostgreSQL resolves the same functions and casts as
before: the answers are the same bytes (tests/test_tile_pool.py).
"""

from __future__ import annotations

import re
import struct
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import psycopg
from psycopg import generators, pq

DATE: Final = 1082
INT4: Final = 23
INT8: Final = 20
FLOAT8: Final = 701
TEXT: Final = 25

_EPOCH: Final = date(2000, 1, 1).toordinal()  # PostgreSQL's binary dates count days from it
_PACK: Final[dict[int, Callable[[Any], bytes]]] = {
    DATE: lambda day: struct.pack("!i", day.toordinal() - _EPOCH),
    INT4: struct.Struct("!i").pack,
    INT8: struct.Struct("!q").pack,
    FLOAT8: struct.Struct("!d").pack,
    TEXT: lambda text: text.encode("utf-8"),
}
_PLACEHOLDER: Final = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class PreparedQuery:
    """A statement in PostgreSQL's $n placeholders, its name, and each $n's value name and type."""

    name: bytes
    sql: bytes
    params: tuple[tuple[str, int], ...]

    def values(self, named: Mapping[str, Any]) -> list[bytes | None]:
        """The named values in $n order, packed in binary (None stays NULL)."""
        return [None if named[key] is None else _PACK[oid](named[key]) for key, oid in self.params]


def prepared_query(name: str, statement: str, types: Mapping[str, int]) -> PreparedQuery:
    """A statement in psycopg's %(name)s placeholders as a PreparedQuery: a name used twice is
    one $n; every name needs its type in `types`."""
    order: dict[str, int] = {}

    def number(found: re.Match[str]) -> str:
        return f"${order.setdefault(found[1], len(order) + 1)}"

    assert "%%" not in statement, "a literal % would need unescaping"
    sql = _PLACEHOLDER.sub(number, statement)
    params = tuple((key, types[key]) for key in order)
    return PreparedQuery(name.encode(), sql.encode("utf-8"), params)


# The names prepared on each connection; a connection closed and dropped takes its set along.
_prepared: weakref.WeakKeyDictionary[psycopg.AsyncConnection[Any], set[bytes]] = (
    weakref.WeakKeyDictionary()
)


async def fetch_row(
    conn: psycopg.AsyncConnection[Any], query: PreparedQuery, named: Mapping[str, Any]
) -> list[bytes | None]:
    """The statement's one row, each column's binary value (None for NULL); psycopg.Error for
    a failed statement. The connection must be idle and the caller's alone (a pool's)."""
    done = _prepared.setdefault(conn, set())
    pgconn = conn.pgconn
    if query.name not in done:
        types = [oid for _key, oid in query.params]
        pgconn.send_prepare(query.name, query.sql, param_types=types)
        _check(await conn.wait(generators.execute(pgconn)), conn)
        done.add(query.name)
    values = query.values(named)
    formats = [pq.Format.BINARY] * len(values)
    pgconn.send_query_prepared(query.name, values, param_formats=formats, result_format=1)
    result = _check(await conn.wait(generators.execute(pgconn)), conn)
    if result.ntuples != 1:
        raise psycopg.DataError(f"{query.name!r} answered {result.ntuples} rows, not one")
    return [result.get_value(0, column) for column in range(result.nfields)]


def _check(results: list[pq.abc.PGresult], conn: psycopg.AsyncConnection[Any]) -> pq.abc.PGresult:
    """The last result, or the database's error raised as psycopg raises it."""
    for result in results:
        if result.status not in (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK):
            raise psycopg.errors.error_from_result(result, encoding=conn.info.encoding)
    return results[-1]


def binary_int(value: bytes) -> int:
    """An integer column's binary value (int2, int4 or int8: big-endian, signed)."""
    return int.from_bytes(value, "big", signed=True)
