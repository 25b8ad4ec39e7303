"""The security audit log: sign-ins, failed sign-ins, role changes, approvals, exports of personal data, purges.

A row names the account (its login), never a person's name: the log must stay readable after a person's data
is destroyed, and it is kept longer than personal data is.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", "Вход"
        LOGIN_FAILED = "login_failed", "Неудачная попытка входа"
        LOGOUT = "logout", "Выход"
        ROLES_CHANGED = "roles_changed", "Изменены роли"
        ACCESS_CHANGED = "access_changed", "Изменён доступ в организацию"
        ORDER_APPROVED = "order_approved", "Утверждён приказ"
        EXPORT = "export", "Выгрузка персональных данных"
        PURGE = "purge", "Уничтожение персональных данных"

    at = models.DateTimeField("когда", default=timezone.now, db_index=True)
    kind = models.CharField("событие", max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="учётная запись",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField("логин", max_length=150, blank=True)
    organization = models.ForeignKey(
        "people.Organization", verbose_name="организация", null=True, blank=True, on_delete=models.SET_NULL
    )
    ip_address = models.GenericIPAddressField("адрес", null=True, blank=True)
    detail = models.CharField("подробности", max_length=500, blank=True)

    class Meta:
        verbose_name = "событие журнала безопасности"
        verbose_name_plural = "журнал безопасности"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.get_kind_display()} {self.username}"
