"""Helpers for the consent tests: real scan files of each kind, fakes, and a quick way to give a consent."""

from __future__ import annotations

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from people.consents import register_consent
from people.models import Consent, MenteeCategory, MenteeEntry, Person, Purpose


def png_bytes(size: tuple[int, int] = (60, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (250, 250, 245)).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 200, 200)).save(out, "JPEG")
    return out.getvalue()


def pdf_file_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def exe_bytes() -> bytes:
    """The start of a Windows program: «MZ», a DOS stub, then padding."""
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
        + b"This program cannot be run in DOS mode."
        + bytes(512)
    )


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def give(person: Person, purpose: str = Purpose.PERSONAL_DATA, *, given_on: date | None = None, **kwargs) -> Consent:
    return register_consent(person, purpose, given_on=given_on or date(2025, 9, 1), **kwargs)


def mentee_entry(person: Person, **fields) -> MenteeEntry:
    category = MenteeCategory.objects.filter(organization=person.organization).first()
    return MenteeEntry.objects.create(organization=person.organization, person=person, category=category, **fields)
