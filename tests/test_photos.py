"""Site photos: only real JPEG/PNG/WebP kept, EXIF stripped but the capture time, a thumbnail,
role checks, and attach/remove as events in the parcel's history."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.orm import Session

from gis_service.api.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from gis_service.photos.images import capture_time, prepare_photo
from gis_service.settings import Settings
from tests.api_helpers import app_client, bearer
from tests.people_helpers import add_person, sign_in
from tests.photo_helpers import EXIF_IFD, GPS_IFD, image_bytes, phone_jpeg

MB = 1024 * 1024


def test_a_phone_jpeg_keeps_only_its_capture_time() -> None:
    stored = prepare_photo(phone_jpeg(), max_bytes=10 * MB)
    assert stored.media_type == "image/jpeg" and (stored.width, stored.height) == (1200, 900)
    assert stored.taken_at == datetime(2021, 6, 15, 10, 30)
    image = Image.open(BytesIO(stored.image))
    exif = image.getexif()
    assert 0x010F not in exif and not exif.get_ifd(GPS_IFD)
    assert exif.get_ifd(EXIF_IFD)[0x9003] == "2021:06:15 10:30:00"
    assert capture_time(image) == datetime(2021, 6, 15, 10, 30)
    thumb = Image.open(BytesIO(stored.thumbnail))
    assert thumb.format == "JPEG" and max(thumb.size) == 320 and thumb.size == (320, 240)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_kept_in_their_format(fmt: str) -> None:
    stored = prepare_photo(image_bytes(fmt), max_bytes=MB)
    assert stored.media_type == f"image/{fmt.lower()}" and stored.taken_at is None
    assert Image.open(BytesIO(stored.image)).format == fmt


def test_anything_else_is_refused() -> None:
    with pytest.raises(UnsupportedMediaType, match="not an image"):
        prepare_photo(b"just some text, renamed to photo.jpg\n", max_bytes=MB)
    with pytest.raises(UnsupportedMediaType, match="GIF"):
        prepare_photo(image_bytes("GIF"), max_bytes=MB)
    with pytest.raises(InvalidInput, match="damaged"):
        whole = phone_jpeg()
        prepare_photo(whole[: len(whole) * 2 // 3], max_bytes=MB)
    with pytest.raises(PayloadTooLarge):
        prepare_photo(phone_jpeg(), max_bytes=1000)


def upload(client: TestClient, code: str, data: bytes, name: str, headers: dict[str, str]) -> int:
    """POST a file as a photo of a parcel; the status."""
    files = {"file": (name, data, "image/jpeg")}
    return client.post(f"/api/parcels/{code}/photos", files=files, headers=headers).status_code


def test_attach_list_read_and_remove_with_history(client: TestClient, session: Session) -> None:
    token = add_person(session, "li", "investment")
    files = {"file": ("site.jpg", phone_jpeg(), "image/jpeg")}
    created = client.post("/api/parcels/IB-01/photos", files=files, headers=bearer(token))
    assert created.status_code == 201, created.text
    photo = created.json()
    assert photo["added_by"] == "li" and photo["taken_at"] == "2021-06-15T10:30:00"
    listed = client.get("/api/parcels/IB-01/photos").json()["photos"]
    assert [p["id"] for p in listed] == [photo["id"]]
    image = client.get(photo["url"])
    assert image.headers["content-type"] == "image/jpeg" and image.content[:2] == b"\xff\xd8"
    thumb = client.get(photo["thumbnail_url"])
    assert Image.open(BytesIO(thumb.content)).size == (320, 240)
    assert client.delete(f"/api/photos/{photo['id']}", headers=bearer(token)).status_code == 200
    assert client.get("/api/parcels/IB-01/photos").json()["photos"] == []
    assert client.get(photo["url"]).status_code == 404
    events = client.get("/api/parcels/IB-01/history").json()["events"]
    assert [e["action"] for e in events[:2]] == ["photo_removed", "photo_added"]
    assert events[1]["new_value"] == {"id": photo["id"], "file_name": "site.jpg"}
    assert all(e["actor"] == "li" for e in events[:2])
    page = client.get("/parcels/IB-01/history").text
    assert "添加照片" in page and "删除照片" in page and "site.jpg" in page


def test_uploads_that_are_not_images_are_refused(client: TestClient, session: Session) -> None:
    token = add_person(session, "li", "investment")
    text_file = b"this is a text file renamed .jpg\n"
    assert upload(client, "IB-01", text_file, "notes.jpg", bearer(token)) == 415
    assert upload(client, "IB-01", image_bytes("GIF"), "a.gif", bearer(token)) == 415
    assert client.get("/api/parcels/IB-01/photos").json()["photos"] == []


def test_photo_size_limit_is_a_setting(settings: Settings, session: Session) -> None:
    token = add_person(session, "li", "investment")
    with app_client(settings, session, photo_max_bytes=20_000) as small:
        assert (
            upload(small, "IB-01", phone_jpeg((3000, 2000), "#123"), "big.jpg", bearer(token))
            == 413
        )
        assert upload(small, "IB-01", image_bytes("PNG"), "small.png", bearer(token)) == 201


def test_roles_and_csrf_apply_to_photos(client: TestClient, session: Session) -> None:
    investment = add_person(session, "li", "investment")
    viewer = add_person(session, "kan", "viewer")
    jpeg = phone_jpeg((64, 48))
    assert upload(client, "KP-01", jpeg, "k.jpg", bearer(investment)) == 403  # key project
    assert upload(client, "IB-01", jpeg, "v.jpg", bearer(viewer)) == 403
    assert upload(client, "IB-01", jpeg, "anon.jpg", {}) == 401
    csrf = sign_in(client, "li")
    assert upload(client, "IB-01", jpeg, "no-token.jpg", {}) == 403
    assert upload(client, "IB-01", jpeg, "ok.jpg", {"X-CSRF-Token": csrf}) == 201


def test_a_photo_does_not_stop_back_dated_edits(client: TestClient, session: Session) -> None:
    token = add_person(session, "li", "investment")
    assert upload(client, "IB-04", phone_jpeg((64, 48)), "p.jpg", bearer(token)) == 201
    etag = client.get("/api/parcels/IB-04").headers["etag"]
    response = client.patch(
        "/api/parcels/IB-04",
        params={"effective_date": "2022-01-01"},
        json={"properties": {"note": "回溯记录"}},
        headers=bearer(token) | {"If-Match": etag},
    )
    assert response.status_code == 200, response.text


def test_a_sideways_phone_photo_is_stored_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned; rotate 90° clockwise to view
    out = BytesIO()
    Image.new("RGB", (40, 20), "#39c").save(out, "JPEG", exif=exif.tobytes())
    stored = prepare_photo(out.getvalue(), max_bytes=MB)
    assert (stored.width, stored.height) == (20, 40)
    image = Image.open(BytesIO(stored.image))
    assert image.size == (20, 40) and 0x0112 not in image.getexif()
