"""Real files of every kind a practice material may be, and files that only pretend to be one."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from monitoring.models import Practice, PracticeFile
from monitoring.practices import add_materials, validate_material


def pdf(text_js: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if text_js:
        from pypdf.actions import JavaScript

        writer.add_open_action(JavaScript(text_js))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx(text: str = "Конспект занятия наставника") -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "План встреч"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ooxml(main_type: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Office package declaring `main_type` as its main part (how a PPTX looks to the check)."""
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/ppt/presentation.xml" ContentType="{main_type}"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", types)
        package.writestr("ppt/presentation.xml", "<p:presentation/>")
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return out.getvalue()


PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "JPEG")
    return out.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def attach(practice: Practice, name: str = "Конспект.pdf", data: bytes | None = None) -> PracticeFile:
    file = upload(name, data if data is not None else pdf())
    return add_materials(practice, [(file, validate_material(file))])[0]
