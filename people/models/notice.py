"""Notices: what a decision taken elsewhere means for one person, shown on their home page until they hide it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from people.models.organization import Organization, Person


class NoticeQuerySet(models.QuerySet):
    def shown(self) -> NoticeQuerySet:
        return self.filter(dismissed_at__isnull=True)


class Notice(models.Model):
    """«Вы закреплены наставником … приказом от … № …»: one line for one person, with a link to act on it."""

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    person = models.ForeignKey(Person, verbose_name="кому", on_delete=models.CASCADE, related_name="notices")
    text = models.CharField("текст", max_length=500)
    link = models.CharField("ссылка", max_length=300, blank=True)
    link_text = models.CharField("текст ссылки", max_length=100, blank=True)
    created_at = models.DateTimeField("создано", default=timezone.now)
    dismissed_at = models.DateTimeField("скрыто", null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "уведомление"
        verbose_name_plural = "уведомления"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "dismissed_at"], name="notice_person_shown")]

    def __str__(self) -> str:
        return self.text[:60]

    def dismiss(self) -> None:
        if self.dismissed_at is None:
            self.dismissed_at = timezone.now()
            self.save(update_fields=["dismissed_at"])
