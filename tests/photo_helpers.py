"""Photos made in memory for the tests: a phone-like JPEG with EXIF, PNG, GIF, text."""

from __future__ import annotations

from io import BytesIO

from PIL import Image

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
TAKEN = "2021:06:15 10:30:00"


def phone_jpeg(size: tuple[int, int] = (1200, 900), colour: str = "#4a7") -> bytes:
    """A JPEG with a capture time, a camera make and a GPS position in its EXIF."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(EXIF_IFD)[0x9003] = TAKEN  # DateTimeOriginal
    exif.get_ifd(GPS_IFD)[2] = (37.0, 10.0, 0.0)  # GPSLatitude
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def image_bytes(format_name: str, size: tuple[int, int] = (40, 30)) -> bytes:
    """A small image in a format (PNG, WEBP, GIF, ...)."""
    out = BytesIO()
    Image.new("RGB", size, "#c33").save(out, format_name)
    return out.getvalue()
