"""The programme as a printed document: participants, the note, the plan with its header on every page."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.mentoring.programme_fixtures import active_pair, programme_with_rows

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pdf_url(programme) -> str:
    return reverse("mentoring:programme_pdf", args=[programme.mentorship.organization.slug, programme.mentorship.pk])


def pages_text(content: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages]


@pytest.fixture
def programme(mentor, mentee):
    return programme_with_rows(active_pair(mentor.person, mentee.person), rows=4)


def test_the_document_names_the_participants_and_the_plan(programme, mentor, mentee, curator):
    response = mentor.client.get(pdf_url(programme))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    text = " ".join(pages_text(response.content))
    assert "Персонализированная программа наставничества" in text
    assert "Фролова Галина Петровна, учитель математики" in text
    assert "Смирнова Дарья Андреевна, учитель физики" in text
    assert "Средняя общеобразовательная школа № 1" in text
    assert "Затруднения в планировании уроков" in text
    for i in range(1, 5):
        assert f"Мероприятие плана № {i}" in text
    assert "УТВЕРЖДЕНО" not in text
    assert "Белова Н. С." in text  # the curator signs


def test_an_approved_programme_says_so_with_the_date(programme, mentee, curator):
    programme.acknowledge(mentee.person)
    programme.approve(curator.user)
    text = " ".join(pages_text(curator.client.get(pdf_url(programme)).content))
    assert f"УТВЕРЖДЕНО куратором программы наставничества {programme.approved_at:%d.%m.%Y}" in text


def test_a_forty_row_plan_repeats_its_header_on_the_next_page(mentor, mentee):
    programme = programme_with_rows(active_pair(mentor.person, mentee.person), rows=40)
    pages = pages_text(mentor.client.get(pdf_url(programme)).content)
    assert len(pages) >= 3
    plan_pages = [i for i, text in enumerate(pages) if "Мероприятие плана № " in text]
    assert len(plan_pages) >= 2
    for i in plan_pages:
        assert "Ожидаемый результат" in pages[i] and "Направление" in pages[i], f"page {i + 1} lost the header"
    assert "Мероприятие плана № 40" in pages[-1]


PDFTOPPM = shutil.which("pdftoppm")


@pytest.mark.skipif(not PDFTOPPM, reason="pdftoppm (poppler-utils) is not installed")
def test_the_first_page_renders_to_an_image(programme, mentor, tmp_path):
    pdf = tmp_path / "programme.pdf"
    pdf.write_bytes(mentor.client.get(pdf_url(programme)).content)
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "programme-pdf-page1"
    subprocess.run([PDFTOPPM, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", pdf, target], check=True)  # noqa: S603 — our own file
    png = target.with_suffix(".png")
    assert png.stat().st_size > 10_000  # a page with text, not a blank
