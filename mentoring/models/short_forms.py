"""Short forms of mentoring: situational and speed mentoring, recorded lightly, without a personalised programme."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from people.models import Organization, Person


class ShortMentoringQuerySet(models.QuerySet):
    def for_org(self, org: Organization) -> ShortMentoringQuerySet:
        return self.filter(organization=org)

    def for_person(self, person: Person) -> ShortMentoringQuerySet:
        return self.filter(models.Q(mentors=person) | models.Q(mentees=person)).distinct()

    def for_list(self) -> ShortMentoringQuerySet:
        return self.prefetch_related("mentors", "mentees")


class ShortMentoring(models.Model):
    """One session (or a few) of situational or speed mentoring: who took part, when, the request and the result.

    The regulation lists these kinds beside the traditional one; they have no personalised programme and no order,
    and reports count them apart from programmes.
    """

    class Kind(models.TextChoices):
        SITUATIONAL = "situational", "Ситуационное наставничество"
        SPEED = "speed", "Скоростное наставничество"

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    kind = models.CharField("вид", max_length=20, choices=Kind.choices, default=Kind.SITUATIONAL)
    date = models.DateField("дата")
    end_date = models.DateField(
        "дата последней встречи", null=True, blank=True, help_text="Если встреч было несколько."
    )
    mentors = models.ManyToManyField(Person, verbose_name="наставники", related_name="short_mentoring_given")
    mentees = models.ManyToManyField(Person, verbose_name="наставляемые", related_name="short_mentoring_received")
    request = models.TextField("запрос", help_text="С какой ситуацией или вопросом обратились.")
    result = models.TextField("результат", blank=True, help_text="Что решили, что получил наставляемый.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("записано", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)

    objects = ShortMentoringQuerySet.as_manager()

    class Meta:
        verbose_name = "краткая форма наставничества"
        verbose_name_plural = "краткие формы наставничества"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("date")),
                name="shortmentoring_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d.%m.%Y}"

    def clean(self) -> None:
        if self.date and self.end_date and self.end_date < self.date:
            raise ValidationError({"end_date": "Дата последней встречи не может быть раньше первой."})
