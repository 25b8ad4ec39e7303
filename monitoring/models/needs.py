"""Surveys of the whole staff (or chosen groups) outside the programmes: the survey of professional difficulties
that feeds the bank of mentees, and the questionnaire of candidate mentors that fills the bank of mentors.

One `NeedsAnswer` row is created per invited person at launch (unanswered); the person answers once; the curator
then accepts the answer into the bank (monitoring.needs.accept) or declines it with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from people.models import Direction, MenteeEntry, MentorEntry, Organization, Person


class NeedsSurveyQuerySet(models.QuerySet):
    def for_org(self, org: Organization) -> NeedsSurveyQuerySet:
        return self.filter(organization=org)

    def with_counts(self) -> NeedsSurveyQuerySet:
        pending = NeedsAnswer.Review.PENDING
        return self.annotate(
            invited=models.Count("answers"),
            answered=models.Count("answers", filter=models.Q(answers__answered_at__isnull=False)),
            to_review=models.Count(
                "answers", filter=models.Q(answers__answered_at__isnull=False, answers__review=pending)
            ),
            accepted=models.Count("answers", filter=models.Q(answers__review=NeedsAnswer.Review.ACCEPTED)),
        )


class NeedsSurvey(models.Model):
    class Kind(models.TextChoices):
        NEEDS = "needs", "Анкета профессиональных затруднений"
        CANDIDATES = "candidates", "Анкета кандидата в наставники"

    class Status(models.TextChoices):
        OPEN = "open", "Идёт"
        CLOSED = "closed", "Завершено"

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    kind = models.CharField("анкета", max_length=20, choices=Kind.choices, default=Kind.NEEDS)
    title = models.CharField("название", max_length=300)
    intro = models.TextField("обращение к работникам", blank=True)
    deadline = models.DateField("ответить до")
    # Who was chosen, as the curator worded it (the invitations themselves are the answers' rows).
    audience = models.CharField("кому", max_length=500, blank=True)
    status = models.CharField("состояние", max_length=10, choices=Status.choices, default=Status.OPEN)
    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="запустил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    launched_at = models.DateTimeField("запущено", default=timezone.now)

    objects = NeedsSurveyQuerySet.as_manager()

    class Meta:
        verbose_name = "анкетирование работников"
        verbose_name_plural = "анкетирование работников"
        ordering = ["-launched_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def accepts_answers(self, today=None) -> bool:
        return self.status == self.Status.OPEN and (today or timezone.localdate()) <= self.deadline


class NeedsAnswer(models.Model):
    class Review(models.TextChoices):
        PENDING = "pending", "Ждёт проверки куратора"
        ACCEPTED = "accepted", "Принята в банк"
        DECLINED = "declined", "Отклонена"

    survey = models.ForeignKey(NeedsSurvey, on_delete=models.CASCADE, related_name="answers")
    person = models.ForeignKey(Person, verbose_name="работник", on_delete=models.CASCADE, related_name="needs_answers")
    directions = models.ManyToManyField(
        Direction, verbose_name="направления", blank=True, related_name="+", help_text="Затруднения или компетенции."
    )
    text = models.TextField("ответ", blank=True)
    wants_mentor = models.BooleanField("нужен наставник", default=False)
    subjects = models.CharField("предметы, направления работы", max_length=300, blank=True)
    capacity = models.PositiveSmallIntegerField("готов вести наставляемых", null=True, blank=True)
    answered_at = models.DateTimeField("ответил", null=True, blank=True)
    review = models.CharField("проверка", max_length=10, choices=Review.choices, default=Review.PENDING)
    review_note = models.TextField("комментарий куратора", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="проверил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("проверено", null=True, blank=True)
    mentee_entry = models.ForeignKey(
        MenteeEntry, verbose_name="запрос в банке", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentor_entry = models.ForeignKey(
        MentorEntry, verbose_name="анкета в банке", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "ответ работника"
        verbose_name_plural = "ответы работников"
        ordering = ["survey", "person__surname", "person__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "person"], name="needs_answer_once"),
            models.CheckConstraint(
                condition=models.Q(review="pending") | models.Q(answered_at__isnull=False), name="needs_review_answered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey}: {self.person}"
