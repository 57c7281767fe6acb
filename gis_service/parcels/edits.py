"""Edits of parcels: create, patch, replace, delete: validated, role-checked, recorded.

The one place both the JSON API and OGC API – Features Part 4 write through. Each function
runs in the caller's transaction and does not commit: the caller commits on success (any
error leaves the session to be rolled back). Errors are `gis_service.api.errors` exceptions that
carry their status: 403 role, 404 code, 409 duplicate, 412 stale version, 422 invalid input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from gis_service.api.auth import User
from gis_service.api.errors import Forbidden, InvalidInput, NotFound, StaleVersion
from gis_service.api.preconditions import etag
from gis_service.parcels import listing, parcel_input
from gis_service.parcels.fields import FIELD_KINDS, INVESTMENT_FIELDS, to_json_value
from gis_service.parcels.parcel_input import ParcelInput
from gis_service.repo import parcel_reads, parcel_writes
from gis_service.rules.roles import Operation, edit_refusal
from gis_service.settings import Settings

T = TypeVar("T")


@dataclass(frozen=True)
class EditResult:
    """What a write left: the parcel's code and new version, its Feature, geometry repairs."""

    code: str
    version: int
    feature: dict[str, Any] | None
    repairs: tuple[str, ...] = ()

    @property
    def etag(self) -> str:
        """The strong ETag of the new version."""
        return etag(self.version)

    def body(self) -> dict[str, Any]:
        """The response body: the Feature, with a `repairs` member when the geometry was fixed."""
        if self.feature is None:
            return {"code": self.code, "deleted": True, "version": self.version}
        return self.feature | ({"repairs": list(self.repairs)} if self.repairs else {})


def create_parcel(
    session: Session,
    *,
    body: Any,
    user: User,
    settings: Settings,
    effective_date: date | None = None,
    repair: bool = False,
) -> EditResult:
    """Create a parcel from a GeoJSON Feature whose properties carry `code` (version 1)."""
    user.require(Operation.CREATE)
    code, parcel = parcel_input.new_parcel(body, area=settings.service_area, repair=repair)
    day = effective_day(effective_date, today=settings.today_date())
    parcel_writes.create_parcel(
        session, code=code, values=parcel.values, actor=user.name, effective_date=day
    )
    return _result(session, code, 1, settings, parcel.repairs)


def patch_parcel(
    session: Session,
    *,
    code: str,
    body: Any,
    user: User,
    expected_version: int,
    settings: Settings,
    effective_date: date | None = None,
    repair: bool = False,
) -> EditResult:
    """Apply a JSON merge patch (RFC 7396) of the Feature: properties and/or geometry."""
    current = current_state(session, code, user)
    parcel = parcel_input.patched_values(
        code, current, body, area=settings.service_area, repair=repair
    )
    return _update(session, code, current, parcel, user, expected_version, settings, effective_date)


def replace_parcel(
    session: Session,
    *,
    code: str,
    body: Any,
    user: User,
    expected_version: int,
    settings: Settings,
    effective_date: date | None = None,
    repair: bool = False,
) -> EditResult:
    """Replace a parcel by a full Feature (PUT): properties left out become null or default."""
    current = current_state(session, code, user)
    parcel = parcel_input.replacement_values(
        code, current, body, area=settings.service_area, repair=repair
    )
    return _update(session, code, current, parcel, user, expected_version, settings, effective_date)


def delete_parcel(
    session: Session,
    *,
    code: str,
    user: User,
    expected_version: int,
    settings: Settings,
    effective_date: date | None = None,
) -> EditResult:
    """Soft-delete a parcel (admin): it leaves current views, its history stays."""
    user.require(Operation.DELETE)
    day = effective_day(effective_date, today=settings.today_date())
    _locked(
        code,
        lambda: parcel_writes.delete_parcel(
            session,
            code=code,
            actor=user.name,
            effective_date=day,
            expected_version=expected_version,
        ),
    )
    return EditResult(code=code, version=expected_version + 1, feature=None)


def current_state(session: Session, code: str, user: User) -> dict[str, Any]:
    """A live parcel's fields in JSON form, once the user may edit a parcel of its category."""
    row = parcel_reads.select_parcel(session, code)
    if row is None:
        raise NotFound(f"no parcel with code {code!r}", field="code")
    refusal = edit_refusal(user.role, row["category"], (), investment_fields=INVESTMENT_FIELDS)
    if refusal is not None:
        raise Forbidden(refusal[0], field=refusal[1])
    return {field: to_json_value(field, row.get(field)) for field in FIELD_KINDS}


def effective_day(value: date | None, *, today: date) -> date:
    """The day a fact became true: today by default, never in the future.

    The data-access module also refuses a day before the parcel's latest recorded change, so
    that history folds to the current state (docs/data-model.md).
    """
    if value is None:
        return today
    if value > today:
        raise InvalidInput(
            f"effective_date {value.isoformat()} is in the future (today is {today.isoformat()})",
            field="effective_date",
        )
    return value


def _update(
    session: Session,
    code: str,
    current: dict[str, Any],
    parcel: ParcelInput,
    user: User,
    expected_version: int,
    settings: Settings,
    effective_date: date | None,
) -> EditResult:
    """Role-check the changed fields, then write them under the row lock and version check."""
    refusal = edit_refusal(
        user.role, str(current["category"]), parcel.values, investment_fields=INVESTMENT_FIELDS
    )
    if refusal is not None:
        raise Forbidden(refusal[0], field=refusal[1])
    day = effective_day(effective_date, today=settings.today_date())
    version = _locked(
        code,
        lambda: parcel_writes.update_parcel(
            session,
            code=code,
            changes=parcel.values,
            actor=user.name,
            effective_date=day,
            expected_version=expected_version,
        ),
    )
    return _result(session, code, version, settings, parcel.repairs)


def _locked(code: str, write: Callable[[], T]) -> T:
    """Run a versioned write; a stale version becomes a 412 that names the current ETag."""
    try:
        return write()
    except StaleVersion as error:
        current = int(error.extra["current_version"])
        raise StaleVersion(
            f"parcel {code} changed since your read: it is at version {current} "
            f"(ETag {etag(current)}); read it again and reapply your change",
            field="If-Match",
            current_version=current,
            etag=etag(current),
        ) from None


def _result(
    session: Session, code: str, version: int, settings: Settings, repairs: tuple[str, ...]
) -> EditResult:
    """The result of a write: the parcel as a Feature as of today."""
    feature = listing.get_feature(
        session, code, on=settings.today_date(), thresholds=settings.thresholds
    )
    return EditResult(code=code, version=version, feature=feature, repairs=repairs)
