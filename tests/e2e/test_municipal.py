"""The municipal coordinator's journey: the demo login `municipal` lands on the summary report of the municipality,
sees both demo organisations side by side, downloads the statistics, and never sees a name of anyone's staff."""

import json
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import login

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "demo_people.json"


def demo_surnames() -> list[str]:
    """Every surname of the demo staff (managers, mentors, mentees and the rest of both organisations)."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return [person["surname"] for org in data["organizations"] for person in org["staff"]]


def test_coordinator_sees_both_organisations_and_no_names(demo, page, live_server, shot):
    login(page, live_server, "municipal")
    expect(page).to_have_url(f"{live_server.url}/m/verkhnerechinsk/")
    expect(page.get_by_role("heading", name="Сводный отчёт о наставничестве")).to_be_visible()
    expect(page.get_by_test_id("municipality-name")).to_contain_text("Городской округ Верхнеречинск")
    rows = page.get_by_test_id("org-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("МБДОУ «Детский сад № 12»")
    expect(rows.nth(1)).to_contain_text("МБОУ «СОШ № 7»")
    expect(page.get_by_test_id("totals-row")).to_contain_text("Итого по муниципалитету")
    expect(page.get_by_test_id("chart-coverage").locator("svg")).to_be_visible()
    # No role switcher and no organisation's menu: the coordinator has no roles there.
    expect(page.get_by_test_id("role-switcher")).to_have_count(0)
    shot("municipal-report")

    html = page.content()
    surnames = demo_surnames()
    assert len(surnames) > 60
    for surname in surnames:
        assert surname not in html, surname

    # Sorting by a column keeps the period and reorders the rows.
    page.get_by_test_id("sort-mentors").click()
    expect(page).to_have_url(f"{live_server.url}/m/verkhnerechinsk/?sort=-mentors")
    expect(page.get_by_test_id("org-row")).to_have_count(2)

    with page.expect_download() as download:
        page.get_by_test_id("statistics-xlsx").click()
    assert download.value.suggested_filename.startswith("Статистика наставничества")

    # An organisation's own pages stay closed to the coordinator.
    response = page.goto(f"{live_server.url}/o/school-7/staff/")
    assert response.status == 404

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/m/verkhnerechinsk/")
    expect(page.get_by_test_id("org-row")).to_have_count(2)
    shot("municipal-report-390")


def test_coordinator_recomputes_the_summary_in_the_worker_and_the_page_shows_its_figures(
    demo, page, live_server, shot, settings, tmp_path
):
    """«Пересчитать сейчас» puts the recomputation in the real worker (a second process); its bar shows on the
    job's page, and the report the worker computed is the one the web process shows: they share the cache."""
    from django.core.cache import caches

    from people.models import BackgroundJob, MenteeEntry
    from tests.jobs_support import start_worker, stop_worker, wait_for

    shared = tmp_path / "shared-cache"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    filebased = "django.core.cache.backends.filebased.FileBasedCache"
    settings.CACHES = {**settings.CACHES, "shared": {"BACKEND": filebased, "LOCATION": str(shared)}}
    worker = start_worker(log=tmp_path / "worker.log", extra={"SHARED_CACHE_URL": f"file://{shared}"})
    try:
        login(page, live_server, "municipal")
        mentees = page.get_by_test_id("total-mentees")
        before = int(mentees.inner_text())
        # A mentee leaves a school's bank: the kept report does not know yet, as the page says.
        waiting = MenteeEntry.objects.filter(organization__slug="school-7", status=MenteeEntry.Status.WAITING)
        waiting.order_by("pk").first().delete()
        page.reload()
        expect(mentees).to_have_text(str(before))

        page.get_by_test_id("recompute").click()
        expect(page.get_by_role("heading", name=re.compile("Пересчёт сводного отчёта за"))).to_be_visible()
        expect(page.get_by_test_id("job-result")).to_be_visible(timeout=60_000)
        expect(page.get_by_test_id("job-message")).to_contain_text("пересчитан: организаций — 2")
        shot("municipal-recompute-done")
        job = BackgroundJob.objects.get(kind=BackgroundJob.Kind.MUNICIPAL)
        assert job.municipality.slug == "verkhnerechinsk" and job.organization is None and job.attempts == 1
        assert any(shared.iterdir())  # the worker left its report in the shared folder

        page.get_by_test_id("job-result").click()
        expect(page).to_have_url(re.compile(r"/m/verkhnerechinsk/"))
        expect(mentees).to_have_text(str(before - 1))  # the worker's figures, shown by the web process
        shot("municipal-report-recomputed")
        caches["shared"].clear()
    finally:
        stop_worker(worker)
    wait_for(lambda: worker.poll() is not None, timeout=30)
