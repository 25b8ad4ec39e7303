"""QR codes (segno): inline SVG for pages and documents, PNG for whoever needs a raster image."""

from __future__ import annotations

import base64
import io

import segno


def _code(data: str) -> segno.QRCode:
    # «M» survives a crease or a stamp over a corner of a printed page and still fits a URL in a small square.
    return segno.make(data, error="m", micro=False)


def qr_svg(data: str, *, scale: int = 4, title: str = "") -> str:
    """The QR code as an <svg> element to put inline in HTML (no XML declaration, no fixed colours to clash)."""
    buffer = io.BytesIO()
    # No fixed width and height, a viewBox instead: the page's CSS sizes it, down to a phone's screen.
    _code(data).save(
        buffer, kind="svg", scale=scale, xmldecl=False, svgns=True, title=title or None, border=2, omitsize=True
    )
    return buffer.getvalue().decode()


def qr_png(data: str, *, scale: int = 4) -> bytes:
    buffer = io.BytesIO()
    _code(data).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def qr_svg_data_uri(data: str, *, scale: int = 4) -> str:
    """A data: URI of the SVG: documents (core.pdf) fetch nothing but static files and data: URIs."""
    buffer = io.BytesIO()
    _code(data).save(buffer, kind="svg", scale=scale, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
