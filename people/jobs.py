"""Long work in the task worker, with a page that shows it move: one entry point to start it (`start`), one to
run it inside a task (`run`), and the worker's recovery of jobs lost with a killed worker (`recover_lost`).

A task of any app (people.tasks, roadmap.tasks, monitoring.tasks) is a django.tasks function that takes the job's
id and hands `run` the work to do. The work runs in one transaction together with the job's end (its state, the
result's link, the notice to the person), so a job is either done with everything written or failed with nothing
written; a job run again after its worker died finds it done and writes nothing twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from people import notices
from people.models import BackgroundJob, NoticeKind

log = logging.getLogger(__name__)

# Progress is written at most this often: a bar that moves every half second costs a few dozen updates a minute.
PROGRESS_EVERY = 0.5
UNEXPECTED = (
    "Задача прервалась из-за ошибки в программе. Ничего не записано. Попробуйте ещё раз; если ошибка повторится, "
    "сообщите администратору (время ошибки: {at})."
)


class JobFailed(Exception):
    """The work cannot be done for a reason the user can act on; the message, in Russian, says which."""


@dataclass
class Done:
    """What a finished job leaves: a line for the page and the notice, and the link to its result."""

    message: str
    url: str = ""
    link_text: str = "Открыть результат"
    # A file the job made (a PDF, a workbook): kept on the job, downloaded only by its starter (people:job_file).
    file_name: str = ""
    content: bytes = b""


@dataclass
class Failed:
    """A job that ended without its result but with something to keep (written in the same transaction)."""

    error: str
    url: str = ""
    link_text: str = "Открыть"


def job_url(job: BackgroundJob) -> str:
    return job.page_url


def start(
    task, *, access=None, municipality=None, user, kind: str, title: str, subject: str = "", args: tuple = ()
) -> BackgroundJob:
    """Record the job and put its task in the queue (one transaction: the worker never sees a task without its
    job). A job already queued or running on the same `subject` is returned instead of a second one.

    The job belongs to the organisation of `access` (the person told when it ends is its person), or, for the
    municipal coordinator, to `municipality` (no person: the coordinator finds the result on the job's page and on
    the report itself)."""
    if subject and (running := BackgroundJob.objects.active().filter(subject=subject).first()):
        return running
    try:
        with transaction.atomic():
            job = BackgroundJob.objects.create(
                organization=access.org if access else None,
                municipality=municipality,
                started_by=user,
                person=access.person if access else None,
                kind=kind,
                title=title[:300],
                subject=subject,
                message="Ждёт своей очереди…",
            )
            result = task.enqueue(job.pk, *args)
            BackgroundJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    except IntegrityError:  # a second click started the same work a moment ago: that job is the one
        running = BackgroundJob.objects.active().filter(subject=subject).first()
        if running is None:
            raise
        return running
    job.refresh_from_db()
    return job


def follow(request, job: BackgroundJob) -> HttpResponseRedirect:
    """Where the page that started `job` sends the user: its result when the job has already ended (a backend that
    runs tasks inside the request, ImmediateBackend, or a quick job), with its outcome as a message; otherwise the
    job's progress page."""
    if job.state == BackgroundJob.State.DONE:
        messages.success(request, job.message)
    elif job.state == BackgroundJob.State.FAILED:
        messages.error(request, job.error)
    else:
        return HttpResponseRedirect(job_url(job))
    return HttpResponseRedirect(job.result_url or job_url(job))


class Progress:
    """Tells the job's page how far the work has gone: `progress(done, total, message)`.

    Written over settings.JOB_PROGRESS_DATABASE (a connection of its own), so the page sees it before the work's
    transaction commits; throttled to one write per PROGRESS_EVERY seconds unless `force`.
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = 0.0
        self.total = 0

    def __call__(self, done: int, total: int | None = None, message: str | None = None, *, force: bool = False):
        if total is not None:
            self.total = total
        now = time.monotonic()
        if not force and message is None and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        fields = {"done": min(done, self.total) if self.total else 0, "heartbeat_at": timezone.now()}
        if total is not None:
            fields["total"] = total
        if message is not None:
            fields["message"] = message[:300]
        alias = getattr(settings, "JOB_PROGRESS_DATABASE", "default")
        BackgroundJob.objects.using(alias).filter(pk=self.job_id).update(**fields)


def _claim(job_id: int) -> BackgroundJob | None:
    """Mark the job running (a short transaction of its own); None if it has ended already."""
    with transaction.atomic():
        locked = BackgroundJob.objects.select_for_update(of=("self",))
        locked = locked.select_related("organization", "municipality", "person")
        job = locked.filter(pk=job_id).first()
        if job is None or not job.is_active:
            return None
        now = timezone.now()
        job.state = BackgroundJob.State.RUNNING
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.attempts += 1
        job.message = "Выполняется…" if job.attempts == 1 else "Выполняется заново после сбоя…"
        job.save(update_fields=["state", "started_at", "heartbeat_at", "attempts", "message"])
    return job


def _end(job: BackgroundJob, outcome: Done | Failed) -> None:
    """The job's end and its notice; called inside the work's transaction."""
    now = timezone.now()
    if isinstance(outcome, Done):
        fields = {"state": BackgroundJob.State.DONE, "message": outcome.message[:300], "error": ""}
        fields |= {"result_url": outcome.url, "result_text": outcome.link_text, "done": F("total")}  # a full count
        if outcome.file_name:
            _keep_file(job, outcome)
            url = reverse("people:job_file", args=[job.organization.slug, job.pk])
            fields |= {"result_file": job.result_file.name, "result_name": outcome.file_name[:255], "result_url": url}
        title, body = f"Готово: {job.title}", outcome.message
        link, link_text = fields["result_url"], fields["result_text"]
    else:
        fields = {"state": BackgroundJob.State.FAILED, "error": outcome.error, "message": "Не выполнено."}
        fields |= {"result_url": outcome.url, "result_text": outcome.link_text if outcome.url else ""}
        title, body, link, link_text = f"Не выполнено: {job.title}", outcome.error, job_url(job), "Подробнее"
    BackgroundJob.objects.filter(pk=job.pk).update(finished_at=now, heartbeat_at=now, **fields)
    if job.person_id:
        notices.tell(job.person, NoticeKind.JOB, title, body, link, link_text=link_text)


def _keep_file(job: BackgroundJob, outcome: Done) -> None:
    """Write the job's file to the storage; if the job's transaction is rolled back, the file goes with it."""
    job.result_file.save(outcome.file_name, ContentFile(outcome.content), save=False)
    job.kept_files = [*getattr(job, "kept_files", []), job.result_file.name]


def _forget_files(job: BackgroundJob) -> None:
    """After a rolled-back end: the files written for it are deleted, nothing half-written stays on disk."""
    for name in getattr(job, "kept_files", []):
        if not BackgroundJob.objects.filter(pk=job.pk, result_file=name).exists():
            job.result_file.storage.delete(name)


def run(job_id: int, work: Callable[[BackgroundJob, Progress], Done | Failed]) -> str:
    """Run `work(job, progress)` for the job, once: returns the job's final state ("" if it had already ended)."""
    job = _claim(job_id)
    if job is None:
        return ""
    progress = Progress(job.pk)
    try:
        with transaction.atomic():
            outcome = work(job, progress)
            _end(job, outcome)
    except JobFailed as refused:
        _forget_files(job)
        with transaction.atomic():
            _end(job, Failed(str(refused)))
        return BackgroundJob.State.FAILED
    except Exception:
        log.exception("Фоновая задача %s (%s) прервалась", job.pk, job.kind)
        _forget_files(job)
        with transaction.atomic():
            _end(job, Failed(UNEXPECTED.format(at=timezone.localtime().strftime("%d.%m.%Y %H:%M"))))
        return BackgroundJob.State.FAILED
    return BackgroundJob.State.DONE if isinstance(outcome, Done) else BackgroundJob.State.FAILED


def recover_lost(now=None) -> int:
    """Jobs whose worker died mid-task (no sign of life for JOB_STALE_SECONDS while their task stays «running»):
    their task is put in the queue again. The work was rolled back with the dead worker's connection; the next
    run starts afresh. Returns how many were re-queued. Only the database backend keeps tasks to look at."""

    if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
        return 0
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    requeued = 0
    with transaction.atomic():
        lost = BackgroundJob.objects.select_for_update(skip_locked=True).filter(
            state=BackgroundJob.State.RUNNING, heartbeat_at__lt=stale
        )
        for job in lost:
            result = DBTaskResult.objects.filter(id=job.task_id).first()
            if result is None or result.status not in ("RUNNING", "FAILED"):
                continue
            given = result.args_kwargs or {}
            new = result.task.enqueue(*given.get("args", []), **given.get("kwargs", {}))
            DBTaskResult.objects.filter(id=result.id, status="RUNNING").update(status="FAILED", finished_at=now)
            job.task_id, job.heartbeat_at = str(new.id), now
            job.message = "Обработчик задач перезапущен: задача поставлена в очередь заново."
            job.save(update_fields=["task_id", "heartbeat_at", "message"])
            log.warning("Фоновая задача %s потеряна с обработчиком и поставлена в очередь заново", job.pk)
            requeued += 1
    return requeued
