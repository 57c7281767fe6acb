"""Turning an uploaded photo into what is stored: decoded, upright, EXIF gone but the capture
time, re-encoded, and a thumbnail made once. Only images Pillow decodes as JPEG, PNG or WebP
are kept; the file's name and declared type are never trusted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Final

from PIL import Image, ImageOps, UnidentifiedImageError

from gis_service.api.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType

MEDIA_TYPES: Final[dict[str, str]] = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
}
THUMBNAIL_SIZE: Final = (320, 320)
MAX_PIXELS: Final = 60_000_000  # a 60-megapixel phone photo; more is a decompression bomb
EXIF_IFD: Final = 0x8769
DATE_TIME_ORIGINAL: Final = 0x9003
DATE_TIME: Final = 0x0132


@dataclass(frozen=True)
class StoredPhoto:
    """A cleaned photo: its bytes and type, its thumbnail (JPEG), size and capture time."""

    media_type: str
    image: bytes
    thumbnail: bytes
    width: int
    height: int
    taken_at: datetime | None


def prepare_photo(raw: bytes, *, max_bytes: int) -> StoredPhoto:
    """Decode, check and clean an upload (413 too big, 415 not an accepted image, 422 broken)."""
    if len(raw) > max_bytes:
        raise PayloadTooLarge(f"the photo is larger than {max_bytes:,} bytes", field="file")
    image = _decoded(raw)
    media_type = MEDIA_TYPES[str(image.format)]
    taken_at = capture_time(image)
    upright = ImageOps.exif_transpose(image)
    return StoredPhoto(
        media_type=media_type,
        image=_reencoded(upright, str(image.format), taken_at),
        thumbnail=_thumbnail(upright),
        width=upright.width,
        height=upright.height,
        taken_at=taken_at,
    )


def _decoded(raw: bytes) -> Image.Image:
    """The fully decoded image, or the 415/422 that says why not."""
    try:
        probe = Image.open(BytesIO(raw))
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise UnsupportedMediaType(
            "the file is not an image (JPEG, PNG or WebP expected)", field="file"
        ) from error
    if probe.format not in MEDIA_TYPES:
        raise UnsupportedMediaType(
            f"{probe.format} images are not accepted (JPEG, PNG or WebP expected)", field="file"
        )
    if probe.width * probe.height > MAX_PIXELS:
        raise InvalidInput(f"the image has more than {MAX_PIXELS:,} pixels", field="file")
    try:
        probe.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise InvalidInput("the image is damaged and cannot be decoded", field="file") from error
    return probe


def capture_time(image: Image.Image) -> datetime | None:
    """When the photo was taken, from EXIF DateTimeOriginal (else DateTime); None without."""
    exif = image.getexif()
    text = exif.get_ifd(EXIF_IFD).get(DATE_TIME_ORIGINAL) or exif.get(DATE_TIME)
    try:
        return datetime.strptime(str(text).strip("\x00 "), "%Y:%m:%d %H:%M:%S") if text else None
    except ValueError:
        return None


def _reencoded(image: Image.Image, format_name: str, taken_at: datetime | None) -> bytes:
    """The pixels in their format again, with no metadata but the capture time (JPEG/WebP)."""
    out = BytesIO()
    exif = Image.Exif()
    if taken_at is not None:
        exif.get_ifd(EXIF_IFD)[DATE_TIME_ORIGINAL] = taken_at.strftime("%Y:%m:%d %H:%M:%S")
    if format_name == "JPEG":
        rgb = image.convert("RGB") if image.mode not in ("RGB", "L") else image
        rgb.save(out, "JPEG", quality=90, exif=exif.tobytes() if taken_at else b"")
    elif format_name == "WEBP":
        image.save(out, "WEBP", quality=90, exif=exif.tobytes() if taken_at else b"")
    else:
        image.save(out, "PNG", optimize=True)  # no text chunks: nothing but the pixels
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    """A JPEG of at most 320×320 pixels (aspect kept), made once when the photo is stored."""
    small = image.convert("RGB")
    small.thumbnail(THUMBNAIL_SIZE)
    out = BytesIO()
    small.save(out, "JPEG", quality=80)
    return out.getvalue()
