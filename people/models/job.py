"""Long work done by the task worker (people.jobs): what the user who started it sees — state, progress, the
result's link or why it failed — and the marks of the worker's own schedule."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from people.models.organization import Municipality, Organization, Person


def job_file_path(instance: BackgroundJob, filename: str) -> str:
    """Under MEDIA_ROOT/jobs/<organisation>/, a random name: never served by nginx, only by the job's download."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    owner = instance.organization_id or f"m{instance.municipality_id}"
    return f"jobs/{owner}/{uuid.uuid4().hex}.{suffix}"


class BackgroundJobQuerySet(models.QuerySet):
    def active(self) -> BackgroundJobQuerySet:
        return self.filter(state__in=BackgroundJob.ACTIVE)


class BackgroundJob(models.Model):
    """One piece of long work started by a person: «Загрузка списка работников», «Итоговый отчёт» and so on.

    The task (people.tasks, roadmap.tasks, …) runs in the worker; this row is what the pages read. Progress is
    written over a connection of its own (settings.JOB_PROGRESS_DATABASE), so it is seen while the work's own
    transaction is still open; the work and the job's end are one transaction, so a job is never «done» with
    its writes missing, nor its writes made twice.
    """

    class Kind(models.TextChoices):
        STAFF_IMPORT = "staff_import", "Загрузка списка работников"
        ROADMAP_IMPORT = "roadmap_import", "Загрузка дорожной карты"
        REPORT = "report", "Итоговый аналитический отчёт"
        WORKBOOK = "workbook", "Статистика в таблице"
        MUNICIPAL = "municipal", "Пересчёт муниципального отчёта"
        BACKUP = "backup", "Резервная копия"
        PURGE = "purge", "Уничтожение персональных данных"
        MAIL = "mail", "Рассылка писем"

    class State(models.TextChoices):
        QUEUED = "queued", "В очереди"
        RUNNING = "running", "Выполняется"
        DONE = "done", "Готово"
        FAILED = "failed", "Не выполнено"

    ACTIVE = (State.QUEUED, State.RUNNING)

    # Whose work it is: an organisation's (its staff started it), or a municipality's (its coordinator recomputes
    # the summary of every organisation; the coordinator is no one's staff, so such a job has no `person`).
    organization = models.ForeignKey(
        Organization, verbose_name="организация", null=True, blank=True, on_delete=models.CASCADE
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="запустил", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        Person, verbose_name="кому сообщить", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField("вид", max_length=20, choices=Kind.choices)
    title = models.CharField("название", max_length=300)
    # What the job works on ("staff_import:12"): two running jobs never work on the same thing.
    subject = models.CharField("предмет", max_length=100, blank=True)
    state = models.CharField("состояние", max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField("сделано", default=0)
    total = models.PositiveIntegerField("всего", default=0)
    message = models.CharField("что происходит", max_length=300, blank=True)
    result_url = models.CharField("ссылка на результат", max_length=300, blank=True)
    result_text = models.CharField("текст ссылки", max_length=100, blank=True)
    result_file = models.FileField("файл результата", upload_to=job_file_path, blank=True, max_length=200)
    result_name = models.CharField("имя файла результата", max_length=255, blank=True)
    error = models.TextField("почему не выполнено", blank=True)
    task_id = models.CharField("задача воркера", max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField("попыток", default=0)
    created_at = models.DateTimeField("создано", default=timezone.now)
    started_at = models.DateTimeField("начато", null=True, blank=True)
    heartbeat_at = models.DateTimeField("последний знак жизни", null=True, blank=True)
    finished_at = models.DateTimeField("завершено", null=True, blank=True)

    objects = BackgroundJobQuerySet.as_manager()

    class Meta:
        verbose_name = "фоновая задача"
        verbose_name_plural = "фоновые задачи"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "started_by", "-created_at"], name="job_user_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["subject"],
                condition=Q(state__in=["queued", "running"]) & ~Q(subject=""),
                name="job_one_active_per_subject",
            ),
            models.CheckConstraint(condition=Q(done__lte=models.F("total")) | Q(total=0), name="job_done_le_total"),
            models.CheckConstraint(
                condition=Q(organization__isnull=False, municipality__isnull=True)
                | Q(organization__isnull=True, municipality__isnull=False),
                name="job_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def _url(self, name: str) -> str:
        if self.municipality_id:
            return reverse(f"municipal_{name}", args=[self.municipality.slug, self.pk])
        return reverse(f"people:{name}", args=[self.organization.slug, self.pk])

    @property
    def page_url(self) -> str:
        return self._url("job")

    @property
    def progress_url(self) -> str:
        """What the bar asks every second while the job runs."""
        return self._url("job_progress")

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)


class ScheduledRun(models.Model):
    """One run of a periodic job for one period («digest-daily» on 20.11.2026): the unique pair is what keeps two
    workers from starting the same run twice."""

    name = models.CharField("что", max_length=50)
    period = models.CharField("за какой период", max_length=20)
    created_at = models.DateTimeField("поставлено в очередь", default=timezone.now)
    task_id = models.CharField("задача воркера", max_length=64, blank=True)

    class Meta:
        verbose_name = "запуск по расписанию"
        verbose_name_plural = "запуски по расписанию"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["name", "period"], name="scheduled_run_once_per_period")]

    def __str__(self) -> str:
        return f"{self.name} {self.period}"
