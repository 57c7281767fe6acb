"""Site photos: list a parcel's, attach (multipart upload), read, thumbnail, remove."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Response, UploadFile
from sqlalchemy.orm import Session

from gis_service.api.auth import EditorDep
from gis_service.api.deps import CodePath, SessionDep, SettingsDep
from gis_service.api.error_responses import error_responses
from gis_service.api.errors import PayloadTooLarge
from gis_service.photos.service import attach_photo, detach_photo
from gis_service.repo import photos

router = APIRouter(tags=["photos"])

PhotoPath = Annotated[int, Path(ge=1, le=2**62, description="The photo's id.")]
# Photos never change once stored (removal makes them 404), so browsers may keep them.
CACHE = {"Cache-Control": "private, max-age=86400"}


def photo_json(row: dict[str, Any]) -> dict[str, Any]:
    """A photo's metadata with the URLs of the image and its thumbnail."""
    taken: datetime | None = row["taken_at"]
    return {
        "id": row["id"],
        "url": f"/api/photos/{row['id']}",
        "thumbnail_url": f"/api/photos/{row['id']}/thumbnail",
        "media_type": row["media_type"],
        "width": row["width"],
        "height": row["height"],
        "file_name": row["file_name"],
        "taken_at": None if taken is None else taken.isoformat(),
        "added_by": row["added_by"],
        "added_at": row["added_at"].isoformat(),
    }


@router.get(
    "/api/parcels/{code}/photos",
    summary="A parcel's site photos (metadata and URLs)",
    responses=error_responses(401, 404, 422),
)
def list_photos(code: CodePath, session: SessionDep) -> dict[str, Any]:
    """The live photos of a parcel, oldest first."""
    photos.live_parcel(session, code)
    return {"code": code, "photos": [photo_json(row) for row in photos.list_photos(session, code)]}


@router.post(
    "/api/parcels/{code}/photos",
    status_code=201,
    summary="Attach a site photo (JPEG, PNG or WebP; EXIF stripped but the capture time)",
    responses=error_responses(401, 403, 404, 413, 415, 422),
)
async def add_photo(
    code: CodePath,
    session: SessionDep,
    settings: SettingsDep,
    user: EditorDep,
    file: Annotated[UploadFile, File(description="The photo file.")],
) -> dict[str, Any]:
    """Store the photo once decoded and cleaned; the event photo_added joins the history."""
    raw = await file.read(settings.photo_max_bytes + 1)
    if len(raw) > settings.photo_max_bytes:
        raise PayloadTooLarge(
            f"the photo is larger than {settings.photo_max_bytes:,} bytes", field="file"
        )
    photo_id = attach_photo(
        session, code=code, raw=raw, file_name=file.filename, user=user, settings=settings
    )
    session.commit()
    row = next(r for r in photos.list_photos(session, code) if r["id"] == photo_id)
    return photo_json(row)


@router.get(
    "/api/photos/{photo_id}",
    response_class=Response,
    summary="A site photo as stored",
    responses=error_responses(401, 404, 422),
)
def get_photo(photo_id: PhotoPath, session: SessionDep) -> Response:
    """The cleaned image in its own format."""
    return _image(session, photo_id, thumbnail=False)


@router.get(
    "/api/photos/{photo_id}/thumbnail",
    response_class=Response,
    summary="A site photo's thumbnail (JPEG, at most 320×320)",
    responses=error_responses(401, 404, 422),
)
def get_thumbnail(photo_id: PhotoPath, session: SessionDep) -> Response:
    """The thumbnail made when the photo was stored."""
    return _image(session, photo_id, thumbnail=True)


def _image(session: Session, photo_id: int, *, thumbnail: bool) -> Response:
    """A photo's (or its thumbnail's) bytes, cacheable: stored photos never change."""
    media_type, data = photos.photo_bytes(session, photo_id, thumbnail=thumbnail)
    return Response(data, media_type=media_type, headers=CACHE)


@router.delete(
    "/api/photos/{photo_id}",
    summary="Remove a site photo (recorded as photo_removed in the parcel's history)",
    responses=error_responses(401, 403, 404, 422),
)
def remove_photo(
    photo_id: PhotoPath, session: SessionDep, settings: SettingsDep, user: EditorDep
) -> dict[str, Any]:
    """Remove a photo from the parcel (its bytes are kept for the record)."""
    detach_photo(session, photo_id=photo_id, user=user, settings=settings)
    session.commit()
    return {"id": photo_id, "removed": True}
