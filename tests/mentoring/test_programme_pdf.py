"""The programme as a printed document: participants, the note, the plan with its header on every page."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from mentoring.models import Mentorship
from mentoring.programmes import propose_extension
from tests.mentoring.programme_fixtures import active_pair, approved_programme, programme_with_rows

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Mid-programme (the fixtures run 01.09.2025–31.05.2026): dates done and due are judged against this day.
pytestmark = pytest.mark.time_machine("2025-11-20 10:00 +03:00", tick=True)


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
    assert "УТВЕРЖДЕНА" not in text
    assert "Белова Н. С." in text  # the curator signs


def test_an_approved_programme_says_so_with_the_date(programme, mentor, mentee, curator):
    programme = approved_programme(programme, mentor_user=mentor.user, mentee=mentee.person, approver_user=curator.user)
    text = " ".join(pages_text(curator.client.get(pdf_url(programme)).content))
    day = f"{timezone.localtime(programme.approved_at):%d.%m.%Y}"
    # The stamp names the approver: position, a signature line with «И. О. Фамилия», the date.
    assert f"УТВЕРЖДЕНА Заместитель директора Н. С. Белова {day}" in text
    assert "куратором программы наставничества" not in text
    assert "ПРОЕКТ" not in text
    # The real chain with its dates: sent by the mentor, acknowledged by the mentee, approved by the curator.
    assert (
        f"Отправлена наставляемому на ознакомление {timezone.localtime(programme.sent_at):%d.%m.%Y}, Фролова Г. П."
        in text
    )
    assert f"Наставляемый ознакомлен {timezone.localtime(programme.acknowledged_at):%d.%m.%Y}, Смирнова Д. А." in text
    assert f"Утверждена {day}, Белова Н. С." in text


def test_a_draft_says_project_and_carries_no_approval(programme, mentor, mentee):
    text = " ".join(pages_text(mentor.client.get(pdf_url(programme)).content))
    assert text.startswith("ПРОЕКТ") or "ПРОЕКТ" in text.split("Персонализированная программа")[0]
    assert "Проект программы: наставляемому на ознакомление ещё не отправлен. Документ не утверждён." in text
    assert "УТВЕРЖДЕНА" not in text
    assert "Утверждена не утверждена" in text
    programme.send(mentor.user)
    programme.acknowledge(mentee.person)
    text = " ".join(pages_text(mentor.client.get(pdf_url(programme)).content))
    assert "ПРОЕКТ" in text and "УТВЕРЖДЕНА" not in text
    assert "Проект программы: наставляемый ознакомлен, программа ждёт утверждения." in text


def test_an_ended_programme_says_so_with_the_date_and_reason(programme, mentor, mentee, curator):
    approved = approved_programme(programme, mentor_user=mentor.user, mentee=mentee.person, approver_user=curator.user)
    pair = approved.mentorship
    Mentorship.objects.filter(pk=pair.pk).update(
        state=Mentorship.State.ENDED_EARLY, ended_on=date(2026, 2, 10), end_reason=Mentorship.EndReason.MENTEE
    )
    text = " ".join(pages_text(curator.client.get(pdf_url(approved)).content))
    assert "Программа завершена досрочно 10.02.2026. Основание: по инициативе наставляемого." in text
    assert "Отметка о выполнении" in text
    Mentorship.objects.filter(pk=pair.pk).update(state=Mentorship.State.COMPLETED, ended_on=date(2026, 5, 31))
    text = " ".join(pages_text(curator.client.get(pdf_url(approved)).content))
    assert "Программа завершена 31.05.2026." in text and "досрочно" not in text


def test_a_pending_change_is_not_printed_as_approved_content(programme, mentor, mentee, curator):
    approved = approved_programme(programme, mentor_user=mentor.user, mentee=mentee.person, approver_user=curator.user)
    change = propose_extension(approved, new_end=date(2026, 8, 31), reason="Болезнь", by=mentor.user)
    change.agree(mentee.person)
    text = " ".join(pages_text(curator.client.get(pdf_url(approved)).content))
    assert "с 01.09.2025 по 31.05.2026" in text and "31.08.2026" not in text
    assert "Изменение программы (продление) от" in text and "в этот текст не внесено" in text
    change.approve(curator.user)
    text = " ".join(pages_text(curator.client.get(pdf_url(approved)).content))
    assert "с 01.09.2025 по 31.08.2026" in text and "в этот текст не внесено" not in text
    assert f"в редакции изменений от {timezone.localtime(change.approved_at):%d.%m.%Y}" in text


def test_a_forty_row_plan_repeats_its_header_on_the_next_page(mentor, mentee):
    programme = programme_with_rows(active_pair(mentor.person, mentee.person), rows=40)
    pages = pages_text(mentor.client.get(pdf_url(programme)).content)
    assert len(pages) >= 3
    plan_pages = [i for i, text in enumerate(pages) if "Мероприятие плана № " in text]
    assert len(plan_pages) >= 2
    for i in plan_pages:
        assert "Ожидаемый результат" in pages[i] and "Направление" in pages[i], f"page {i + 1} lost the header"
    assert "Мероприятие плана № 40" in pages[plan_pages[-1]]


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
