"""Recognising an uploaded file by its content, for every upload point (consent scans, practice materials,
the staff and roadmap imports).

The file name and the browser's content type are never trusted. Each caller words its own refusal; these
functions only tell what the bytes are.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile

EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf", b"#!")
ZIP_MAGIC = b"PK\x03\x04"
OTHER_ARCHIVE_MAGIC = (b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
OLD_OFFICE_MAGIC = b"\xd0\xcf\x11\xe0"

# An Office file (XLSX, DOCX) is a ZIP, and a reader holds what it unpacks to, not what was uploaded: a 5 MB
# upload may declare gigabytes. Real workbooks and documents pack 5–25 times; a member packed hundreds of times
# is padding made to swell. Read at call time, so a test may lower them.
OFFICE_MAX_UNPACKED = 50 * 1024 * 1024
OFFICE_MAX_RATIO = 100
_RATIO_CHECKED_FROM = 1024 * 1024  # a smaller member unpacks to little, whatever its ratio

# Actions a PDF viewer would run by itself: scripts and launching programs. A name may hide letters as #xx.
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch)(?![A-Za-z0-9])")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)


def megabytes(size: int) -> str:
    """«5,3» — a file size in megabytes the way a Russian message writes it."""
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def head_and_tail(upload: UploadedFile, size: int = 2048) -> tuple[bytes, bytes]:
    """The first and the last `size` bytes; the file is left at its start."""
    upload.seek(0)
    head = upload.read(size)
    upload.seek(max(upload.size - size, 0))
    tail = upload.read(size)
    upload.seek(0)
    return head, tail


def pdf_has_active_content(data: bytes, inflate_limit: int = 40 * 1024 * 1024) -> bool:
    """True when the PDF holds JavaScript or a launch action, in plain objects or in compressed streams."""

    def active(chunk: bytes) -> bool:
        return bool(_PDF_ACTIVE.search(_PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), chunk)))

    if active(data):
        return True
    for match in _PDF_STREAM.finditer(data):
        try:
            inflated = zlib.decompressobj().decompress(match[1].strip(), inflate_limit)
        except zlib.error:
            continue
        if active(inflated):
            return True
    return False


def image_is_sound(upload: UploadedFile, expected: str) -> bool:
    """True when Pillow reads the whole image and it is of the `expected` format (PNG, JPEG)."""
    from PIL import Image

    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format != expected:
                return False
            image.verify()
        # verify() does not decode the pixels; load() does, and fails on truncated or corrupt data.
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
    except Exception:  # Pillow raises many kinds of error for bad input, decompression bombs included
        return False
    finally:
        upload.seek(0)
    return True


@dataclass(frozen=True)
class Unpacked:
    """What a ZIP declares its members unpack to. zipfile never yields more than a member's declared size (it
    stops there and fails the checksum), so the declaration bounds what a reader can be made to hold."""

    total: int  # bytes, all members together
    worst_ratio: float  # unpacked to packed, of the most packed member of 1 MB or more; 0 if none is that big

    @property
    def too_large(self) -> bool:
        return self.total > OFFICE_MAX_UNPACKED

    @property
    def too_packed(self) -> bool:
        return self.worst_ratio > OFFICE_MAX_RATIO

    @property
    def beyond_reason(self) -> bool:
        return self.too_large or self.too_packed


def zip_unpacked(data: bytes) -> Unpacked | None:
    """How much the ZIP in `data` unpacks to, from its directory alone; None when it is not a readable ZIP (the
    caller's reader then refuses it in its own words)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None
    ratios = [i.file_size / max(i.compress_size, 1) for i in infos if i.file_size >= _RATIO_CHECKED_FROM]
    return Unpacked(total=sum(i.file_size for i in infos), worst_ratio=max(ratios, default=0.0))


def swelling_problem(data: bytes, what: str, keep_only: str) -> str | None:
    """The Russian refusal for an Office file that would unpack beyond reason, or None if it is fine.

    `what` names the file («Файл XLSX»), `keep_only` what it should hold («только лист со списком работников»).
    Called before openpyxl or python-docx unpack anything; a file that is not a ZIP is left to the reader.
    """
    unpacked = zip_unpacked(data)
    if unpacked is None or not unpacked.beyond_reason:
        return None
    if unpacked.too_large:
        return (
            f"{what} при открытии занимает {megabytes(unpacked.total)} МБ, а можно не больше "
            f"{OFFICE_MAX_UNPACKED // 2**20} МБ. Оставьте в нём {keep_only}, без картинок и оформления, сохраните "
            "и загрузите снова."
        )
    return (
        f"{what} устроен необычно: данные в нём сжаты в сотни раз сильнее, чем в обычной таблице или документе, — "
        f"такой файл может переполнить память сервера. Скопируйте в новый файл {keep_only} и загрузите его."
    )
