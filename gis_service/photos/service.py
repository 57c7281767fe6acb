"""Attaching and removing site photos: role-checked like an edit, recorded in history."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from gis_service.api.auth import User
from gis_service.api.errors import Forbidden
from gis_service.parcels.fields import INVESTMENT_FIELDS
from gis_service.repo import photos
from gis_service.rules.roles import edit_refusal
from gis_service.settings import Settings


def attach_photo(
    session: Session,
    *,
    code: str,
    raw: bytes,
    file_name: str | None,
    user: User,
    settings: Settings,
) -> int:
    """Store a photo of a parcel the user may edit (403 otherwise); the new photo's id."""
    parcel = _editable_parcel(session, code, user)
    from gis_service.photos.images import prepare_photo  # Pillow loads with the first photo

    photo = prepare_photo(raw, max_bytes=settings.photo_max_bytes)
    name = (file_name or "").strip()[:200] or None
    return photos.add_photo(
        session,
        parcel=parcel,
        photo=photo,
        file_name=name,
        actor=user.name,
        effective_date=settings.today_date(),
    )


def detach_photo(session: Session, *, photo_id: int, user: User, settings: Settings) -> None:
    """Remove a photo of a parcel the user may edit (403 otherwise)."""
    parcel = photos.photo_parcel(session, photo_id)
    _check(parcel, user)
    photos.remove_photo(
        session,
        photo_id=photo_id,
        parcel=parcel,
        actor=user.name,
        effective_date=settings.today_date(),
    )


def _editable_parcel(session: Session, code: str, user: User) -> dict[str, Any]:
    """The live parcel, once the user may edit its category."""
    parcel = photos.live_parcel(session, code)
    _check(parcel, user)
    return parcel


def _check(parcel: dict[str, Any], user: User) -> None:
    """403 unless the user's role may edit parcels of this category."""
    refusal = edit_refusal(
        user.role, str(parcel["category"]), (), investment_fields=INVESTMENT_FIELDS
    )
    if refusal is not None:
        raise Forbidden(refusal[0], field=refusal[1])
