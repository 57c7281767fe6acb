"""A database that cannot answer: 503 with Retry-After instead of 500 (issue 8).

psycopg reports a failed or lost connection as an OperationalError without an SQLSTATE, or
with one of class 08 (connection exception) or 57P01-57P03 (the server shutting down or not
yet accepting connections); SQLAlchemy wraps it as its own OperationalError/InterfaceError.
Other operational errors (a cancelled statement, a deadlock) are also transient: they get
503 too, with a sentence that does not claim the database is down.
"""

from __future__ import annotations

from typing import Final

import psycopg
from sqlalchemy import exc

from gis_service.api.errors import ServiceError

RETRY_AFTER_SECONDS: Final = 5
# What the error table maps to DatabaseUnavailable (error_handlers.add_error_handlers).
DATABASE_ERRORS: Final = (exc.OperationalError, exc.InterfaceError, psycopg.OperationalError)
_SHUTTING_DOWN: Final = frozenset({"57P01", "57P02", "57P03"})


class DatabaseUnavailable(ServiceError):
    """The database cannot answer now; the client should retry after a few seconds."""

    status, code = 503, "database_unavailable"
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}


def is_connection_failure(sqlstate: str | None) -> bool:
    """Whether an SQLSTATE (None: no server answer at all) means no usable connection."""
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in _SHUTTING_DOWN


def unavailable(error: Exception) -> DatabaseUnavailable:
    """The 503 for a database error, worded for a lost connection or a transient failure."""
    original = error.orig if isinstance(error, exc.DBAPIError) else error
    sqlstate = getattr(original, "sqlstate", None)
    if is_connection_failure(sqlstate):
        return DatabaseUnavailable("the database is unavailable; try again in a few seconds")
    return DatabaseUnavailable(
        "the database could not complete the request; try again in a few seconds"
    )


class SchemaNotCurrent(DatabaseUnavailable):
    """The database answers but its schema is not the one this code needs (not migrated)."""

    code = "schema_not_current"
