"""The real worker (`manage.py run_worker`, django-tasks-db) as a subprocess on the test database: it runs a queued
staff import, shows its progress before the rows are committed, and a worker killed mid-task loses no task and
writes nothing twice once another one starts."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from people.models import BackgroundJob, Notice, NoticeKind, Person, StaffImport, StaffImportRow
from tests.jobs_support import POSITIONS, staff_file, start_worker, stop_worker, wait_for
from tests.people.import_fixtures import upload

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture
def queued(settings):
    settings.TASKS = DATABASE


def confirm(persona, rows: int) -> tuple[StaffImport, BackgroundJob]:
    url = reverse("people:staff_import", args=[persona.org.slug])
    with override_settings(TASKS=IMMEDIATE):  # the file's check done at once: this test is about the confirmation
        assert persona.client.post(url, {"file": upload("Список.xlsx", staff_file(rows))}).status_code == 302
    staff_import = StaffImport.objects.latest("pk")
    response = persona.client.post(reverse("people:staff_import_confirm", args=[persona.org.slug, staff_import.pk]))
    job = BackgroundJob.objects.get(subject__startswith="staff_import:")
    assert response.url == reverse("people:job", args=[persona.org.slug, job.pk])  # the request does not wait
    assert job.state == BackgroundJob.State.QUEUED
    return staff_import, job


def state(job: BackgroundJob) -> BackgroundJob:
    job.refresh_from_db()
    return job


def loaded(org) -> int:
    return Person.objects.filter(organization=org, position__in=POSITIONS).count()


def test_the_worker_runs_a_queued_import_to_the_end(transactional_db, queued, curator, tmp_path):
    _staff_import, job = confirm(curator, 300)
    worker = start_worker(log=tmp_path / "worker.log")
    try:
        wait_for(lambda: not state(job).is_active, timeout=90)
    finally:
        stop_worker(worker)
    assert job.state == BackgroundJob.State.DONE, (job.error, (tmp_path / "worker.log").read_text()[-3000:])
    assert (job.done, job.total) == (300, 300)
    assert loaded(curator.org) == 300
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
    page = curator.client.get(reverse("people:job", args=[curator.org.slug, job.pk])).content.decode()
    assert "Итог загрузки" in page and "добавлено 300" in page


def test_a_worker_killed_mid_import_loses_nothing_and_writes_nothing_twice(transactional_db, queued, curator, tmp_path):
    staff_import, job = confirm(curator, 3000)
    log = tmp_path / "worker.log"
    first = start_worker(stale_seconds=2, log=log)
    try:
        # Progress shows through the worker's second connection while its transaction is still open.
        wait_for(lambda: state(job).done > 0, timeout=90, every=0.05)
        assert state(job).state == BackgroundJob.State.RUNNING
    finally:
        stop_worker(first, kill=True)  # SIGKILL: no clean-up of any kind
    assert loaded(curator.org) == 0  # the open transaction died with the worker
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.PREVIEW
    assert state(job).state == BackgroundJob.State.RUNNING

    second = start_worker(stale_seconds=2, log=log)
    try:
        wait_for(lambda: state(job).state == BackgroundJob.State.DONE, timeout=180)
    finally:
        stop_worker(second)
    assert job.attempts == 2, log.read_text()[-3000:]
    assert loaded(curator.org) == 3000
    assert StaffImportRow.objects.filter(staff_import=staff_import).count() == 3000
    assert (
        Notice.objects.filter(person=curator.person, kind=NoticeKind.JOB, text__startswith="Готово: Загрузка").count()
        == 1
    )
    assert DBTaskResult.objects.filter(task_path="people.tasks.confirm_staff_import").count() == 2


def test_the_worker_checks_an_uploaded_file_while_the_curator_waits_on_the_job_page(
    transactional_db, queued, curator, tmp_path
):
    url = reverse("people:staff_import", args=[curator.org.slug])
    response = curator.client.post(url, {"file": upload("Список.xlsx", staff_file(400))})
    job = BackgroundJob.objects.get()
    staff_import = StaffImport.objects.get()
    assert job.subject == f"staff_import_check:{staff_import.pk}" and job.state == BackgroundJob.State.QUEUED
    assert response.url == reverse("people:job", args=[curator.org.slug, job.pk])  # the request does not wait
    preview = reverse("people:staff_import_preview", args=[curator.org.slug, staff_import.pk])
    assert curator.client.get(preview).url == response.url  # the preview is not there yet: back to the bar
    worker = start_worker(log=tmp_path / "worker.log")
    try:
        wait_for(lambda: not state(job).is_active, timeout=90)
    finally:
        stop_worker(worker)
    assert job.state == BackgroundJob.State.DONE, (job.error, (tmp_path / "worker.log").read_text()[-3000:])
    assert (job.done, job.total) == (400, 400) and job.result_url == preview
    assert loaded(curator.org) == 0  # a check writes nobody
    staff_import.refresh_from_db()
    assert staff_import.summary["counts"]["new"] == 400
    page = curator.client.get(preview)
    assert page.status_code == 200 and "После подтверждения будет добавлено 400" in page.content.decode()
