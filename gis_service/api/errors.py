"""Errors of the service, each carrying its HTTP status and a client-safe sentence."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base error: a status, a stable code, a sentence for the client, and the field at fault."""

    status: int = 400
    code: str = "bad_request"
    # Response headers the error needs (e.g. WWW-Authenticate on 401, RFC 6750).
    headers: dict[str, str] | None = None

    def __init__(self, message: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON body sent to the client."""
        return error_body(self.code, self.message, self.field, **self.extra)


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    """The one error shape every answer uses: {error, message, field, ...extra}."""
    return {"error": code, "message": message, "field": field, **extra}


class NotFound(ServiceError):
    """The named object does not exist (or was deleted)."""

    status, code = 404, "not_found"


class InvalidInput(ServiceError):
    """A value is malformed, of the wrong type, or breaks a rule of the plan."""

    status, code = 422, "invalid_input"


class Conflict(ServiceError):
    """The request clashes with stored data, e.g. a code that already exists."""

    status, code = 409, "conflict"


class StaleVersion(ServiceError):
    """If-Match named a version that is no longer current."""

    status, code = 412, "stale_version"


class PreconditionRequired(ServiceError):
    """A write came without If-Match."""

    status, code = 428, "precondition_required"


class Unauthorized(ServiceError):
    """No token, or a token that is unknown or revoked."""

    status, code = 401, "unauthorized"
    headers = {"WWW-Authenticate": 'Bearer realm="yatou"'}


class Forbidden(ServiceError):
    """The token's role may not do this."""

    status, code = 403, "forbidden"


class PayloadTooLarge(ServiceError):
    """The body is larger than the configured limit."""

    status, code = 413, "payload_too_large"


class UnsupportedMediaType(ServiceError):
    """The body is not declared as one of the JSON media types the service reads."""

    status, code = 415, "unsupported_media_type"


class MalformedBody(ServiceError):
    """The body is not JSON at all (bad syntax, bad UTF-8, NaN or Infinity)."""

    status, code = 400, "malformed_json"


class TooManyRequests(ServiceError):
    """Too many failed sign-ins for a name or an address; try again after Retry-After."""

    status, code = 429, "too_many_requests"

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field, retry_after=retry_after)
        self.headers = {"Retry-After": str(retry_after)}
