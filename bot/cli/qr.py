"""QR codes for posters: a phone camera opens the web chat on one course."""
from __future__ import annotations

from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from bot.handlers.web.deeplink import course_link

BOX_PIXELS = 12  # one module; a 12 px module prints about 1 mm wide at 300 dpi — fine from a metre away
BORDER_MODULES = 4  # the quiet zone scanners need


def make_course_qr(base_url: str, code: str, out_path: str | Path) -> Path:
    """Write a PNG QR code of the course's web chat link; returns the path (ValueError for a bad code)."""
    return make_qr_png(course_link(base_url, code), out_path)


def make_qr_png(link: str, out_path: str | Path) -> Path:
    """Write a PNG QR code holding link; returns the path."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=BOX_PIXELS, border=BORDER_MODULES)
    qr.add_data(link)
    qr.make(fit=True)
    image = qr.make_image(fill_color="black", back_color="white")
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        image.save(fh)
    return out
