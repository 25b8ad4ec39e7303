"""The confirmed roadmap import as a background job (roadmap.tasks): the request only queues it, the worker writes
the roadmap with its bar moving, a failure says why in Russian and writes nothing, the job is its starter's only."""

from __future__ import annotations

from django.urls import reverse

from people import jobs
from people.models import BackgroundJob, Notice, NoticeKind
from roadmap import importing, tasks
from roadmap.models import Roadmap, RoadmapActivity, RoadmapImport, RoadmapStage
from tests.conftest import make_persona
from tests.roadmap.test_roadmap_import import docx_bytes, seed_rows, upload

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


def queued_confirmation(curator, org, settings) -> BackgroundJob:
    assert upload(curator.client, org, docx_bytes(seed_rows()), "карта.docx").status_code == 302
    settings.TASKS = DUMMY  # the worker has not reached it yet
    response = curator.client.post(reverse("roadmap:roadmap_import_confirm", args=[org.slug]))
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("people:job", args=[org.slug, job.pk])  # the request does not wait
    assert job.kind == BackgroundJob.Kind.ROADMAP_IMPORT and job.state == BackgroundJob.State.QUEUED
    assert job.title == "Загрузка дорожной карты «карта.docx»"
    assert not Roadmap.objects.exists()
    return job


def test_the_job_writes_the_roadmap_with_its_bar_and_tells_the_curator(curator, org, settings, monkeypatch):
    job = queued_confirmation(curator, org, settings)
    preview = reverse("roadmap:roadmap_import_preview", args=[org.slug])
    assert curator.client.get(preview)["Location"] == reverse("people:job", args=[org.slug, job.pk])
    seen: list[tuple[int, int, str]] = []
    original = jobs.Progress.__call__

    def watch(self, done, total=None, message=None, *, force=False):
        original(self, done, total, message, force=True)
        fresh = BackgroundJob.objects.get(pk=job.pk)
        seen.append((fresh.done, fresh.total, fresh.message))

    monkeypatch.setattr(jobs.Progress, "__call__", watch)
    pending = curator.client.session["roadmap_import"]
    token = pending["token"]
    assert tasks.confirm_roadmap_import.call(job.pk, {k: v for k, v in pending.items() if k != "job"}) == "done"
    job.refresh_from_db()
    record = RoadmapImport.objects.get()
    assert job.state == BackgroundJob.State.DONE
    assert job.result_url == reverse("roadmap:roadmap_import_result", args=[org.slug, record.pk])
    assert "этапов — 7, мероприятий — 18" in job.message
    assert [done for done, _total, _message in seen] == [0, 1, 2, 3] and {t for _d, t, _m in seen} == {3}
    assert "Записываем этапы и мероприятия: 18." in [message for _d, _t, message in seen]
    assert record.roadmap.stages.count() == 7 and record.roadmap.activities.count() == 18
    assert record.created_by == curator.user
    notice = Notice.objects.get(person=curator.person, kind=NoticeKind.JOB)
    assert notice.text.startswith("Готово: Загрузка дорожной карты") and notice.link == job.result_url
    # Back on the preview: the upload is over, the session lets it go and shows the result.
    assert curator.client.get(preview)["Location"] == job.result_url
    assert "roadmap_import" not in curator.client.session
    assert token  # the file itself is let go once the writing commits (see test_curator_uploads_previews_and_confirms)


def test_a_job_whose_file_is_gone_says_why_in_russian_and_writes_nothing(curator, org, settings):
    job = queued_confirmation(curator, org, settings)
    pending = curator.client.session["roadmap_import"]
    importing.drop_upload(pending["token"])
    assert tasks.confirm_roadmap_import.call(job.pk, pending) == "failed"
    job.refresh_from_db()
    assert job.error == "Загруженный файл больше недоступен. Загрузите его ещё раз."
    assert job.result_url == reverse("roadmap:roadmap_import", args=[org.slug])
    assert not Roadmap.objects.exists() and not RoadmapImport.objects.exists()


def test_a_job_that_breaks_midway_leaves_no_half_roadmap(curator, org, settings, monkeypatch):
    job = queued_confirmation(curator, org, settings)
    pending = curator.client.session["roadmap_import"]

    def broken(*args, **kwargs):
        raise RuntimeError("сбой после записи этапов")

    monkeypatch.setattr(tasks, "organization_changed", broken)  # after the stages and activities are written
    assert tasks.confirm_roadmap_import.call(job.pk, pending) == "failed"
    job.refresh_from_db()
    assert job.error.startswith("Задача прервалась из-за ошибки в программе. Ничего не записано.")
    assert not Roadmap.objects.exists() and not RoadmapStage.objects.exists()
    assert not RoadmapActivity.objects.exists() and not RoadmapImport.objects.exists()
    assert importing._upload_path(pending["token"]).exists()  # the file stays to try again
    # The preview is open again to look and confirm once more.
    page = curator.client.get(reverse("roadmap:roadmap_import_preview", args=[org.slug]))
    assert page.status_code == 200 and "Будет загружено этапов — 7, мероприятий — 18." in page.content.decode()


def test_the_roadmap_job_is_404_for_a_colleague_and_another_organisation(curator, outsider, org, settings):
    job = queued_confirmation(curator, org, settings)
    for name in ("people:job", "people:job_progress"):
        url = reverse(name, args=[org.slug, job.pk])
        assert curator.client.get(url).status_code == 200
        assert make_persona(org, "curator").client.get(url).status_code == 404
        assert outsider.client.get(url).status_code == 404
