"""The reports journey: the demo administrator opens the report page from the menu, downloads the statistics
form and the final analytic report; both files open and carry the figures of the screen."""

from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from monitoring.reports import STAT_INDICATORS, Period, org_summary
from monitoring.views.reports import cards
from people.models import BackgroundJob, Organization
from tests.e2e.conftest import login

ORG = "ds-solnyshko"


@pytest.fixture
def report_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_administrator_downloads_the_statistics_form_and_the_final_report(report_media, demo, live_server, page, shot):
    login(page, live_server, "admin")
    page.get_by_role("button", name="Мониторинг").click()
    page.get_by_role("link", name="Отчёты и статистика").click()
    expect(page.get_by_role("heading", name="Отчёты и статистика")).to_be_visible()
    expect(page.get_by_test_id("section-roles").locator("svg")).to_be_visible()
    shot("reports-page")

    org = Organization.objects.get(slug=ORG)
    summary = org_summary([org.pk], Period.academic_year())[org.pk]
    expect(page.get_by_test_id("summary")).to_contain_text(str(summary["mentees"]))
    # The demo's answers fall in the default period: the averages and the growth are figures, not «—».
    assert summary["satisfaction_mentees"] is not None and summary["growth"] is not None
    for value, _label in cards(summary):
        expect(page.get_by_test_id("summary")).to_contain_text(value)

    with page.expect_download() as info:
        page.get_by_test_id("statistics-xlsx").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(BytesIO(Path(download.path()).read_bytes())).active
    assert org.full_name in sheet["B2"].value
    values = {row[1].value: row[2].value for row in sheet.iter_rows(min_row=7)}
    assert values[STAT_INDICATORS[0][1]] == summary["mentors"]
    assert values[STAT_INDICATORS[1][1]] == summary["mentees"]

    with page.expect_download() as info:
        page.get_by_test_id("final-pdf").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(BytesIO(Path(download.path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Итоговый аналитический отчёт о реализации системы наставничества" in text
    assert Period.academic_year().label in text
    assert "Куратор реализации программ наставничества" in text


def test_the_final_report_waits_on_its_job_page_with_a_download(report_media, demo, live_server, page, shot):
    """The reports page's buttons at both widths, and the job's page that keeps the PDF for later."""
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/o/{ORG}/reports/")
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        expect(page.get_by_test_id("final-pdf")).to_be_visible()
        shot(f"reports-buttons-{width}")
    page.set_viewport_size({"width": 1366, "height": 768})
    with page.expect_download():
        page.get_by_test_id("final-pdf").click()
    job = BackgroundJob.objects.filter(kind=BackgroundJob.Kind.REPORT, started_by__username="admin").latest("pk")
    page.goto(f"{live_server.url}/o/{ORG}/jobs/{job.pk}/")
    expect(page.get_by_test_id("job-result")).to_have_text("Скачать PDF")
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        shot(f"jobs-report-file-{width}")
    with page.expect_download() as info:
        page.get_by_test_id("job-result").click()
    assert info.value.suggested_filename.endswith(".pdf")
    reader = PdfReader(BytesIO(Path(info.value.path()).read_bytes()))
    assert "Итоговый аналитический отчёт" in reader.pages[0].extract_text()
