"""QR codes of booking codes: SVG for pages, PNG for e-mails (segno: pure Python, no Pillow)."""

import io

import segno


def qr_svg(code: str, *, scale: int = 6, title: str | None = None) -> str:
    """An inline <svg> element; its title (the code, unless given) lets screen readers name it."""
    return segno.make(code, error="m").svg_inline(scale=scale, title=title or code, dark="#17324d")


def qr_png(code: str, *, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    segno.make(code, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
