"""Notices: what a decision taken elsewhere means for one person — in the notification centre, on their home page
until read, and by e-mail as the person chose for its kind (people.notices.tell)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from people.models.organization import Organization, Person


class NoticeKind(models.TextChoices):
    """What a notice is about; each person chooses per kind how it reaches them (Person.notice_delivery)."""

    PAIR = "pair", "Пары и группы: утверждены, завершены"
    PROGRAMME = "programme", "Программа: отправлена, ознакомление, утверждение, изменения"
    PLAN_DUE = "plan_due", "Мероприятия программы: сроки на этой неделе и просроченные"
    QUESTIONNAIRE = "questionnaire", "Анкеты: приглашения и напоминания"
    ORDER = "order", "Приказы: на утверждении, возвращены, утверждены"
    ORDER_ACK = "order_ack", "Приказы, с которыми нужно ознакомиться"
    ROADMAP_DUE = "roadmap_due", "Дорожная карта: сроки на этой неделе и просроченные"
    REQUEST = "request", "Просьбы участников пар и групп"
    ROLE = "role", "Роли и назначения"
    JOB = "job", "Фоновые задачи: готово или не удалось"
    OTHER = "other", "Прочее"


class Delivery(models.TextChoices):
    """How a person wants one kind of notice: it stays in the system in every case."""

    NOW = "now", "Сразу по почте"
    DAILY = "daily", "Ежедневная сводка"
    WEEKLY = "weekly", "Еженедельная сводка"
    OFF = "off", "Только в системе"


# Reminders of deadlines come weekly unless the person asks otherwise; decisions are mailed at once.
DEFAULT_DELIVERY = {
    NoticeKind.PLAN_DUE: Delivery.WEEKLY,
    NoticeKind.ROADMAP_DUE: Delivery.WEEKLY,
    # The person started the work and is shown its end on the page; a letter would repeat it.
    NoticeKind.JOB: Delivery.OFF,
}


def delivery_for(person: Person, kind: str) -> str:
    """The person's choice for `kind` (Person.notice_delivery), or the default."""
    chosen = (person.notice_delivery or {}).get(kind)
    if chosen in Delivery.values:
        return chosen
    return DEFAULT_DELIVERY.get(kind, Delivery.NOW)


class NoticeQuerySet(models.QuerySet):
    def shown(self) -> NoticeQuerySet:
        """Not read yet: on the home page and counted by the bell."""
        return self.filter(read_at__isnull=True)

    def unread(self) -> NoticeQuerySet:
        return self.filter(read_at__isnull=True)

    def waiting_for_digest(self) -> NoticeQuerySet:
        return self.filter(delivery=Notice.State.PENDING)

    def mark_read(self) -> int:
        return self.filter(read_at__isnull=True).update(read_at=timezone.now())


class Notice(models.Model):
    """«Вы закреплены наставником … приказом от … № …»: one line (and detail) for one person, with a link."""

    class State(models.TextChoices):
        APP = "app", "Только в системе"
        PENDING = "pending", "Ждёт сводки"
        MAILED = "mailed", "Отправлено по почте"
        NO_ADDRESS = "no_address", "Нет адреса почты"
        FAILED = "failed", "Письмо не отправлено"

    Kind = NoticeKind

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    person = models.ForeignKey(Person, verbose_name="кому", on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField("о чём", max_length=20, choices=NoticeKind.choices, default=NoticeKind.OTHER)
    text = models.CharField("заголовок", max_length=500)
    body = models.TextField("подробности", blank=True)
    link = models.CharField("ссылка", max_length=300, blank=True)
    link_text = models.CharField("текст ссылки", max_length=100, blank=True)
    created_at = models.DateTimeField("создано", default=timezone.now)
    read_at = models.DateTimeField("прочитано", null=True, blank=True)
    delivery = models.CharField("доставка", max_length=20, choices=State.choices, default=State.APP)
    mailed_at = models.DateTimeField("отправлено по почте", null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "уведомление"
        verbose_name_plural = "уведомления"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["person", "read_at"], name="notice_person_shown"),
            models.Index(fields=["person"], condition=Q(delivery="pending"), name="notice_pending_digest"),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def title(self) -> str:
        return self.text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def mark_read(self) -> None:
        if self.read_at is None:
            self.read_at = timezone.now()
            self.save(update_fields=["read_at"])

    dismiss = mark_read
