"""Events of the mentoring programme: seminars, master-classes, professional skills contests, sessions of the
mentors' school, meetings of the mentors' community. Each may carry out activities of the roadmap: holding the
event completes them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from people.models import Organization, Person
from roadmap.models import ActivityStatus, RoadmapActivity


class EventQuerySet(models.QuerySet):
    def for_org(self, org: Organization) -> EventQuerySet:
        return self.filter(organization=org)

    def held(self) -> EventQuerySet:
        return self.filter(status=Event.Status.HELD)

    def published(self) -> EventQuerySet:
        return self.filter(is_published=True)

    def for_list(self) -> EventQuerySet:
        return self.annotate(participant_count=models.Count("participants", distinct=True))


class Event(models.Model):
    class Kind(models.TextChoices):
        SEMINAR = "seminar", "Семинар"
        MASTER_CLASS = "master_class", "Мастер-класс"
        CONTEST = "contest", "Конкурс профессионального мастерства"
        SCHOOL = "school", "Занятие школы наставников"
        COMMUNITY = "community", "Встреча сообщества наставников"
        OTHER = "other", "Другое мероприятие"

    class Status(models.TextChoices):
        PLANNED = "planned", "Запланировано"
        HELD = "held", "Проведено"
        CANCELLED = "cancelled", "Отменено"

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    kind = models.CharField("вид", max_length=20, choices=Kind.choices, default=Kind.SEMINAR)
    title = models.CharField("тема", max_length=300)
    date = models.DateField("дата")
    place = models.CharField("место проведения", max_length=300, blank=True)
    organisers = models.ManyToManyField(Person, verbose_name="организаторы", blank=True, related_name="+")
    participants = models.ManyToManyField(Person, verbose_name="участники", blank=True, related_name="programme_events")
    description = models.TextField("программа мероприятия", blank=True)
    results = models.TextField("итоги", blank=True)
    activities = models.ManyToManyField(
        RoadmapActivity,
        verbose_name="мероприятия дорожной карты",
        blank=True,
        related_name="events",
        help_text="Проведение мероприятия отмечает их выполненными.",
    )
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.PLANNED)
    held_at = models.DateTimeField("отмечено проведённым", null=True, blank=True)
    is_published = models.BooleanField("опубликовать на странице организации", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("записано", auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "мероприятие программы наставничества"
        verbose_name_plural = "мероприятия программы наставничества"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="held") | models.Q(held_at__isnull=False), name="event_held_has_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title} ({self.date:%d.%m.%Y})"

    @property
    def is_held(self) -> bool:
        return self.status == self.Status.HELD

    @transaction.atomic
    def hold(self, *, results: str) -> int:
        """Mark the event held, with its results; the linked roadmap activities still open become done on its
        date. Returns how many activities were completed."""
        results = results.strip()
        if not results:
            raise ValidationError({"results": "Опишите итоги: что сделали участники, что получилось."})
        locked = Event.objects.select_for_update().get(pk=self.pk)
        if locked.status != self.Status.PLANNED:
            raise ValidationError("Отметить проведённым можно запланированное мероприятие.")
        if self.date > timezone.localdate():
            raise ValidationError(
                {"results": f"Мероприятие назначено на {self.date:%d.%m.%Y}: отметить его можно в этот день или позже."}
            )
        self.status, self.held_at, self.results = self.Status.HELD, timezone.now(), results
        self.save(update_fields=["status", "held_at", "results"])
        note = f"Проведено: {self.get_kind_display().lower()} «{self.title}», {self.date:%d.%m.%Y}."
        completed = 0
        for activity in self.activities.select_for_update().exclude(status=ActivityStatus.DONE):
            activity.status, activity.done_on = ActivityStatus.DONE, self.date
            activity.note = f"{activity.note}\n{note}".strip()
            activity.save(update_fields=["status", "done_on", "note"])
            completed += 1
        return completed

    @transaction.atomic
    def cancel(self) -> None:
        if Event.objects.select_for_update().get(pk=self.pk).status != self.Status.PLANNED:
            raise ValidationError("Отменить можно только запланированное мероприятие.")
        self.status = self.Status.CANCELLED
        self.save(update_fields=["status"])


def event_file_path(instance: EventFile, filename: str) -> str:
    return f"events/{instance.event.organization_id}/{uuid.uuid4().hex}"


class EventFile(models.Model):
    """A material of an event (a presentation, a programme, photographs), served through an access-checked view."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("файл", upload_to=event_file_path)
    original_name = models.CharField("имя файла", max_length=255)
    content_type = models.CharField("тип", max_length=100)
    size = models.PositiveIntegerField("размер, байт")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "материал мероприятия"
        verbose_name_plural = "материалы мероприятий"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
