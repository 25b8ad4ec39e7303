"""Every upload point refuses a bad file by its content, beside the field, storing nothing.

The points: a consent scan, a practice material, a staff list, a roadmap table. The files: a Windows program
renamed to what the point accepts, a file just over the point's size limit, a PDF with JavaScript (where PDFs
are accepted), random bytes and a ZIP bomb called .xlsx. Each is answered with the form shown again (200, never
a 500), a Russian message beside the file field, no record, and no file in MEDIA.

The checks themselves are unit-tested beside their modules (tests/people/test_consents.py,
tests/mentoring/test_practices_materials.py, tests/people/test_import.py, tests/roadmap/test_roadmap_import.py);
this module holds the points side by side, through the pages, so that a new file kind or point is tested alike.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from monitoring.models import Practice, PracticeFile
from monitoring.practices import MATERIAL_MAX_BYTES
from people.consents import SCAN_MAX_BYTES
from people.importing import MAX_FILE_SIZE as STAFF_MAX_BYTES
from people.models import Consent, Purpose, StaffImport
from roadmap.importing import MAX_BYTES as ROADMAP_MAX_BYTES
from roadmap.models import Roadmap
from tests.monitoring.material_fixtures import pdf
from tests.people.consent_fixtures import exe_bytes, upload
from tests.people.import_fixtures import padded, spaces, xlsx_bytes

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass(frozen=True)
class Point:
    name: str
    field: str
    limit: int
    accepts_pdf: bool
    renamed_as: str  # the extension a renamed program pretends to have here

    def post(self, persona, filename: str, data: bytes, *, subject):
        org = persona.org
        file = upload(filename, data)
        if self.name == "consent-scan":
            url = reverse("people:consent_register", args=[org.slug, subject.pk])
            return persona.client.post(url, {"purpose": Purpose.PERSONAL_DATA, "given_on": "2026-01-15", "scan": file})
        if self.name == "practice-material":
            url = reverse("monitoring:practice_create", args=[org.slug])
            return persona.client.post(
                url, {"title": "Школа молодого педагога", "description": "—", "materials": [file]}
            )
        if self.name == "staff-import":
            return persona.client.post(reverse("people:staff_import", args=[org.slug]), {"file": file})
        return persona.client.post(
            reverse("roadmap:roadmap_import", args=[org.slug]),
            {
                "file": file,
                "title": "Дорожная карта",
                "period_label": "2026–2027 учебный год",
                "period_start": "2026-09-01",
                "period_end": "2027-08-31",
            },
        )


POINTS = [
    Point("consent-scan", "scan", SCAN_MAX_BYTES, True, "pdf"),
    Point("practice-material", "materials", MATERIAL_MAX_BYTES, True, "docx"),
    Point("staff-import", "file", STAFF_MAX_BYTES, False, "xlsx"),
    Point("roadmap-import", "file", ROADMAP_MAX_BYTES, False, "docx"),
]


def oversized(point: Point) -> tuple[str, bytes]:
    """One byte over the limit, and otherwise a file the point would take."""
    if point.accepts_pdf:
        good, name = pdf(), "большой.pdf"
        return name, good[:-6] + b" " * (point.limit + 1 - len(good)) + good[-6:]
    good = xlsx_bytes([["Фамилия", "Имя", "Должность"], ["Лаптева", "Ирина", "Воспитатель"]])
    return "большой.xlsx", good + b"\0" * (point.limit + 1 - len(good))


@cache
def zip_bomb() -> bytes:
    """A real workbook of a few hundred kilobytes whose sheet unpacks to 210 MB: a reader would parse it all."""
    return padded(xlsx_bytes([["ФИО", "Должность"], ["Иванова Мария Петровна", "Учитель"]]), SHEET, spaces(210))


CASES = ["renamed-program", "over-the-limit", "pdf-with-javascript", "random-bytes-as-xlsx", "zip-bomb-as-xlsx"]


def bad_file(case: str, point: Point) -> tuple[str, bytes]:
    if case == "renamed-program":
        return f"Список.{point.renamed_as}", exe_bytes()
    if case == "over-the-limit":
        return oversized(point)
    if case == "pdf-with-javascript":
        return "Согласие.pdf", pdf(text_js="app.launchURL('http://example.invalid/');")
    if case == "random-bytes-as-xlsx":
        return "Список.xlsx", os.urandom(4096)
    return "Список.xlsx", zip_bomb()


# Words the message must hold, where the refusal has a reason to name (beyond «refused, in Russian»).
EXPECTED = {
    "over-the-limit": re.compile(r"(5|10) МБ"),
    "pdf-with-javascript": re.compile("JavaScript"),
}


def stored() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# A point that takes no PDF refuses one as any other wrong format: the JavaScript case is for the PDF takers.
PAIRS = [(p, c) for p in POINTS for c in CASES if c != "pdf-with-javascript" or p.accepts_pdf]


@pytest.mark.parametrize(("point", "case"), PAIRS, ids=[f"{p.name}-{c}" for p, c in PAIRS])
def test_a_bad_upload_is_refused_beside_the_field_and_nothing_is_stored(curator, mentee, point, case):
    filename, data = bad_file(case, point)
    response = point.post(curator, filename, data, subject=mentee.person)

    assert response.status_code == 200, f"{point.name}/{case}: {response.status_code}"
    errors = response.context["form"].errors.get(point.field)
    assert errors, f"{point.name}/{case}: no error beside «{point.field}»: {response.context['form'].errors}"
    message = " ".join(errors)
    assert re.search("[а-яё]{4}", message, re.IGNORECASE), message
    assert message.split(":")[0][:40] in html.unescape(response.content.decode())
    if case in EXPECTED:
        assert EXPECTED[case].search(message), message
    if case == "renamed-program" and point.accepts_pdf:
        assert "исполняемый файл" in message

    assert stored() == []
    assert not Consent.objects.exists() and not PracticeFile.objects.exists() and not Practice.objects.exists()
    assert not StaffImport.objects.exists() and not Roadmap.objects.exists()
    assert "roadmap_import" not in curator.client.session
