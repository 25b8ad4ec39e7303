"""The methodical council's proposals of pairs and groups: a member proposes, the curator accepts or declines."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from mentoring.models.pairs import Mentorship
from people.models import MenteeEntry, MentorEntry, Organization, Person


class PairProposalQuerySet(models.QuerySet):
    def for_org(self, org: Organization) -> PairProposalQuerySet:
        return self.filter(organization=org)

    def open(self) -> PairProposalQuerySet:
        return self.filter(status=PairProposal.Status.OPEN)

    def for_list(self) -> PairProposalQuerySet:
        return self.select_related("mentor__person", "proposed_by", "mentorship").prefetch_related("mentees__person")


class PairProposal(models.Model):
    """A pair or group a member of the methodical council proposes from the banks, with the reasons for it."""

    class Status(models.TextChoices):
        OPEN = "open", "Ждёт решения куратора"
        ACCEPTED = "accepted", "Принято: пара (группа) создана"
        DECLINED = "declined", "Отклонено"

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    mentor = models.ForeignKey(MentorEntry, verbose_name="наставник", on_delete=models.CASCADE, related_name="+")
    mentees = models.ManyToManyField(MenteeEntry, verbose_name="наставляемые", related_name="+")
    reasons = models.TextField("почему совет предлагает эту пару")
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.OPEN)
    proposed_by = models.ForeignKey(
        Person, verbose_name="предложил(а)", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField("предложено", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("решение принято", null=True, blank=True)
    answer = models.TextField("ответ куратора", blank=True)
    mentorship = models.ForeignKey(
        Mentorship,
        verbose_name="созданная пара (группа)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PairProposalQuerySet.as_manager()

    class Meta:
        verbose_name = "предложение методического совета"
        verbose_name_plural = "предложения методического совета"
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"Предложение совета: {self.mentor.person.short_name}"

    def _locked(self) -> PairProposal:
        locked = PairProposal.objects.select_for_update().get(pk=self.pk)
        if locked.status != self.Status.OPEN:
            raise ValidationError("По этому предложению решение уже принято.")
        return locked

    @transaction.atomic
    def accept(self, *, by, mentorship: Mentorship) -> None:
        """The curator accepted: the draft pair or group made from it is kept with the proposal."""
        self._locked()
        self.status, self.decided_by, self.decided_at = self.Status.ACCEPTED, by, timezone.now()
        self.mentorship = mentorship
        self.save(update_fields=["status", "decided_by", "decided_at", "mentorship"])

    @transaction.atomic
    def decline(self, *, by, answer: str) -> None:
        answer = answer.strip()
        if not answer:
            raise ValidationError({"answer": "Напишите, почему предложение отклонено: совет увидит ответ."})
        self._locked()
        self.status, self.decided_by, self.decided_at, self.answer = self.Status.DECLINED, by, timezone.now(), answer
        self.save(update_fields=["status", "decided_by", "decided_at", "answer"])
