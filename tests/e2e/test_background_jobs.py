"""The curator confirms a staff list of 6,000 people in a real browser: the real worker (a subprocess on the test
database) writes it while the progress bar moves; the curator leaves and finds the result in the notifications."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from people.models import BackgroundJob, Person
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.jobs_support import POSITIONS, staff_file, start_worker, stop_worker, wait_for

# Large enough that the bar is seen between its ends: since the worker got faster (2,000 rows in about a second),
# a page polling every second could see 0 and then the whole list, and the test waited for a middle it missed.
ROWS = 6000
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_curator_watches_a_large_import_move_leaves_and_finds_it_in_notices(
    transactional_db, settings, curator, live_server, page, shot, tmp_path
):
    settings.TASKS = DATABASE  # the live server queues the job; the worker subprocess runs it
    path = tmp_path / "Работники.xlsx"
    path.write_bytes(staff_file(ROWS))
    worker = start_worker(log=tmp_path / "worker.log")
    try:
        login(page, live_server, curator.user.username, PASSWORD)
        page.goto(f"{live_server.url}/o/{curator.org.slug}/staff/import/")
        page.get_by_label("Файл со списком работников").set_input_files(str(path))
        page.get_by_role("button", name="Проверить файл").click()
        # The check runs in the worker too: its page shows the bar, then leads to the preview.
        expect(page.get_by_role("heading", name=re.compile("Проверка списка работников «"))).to_be_visible()
        expect(page.get_by_test_id("job-result")).to_be_visible(timeout=120_000)
        shot("jobs-check-done-1366")
        page.get_by_test_id("job-result").click()
        expect(page.get_by_role("heading", name="Проверка списка работников", exact=True)).to_be_visible()
        page.get_by_test_id("confirm-import").click()

        # The job's page: the bar moves while the worker writes (polled by htmx every second).
        expect(page.get_by_role("heading", name=re.compile("Загрузка списка работников"))).to_be_visible()
        bar = page.get_by_test_id("job-bar")
        expect(page.get_by_text("Страницу можно закрыть")).to_be_visible()
        wait_for(lambda: 0 < int(bar.get_attribute("data-done") or 0) < ROWS, timeout=120, every=0.1)
        moving = int(bar.get_attribute("data-done"))
        page.set_viewport_size({"width": 1366, "height": 768})
        shot("jobs-progress-1366")
        wait_for(lambda: int(bar.get_attribute("data-done") or 0) > moving, timeout=60, every=0.1)
        page.set_viewport_size({"width": 390, "height": 844})
        shot("jobs-progress-390")

        # The curator leaves for the staff list; the worker finishes without anyone watching.
        page.goto(f"{live_server.url}/o/{curator.org.slug}/staff/")
        job = BackgroundJob.objects.get(subject__startswith="staff_import:")
        wait_for(lambda: BackgroundJob.objects.get(pk=job.pk).state == BackgroundJob.State.DONE, timeout=180)
        page.set_viewport_size({"width": 1366, "height": 768})
        page.reload()
        expect(page.get_by_test_id("notice-count")).to_have_text("2")  # the check's and the import's
        page.get_by_test_id("notice-bell").click()
        item = page.get_by_test_id("notice-item").first
        expect(item).to_contain_text("Готово: Загрузка списка работников")
        expect(item).to_contain_text(f"добавлено {ROWS}")
        shot("jobs-notice-1366")
        item.get_by_test_id("notice-open").click()
        expect(page.get_by_role("heading", name="Итог загрузки списка работников")).to_be_visible()
        expect(page.get_by_test_id("result-counts")).to_contain_text(str(ROWS))

        # The job stays in the list of one's background jobs, done, with its result.
        page.goto(f"{live_server.url}/o/{curator.org.slug}/jobs/")
        expect(page.get_by_test_id("job-item").first).to_contain_text("Готово")
        shot("jobs-list-1366")
        page.get_by_test_id("job-item").first.click()
        expect(page.get_by_test_id("job-state")).to_have_text("Готово")
        expect(page.get_by_test_id("job-result")).to_have_text(re.compile("Итог загрузки"))
        shot("jobs-done-1366")
    finally:
        stop_worker(worker)
    assert Person.objects.filter(organization=curator.org, position__in=POSITIONS).count() == ROWS
