"""Meetings of a pair or group: the mentor's log of what was done and agreed, and the mentee's feedback."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from mentoring.models.pairs import Mentorship, PlanActivity
from people.models import Organization, Person

MIN_RATING, MAX_RATING = 1, 5


class MeetingQuerySet(models.QuerySet):
    def for_org(self, org: Organization) -> MeetingQuerySet:
        return self.filter(organization=org)


class Meeting(models.Model):
    """One meeting of a pair or group, recorded by its mentor or the curator."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "Очная встреча"
        ONLINE = "online", "Онлайн-встреча"
        LESSON_VISIT = "lesson_visit", "Наблюдение урока (занятия)"
        CONSULTATION = "consultation", "Консультация"
        JOINT_EVENT = "joint_event", "Совместное мероприятие"
        OPEN_LESSON = "open_lesson", "Открытый урок (занятие) наставника"

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    mentorship = models.ForeignKey(
        Mentorship, verbose_name="пара (группа)", on_delete=models.CASCADE, related_name="meetings"
    )
    date = models.DateField("дата встречи")
    format = models.CharField("формат", max_length=20, choices=Format.choices, default=Format.IN_PERSON)
    topic = models.CharField("тема", max_length=300)
    plan_rows = models.ManyToManyField(
        PlanActivity, verbose_name="мероприятия плана", blank=True, related_name="meetings"
    )
    done = models.TextField("что сделано")
    next_steps = models.TextField("о чём договорились", blank=True)
    author = models.ForeignKey(
        Person, verbose_name="записал(а)", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("записана", auto_now_add=True)
    updated_at = models.DateTimeField("изменена", auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "встреча"
        verbose_name_plural = "встречи"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["mentorship", "-date"], name="meeting_pair_date")]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} — {self.topic}"


class MeetingFeedback(models.Model):
    """A mentee's rating (1–5) and comment on one meeting: one per mentee per meeting."""

    meeting = models.ForeignKey(Meeting, verbose_name="встреча", on_delete=models.CASCADE, related_name="feedback")
    mentee = models.ForeignKey(Person, verbose_name="наставляемый", on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(
        "оценка", validators=[MinValueValidator(MIN_RATING), MaxValueValidator(MAX_RATING)]
    )
    comment = models.TextField("комментарий", blank=True)
    created_at = models.DateTimeField("оставлен", auto_now_add=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)

    class Meta:
        verbose_name = "отзыв о встрече"
        verbose_name_plural = "отзывы о встречах"
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "mentee"], name="meetingfeedback_one_per_mentee"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=MIN_RATING, rating__lte=MAX_RATING), name="meetingfeedback_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.rating}"
