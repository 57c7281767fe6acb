"""Site photos (table photo): add, list, read, remove; each add/remove is a parcel event."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from gis_service.api.errors import NotFound
from gis_service.repo.parcel_writes import append_events

if TYPE_CHECKING:  # a type only: the images module loads Pillow (issue 10 start-up)
    from gis_service.photos.images import StoredPhoto

_META = "p.id, p.media_type, p.width, p.height, p.file_name, p.taken_at, p.added_by, p.added_at"


def live_parcel(session: Session, code: str) -> dict[str, Any]:
    """The id, category and version of a live parcel; NotFound otherwise."""
    row = (
        session.execute(
            text(
                "SELECT id, code, category, version FROM parcel"
                " WHERE code = :code AND deleted_at IS NULL"
            ),
            {"code": code},
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"no parcel with code {code!r}", field="code")
    return dict(row)


def add_photo(
    session: Session,
    *,
    parcel: dict[str, Any],
    photo: StoredPhoto,
    file_name: str | None,
    actor: str,
    effective_date: date,
) -> int:
    """Store a photo of a parcel and record the photo_added event; the photo's id."""
    photo_id: int = session.execute(
        text(
            "INSERT INTO photo (parcel_id, media_type, image, thumbnail, width, height,"
            " file_name, taken_at, added_by)"
            " VALUES (:parcel_id, :media_type, :image, :thumbnail, :width, :height,"
            " :file_name, :taken_at, :actor) RETURNING id"
        ),
        {
            "parcel_id": parcel["id"],
            "media_type": photo.media_type,
            "image": photo.image,
            "thumbnail": photo.thumbnail,
            "width": photo.width,
            "height": photo.height,
            "file_name": file_name,
            "taken_at": photo.taken_at,
            "actor": actor,
        },
    ).scalar_one()
    event = {"id": photo_id, "file_name": file_name}
    _event(session, parcel, "photo_added", None, event, actor, effective_date)
    return photo_id


def list_photos(session: Session, code: str) -> list[dict[str, Any]]:
    """The live photos of a parcel, oldest first (no image bytes)."""
    rows = session.execute(
        text(
            f"SELECT {_META} FROM photo p JOIN parcel c ON c.id = p.parcel_id"
            " WHERE c.code = :code AND p.removed_at IS NULL ORDER BY p.added_at, p.id"
        ),
        {"code": code},
    ).mappings()
    return [dict(row) for row in rows]


def photo_bytes(session: Session, photo_id: int, *, thumbnail: bool) -> tuple[str, bytes]:
    """(media type, bytes) of a live photo or its thumbnail; NotFound otherwise."""
    column = "thumbnail" if thumbnail else "image"
    row = session.execute(
        text(
            f"SELECT media_type, {column} AS data FROM photo WHERE id = :id AND removed_at IS NULL"
        ),
        {"id": photo_id},
    ).first()
    if row is None:
        raise NotFound(f"no photo {photo_id}", field="id")
    return ("image/jpeg" if thumbnail else row.media_type), bytes(row.data)


def photo_parcel(session: Session, photo_id: int) -> dict[str, Any]:
    """The live parcel a live photo belongs to (for the role check before removal)."""
    row = session.execute(
        text(
            "SELECT c.code FROM photo p JOIN parcel c ON c.id = p.parcel_id"
            " WHERE p.id = :id AND p.removed_at IS NULL"
        ),
        {"id": photo_id},
    ).first()
    if row is None:
        raise NotFound(f"no photo {photo_id}", field="id")
    return live_parcel(session, row.code)


def remove_photo(
    session: Session, *, photo_id: int, parcel: dict[str, Any], actor: str, effective_date: date
) -> None:
    """Mark a photo removed (its bytes stay for the record) and record photo_removed."""
    row = session.execute(
        text(
            "UPDATE photo SET removed_at = now(), removed_by = :actor"
            " WHERE id = :id AND removed_at IS NULL RETURNING file_name"
        ),
        {"id": photo_id, "actor": actor},
    ).first()
    if row is None:
        raise NotFound(f"no photo {photo_id}", field="id")
    event = {"id": photo_id, "file_name": row.file_name}
    _event(session, parcel, "photo_removed", event, None, actor, effective_date)


def _event(
    session: Session,
    parcel: dict[str, Any],
    action: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    actor: str,
    effective_date: date,
) -> None:
    """A photo event in the parcel's history (at its current version: fields are unchanged)."""
    changes = [("photo", old, new)]
    version = parcel["version"]
    append_events(
        session, parcel["id"], parcel["code"], action, changes, effective_date, actor, version
    )
