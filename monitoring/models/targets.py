"""The municipal coordinator's target indicators: for an academic year, the value each indicator should reach."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from people.models import Municipality

# Indicators a coordinator sets targets for: keys of monitoring.reports.STAT_INDICATORS where more is better.
TARGET_KEYS = (
    "young_share",
    "mentees_with_mentor_share",
    "satisfaction_mentees",
    "satisfaction_mentors",
    "growth",
    "mentors",
    "pairs",
    "completed",
)


class MunicipalTarget(models.Model):
    """A target value of one indicator for one academic year (the year it starts in: 2026 is 2026/2027)."""

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField("учебный год (год начала)")
    indicator = models.CharField("показатель", max_length=40)
    value = models.DecimalField("целевое значение", max_digits=7, decimal_places=1)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="установил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "целевой показатель муниципалитета"
        verbose_name_plural = "целевые показатели муниципалитета"
        ordering = ["municipality", "-year", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year", "indicator"], name="target_one_per_indicator"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"
