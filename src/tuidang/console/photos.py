"""Photos and scans of faxes, banknotes and posters: checked and re-encoded from
pixel data only, so no metadata survives (EXIF, GPS, XMP, ICC profiles,
comments). Only JPEG, PNG and WebP are taken, up to MAX_BYTES and MAX_PIXELS;
the result is a JPEG no larger than MAX_EDGE pixels on its longer side."""

import io

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_EDGE = 2400
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


class PhotoError(ValueError):
    pass


def clean_photo(data: bytes) -> bytes:
    """Re-encoded JPEG bytes carrying nothing but the pixels."""
    if len(data) > MAX_BYTES:
        raise PhotoError(_("The photo is larger than %(n)d MB.") % {"n": MAX_BYTES // 2**20})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise PhotoError(_("Only JPEG, PNG or WebP photos are accepted."))
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoError(_("The photo has too many pixels."))
            probe.load()
            # Turn it upright first: the orientation tag is about to be dropped.
            image = ImageOps.exif_transpose(probe)
            rgb = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise PhotoError(_("This file is not a readable image.")) from None
    rgb.thumbnail((MAX_EDGE, MAX_EDGE))
    # A new image from the raw pixels: no info dict, no profile, nothing else.
    clean = Image.frombytes("RGB", rgb.size, rgb.tobytes())
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()
