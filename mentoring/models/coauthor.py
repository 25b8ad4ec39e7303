"""Choosing each other and writing the programme together.

- PairConsent: a participant's agreement to a proposed pair or group, or their refusal with the reason.
- RowRemark: the mentee's comment on a draft programme's row, or a row they propose, and the mentor's answer.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from mentoring.models.pairs import Mentorship, PlanActivity, Programme
from people.models import Direction, Person


class PairConsent(models.Model):
    """One participant's answer to a proposed pair or group (mentoring.choosing records it)."""

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", "Подтверждаю"
        DECLINED = "declined", "Отказываюсь"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="consents")
    person = models.ForeignKey(Person, verbose_name="участник", on_delete=models.CASCADE, related_name="+")
    decision = models.CharField("решение", max_length=20, choices=Decision.choices)
    reason = models.TextField("причина отказа", blank=True)
    decided_at = models.DateTimeField("когда", default=timezone.now)

    class Meta:
        verbose_name = "согласие участника пары"
        verbose_name_plural = "согласия участников пар"
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "person"], name="pairconsent_one_per_person"),
            models.CheckConstraint(
                condition=~models.Q(decision="declined") | ~models.Q(reason=""), name="pairconsent_decline_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_decision_display()}"


class RowRemark(models.Model):
    """The mentee's word on a draft programme: a comment on one row, or a new row proposed; the mentor takes it
    into account («учтено»: a proposal becomes a row) or answers."""

    class Kind(models.TextChoices):
        COMMENT = "comment", "Замечание к мероприятию"
        PROPOSAL = "proposal", "Предложение нового мероприятия"

    class State(models.TextChoices):
        OPEN = "open", "Ждёт ответа наставника"
        ACCEPTED = "accepted", "Учтено"
        ANSWERED = "answered", "Наставник ответил"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="remarks")
    row = models.ForeignKey(
        PlanActivity,
        verbose_name="мероприятие",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="remarks",
    )
    kind = models.CharField("вид", max_length=20, choices=Kind.choices)
    author = models.ForeignKey(Person, verbose_name="автор", on_delete=models.CASCADE, related_name="+")
    text = models.TextField("текст")
    # A proposed row: what the mentee suggests doing, in which form and by when.
    activity = models.TextField("предлагаемое мероприятие", blank=True)
    form = models.CharField("форма", max_length=200, blank=True)
    deadline = models.DateField("срок", null=True, blank=True)
    direction = models.ForeignKey(
        Direction, verbose_name="направление", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("когда", default=timezone.now)
    state = models.CharField("состояние", max_length=20, choices=State.choices, default=State.OPEN)
    answer = models.TextField("ответ наставника", blank=True)
    answered_by = models.ForeignKey(
        Person, verbose_name="ответил", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField("ответ от", null=True, blank=True)
    created_row = models.ForeignKey(
        PlanActivity,
        verbose_name="добавленное мероприятие",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "замечание наставляемого к программе"
        verbose_name_plural = "замечания наставляемых к программам"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="comment") | models.Q(row__isnull=False), name="rowremark_comment_has_row"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="proposal") | (~models.Q(activity="") & models.Q(deadline__isnull=False)),
                name="rowremark_proposal_has_activity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN
