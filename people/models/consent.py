"""Consents of staff: versioned consent texts, the consents given, and the log of destroyed personal data."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from people.models.organization import Organization, Person


class Purpose(models.TextChoices):
    PERSONAL_DATA = "personal_data", "Обработка персональных данных"
    DUTIES = "duties", "Дополнительные обязанности по наставничеству"
    PUBLICATION = "publication", "Публикация сведений на сайте организации"


CONSENT_TEXT_LOCKED = (
    "Опубликованную редакцию текста согласия изменить нельзя: люди давали согласие именно на неё. "
    "Сохраните изменения как новую редакцию."
)


class ConsentTextQuerySet(models.QuerySet):
    def current(self, org: Organization, purpose: str) -> ConsentText | None:
        return self.filter(organization=org, purpose=purpose).order_by("-version").first()

    # Bulk changes bypass ConsentText.save()/delete(): a published version never changes or disappears.
    def update(self, **kwargs) -> int:
        if self.exists():
            raise ValidationError(CONSENT_TEXT_LOCKED)
        return super().update(**kwargs)

    update.queryset_only = True

    def delete(self):
        if self.exists():
            raise ValidationError("Опубликованную редакцию текста согласия удалить нельзя: она остаётся в истории.")
        return super().delete()

    delete.queryset_only = True


class ConsentText(models.Model):
    """One version of the text of a consent form. Versions are never edited: a change makes a new version."""

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    purpose = models.CharField("цель согласия", max_length=20, choices=Purpose.choices)
    version = models.PositiveIntegerField("версия")
    title = models.CharField("заголовок", max_length=300)
    body = models.TextField("текст")
    created_at = models.DateTimeField("создана", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="автор",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ConsentTextQuerySet.as_manager()

    class Meta:
        verbose_name = "текст согласия"
        verbose_name_plural = "тексты согласий"
        ordering = ["purpose", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "purpose", "version"], name="consenttext_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}, версия {self.version}"

    def save(self, *args, **kwargs) -> None:
        # Every stored version is published (current_texts shows the latest at once): it is written once.
        if self.pk and ConsentText.objects.filter(pk=self.pk).exists():
            raise ValidationError(CONSENT_TEXT_LOCKED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Опубликованную редакцию текста согласия удалить нельзя: она остаётся в истории.")

    @classmethod
    @transaction.atomic
    def revise(cls, org: Organization, purpose: str, title: str, body: str, user=None) -> ConsentText:
        """Publish a new version of the text; consents already given keep pointing at theirs."""
        last = cls.objects.select_for_update().filter(organization=org, purpose=purpose).order_by("-version").first()
        return cls.objects.create(
            organization=org,
            purpose=purpose,
            version=(last.version + 1) if last else 1,
            title=title,
            body=body,
            created_by=user,
        )


def consent_scan_path(instance: Consent, filename: str) -> str:
    # The person's name never goes into a path or URL: a random name keeps the file unguessable.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"consents/{instance.organization_id}/{uuid.uuid4().hex}.{suffix}"


class ConsentQuerySet(models.QuerySet):
    def active(self) -> ConsentQuerySet:
        return self.filter(withdrawn_on__isnull=True)

    def for_org(self, org: Organization) -> ConsentQuerySet:
        return self.filter(organization=org)


class Consent(models.Model):
    """A consent a staff member gave for one purpose, to the exact version of its text."""

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    person = models.ForeignKey(Person, verbose_name="работник", on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField("цель согласия", max_length=20, choices=Purpose.choices)
    text = models.ForeignKey(ConsentText, verbose_name="текст согласия", on_delete=models.PROTECT, related_name="+")
    given_on = models.DateField("дата согласия")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="зарегистрировал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_at = models.DateTimeField("зарегистрировано", default=timezone.now)
    given_online = models.BooleanField("дано в личном кабинете", default=False)
    scan = models.FileField("скан подписанного согласия", upload_to=consent_scan_path, blank=True)
    withdrawn_on = models.DateField("дата отзыва", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="отзыв зарегистрировал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = "согласие"
        verbose_name_plural = "согласия"
        ordering = ["person", "purpose", "-given_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose"],
                condition=models.Q(withdrawn_on__isnull=True),
                name="consent_one_active_per_purpose",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} — {self.person.short_name}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None

    def withdraw(self, *, by=None, on: date | None = None) -> None:
        """Record the withdrawal. What follows from it (leaving the banks) is people.services.withdraw_consent."""
        if self.withdrawn_on is not None:
            raise ValidationError("Согласие уже отозвано.")
        on = on or today()
        if on > today():
            raise ValidationError("Дата отзыва не может быть позже сегодняшнего дня.")
        if on < self.given_on:
            raise ValidationError("Дата отзыва не может быть раньше даты согласия.")
        self.withdrawn_on = on
        self.withdrawn_by = by
        self.save(update_fields=["withdrawn_on", "withdrawn_by"])


class ConsentRequired(ValidationError):
    """Raised when a rule needs an active consent the person has not given."""

    def __init__(self, person: Person, purpose: str) -> None:
        self.person = person
        self.purpose = purpose
        super().__init__(
            f"У работника {person.short_name} нет действующего согласия: «{Purpose(purpose).label}». "
            "Сначала зарегистрируйте согласие.",
            code="consent_required",
        )


def require_consent(person: Person, purpose: str) -> None:
    if not Consent.objects.active().filter(person=person, purpose=purpose).exists():
        raise ConsentRequired(person, purpose)


def has_consent(purpose: str) -> Exists:
    """Annotation: the person (OuterRef pk) has an active consent for the purpose."""
    return Exists(Consent.objects.active().filter(person=OuterRef("pk"), purpose=purpose))


class PurgeRecord(models.Model):
    """A record that a person's personal data was destroyed. Holds no destroyed data itself."""

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    person = models.ForeignKey(
        Person, verbose_name="обезличенный работник", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    label = models.CharField("обезличенное обозначение", max_length=100)
    consent_withdrawn_on = models.DateField("согласие отозвано")
    destroyed = models.JSONField("что уничтожено", default=list)
    # How many records of each category were destroyed ({category: count}), never what they held.
    counts = models.JSONField("сколько записей уничтожено", default=dict, blank=True)
    purged_at = models.DateTimeField("когда", default=timezone.now)
    purged_by = models.CharField("кем", max_length=200)

    class Meta:
        verbose_name = "запись об уничтожении персональных данных"
        verbose_name_plural = "журнал уничтожения персональных данных"
        ordering = ["-purged_at"]

    def __str__(self) -> str:
        return f"{self.label}: {self.purged_at:%d.%m.%Y}"


def today() -> date:
    return timezone.localdate()
