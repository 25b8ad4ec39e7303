"""What the programme leaves behind (stages 6 and 7): best practices (методическая копилка), the final event,
the curator's analytic report, news, published results of ended programmes and the organisation's public page.

Publication is always an explicit mark set by the curator; a programme's results and a practice made from a
programme can be published only after the programme has ended.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from people.models import Direction, MentoringForm, Organization, Person

ENDED_STATES = ("completed", "ended_early")


def search_key(*parts: str) -> str:
    """Lower case with ё→е, in Python: SQLite's LOWER() and LIKE fold only ASCII letters, so the search
    compares with a key prepared here, the same on SQLite and PostgreSQL."""
    return " ".join(" ".join(part.split()) for part in parts if part).lower().replace("ё", "е")


class PracticeQuerySet(models.QuerySet):
    def for_org(self, org: Organization) -> PracticeQuerySet:
        return self.filter(organization=org)

    def search(self, text: str) -> PracticeQuerySet:
        """Practices whose title or description contains every word of `text`."""
        qs = self
        for word in search_key(text).split():
            qs = qs.filter(search_text__contains=word)
        return qs

    def for_list(self) -> PracticeQuerySet:
        """Everything a list of practices shows, in a fixed number of queries."""
        return (
            self.select_related("direction", "form", "mentorship")
            .prefetch_related(models.Prefetch("authors", queryset=Person.objects.order_by("surname", "name", "id")))
            .annotate(file_count=models.Count("files", distinct=True))
        )


class Practice(models.Model):
    """A best practice saved into the organisation's methodical collection."""

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    mentorship = models.ForeignKey(
        "mentoring.Mentorship",
        verbose_name="из программы пары (группы)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practices",
    )
    title = models.CharField("название практики", max_length=300)
    description = models.TextField("описание")
    direction = models.ForeignKey(
        Direction, verbose_name="направление", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    form = models.ForeignKey(
        MentoringForm,
        verbose_name="форма наставничества",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authors = models.ManyToManyField(Person, verbose_name="авторы", blank=True, related_name="practices")
    is_published = models.BooleanField("опубликовать на странице организации", default=False)
    published_at = models.DateTimeField("опубликована", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="внёс",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("внесена", default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    search_text = models.TextField(editable=False, blank=True)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = "практика наставничества"
        verbose_name_plural = "методическая копилка"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.search_text = search_key(self.title, self.description)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"title", "description"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def source_ended(self) -> bool:
        """No source pair, or its pair (group) has ended: only then may the practice be published."""
        return self.mentorship_id is None or self.mentorship.state in ENDED_STATES

    def clean(self) -> None:
        if self.is_published and not self.source_ended:
            raise ValidationError(
                {"is_published": "Практику из программы можно опубликовать только после завершения программы."}
            )

    def set_published(self, flag: bool) -> None:
        """Set the publication mark, keeping the date of first publication while it stays published."""
        if flag and not self.source_ended:
            raise ValidationError("Практику из программы можно опубликовать только после завершения программы.")
        self.is_published = flag
        if flag and self.published_at is None:
            self.published_at = timezone.now()
        elif not flag:
            self.published_at = None


def practice_file_path(instance: PracticeFile, filename: str) -> str:
    return f"practices/{instance.practice.organization_id}/{uuid.uuid4().hex}"


class PracticeFile(models.Model):
    """A material of a practice. Served only through an access-checked view (or the public page once published)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="files")
    file = models.FileField("файл", upload_to=practice_file_path)
    original_name = models.CharField("имя файла", max_length=255)
    content_type = models.CharField("тип", max_length=100)
    size = models.PositiveIntegerField("размер, байт")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "материал практики"
        verbose_name_plural = "материалы практик"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class FinalEvent(models.Model):
    """The final event of stage 6 (a round table, a conference): when, who, what came of it."""

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    title = models.CharField("название", max_length=300)
    event_format = models.CharField("форма проведения", max_length=200, blank=True, help_text="Например: круглый стол")
    held_on = models.DateField("дата проведения")
    participants = models.ManyToManyField(Person, verbose_name="участники", blank=True, related_name="final_events")
    guests = models.TextField("приглашённые гости", blank=True)
    outcome = models.TextField("итоги", blank=True)
    recommended = models.ManyToManyField(
        Person, verbose_name="наставники, рекомендованные к поощрению", blank=True, related_name="recommendations"
    )
    order = models.ForeignKey(
        "roadmap.Order",
        verbose_name="приказ о проведении",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reward_order = models.ForeignKey(
        "roadmap.Order",
        verbose_name="приказ о поощрении",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "итоговое мероприятие"
        verbose_name_plural = "итоговые мероприятия"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d.%m.%Y})"


class AnalyticReport(models.Model):
    """The curator's conclusions for one period; the figures are computed when the report is shown or printed."""

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    period_start = models.DateField("период с")
    period_end = models.DateField("период по")
    conclusions = models.TextField("выводы куратора", blank=True)
    proposals = models.TextField("предложения на следующий период", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "итоговый аналитический отчёт"
        verbose_name_plural = "итоговые аналитические отчёты"
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "period_start", "period_end"], name="report_once"),
            models.CheckConstraint(condition=models.Q(period_end__gt=models.F("period_start")), name="report_period"),
        ]

    def __str__(self) -> str:
        return f"Отчёт за {self.period_start:%d.%m.%Y}–{self.period_end:%d.%m.%Y}"


class NewsItemQuerySet(models.QuerySet):
    def for_org(self, org: Organization) -> NewsItemQuerySet:
        return self.filter(organization=org)

    def published(self) -> NewsItemQuerySet:
        return self.filter(is_published=True)


class NewsItem(models.Model):
    """A news item of the mentoring section, written by the curator."""

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    title = models.CharField("заголовок", max_length=300)
    body = models.TextField("текст")
    date = models.DateField("дата", default=timezone.localdate)
    is_published = models.BooleanField("опубликовать", default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = NewsItemQuerySet.as_manager()

    class Meta:
        verbose_name = "новость"
        verbose_name_plural = "новости"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title

    def set_published(self, flag: bool) -> None:
        self.is_published = flag
        self.save(update_fields=["is_published"])


class ProgrammeResultQuerySet(models.QuerySet):
    def for_org(self, org: Organization) -> ProgrammeResultQuerySet:
        return self.filter(organization=org)

    def published(self) -> ProgrammeResultQuerySet:
        """Marked for publication, and (whatever happened since) only of programmes that have ended."""
        return self.filter(is_published=True, mentorship__state__in=ENDED_STATES)


class ProgrammeResult(models.Model):
    """The results of an ended programme as the curator writes them for the public page."""

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    mentorship = models.OneToOneField(
        "mentoring.Mentorship", verbose_name="пара (группа)", on_delete=models.CASCADE, related_name="result"
    )
    summary = models.TextField("итоги программы для публикации")
    is_published = models.BooleanField("опубликовать", default=False)
    published_at = models.DateTimeField("опубликовано", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeResultQuerySet.as_manager()

    class Meta:
        verbose_name = "итоги программы"
        verbose_name_plural = "итоги программ"
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"Итоги: {self.mentorship_id}"

    def clean(self) -> None:
        if self.is_published and self.mentorship.state not in ENDED_STATES:
            raise ValidationError("Итоги публикуются только после завершения программы.")

    def set_published(self, flag: bool) -> None:
        """Publish or withdraw the results; publishing needs an ended programme and a written summary."""
        if flag:
            if self.mentorship.state not in ENDED_STATES:
                raise ValidationError("Итоги публикуются только после завершения программы.")
            if not self.summary.strip():
                raise ValidationError("Напишите итоги программы: пустые итоги не публикуются.")
        self.is_published = flag
        if flag and self.published_at is None:
            self.published_at = timezone.now()
        elif not flag:
            self.published_at = None
        self.save(update_fields=["is_published", "published_at", "updated_at"])


class PublicPage(models.Model):
    """Settings of the organisation's public mentoring section; nothing is shown while it is off."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="public_page")
    is_enabled = models.BooleanField("страница открыта", default=False)
    intro = models.TextField("вступительный текст", blank=True)
    show_regulation = models.BooleanField("показывать утверждённое положение", default=True)
    show_roadmap = models.BooleanField("показывать утверждённую дорожную карту", default=True)
    show_figures = models.BooleanField("показывать показатели текущего периода", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "страница наставничества на сайте"
        verbose_name_plural = "страницы наставничества на сайте"

    def __str__(self) -> str:
        return f"Страница {self.organization}"
