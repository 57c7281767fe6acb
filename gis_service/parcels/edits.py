"""Edits of parcels: create, patch, replace, delete: validated, role-checked, recorded.

The one place both the JSON API and OGC API – Features Part 4 write through. Each function
runs in the caller's transaction and does not commit: the caller commits on success (any
error leaves the session to be rolled back). Errors are `gis_service.api.errors` exceptions that
carry their status: 403 role, 404 code, 409 duplicate, 412 stale version, 422 invalid input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.orm import Session

from gis_service.api.auth import User
from gis_service.api.errors import Forbidden, InvalidInput
from gis_service.api.preconditions import etag
from gis_service.parcels import listing, parcel_input
from gis_service.parcels.features import parcel_feature
from gis_service.parcels.fields import INVESTMENT_FIELDS
from gis_service.parcels.parcel_input import ParcelInput
from gis_service.repo import parcel_writes
from gis_service.rules.roles import Operation, edit_refusal
from gis_service.settings import Settings

if TYPE_CHECKING:  # a type only: the geometry module loads shapely (issue 10 start-up)
    from gis_service.parcels.geometry_input import ServiceArea


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
    return _update(
        session, parcel_input.patched_values, code=code, body=body, user=user,
        expected_version=expected_version, settings=settings,
        effective_date=effective_date, repair=repair,
    )  # fmt: skip


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
    return _update(
        session, parcel_input.replacement_values, code=code, body=body, user=user,
        expected_version=expected_version, settings=settings,
        effective_date=effective_date, repair=repair,
    )  # fmt: skip


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
    parcel_writes.delete_parcel(
        session, code=code, actor=user.name, effective_date=day, expected_version=expected_version
    )
    return EditResult(code=code, version=expected_version + 1, feature=None)


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


class _NewValues(Protocol):
    """How a body turns into the values to write: a merge patch, or a full replacement."""

    def __call__(
        self, code: str, current: dict[str, Any], body: Any, /, *, area: ServiceArea, repair: bool
    ) -> ParcelInput: ...


def _update(
    session: Session,
    new_values: _NewValues,
    *,
    code: str,
    body: Any,
    user: User,
    expected_version: int,
    settings: Settings,
    effective_date: date | None,
    repair: bool,
) -> EditResult:
    """Lock and read the parcel, turn the body into values, check the role once (category and
    changed fields), write, and answer from the row written."""
    day = effective_day(effective_date, today=settings.today_date())
    locked = parcel_writes.lock_parcel(
        session, code, expected_version=expected_version, effective_date=day
    )
    parcel = new_values(code, locked.state, body, area=settings.service_area, repair=repair)
    category = str(locked.state["category"])
    refusal = edit_refusal(user.role, category, parcel.values, investment_fields=INVESTMENT_FIELDS)
    if refusal is not None:
        raise Forbidden(refusal[0], field=refusal[1])
    # No savepoint (issue 10 goal 5: two round trips of five): a refusal ends the request's
    # transaction, and the importer runs each row in a savepoint of its own.
    version, row = parcel_writes.write_changes(
        session, locked, changes=parcel.values, actor=user.name, effective_date=day,
        savepoint=False,
    )  # fmt: skip
    # The parcel's events all lie on or before `day` (≤ today), so its row is its state today.
    feature = parcel_feature(
        row | {"geometry": row["outline"]}, on=settings.today_date(), thresholds=settings.thresholds
    )
    return EditResult(code=locked.code, version=version, feature=feature, repairs=parcel.repairs)


def _result(
    session: Session, code: str, version: int, settings: Settings, repairs: tuple[str, ...]
) -> EditResult:
    """The result of a write: the parcel as a Feature as of today."""
    feature = listing.get_feature(
        session, code, on=settings.today_date(), thresholds=settings.thresholds, outline="object"
    )
    return EditResult(code=code, version=version, feature=feature, repairs=repairs)
