"""The final analytic report PDF and the statistics workbook as background jobs: the file kept on the job under a
private path, downloaded only by its starter, a failure that says why and leaves no file, the reports page's query
count unchanged by the buttons that start them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from monitoring import tasks
from people import jobs
from people.models import BackgroundJob, Notice, NoticeKind
from tests.conftest import make_persona
from tests.monitoring.test_reports_summary import build_world
from tests.monitoring.test_reports_views import Q2025, made_by_job, url

# Measured with build_world: 29 (the three job buttons are plain forms and read nothing; the short forms and the
# events of issue 17 are one query each).
REPORT_PAGE_QUERIES = 29

pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)


@pytest.fixture
def private_media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_the_final_report_is_a_job_whose_pdf_waits_on_its_page(curator, org, private_media):
    build_world(org)
    job, content = made_by_job(curator, url(org, "report_final_pdf") + Q2025)
    assert (
        job.kind == BackgroundJob.Kind.REPORT and job.title == "Итоговый аналитический отчёт за 2025/2026 учебный год"
    )
    assert job.result_file.name.startswith(f"jobs/{org.pk}/") and job.result_file.name.endswith(".pdf")
    assert (private_media / job.result_file.name).read_bytes() == content
    text = " ".join(PdfReader(io.BytesIO(content)).pages[0].extract_text().split())
    assert "Итоговый аналитический отчёт о реализации системы наставничества" in text
    assert job.message.startswith("Итоговый аналитический отчёт за 2025/2026 учебный год готов")
    page = curator.client.get(reverse("people:job", args=[org.slug, job.pk])).content.decode()
    assert "Скачать PDF" in page and reverse("people:job_file", args=[org.slug, job.pk]) in page
    notice = Notice.objects.get(person=curator.person, kind=NoticeKind.JOB)
    assert notice.text.startswith("Готово: Итоговый аналитический отчёт") and notice.link == job.result_url


def test_the_statistics_workbook_is_a_job_with_a_sheet_per_year(admin, org, private_media):
    build_world(org)
    job, content = made_by_job(admin, url(org, "report_statistics") + Q2025, {"previous": 2})
    assert job.kind == BackgroundJob.Kind.WORKBOOK and job.result_name.endswith(".xlsx")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["2025-2026 учебный год", "2024-2025 учебный год", "2023-2024 учебный год"]
    assert "и за 2 прошлых учебных года" in job.message


def test_a_jobs_file_is_404_for_a_colleague_another_organisation_and_before_it_is_done(
    curator, outsider, org, private_media, settings
):
    job, _content = made_by_job(curator, url(org, "report_statistics") + Q2025)
    address = reverse("people:job_file", args=[org.slug, job.pk])
    assert make_persona(org, "curator").client.get(address).status_code == 404  # a colleague of the same role
    assert make_persona(org, "admin").client.get(address).status_code == 404
    assert outsider.client.get(address).status_code == 404
    assert outsider.client.get(reverse("people:job_file", args=[outsider.org.slug, job.pk])).status_code == 404
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    curator.client.post(url(org, "report_final_pdf") + Q2025)
    queued = BackgroundJob.objects.latest("pk")
    assert queued.state == BackgroundJob.State.QUEUED
    assert curator.client.get(reverse("people:job_file", args=[org.slug, queued.pk])).status_code == 404
    # A file gone from the disk is a 404, not a 500.
    (private_media / job.result_file.name).unlink()
    assert curator.client.get(address).status_code == 404


def test_a_report_that_breaks_says_why_in_russian_and_leaves_no_file(curator, org, private_media, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("шрифт не найден")

    monkeypatch.setattr(tasks, "pdf_bytes", broken)
    response = curator.client.post(url(org, "report_final_pdf") + Q2025)
    job = BackgroundJob.objects.get()
    assert response.url == reverse("people:job", args=[org.slug, job.pk])
    assert job.state == BackgroundJob.State.FAILED and not job.result_file and not job.result_url.endswith("/file/")
    assert job.error.startswith("Задача прервалась из-за ошибки в программе. Ничего не записано.")
    assert not [p for p in private_media.rglob("*") if p.is_file()]


def test_a_file_written_before_the_end_broke_is_deleted(curator, org, private_media, monkeypatch):
    tell = jobs.notices.tell

    def broken_notice(person, kind, title, *args, **kwargs):
        if title.startswith("Готово"):
            raise RuntimeError("уведомление не записалось")
        return tell(person, kind, title, *args, **kwargs)

    monkeypatch.setattr(jobs.notices, "tell", broken_notice)  # after the file is written, inside the transaction
    curator.client.post(url(org, "report_statistics") + Q2025)
    job = BackgroundJob.objects.get()
    assert job.state == BackgroundJob.State.FAILED and not job.result_file
    assert not [p for p in private_media.rglob("*") if p.is_file()]


def test_the_reports_page_runs_the_same_queries_with_the_job_buttons(curator, org, django_assert_num_queries):
    build_world(org)
    with django_assert_num_queries(REPORT_PAGE_QUERIES):
        response = curator.client.get(url(org, "reports") + Q2025)
    html = response.content.decode()
    assert html.count('method="post"') >= 3 and 'data-testid="final-pdf"' in html
