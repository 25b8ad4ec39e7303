"""Background jobs (people.jobs): progress, a failure that says why and writes nothing, one run only, the job's
pages scoped to the person who started it, the worker's timetable (config/schedules.py) and lost-job recovery."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from config import schedules
from people import importing, jobs, tasks
from people.access import get_access
from people.models import BackgroundJob, Notice, NoticeKind, Person, ScheduledRun, StaffImport, StaffImportRow
from tests.conftest import make_persona
from tests.factories import PersonFactory
from tests.jobs_support import POSITIONS, staff_file
from tests.people.import_fixtures import upload

MSK = ZoneInfo("Europe/Moscow")
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def uploaded(persona, rows: int) -> StaffImport:
    url = reverse("people:staff_import", args=[persona.org.slug])
    assert persona.client.post(url, {"file": upload("Список.xlsx", staff_file(rows))}).status_code == 302
    return StaffImport.objects.latest("pk")


def new_job(persona, **fields) -> BackgroundJob:
    values = {"kind": BackgroundJob.Kind.REPORT, "title": "Итоговый отчёт", "started_by": persona.user}
    return BackgroundJob.objects.create(organization=persona.org, person=persona.person, **(values | fields))


def access_of(rf, persona):
    request = rf.get("/")
    request.user = persona.user
    request.session = {}
    return get_access(request, persona.org.slug)


# --- the staff import as a job -----------------------------------------------------------------------------------


def test_confirming_an_import_runs_a_job_that_counts_every_row_and_tells_the_curator(curator, monkeypatch):
    staff_import = uploaded(curator, 120)
    seen: list[tuple[int, int]] = []
    original = jobs.Progress.__call__

    def watch(self, done, total=None, message=None, *, force=False):
        original(self, done, total, message, force=True)  # every call written, to read them back
        job = BackgroundJob.objects.get(subject__startswith="staff_import:")
        seen.append((job.done, job.total))

    monkeypatch.setattr(jobs.Progress, "__call__", watch)
    response = curator.client.post(reverse("people:staff_import_confirm", args=[curator.org.slug, staff_import.pk]))

    job = BackgroundJob.objects.get(subject__startswith="staff_import:")
    result = reverse("people:staff_import_result", args=[curator.org.slug, staff_import.pk])
    assert response.url == result  # the in-process backend finished it: straight to the result
    assert job.state == BackgroundJob.State.DONE and job.kind == BackgroundJob.Kind.STAFF_IMPORT
    assert job.subject == f"staff_import:{staff_import.pk}" and job.attempts == 1
    assert job.result_url == result and "добавлено 120" in job.message
    # The bar went up row by row, to the whole file.
    dones = [done for done, total in seen if total == 120]
    assert dones == sorted(dones) and dones[-1] == 120 and len(set(dones)) > 100
    assert Person.objects.filter(organization=curator.org, position__in=POSITIONS).count() == 120
    notice = Notice.objects.get(person=curator.person, kind=NoticeKind.JOB, text__startswith="Готово: Загрузка")
    assert notice.text.startswith("Готово: Загрузка списка работников") and notice.link == result
    assert notice.delivery == Notice.State.APP  # in the system only, by default


def test_a_second_confirmation_of_the_same_file_starts_no_second_job(curator, settings):
    staff_import = uploaded(curator, 5)
    settings.TASKS = DUMMY  # the job stays queued, as if the worker were busy
    url = reverse("people:staff_import_confirm", args=[curator.org.slug, staff_import.pk])
    first = curator.client.post(url)
    second = curator.client.post(url)
    job = BackgroundJob.objects.get(subject__startswith="staff_import:")
    assert first.url == second.url == reverse("people:job", args=[curator.org.slug, job.pk])
    assert job.state == BackgroundJob.State.QUEUED and job.message == "Ждёт своей очереди…"


def test_a_job_that_fails_says_why_in_russian_and_writes_nothing(curator):
    job = new_job(curator)

    def work(job, progress):
        PersonFactory(organization=curator.org, surname="Недописанная")
        progress(1, 2, "Половина")
        raise jobs.JobFailed("В отчёте нет ни одной пары: утвердите пары и сформируйте отчёт снова.")

    assert jobs.run(job.pk, work) == BackgroundJob.State.FAILED
    job.refresh_from_db()
    assert job.state == BackgroundJob.State.FAILED and job.finished_at
    assert job.error == "В отчёте нет ни одной пары: утвердите пары и сформируйте отчёт снова."
    assert not Person.objects.filter(surname="Недописанная").exists()
    notice = Notice.objects.get(person=curator.person)
    assert notice.text == "Не выполнено: Итоговый отчёт" and notice.link == jobs.job_url(job)


def test_an_unexpected_error_is_told_without_its_english_and_rolls_back(curator):
    job = new_job(curator)

    def work(job, progress):
        PersonFactory(organization=curator.org, surname="Недописанная")
        raise KeyError("summary")

    assert jobs.run(job.pk, work) == BackgroundJob.State.FAILED
    job.refresh_from_db()
    assert job.error.startswith("Задача прервалась из-за ошибки в программе. Ничего не записано.")
    assert "KeyError" not in job.error and "summary" not in job.error
    assert not Person.objects.filter(surname="Недописанная").exists()


def test_a_job_run_again_after_it_ended_writes_nothing_twice(curator):
    job = new_job(curator)
    runs = []

    def work(job, progress):
        runs.append(job.pk)
        PersonFactory(organization=curator.org, surname="Однажды")
        return jobs.Done("Готово", "/o/x/", "Открыть")

    assert jobs.run(job.pk, work) == BackgroundJob.State.DONE
    assert jobs.run(job.pk, work) == ""  # the task delivered twice: the second run sees the job done
    assert runs == [job.pk]
    assert Person.objects.filter(surname="Однажды").count() == 1
    assert Notice.objects.filter(person=curator.person).count() == 1


def test_the_import_confirmed_meanwhile_is_reported_not_written_again(curator, rf):
    staff_import = uploaded(curator, 3)
    access = access_of(rf, curator)
    start = {"access": access, "user": curator.user, "kind": BackgroundJob.Kind.STAFF_IMPORT, "title": "Загрузка"}
    first = jobs.start(tasks.confirm_staff_import, args=(staff_import.pk,), **start)
    second = jobs.start(tasks.confirm_staff_import, args=(staff_import.pk,), **start)
    assert first.state == second.state == BackgroundJob.State.DONE
    assert second.message == "Этот файл уже загружен."
    assert StaffImportRow.objects.filter(staff_import=staff_import).count() == 3


def test_progress_is_throttled_but_a_message_always_shows(curator):
    job = new_job(curator)
    progress = jobs.Progress(job.pk)
    progress(0, 10, "Начали")
    progress(5)  # within half a second of the last write: skipped
    job.refresh_from_db()
    assert (job.done, job.total, job.message) == (0, 10, "Начали")
    progress(7, message="Дальше")
    job.refresh_from_db()
    assert (job.done, job.total, job.message, job.percent) == (7, 10, "Дальше", 70)
    assert job.heartbeat_at is not None


# --- pages -------------------------------------------------------------------------------------------------------


def test_the_job_page_polls_while_it_runs_and_stops_with_the_result(curator):
    job = new_job(curator, state=BackgroundJob.State.RUNNING, done=30, total=120, message="Записываем строки")
    page = curator.client.get(reverse("people:job", args=[curator.org.slug, job.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'hx-trigger="every 1s"' in html and "30 из 120" in html and "w-pct-25" in html
    assert "Страницу можно закрыть" in html

    BackgroundJob.objects.filter(pk=job.pk).update(
        state=BackgroundJob.State.DONE, done=120, result_url="/o/r/", result_text="Итог загрузки"
    )
    fragment = curator.client.get(reverse("people:job_progress", args=[curator.org.slug, job.pk])).content.decode()
    assert "hx-trigger" not in fragment and "Итог загрузки" in fragment and 'href="/o/r/"' in fragment


def test_a_failed_job_shows_its_reason(curator):
    job = new_job(curator, state=BackgroundJob.State.FAILED, error="Файл больше недоступен. Загрузите его ещё раз.")
    html = curator.client.get(reverse("people:job", args=[curator.org.slug, job.pk])).content.decode()
    assert "Файл больше недоступен. Загрузите его ещё раз." in html and "Не выполнено" in html


@pytest.mark.parametrize("name", ["people:job", "people:job_progress"])
def test_another_persons_job_and_another_organisations_are_404(curator, outsider, org, name):
    job = new_job(curator)
    colleague = make_persona(org, "curator")
    url = reverse(name, args=[curator.org.slug, job.pk])
    assert curator.client.get(url).status_code == 200
    assert colleague.client.get(url).status_code == 404
    assert outsider.client.get(url).status_code == 404
    assert outsider.client.get(reverse(name, args=[outsider.org.slug, job.pk])).status_code == 404


def test_the_jobs_list_shows_only_ones_own(curator, org, outsider):
    new_job(curator, title="Мой отчёт")
    new_job(make_persona(org, "curator"), title="Чужой отчёт")
    html = curator.client.get(reverse("people:jobs", args=[org.slug])).content.decode()
    assert "Мой отчёт" in html and "Чужой отчёт" not in html
    assert outsider.client.get(reverse("people:jobs", args=[org.slug])).status_code == 404
    empty = outsider.client.get(reverse("people:jobs", args=[outsider.org.slug])).content.decode()
    assert "Фоновых задач пока нет" in empty


@pytest.mark.parametrize("count", [1, 30])
def test_the_jobs_list_runs_a_fixed_number_of_queries(curator, count, django_assert_num_queries):
    for number in range(count):
        new_job(curator, title=f"Отчёт {number}", state=BackgroundJob.State.DONE, message="Готово")
    url = reverse("people:jobs", args=[curator.org.slug])
    curator.client.get(url)  # the session and the bell warmed up
    with django_assert_num_queries(6):
        assert curator.client.get(url).status_code == 200


# --- the timetable -----------------------------------------------------------------------------------------------


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=MSK)


def test_a_daily_run_is_due_once_a_day_from_its_hour(db, settings):
    settings.TASKS = DUMMY
    assert "digest-daily" not in schedules.tick(at("2026-11-20 06:59"))
    assert "digest-daily" in schedules.tick(at("2026-11-20 07:01"))
    assert "digest-daily" not in schedules.tick(at("2026-11-20 07:02"))  # the same day: not twice
    assert "digest-daily" not in schedules.tick(at("2026-11-20 23:59"))
    assert "digest-daily" in schedules.tick(at("2026-11-21 09:00"))  # a worker down at 07:00 catches up
    assert set(ScheduledRun.objects.filter(name="digest-daily").values_list("period", flat=True)) == {
        "2026-11-20",
        "2026-11-21",
    }


def test_a_weekly_run_is_due_once_a_week_from_monday(db, settings):
    settings.TASKS = DUMMY
    assert "digest-weekly" not in schedules.tick(at("2026-11-23 07:00"))  # Monday, before 07:30
    assert "digest-weekly" in schedules.tick(at("2026-11-23 07:31"))
    assert "digest-weekly" not in schedules.tick(at("2026-11-25 12:00"))  # the same week
    assert "digest-weekly" in schedules.tick(at("2026-11-30 08:00"))
    assert set(ScheduledRun.objects.filter(name="digest-weekly").values_list("period", flat=True)) == {
        "2026-W48",
        "2026-W49",
    }


def test_two_workers_ticking_together_enqueue_a_run_once(db, settings):
    settings.TASKS = DATABASE
    now = at("2026-11-20 10:00")
    first, second = schedules.tick(now), schedules.tick(now)
    # Friday: the week's digest (due since Monday) is caught up as well.
    assert set(first) == {"digest-daily", "digest-weekly", "backup", "purge-withdrawn", "clean-imports"}
    assert second == []
    queued = DBTaskResult.objects.values_list("task_path", flat=True)
    assert sorted(queued) == sorted(
        [
            "monitoring.tasks.send_digests",
            "monitoring.tasks.send_digests",
            "config.tasks.nightly_backup",
            "people.tasks.purge_withdrawn_consents",
            "people.tasks.clean_abandoned_imports",
        ]
    )


@pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)
def test_abandoned_uploads_are_let_go_after_a_day(curator):
    old = uploaded(curator, 2)
    StaffImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    fresh = uploaded(make_persona(curator.org, "curator"), 2)
    assert tasks.clean_abandoned_imports.call() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == StaffImport.Status.CANCELLED and not old.file
    assert fresh.status == StaffImport.Status.PREVIEW and fresh.file


# --- a worker that died ------------------------------------------------------------------------------------------


def test_a_job_lost_with_its_worker_is_queued_again(curator, settings):
    settings.TASKS = DATABASE
    settings.JOB_STALE_SECONDS = 60
    job = new_job(curator, kind=BackgroundJob.Kind.STAFF_IMPORT)
    result = tasks.confirm_staff_import.enqueue(job.pk, 1)
    DBTaskResult.objects.filter(id=result.id).update(status="RUNNING")
    now = timezone.now()
    BackgroundJob.objects.filter(pk=job.pk).update(
        task_id=result.id, state=BackgroundJob.State.RUNNING, heartbeat_at=now - timedelta(seconds=30)
    )
    assert jobs.recover_lost(now) == 0  # still alive, as far as anyone knows
    assert jobs.recover_lost(now + timedelta(seconds=61)) == 1
    job.refresh_from_db()
    assert job.task_id != str(result.id) and "заново" in job.message
    assert DBTaskResult.objects.get(id=result.id).status == "FAILED"
    again = DBTaskResult.objects.get(id=job.task_id)
    assert again.status == "READY" and again.args_kwargs["args"] == [job.pk, 1]
    assert jobs.recover_lost(now + timedelta(seconds=62)) == 0


# --- the upload's check (the preview) as a job ----------------------------------------------------------------------


def test_an_upload_is_checked_by_a_job_whose_bar_counts_the_rows_and_that_leads_to_the_preview(curator, monkeypatch):
    seen: list[tuple[int, int, str]] = []
    original = jobs.Progress.__call__

    def watch(self, done, total=None, message=None, *, force=False):
        original(self, done, total, message, force=True)
        job = BackgroundJob.objects.get()
        seen.append((job.done, job.total, job.message))

    monkeypatch.setattr(jobs.Progress, "__call__", watch)
    staff_import = uploaded(curator, 150)
    job = BackgroundJob.objects.get()
    preview = reverse("people:staff_import_preview", args=[curator.org.slug, staff_import.pk])
    assert job.kind == BackgroundJob.Kind.STAFF_IMPORT and job.subject == f"staff_import_check:{staff_import.pk}"
    assert job.state == BackgroundJob.State.DONE and job.result_url == preview
    assert job.title == "Проверка списка работников «Список.xlsx»"
    assert "новых 150" in job.message and "Ничего не записано" in job.message
    dones = [done for done, total, _message in seen if total == 150]
    assert dones == sorted(dones) and dones[-1] == 150 and len(set(dones)) > 100
    assert any(message.startswith("Проверяем строки: 150") for _d, _t, message in seen)
    assert not Person.objects.filter(organization=curator.org, position__in=POSITIONS).exists()
    notice = Notice.objects.get(person=curator.person, kind=NoticeKind.JOB)
    assert notice.text.startswith("Готово: Проверка списка работников") and notice.link == preview


def test_a_check_whose_file_is_gone_says_why_in_russian_and_cancels_the_upload(curator, settings):
    settings.TASKS = DUMMY
    staff_import = uploaded(curator, 3)
    job = BackgroundJob.objects.get()
    staff_import.file.delete(save=False)  # the stored file lost before the worker reached it
    assert tasks.check_staff_import.call(job.pk, staff_import.pk) == BackgroundJob.State.FAILED
    job.refresh_from_db()
    staff_import.refresh_from_db()
    assert job.error == "Загруженный файл больше недоступен. Загрузите его ещё раз."
    assert job.result_url == reverse("people:staff_import", args=[curator.org.slug])
    assert staff_import.status == StaffImport.Status.CANCELLED and not staff_import.summary.get("rows")


def test_a_check_that_breaks_writes_no_preview_and_keeps_the_earlier_upload(curator, settings, monkeypatch):
    earlier = uploaded(curator, 2)
    settings.TASKS = DUMMY
    later = uploaded(curator, 4)
    job = BackgroundJob.objects.get(subject=f"staff_import_check:{later.pk}")

    def broken(*args, **kwargs):
        raise RuntimeError("сбой посреди проверки")

    monkeypatch.setattr(importing.workflow, "summarise", broken)
    assert tasks.check_staff_import.call(job.pk, later.pk) == BackgroundJob.State.FAILED
    job.refresh_from_db()
    assert job.error.startswith("Задача прервалась из-за ошибки в программе. Ничего не записано.")
    later.refresh_from_db()
    earlier.refresh_from_db()
    assert later.summary == {} and later.status == StaffImport.Status.PREVIEW
    assert earlier.status == StaffImport.Status.PREVIEW and earlier.summary["counts"]["new"] == 2
    # The unchecked upload's preview says so instead of showing an empty list, and offers no confirmation.
    page = curator.client.get(reverse("people:staff_import_preview", args=[curator.org.slug, later.pk]))
    assert page.status_code == 302 and page.url == reverse("people:job", args=[curator.org.slug, job.pk])
    other = make_persona(curator.org, "curator")
    page = other.client.get(reverse("people:staff_import_preview", args=[curator.org.slug, later.pk])).content.decode()
    assert "Файл ещё проверяется" in page and 'data-testid="confirm-import"' not in page


def test_the_check_job_and_the_unchecked_preview_are_404_for_another_organisation(curator, outsider, settings):
    settings.TASKS = DUMMY
    staff_import = uploaded(curator, 2)
    job = BackgroundJob.objects.get()
    for stranger in (outsider, make_persona(curator.org, "curator")):
        assert stranger.client.get(reverse("people:job", args=[curator.org.slug, job.pk])).status_code == 404
    assert outsider.client.get(reverse("people:job", args=[curator.org.slug, job.pk])).status_code == 404
    preview = reverse("people:staff_import_preview", args=[curator.org.slug, staff_import.pk])
    assert outsider.client.get(preview).status_code == 404
