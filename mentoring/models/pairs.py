"""Mentor pairs and groups, their personalised programmes and plans, programme templates, calendar feeds."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Concat
from django.utils import timezone
from simple_history.models import HistoricalRecords

from mentoring import notify
from people import roles
from people.models import (
    Direction,
    MenteeEntry,
    MentorEntry,
    MentoringForm,
    MentoringKind,
    Organization,
    Person,
    Purpose,
    Role,
    require_consent,
)

MIN_PROGRAMME_MONTHS = 3
MAX_PROGRAMME_MONTHS = 12


class MentorshipQuerySet(models.QuerySet):
    def for_org(self, org: Organization) -> MentorshipQuerySet:
        return self.filter(organization=org)

    def current(self) -> MentorshipQuerySet:
        """Pairs and groups that hold a mentor's place: drafts, proposed and active ones."""
        return self.filter(state__in=Mentorship.HOLDING_STATES)

    def active(self) -> MentorshipQuerySet:
        return self.filter(state=Mentorship.State.ACTIVE)

    def for_person(self, person: Person) -> MentorshipQuerySet:
        return self.filter(models.Q(mentor=person) | models.Q(mentees=person)).distinct()

    def with_overdue_count(self, today: date | None = None) -> MentorshipQuerySet:
        """Annotate `overdue_count`: open plan activities of the pair's programme past their deadline."""
        overdue = (
            PlanActivity.objects.overdue(today)
            .filter(programme__mentorship=models.OuterRef("pk"))
            .order_by()
            .values("programme__mentorship")
            .annotate(n=models.Count("id"))
            .values("n")
        )
        return self.annotate(
            overdue_count=models.functions.Coalesce(models.Subquery(overdue, output_field=models.IntegerField()), 0)
        )

    def with_programme_status(self) -> MentorshipQuerySet:
        """Annotate `programme_status`: where the programme's chain stands (PROGRAMME_STATUSES), in the same query."""
        pending = ProgrammeRevision.objects.filter(
            programme__mentorship=models.OuterRef("pk"), status__in=ProgrammeRevision.PENDING
        ).values("status")[:1]
        return self.annotate(
            pending_change=models.Subquery(pending, output_field=models.CharField()),
            programme_status=models.Case(
                models.When(programme__isnull=True, then=models.Value("none")),
                models.When(pending_change__isnull=False, then=Concat(models.Value("change_"), "pending_change")),
                default="programme__status",
                output_field=models.CharField(),
            ),
        )

    def ready_for_order(self) -> MentorshipQuerySet:
        """Drafts that may go into an order: agreed to by both people, or of an organisation that skips it."""
        return self.filter(state=Mentorship.State.DRAFT).filter(
            models.Q(consent=Mentorship.Consent.CONFIRMED) | models.Q(organization__pairs_need_consent=False)
        )

    def for_list(self) -> MentorshipQuerySet:
        """Everything a list of pairs shows, in a fixed number of queries."""
        return (
            self.select_related("mentor", "form", "organization")
            .prefetch_related(
                models.Prefetch("mentees", queryset=Person.objects.order_by("surname", "name", "id")),
                models.Prefetch("kinds", queryset=MentoringKind.objects.order_by("position", "name")),
            )
            .with_overdue_count()
            .with_programme_status()
        )


class Mentorship(models.Model):
    """A mentor with one mentee (a pair) or several (a group)."""

    class State(models.TextChoices):
        DRAFT = "draft", "Черновик"
        PROPOSED = "proposed", "Включена в проект приказа"
        ACTIVE = "active", "Действует"
        COMPLETED = "completed", "Завершена"
        ENDED_EARLY = "ended_early", "Завершена досрочно"

    class EndReason(models.TextChoices):
        PLAN_FULFILLED = "plan_fulfilled", "План программы выполнен досрочно"
        MENTOR = "mentor", "По инициативе наставника"
        MENTEE = "mentee", "По инициативе наставляемого"
        MUTUAL = "mutual", "По взаимному решению наставника и наставляемого"
        NOT_CARRIED_OUT = "not_carried_out", "По решению куратора: программа не выполняется"

    class Consent(models.TextChoices):
        PENDING = "pending", "Ждёт подтверждения участников"
        CONFIRMED = "confirmed", "Подтверждена участниками"
        DECLINED = "declined", "Отклонена участником"

    HOLDING_STATES = [State.DRAFT, State.PROPOSED, State.ACTIVE]
    TRANSITIONS = {
        State.DRAFT: {State.PROPOSED},
        State.PROPOSED: {State.DRAFT, State.ACTIVE},
        State.ACTIVE: {State.COMPLETED, State.ENDED_EARLY},
        State.COMPLETED: set(),
        State.ENDED_EARLY: set(),
    }

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    mentor = models.ForeignKey(
        Person, verbose_name="наставник", on_delete=models.PROTECT, related_name="mentorships_as_mentor"
    )
    mentees = models.ManyToManyField(Person, verbose_name="наставляемые", related_name="mentorships_as_mentee")
    form = models.ForeignKey(
        MentoringForm, verbose_name="форма наставничества", on_delete=models.PROTECT, null=True, blank=True
    )
    kinds = models.ManyToManyField(MentoringKind, verbose_name="виды наставничества", blank=True, related_name="+")
    planned_start = models.DateField("планируемое начало", null=True, blank=True)
    planned_end = models.DateField("планируемое окончание", null=True, blank=True)
    state = models.CharField("состояние", max_length=20, choices=State.choices, default=State.DRAFT)
    state_changed_at = models.DateTimeField("состояние изменено", default=timezone.now)
    started_on = models.DateField("действует с", null=True, blank=True)
    ended_on = models.DateField("завершена", null=True, blank=True)
    end_reason = models.CharField(
        "основание досрочного завершения", max_length=20, choices=EndReason.choices, blank=True
    )
    # How the pair was chosen: the matching score and its reasons at the time, or empty for the curator's own choice.
    match_score = models.FloatField("оценка подбора", null=True, blank=True)
    match_reasons = models.JSONField("обоснование подбора", default=list, blank=True)
    # Whether the mentor and the mentees agreed to each other (mentoring.choosing keeps it, PairConsent says who).
    consent = models.CharField("согласие участников", max_length=20, choices=Consent.choices, default=Consent.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="создал",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        verbose_name = "наставническая пара (группа)"
        verbose_name_plural = "наставнические пары и группы"
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__isnull=True)
                | models.Q(planned_start__isnull=True)
                | models.Q(planned_end__gt=models.F("planned_start")),
                name="mentorship_end_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="ended_early") | ~models.Q(end_reason=""),
                name="mentorship_early_end_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label}: {self.mentor.short_name}"

    @transaction.atomic
    def delete(self, *args, **kwargs):
        """Delete the pair (only drafts are deleted) and give its places back to the mentor."""
        deleted = super().delete(*args, **kwargs)
        recount_places(mentor_ids=[self.mentor_id])
        return deleted

    @property
    def kind_label(self) -> str:
        """«Пара» or «Группа», from the number of mentees (prefetch `mentees` in lists)."""
        return "Группа" if len(self.mentees.all()) > 1 else "Пара"

    @property
    def is_group(self) -> bool:
        return len(self.mentees.all()) > 1

    def participants(self) -> list[Person]:
        return [self.mentor, *self.mentees.all()]

    # --- state changes: each checks the current state, changes it and records who, when and why ---

    def _move(self, new: str, *, by, note: str = "", extra_fields: tuple[str, ...] = ()) -> MentorshipEvent:
        if new not in self.TRANSITIONS[self.state]:
            raise ValidationError(
                f"Нельзя перевести из состояния «{self.get_state_display()}» в «{self.State(new).label}»."
            )
        old = self.state
        self.state = new
        self.state_changed_at = timezone.now()
        self.save(update_fields=["state", "state_changed_at", *extra_fields])
        if (old in self.HOLDING_STATES) != (new in self.HOLDING_STATES):
            recount_places(mentor_ids=[self.mentor_id])
        if old in self.HOLDING_STATES and new not in self.HOLDING_STATES:
            revoke_idle_feeds(p.user_id for p in self.participants() if p.user_id)
        return MentorshipEvent.objects.create(mentorship=self, actor=by, from_state=old, to_state=new, note=note)

    def check_duties_consents(self) -> None:
        """Every participant must have consented to the additional duties of mentoring (raises ConsentRequired)."""
        for person in self.participants():
            require_consent(person, Purpose.DUTIES)

    @property
    def awaits_consent(self) -> bool:
        """The organisation asks both people to agree to each other, and they have not both agreed yet."""
        return self.organization.pairs_need_consent and self.consent != self.Consent.CONFIRMED

    def check_mutual_consent(self) -> None:
        if not self.awaits_consent:
            return
        if self.consent == self.Consent.DECLINED:
            raise ValidationError(
                f"Пару (группу) наставника {self.mentor.short_name} отклонил один из участников: "
                "в приказ её включить нельзя, подберите другую пару."
            )
        raise ValidationError(
            f"Пару (группу) наставника {self.mentor.short_name} ещё не подтвердили наставник и наставляемый: "
            "в приказ включаются только подтверждённые пары."
        )

    @transaction.atomic
    def propose(self, *, by, note: str = "") -> MentorshipEvent:
        """Include the draft in an order draft. Needs the duties consent of every participant and, where the
        organisation asks for it, their agreement to each other."""
        if not self.mentees.exists():
            raise ValidationError("В паре или группе нет ни одного наставляемого.")
        self.check_mutual_consent()
        self.check_duties_consents()
        return self._move(self.State.PROPOSED, by=by, note=note)

    @transaction.atomic
    def withdraw_proposal(self, *, by, note: str = "") -> MentorshipEvent:
        return self._move(self.State.DRAFT, by=by, note=note)

    @transaction.atomic
    def activate(self, *, by, on: date, note: str = "") -> MentorshipEvent:
        """The head approved the order fixing the pair or group: it works from the order's date.

        The rules are checked again here, under the lock of the people named: the pair was formed earlier, and
        whatever slipped past the form (another pair approved meanwhile, one made by other means) is refused now
        with the reason, and the approval's transaction leaves everything as it was.
        """
        mentee_ids = list(self.mentees.values_list("pk", flat=True))
        lock_people([self.mentor_id, *mentee_ids])
        problems = pairing_breaches(mentor=self.mentor, mentee_ids=mentee_ids, exclude_pk=self.pk, active_only=True)
        if problems:
            raise PairingBreach(problems)
        self.check_duties_consents()
        self.started_on = on
        event = self._move(self.State.ACTIVE, by=by, note=note, extra_fields=("started_on",))
        for entry in self._open_entries().exclude(status=MenteeEntry.Status.IN_PAIR):
            entry.change_status(MenteeEntry.Status.IN_PAIR, by=by, note=note or "Пара (группа) утверждена.")
        self._settle_roles(by=by, note=note)
        return event

    @transaction.atomic
    def complete(self, *, by, on: date, note: str = "") -> MentorshipEvent:
        self.ended_on = on
        event = self._move(self.State.COMPLETED, by=by, note=note, extra_fields=("ended_on",))
        for entry in self._open_entries().filter(status=MenteeEntry.Status.IN_PAIR):
            entry.change_status(MenteeEntry.Status.FINISHED, by=by, note=note or "Программа завершена.")
        self._settle_roles(by=by, note=note)
        notify.pair_ended(self)
        return event

    @transaction.atomic
    def end_early(self, *, by, on: date, reason: str, note: str = "") -> MentorshipEvent:
        """End before the planned date. Unless the plan was fulfilled, the mentees wait for another mentor."""
        if reason not in self.EndReason.values:
            raise ValidationError("Укажите основание досрочного завершения.")
        self.ended_on = on
        self.end_reason = reason
        event = self._move(self.State.ENDED_EARLY, by=by, note=note, extra_fields=("ended_on", "end_reason"))
        target = MenteeEntry.Status.FINISHED if reason == self.EndReason.PLAN_FULFILLED else MenteeEntry.Status.WAITING
        text = note or f"Пара (группа) завершена досрочно: {self.EndReason(reason).label.lower()}."
        for entry in self._open_entries().filter(status=MenteeEntry.Status.IN_PAIR):
            entry.change_status(target, by=by, note=text)
        self._settle_roles(by=by, note=note)
        notify.pair_ended(self)
        return event

    def _settle_roles(self, *, by, note: str = "") -> None:
        """The participants' mentor and mentee roles follow the pair (people.roles).

        An active pair gives its mentor the mentor role and its mentees the mentee role. When it ends, each of them
        loses that role unless another current pair or group (a draft, a proposed or an active one) holds them in
        the same position; the ended pair and its programme stay in their history.
        """
        mentees = list(self.mentees.all())
        ground = note[:1].lower() + note[1:] if note else f"пара (группа) № {self.pk}"
        if self.state == self.State.ACTIVE:
            roles.settle(Role.Kind.MENTOR, [self.mentor], holding={self.mentor_id}, ground=ground, why="", by=by)
            roles.settle(Role.Kind.MENTEE, mentees, holding={p.pk for p in mentees}, ground=ground, why="", by=by)
            return
        others = Mentorship.objects.filter(organization_id=self.organization_id).current().exclude(pk=self.pk)
        still_mentor = others.filter(mentor_id=self.mentor_id).exists()
        still_mentee = set(
            Mentorship.mentees.through.objects.filter(mentorship__in=others, person__in=mentees).values_list(
                "person_id", flat=True
            )
        )
        why = f"{self.kind_label.lower()} наставника {self.mentor.short_name} {self.get_state_display().lower()}"
        if note:
            why += f" ({ground})"
        if not still_mentor:
            roles.settle(Role.Kind.MENTOR, [self.mentor], holding=set(), ground=ground, why=why, by=by)
        gone = [p for p in mentees if p.pk not in still_mentee]
        roles.settle(Role.Kind.MENTEE, gone, holding=set(), ground=ground, why=why, by=by)

    def _open_entries(self):
        return MenteeEntry.objects.filter(person__in=self.mentees.all(), organization=self.organization).open()

    @transaction.atomic
    def ask_for_change(self, *, person: Person, reason: str) -> ChangeRequest:
        """The mentor asks to be released, or a mentee asks for another mentor; the curator will decide."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError("Укажите причину просьбы: куратор примет решение с её учётом.")
        if self.state != self.State.ACTIVE:
            raise ValidationError("Просьбу можно подать только по действующей паре или группе.")
        if person.pk == self.mentor_id:
            kind = ChangeRequest.Kind.RELEASE
        elif self.mentees.filter(pk=person.pk).exists():
            kind = ChangeRequest.Kind.CHANGE_MENTOR
        else:
            raise ValidationError("Просьбу может подать только участник пары или группы.")
        if self.requests.open().filter(requested_by=person).exists():
            raise ValidationError("Ваша просьба уже передана куратору и ждёт решения.")
        request = ChangeRequest.objects.create(mentorship=self, kind=kind, requested_by=person, reason=reason)
        notify.request_made(request)
        return request


def recount_places(*, organization: Organization | None = None, mentor_ids: Iterable[int] | None = None) -> None:
    """Recount the places mentors hold (`MentorEntry.places_taken`) from their pairs and groups.

    A place is held by every mentee of a draft, proposed or active pair or group (HOLDING_STATES). The banks read
    the stored count and know nothing of pairs; mentoring keeps it true by calling this wherever that set changes:
    a state leaving or entering HOLDING_STATES (`_move`), a pair deleted (`delete`), a pair created or its mentor
    or mentees changed (MentorshipForm, the admin, matching's accept), and after bulk inserts (demo, seeds,
    benches, test fixtures).

    Recounts the questionnaires of `organization`, or of the mentors `mentor_ids` (person ids), or both filters
    together. Every questionnaire of a person gets the person's count. Two queries whatever the number of mentors:
    the questionnaires are locked first, so that a concurrent change of the same mentor's pairs is counted by
    whichever recount comes second, then one UPDATE sets each count from a subquery.
    """
    if organization is None and mentor_ids is None:
        raise TypeError("recount_places needs an organization or mentor ids")
    entries = MentorEntry.objects.all()
    if organization is not None:
        entries = entries.filter(organization=organization)
    if mentor_ids is not None:
        ids = {pk for pk in mentor_ids if pk is not None}
        if not ids:
            return
        entries = entries.filter(person_id__in=ids)
    held = (
        Mentorship.mentees.through.objects.filter(
            mentorship__mentor_id=models.OuterRef("person_id"), mentorship__state__in=Mentorship.HOLDING_STATES
        )
        .order_by()
        .values("mentorship__mentor_id")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    with transaction.atomic(savepoint=False):
        list(entries.select_for_update().order_by("pk").values_list("pk", flat=True))
        entries.update(
            places_taken=models.functions.Coalesce(models.Subquery(held, output_field=models.IntegerField()), 0)
        )


class PairingBreach(ValidationError):
    """A rule of pairing no longer holds (`pairing_breaches`): the messages say which and for whom."""


def lock_people(person_ids: Iterable[int | None]) -> None:
    """Hold the rows of these people until the transaction ends, so that who is paired with whom is decided one
    request at a time.

    Every path that puts people into a pair or group or makes one active (the pair form, the matching, the order's
    approval) takes these locks before it checks the rules (`pairing_breaches`), always in the order of ids: of two
    requests naming the same person, the second waits for the first to commit and then sees what it did. FOR NO KEY
    UPDATE, so that rows merely referring to the person (a consent, an event) are not held up.
    """
    ids = sorted({pk for pk in person_ids if pk is not None})
    if ids:
        list(Person.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk").values_list("pk"))


def pairing_breaches(
    *, mentor: Person, mentee_ids: Iterable[int], exclude_pk: int | None = None, active_only: bool = False
) -> list[str]:
    """The rules of the programme a pair or group of `mentor` with `mentee_ids` would break, in Russian.

    A mentee is in one pair or group at a time, and a mentor takes no more mentees than the questionnaire allows
    (`MentorEntry.capacity`). Forming a pair counts every current pair and group (drafts, proposed, active);
    approving one counts the active ones (`active_only`), which is what the order makes binding. Call under
    `lock_people` of the same people, or the answer may be stale before it is used.
    """
    mentee_ids = set(mentee_ids)
    others = Mentorship.objects.exclude(pk=exclude_pk) if exclude_pk else Mentorship.objects.all()
    others = others.active() if active_only else others.current()
    problems = []
    taken = (
        Mentorship.mentees.through.objects.filter(mentorship__in=others, person_id__in=mentee_ids)
        .select_related("person", "mentorship__mentor")
        .order_by("person__surname", "person__name", "person_id", "mentorship_id")
    )
    seen: set[int] = set()
    for row in taken:
        if row.person_id in seen:
            continue
        seen.add(row.person_id)
        other = row.mentorship
        if active_only:
            problems.append(
                f"Наставляемый {row.person.short_name} уже состоит в действующей паре (группе) наставника "
                f"{other.mentor.short_name} (№ {other.pk}): наставляемый может быть только в одной паре или группе."
            )
        else:
            problems.append(
                f"Наставляемый {row.person.short_name} уже включён в другую пару (группу) наставника "
                f"{other.mentor.short_name} (№ {other.pk}, «{other.get_state_display().lower()}»): наставляемый "
                "может быть только в одной паре или группе. Снимите отметку с него."
            )
    entry = MentorEntry.objects.filter(person_id=mentor.pk).exclude(status=MentorEntry.Status.RELEASED).first()
    if entry is not None:
        held = Mentorship.mentees.through.objects.filter(mentorship__in=others.filter(mentor_id=mentor.pk)).count()
        if held + len(mentee_ids) > entry.capacity:
            where = f"в паре (группе) № {exclude_pk}" if active_only and exclude_pk else "в этой паре (группе)"
            problem = (
                f"У наставника {mentor.short_name} уже {held} наставляем{_plural(held)} при допустимых "
                f"{entry.capacity}, а {where} ещё {len(mentee_ids)}"
            )
            hint = "." if active_only else ": выберите другого наставника или уменьшите состав группы."
            problems.append(problem + hint)
    return problems


def _plural(n: int) -> str:
    """The ending of «наставляемый» after «уже N» (genitive after numerals)."""
    if n % 10 == 1 and n % 100 != 11:
        return "ый"
    return "ых"


class MentorshipEvent(models.Model):
    """One step in the life of a pair or group: who moved it, when, from which state to which, and why."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField("когда", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_state = models.CharField("было", max_length=20, choices=Mentorship.State.choices, blank=True)
    to_state = models.CharField("стало", max_length=20, choices=Mentorship.State.choices)
    note = models.TextField("основание", blank=True)

    class Meta:
        verbose_name = "событие пары (группы)"
        verbose_name_plural = "история пар и групп"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.created_at:%d.%m.%Y}: {self.get_to_state_display()}"


class ChangeRequestQuerySet(models.QuerySet):
    def for_org(self, org: Organization) -> ChangeRequestQuerySet:
        return self.filter(mentorship__organization=org)

    def open(self) -> ChangeRequestQuerySet:
        return self.filter(status=ChangeRequest.Status.OPEN)


class ChangeRequest(models.Model):
    """A mentor asks to be released, or a mentee asks for another mentor; the curator decides."""

    class Kind(models.TextChoices):
        RELEASE = "release", "Наставник просит освободить его от наставничества"
        CHANGE_MENTOR = "change_mentor", "Наставляемый просит другого наставника"

    class Status(models.TextChoices):
        OPEN = "open", "Ждёт решения куратора"
        GRANTED = "granted", "Удовлетворена"
        REFUSED = "refused", "Отклонена"

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField("вид просьбы", max_length=20, choices=Kind.choices)
    requested_by = models.ForeignKey(Person, verbose_name="от кого", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField("причина")
    created_at = models.DateTimeField("подана", default=timezone.now)
    status = models.CharField("решение", max_length=20, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="решил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("дата решения", null=True, blank=True)
    decision_note = models.TextField("комментарий куратора", blank=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "просьба о замене или освобождении"
        verbose_name_plural = "просьбы о замене или освобождении"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "requested_by"],
                condition=models.Q(status="open"),
                name="changerequest_one_open_per_person",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def end_reason(self) -> str:
        """The ground for ending the pair early that granting this request implies."""
        return Mentorship.EndReason.MENTOR if self.kind == self.Kind.RELEASE else Mentorship.EndReason.MENTEE

    def decide(self, *, by, granted: bool, note: str = "") -> None:
        if self.status != self.Status.OPEN:
            raise ValidationError("По этой просьбе уже принято решение.")
        self.status = self.Status.GRANTED if granted else self.Status.REFUSED
        self.decided_by = by
        self.decided_at = timezone.now()
        self.decision_note = note
        self.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


class SupportRecord(models.Model):
    """Support given to a mentee left without a pair while a mentor is sought (stage 5)."""

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    entry = models.ForeignKey(
        MenteeEntry, verbose_name="запись банка наставляемых", on_delete=models.CASCADE, related_name="support"
    )
    date = models.DateField("дата", default=timezone.localdate)
    description = models.TextField("какая поддержка оказана")
    given_by = models.ForeignKey(
        Person, verbose_name="кто оказал", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "запись о сопровождении"
        verbose_name_plural = "сопровождение наставляемых без пары"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}"


# Content of a programme: what the mentee acknowledges and the approver approves. Everything else on the programme
# (the state of the chain, who and when) and on a plan row (status, date done, results, reflections) is a record
# of the work, not of the approved content.
NOTE_FIELDS = [
    "title",
    "problem",
    "goals",
    "tasks",
    "content",
    "start",
    "end",
    "results_intermediate",
    "results_planned",
    "meeting_schedule",
    "mode",
    "conditions",
]
ROW_FIELDS = ["position", "direction_id", "activity", "form", "deadline", "expected_result"]
# Sections of the explanatory note a programme cannot be sent without.
REQUIRED_SECTIONS = ["title", "problem", "goals", "tasks", "content", "results_planned", "meeting_schedule"]

APPROVED_REFUSAL = (
    "Программа утверждена: её содержание не изменяется. Подготовьте изменения — они вступят в силу после "
    "согласия наставляемого и утверждения."
)
RESET_NOTE = (
    "Программа изменена после отправки наставляемому, поэтому ознакомление снято. Отправьте программу "
    "наставляемому ещё раз."
)

# Set only while an approved change is being written into the programme (ProgrammeRevision.approve).
_applying_change: ContextVar[bool] = ContextVar("applying_programme_change", default=False)


@contextmanager
def _change_being_applied():
    token = _applying_change.set(True)
    try:
        yield
    finally:
        _applying_change.reset(token)


def _refuse_if_approved(qs, kwargs: dict | None = None) -> None:
    touched = kwargs is None or any(name.removesuffix("_id") in _CONTENT_NAMES[qs.model] for name in kwargs)
    if not touched or _applying_change.get():
        return
    approved = Programme.Status.APPROVED
    lookup = {"status": approved} if qs.model is Programme else {"programme__status": approved}
    if qs.filter(**lookup).exists():
        raise ValidationError(APPROVED_REFUSAL)


class ProgrammeQuerySet(models.QuerySet):
    # Bulk changes bypass save()/delete(); refuse them where they would touch an approved programme's content.
    def update(self, **kwargs) -> int:
        _refuse_if_approved(self, kwargs)
        return super().update(**kwargs)

    update.queryset_only = True

    def delete(self):
        _refuse_if_approved(self)
        return super().delete()

    delete.queryset_only = True


class Programme(models.Model):
    """The personalised mentoring programme of one pair or group: the explanatory note and the plan.

    The chain: the mentor drafts it, sends it to the mentee, the mentee acknowledges that version (or comments,
    which returns it to the mentor), the approver named by the organisation's regulation approves. An edit of the
    content after sending returns it to draft. Approved content never changes in place: a change is a
    ProgrammeRevision the mentee agrees to and the approver approves.
    """

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "Очно"
        ONLINE = "online", "Дистанционно"
        MIXED = "mixed", "Смешанно"

    class Status(models.TextChoices):
        DRAFT = "draft", "Проект"
        SENT = "sent", "На ознакомлении у наставляемого"
        ACKNOWLEDGED = "acknowledged", "Ждёт утверждения"
        APPROVED = "approved", "Утверждена"

    mentorship = models.OneToOneField(Mentorship, on_delete=models.CASCADE, related_name="programme")
    title = models.CharField("название", max_length=300, blank=True)
    problem = models.TextField("описание проблемы", blank=True)
    goals = models.TextField("цель", blank=True)
    tasks = models.TextField("задачи", blank=True)
    content = models.TextField("содержание деятельности", blank=True)
    start = models.DateField("начало")
    end = models.DateField("окончание")
    results_intermediate = models.TextField("промежуточные результаты", blank=True)
    results_planned = models.TextField("планируемые результаты", blank=True)
    meeting_schedule = models.TextField("расписание встреч", blank=True)
    mode = models.CharField("режим работы", max_length=20, choices=Mode.choices, default=Mode.IN_PERSON)
    conditions = models.TextField("условия", blank=True)
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.DRAFT)
    sent_at = models.DateTimeField("отправлена наставляемому", null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="отправил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField("наставляемый ознакомлен", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        Person, verbose_name="ознакомился", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField("утверждена", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="утвердил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The methodical council's «согласовано», where the organisation asks for it before approval
    # (Organization.council_reviews_programmes); cleared whenever the programme goes back to draft.
    council_agreed_at = models.DateTimeField("согласована методическим советом", null=True, blank=True)
    council_agreed_by = models.ForeignKey(
        Person, verbose_name="согласовал", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why the programme is back in draft: the mentee's comment, the approver's, or an edit after sending.
    remark = models.TextField("замечание", blank=True)
    remark_by = models.ForeignKey(
        Person, verbose_name="автор замечания", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    remark_at = models.DateTimeField("замечание от", null=True, blank=True)
    template = models.ForeignKey(
        "ProgrammeTemplate",
        verbose_name="создана по шаблону",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name="создана по программе",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = "персонализированная программа"
        verbose_name_plural = "персонализированные программы"
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="programme_end_after_start"),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(approved_at__isnull=False),
                name="programme_approved_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["acknowledged", "approved"]) | models.Q(acknowledged_at__isnull=False),
                name="programme_acknowledged_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"Программа: {self.mentorship}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not _applying_change.get():
            stored = Programme.objects.filter(pk=self.pk).values("status", *NOTE_FIELDS).first()
            if stored is not None and any(stored[f] != getattr(self, f) for f in NOTE_FIELDS):
                if stored["status"] == self.Status.APPROVED:
                    raise ValidationError(APPROVED_REFUSAL)
                if stored["status"] in (self.Status.SENT, self.Status.ACKNOWLEDGED):
                    self._back_to_draft(RESET_NOTE, by=None)
                    if kwargs.get("update_fields") is not None:
                        kwargs["update_fields"] = {*kwargs["update_fields"], *self.CHAIN_FIELDS}
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_approved and not _applying_change.get():
            raise ValidationError("Утверждённую программу удалить нельзя.")
        return super().delete(*args, **kwargs)

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_draft(self) -> bool:
        """Not approved yet: printed as ПРОЕКТ."""
        return self.status != self.Status.APPROVED

    def clean(self) -> None:
        # Once approved, the dates change only by extension, which may take the programme past 12 months.
        if not self.is_approved:
            check_programme_length(self.start, self.end)

    def pending_change(self) -> ProgrammeRevision | None:
        """The change being agreed or approved, if any (from the prefetched revisions when there are)."""
        return next((r for r in self.revisions.all() if r.is_pending), None)

    def is_locked(self) -> bool:
        """Approved: plain edits of the note and the plan are refused."""
        return self.is_approved

    # --- content: the copy a version keeps, and edits that return a sent programme to draft ---

    def snapshot(self, rows: Iterable[PlanActivity] | None = None) -> dict:
        """The content as plain data: the note and the plan rows (with their ids, to find them again)."""
        rows = self.activities.select_related("direction") if rows is None else rows
        return {
            "note": {f: _plain(getattr(self, f)) for f in NOTE_FIELDS},
            "rows": [
                {
                    "id": row.pk,
                    **{f: _plain(getattr(row, f)) for f in ROW_FIELDS},
                    "direction": row.direction.name if row.direction_id else "",
                }
                for row in rows
            ],
        }

    def missing(self, rows: list[PlanActivity] | None = None) -> list[str]:
        """What must be filled before the programme can be sent to the mentee; empty when it is complete."""
        rows = list(self.activities.all()) if rows is None else rows
        return missing_in_content(self.snapshot(rows), REQUIRED_SECTIONS)

    CHAIN_FIELDS = (
        "status",
        "acknowledged_at",
        "acknowledged_by",
        "remark",
        "remark_by",
        "remark_at",
        "council_agreed_at",
        "council_agreed_by",
    )

    def _back_to_draft(self, remark: str, *, by: Person | None) -> None:
        self.status = self.Status.DRAFT
        self.acknowledged_at = None
        self.acknowledged_by = None
        self.council_agreed_at = None
        self.council_agreed_by = None
        self.remark = remark
        self.remark_by = by
        self.remark_at = timezone.now()

    @classmethod
    def content_changed(cls, programme_id: int) -> None:
        """A plan row changed: a programme that was sent or acknowledged goes back to draft, with a note why."""
        reset = Programme.objects.filter(pk=programme_id, status__in=[cls.Status.SENT, cls.Status.ACKNOWLEDGED]).update(
            status=cls.Status.DRAFT,
            acknowledged_at=None,
            acknowledged_by=None,
            council_agreed_at=None,
            council_agreed_by=None,
            remark=RESET_NOTE,
            remark_by=None,
            remark_at=timezone.now(),
        )
        if reset:
            # Only the change that takes the sent version back: the mentee hears of it once, not per row.
            notify.programme_changed(
                Programme.objects.select_related("mentorship__organization", "mentorship__mentor").get(pk=programme_id)
            )

    # --- the chain ---

    def _locked(self) -> Programme:
        return Programme.objects.select_for_update().get(pk=self.pk)

    def _record(self, fields: tuple[str, ...] | list[str]) -> None:
        # Chain fields only: no content check is needed, and the history gets its record.
        super().save(update_fields=[*fields, "updated_at"])

    @transaction.atomic
    def send(self, user) -> None:
        """The mentor sends the programme to the mentee. Only a complete programme can be sent."""
        locked = self._locked()
        if locked.status != self.Status.DRAFT:
            raise ValidationError("Программа уже отправлена наставляемому.")
        missing = locked.missing()
        if missing:
            raise ValidationError(["Чтобы отправить программу, заполните:", *missing])
        self.status = self.Status.SENT
        self.sent_at = timezone.now()
        self.sent_by = user
        self.remark, self.remark_by, self.remark_at = "", None, None
        self._record(["status", "sent_at", "sent_by", "remark", "remark_by", "remark_at"])
        notify.programme_sent(self)

    @transaction.atomic
    def acknowledge(self, person: Person) -> None:
        """The mentee has read the version that was sent."""
        locked = self._locked()
        if locked.status == self.Status.DRAFT:
            raise ValidationError("Программа ещё не отправлена вам на ознакомление: наставник её дорабатывает.")
        if locked.status != self.Status.SENT:
            raise ValidationError("Ознакомление с программой уже отмечено.")
        self.status = self.Status.ACKNOWLEDGED
        self.acknowledged_at = timezone.now()
        self.acknowledged_by = person
        self._record(["status", "acknowledged_at", "acknowledged_by"])
        notify.programme_acknowledged(self)

    @transaction.atomic
    def comment(self, person: Person, text: str) -> None:
        """The mentee does not acknowledge and says why: the programme returns to the mentor with the comment."""
        text = text.strip()
        if not text:
            raise ValidationError({"comment": "Напишите, что нужно изменить в программе."})
        if self._locked().status != self.Status.SENT:
            raise ValidationError("Замечания можно оставить к программе, отправленной на ознакомление.")
        self._back_to_draft(text, by=person)
        self._record(self.CHAIN_FIELDS)
        notify.programme_returned(self, text)

    @transaction.atomic
    def approve(self, user) -> None:
        """The approver approves the acknowledged version; from then on changes go through revisions."""
        locked = self._locked()
        if locked.status == self.Status.APPROVED:
            raise ValidationError("Программа уже утверждена.")
        if locked.status != self.Status.ACKNOWLEDGED:
            raise ValidationError("Утвердить программу можно после того, как наставляемый ознакомится с ней.")
        if self.awaits_council(locked):
            raise ValidationError("Программу сначала согласует методический совет: так установлено в организации.")
        self.status = self.Status.APPROVED
        self.approved_at = timezone.now()
        self.approved_by = user
        self._record(["status", "approved_at", "approved_by"])
        notify.programme_approved(self)

    def awaits_council(self, current: Programme | None = None) -> bool:
        """Acknowledged, and the organisation asks for the council's «согласовано», which it does not have yet."""
        current = current or self
        return (
            current.status == self.Status.ACKNOWLEDGED
            and current.council_agreed_at is None
            and self.mentorship.organization.council_reviews_programmes
        )

    @transaction.atomic
    def council_agree(self, person: Person) -> None:
        """A member of the methodical council marks the acknowledged version «согласовано»."""
        locked = self._locked()
        if not self.mentorship.organization.council_reviews_programmes:
            raise ValidationError("В организации программы не согласуются методическим советом.")
        if locked.council_agreed_at is not None:
            raise ValidationError("Программа уже согласована методическим советом.")
        if locked.status != self.Status.ACKNOWLEDGED:
            raise ValidationError("Согласовать можно программу, с которой ознакомился наставляемый.")
        self.council_agreed_at = timezone.now()
        self.council_agreed_by = person
        self._record(["council_agreed_at", "council_agreed_by"])

    @transaction.atomic
    def council_return(self, person: Person, text: str) -> None:
        """A member of the council does not agree and says why: the programme returns to the mentor."""
        text = text.strip()
        if not text:
            raise ValidationError({"comment": "Напишите, что нужно доработать."})
        if not self.awaits_council(self._locked()):
            raise ValidationError("Вернуть с замечаниями можно программу, которая ждёт согласования совета.")
        self._back_to_draft(text, by=person)
        self._record(self.CHAIN_FIELDS)
        notify.programme_returned(self, text)

    @transaction.atomic
    def return_to_mentor(self, person: Person, text: str) -> None:
        """The approver returns the acknowledged programme for rework, with a comment."""
        text = text.strip()
        if not text:
            raise ValidationError({"comment": "Напишите, что нужно доработать."})
        if self._locked().status != self.Status.ACKNOWLEDGED:
            raise ValidationError("Вернуть на доработку можно программу, которая ждёт утверждения.")
        self._back_to_draft(text, by=person)
        self._record(self.CHAIN_FIELDS)
        notify.programme_returned(self, text)


def _plain(value):
    """A field's value as JSON keeps it: dates as ISO strings."""
    return value.isoformat() if isinstance(value, date) else value


def missing_in_content(content: dict, required: list[str]) -> list[str]:
    """What a programme's content lacks to be sent or proposed: empty sections, no plan, dates out of bounds."""
    note, rows = content["note"], content["rows"]
    missing = [
        f"раздел «{Programme._meta.get_field(f).verbose_name.capitalize()}» пояснительной записки"
        for f in required
        if not str(note.get(f) or "").strip()
    ]
    start, end = _day(note.get("start")), _day(note.get("end"))
    if not rows:
        missing.append("план мероприятий: добавьте хотя бы одно мероприятие")
    if start and end:
        outside = [n for n, row in enumerate(rows, start=1) if not (start <= _day(row["deadline"]) <= end)]
        if outside:
            numbers = ", ".join(str(n) for n in outside)
            missing.append(
                f"сроки мероприятий № {numbers}: они должны быть в пределах программы ({start:%d.%m.%Y}–{end:%d.%m.%Y})"
            )
    return missing


def _day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def months_between(start: date, end: date) -> float:
    """Length in months, counting whole months and the fraction of the last one."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    return months + (end.day - start.day) / 30.0


def check_programme_length(start: date | None, end: date | None) -> None:
    if not start or not end:
        return
    if end <= start:
        raise ValidationError({"end": "Окончание программы должно быть позже её начала."})
    length = months_between(start, end)
    if length < MIN_PROGRAMME_MONTHS - 0.01 or length > MAX_PROGRAMME_MONTHS + 0.04:
        raise ValidationError(
            {
                "end": "Персонализированная программа длится от 3 до 12 месяцев "
                f"(сейчас — около {max(length, 0):.1f} мес.). Для более долгой работы продлите программу "
                "по взаимному согласию после её утверждения."
            }
        )


class PlanActivityQuerySet(models.QuerySet):
    def open(self) -> PlanActivityQuerySet:
        return self.filter(status__in=[PlanActivity.Status.PLANNED, PlanActivity.Status.IN_PROGRESS])

    def overdue(self, today: date | None = None) -> PlanActivityQuerySet:
        return self.open().filter(deadline__lt=today or timezone.localdate())

    # Progress marks may be set in bulk; the plan's content of an approved programme may not.
    def update(self, **kwargs) -> int:
        _refuse_if_approved(self, kwargs)
        if any(name.removesuffix("_id") in _CONTENT_NAMES[PlanActivity] for name in kwargs):
            for programme_id in set(self.values_list("programme_id", flat=True)):
                Programme.content_changed(programme_id)
        return super().update(**kwargs)

    update.queryset_only = True

    def delete(self):
        _refuse_if_approved(self)
        for programme_id in set(self.values_list("programme_id", flat=True)):
            Programme.content_changed(programme_id)
        return super().delete()

    delete.queryset_only = True


class PlanActivity(models.Model):
    """A row of the programme's plan: its content (ROW_FIELDS) and the record of the work done on it."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Запланировано"
        IN_PROGRESS = "in_progress", "Выполняется"
        DONE = "done", "Выполнено"
        CANCELLED = "cancelled", "Отменено"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveIntegerField("порядок", default=0)
    direction = models.ForeignKey(
        Direction, verbose_name="направление", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    activity = models.TextField("мероприятие")
    form = models.CharField("форма", max_length=200, blank=True)
    deadline = models.DateField("срок")
    expected_result = models.TextField("ожидаемый результат", blank=True)
    status = models.CharField("статус", max_length=20, choices=Status.choices, default=Status.PLANNED)
    done_on = models.DateField("выполнено", null=True, blank=True)
    mentor_note = models.TextField("результат (отметка наставника)", blank=True)
    mentee_reflection = models.TextField("рефлексия наставляемого", blank=True)

    history = HistoricalRecords()
    objects = PlanActivityQuerySet.as_manager()

    class Meta:
        verbose_name = "мероприятие плана"
        verbose_name_plural = "план мероприятий"
        ordering = ["position", "deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(done_on__isnull=False), name="planactivity_done_has_date"
            )
        ]

    def __str__(self) -> str:
        return self.activity[:60]

    def save(self, *args, **kwargs) -> None:
        if self._content_changes():
            self._guard()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._guard()
        return super().delete(*args, **kwargs)

    @property
    def is_overdue(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.IN_PROGRESS) and self.deadline < timezone.localdate()

    def _content_changes(self) -> bool:
        if self.pk is None:
            return True
        stored = PlanActivity.objects.filter(pk=self.pk).values(*ROW_FIELDS).first()
        return stored is None or any(stored[f] != getattr(self, f) for f in ROW_FIELDS)

    def _guard(self) -> None:
        """Refuse a change of an approved plan; return a sent or acknowledged programme to draft."""
        if _applying_change.get():
            return
        status = Programme.objects.filter(pk=self.programme_id).values_list("status", flat=True).first()
        if status == Programme.Status.APPROVED:
            raise ValidationError(APPROVED_REFUSAL)
        Programme.content_changed(self.programme_id)


_CONTENT_NAMES = {
    Programme: {f.removesuffix("_id") for f in NOTE_FIELDS},
    PlanActivity: {f.removesuffix("_id") for f in ROW_FIELDS},
}


class ProgrammeRevisionQuerySet(models.QuerySet):
    def pending(self) -> ProgrammeRevisionQuerySet:
        return self.filter(status__in=ProgrammeRevision.PENDING)


class ProgrammeRevision(models.Model):
    """A change to an approved programme, kept as a version.

    The mentor (or the curator) proposes it with the full content it would give the programme; the mentee agrees
    (or declines with a comment, which returns it to the author); the approver approves, and only then does it
    become the programme's content. The approved version it replaced is kept frozen in `previous`.
    """

    class Kind(models.TextChoices):
        EXTENSION = "extension", "Продление"
        CORRECTION = "correction", "Корректировка"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Ждёт согласия наставляемого"
        AGREED = "agreed", "Ждёт утверждения"
        RETURNED = "returned", "Возвращено на доработку"
        APPROVED = "approved", "Утверждено"
        WITHDRAWN = "withdrawn", "Отозвано"

    PENDING = (Status.PROPOSED, Status.AGREED, Status.RETURNED)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField("вид изменения", max_length=20, choices=Kind.choices)
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.PROPOSED)
    reason = models.TextField("основание")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="автор",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("дата", default=timezone.now)
    old_end = models.DateField("прежнее окончание", null=True, blank=True)
    new_end = models.DateField("новое окончание", null=True, blank=True)
    summary = models.JSONField("что изменилось", default=list, blank=True)
    # The full content the change gives the programme, and the approved content it replaced (set on approval).
    content = models.JSONField("предлагаемое содержание", default=dict, blank=True)
    previous = models.JSONField("прежняя редакция", default=dict, blank=True)
    agreed_at = models.DateTimeField("наставляемый согласен", null=True, blank=True)
    agreed_by = models.ForeignKey(
        Person, verbose_name="согласился", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField("утверждено", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="утвердил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    remark = models.TextField("замечание", blank=True)
    remark_by = models.ForeignKey(
        Person, verbose_name="автор замечания", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    remark_at = models.DateTimeField("замечание от", null=True, blank=True)
    # When the change became the programme's content.
    closed_at = models.DateTimeField("изменения внесены", null=True, blank=True)

    objects = ProgrammeRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = "изменение программы"
        verbose_name_plural = "изменения программ"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme"],
                condition=models.Q(status__in=["proposed", "agreed", "returned"]),
                name="programmerevision_one_pending",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(closed_at__isnull=False),
                name="programmerevision_approved_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} от {self.created_at:%d.%m.%Y}"

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    def _locked(self) -> ProgrammeRevision:
        return ProgrammeRevision.objects.select_for_update().get(pk=self.pk)

    @transaction.atomic
    def agree(self, person: Person) -> None:
        """The mentee agrees to the proposed change."""
        if self._locked().status != self.Status.PROPOSED:
            raise ValidationError("Это изменение не ждёт вашего согласия.")
        self.status = self.Status.AGREED
        self.agreed_at = timezone.now()
        self.agreed_by = person
        self.save(update_fields=["status", "agreed_at", "agreed_by"])
        notify.change_agreed(self)

    @transaction.atomic
    def send_back(self, person: Person, text: str) -> None:
        """The mentee declines (or the approver returns) the change with a comment: it goes back to its author."""
        text = text.strip()
        if not text:
            raise ValidationError({"comment": "Напишите, что нужно изменить."})
        if self._locked().status not in (self.Status.PROPOSED, self.Status.AGREED):
            raise ValidationError("Это изменение сейчас не на согласовании.")
        self.status = self.Status.RETURNED
        self.agreed_at, self.agreed_by = None, None
        self.remark, self.remark_by, self.remark_at = text, person, timezone.now()
        self.save(update_fields=["status", "agreed_at", "agreed_by", "remark", "remark_by", "remark_at"])
        notify.change_returned(self)

    @transaction.atomic
    def withdraw(self) -> None:
        if self._locked().status not in self.PENDING:
            raise ValidationError("Это изменение уже не на согласовании.")
        self.status = self.Status.WITHDRAWN
        self.save(update_fields=["status"])

    @transaction.atomic
    def approve(self, user) -> None:
        """The approver approves the agreed change: its content becomes the programme's; the old one is kept."""
        if self._locked().status != self.Status.AGREED:
            raise ValidationError("Утвердить изменение можно после согласия наставляемого.")
        programme = Programme.objects.select_for_update().get(pk=self.programme_id)
        self.previous = programme.snapshot()
        with _change_being_applied():
            _apply_content(programme, self.content)
        self.status = self.Status.APPROVED
        self.approved_at = self.closed_at = timezone.now()
        self.approved_by = user
        self.save(update_fields=["status", "previous", "approved_at", "closed_at", "approved_by"])
        notify.change_approved(self)


def _apply_content(programme: Programme, content: dict) -> None:
    """Write a version's content into the programme: the note, then the rows (kept by id, added, removed)."""
    for field in NOTE_FIELDS:
        value = content["note"][field]
        setattr(programme, field, _day(value) if field in ("start", "end") else value)
    programme.save()
    existing = {row.pk: row for row in programme.activities.all()}
    kept = set()
    for data in content["rows"]:
        row = existing.get(data.get("id")) or PlanActivity(programme=programme)
        for field in ROW_FIELDS:
            setattr(row, field, _day(data[field]) if field == "deadline" else data[field])
        row.save()
        kept.add(row.pk)
    for pk, row in existing.items():
        if pk not in kept:
            row.delete()


class ProgrammeTemplate(models.Model):
    """A model programme the organisation starts new programmes from."""

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    code = models.SlugField("код", max_length=60, blank=True)
    title = models.CharField("название", max_length=300)
    description = models.TextField("для кого и зачем", blank=True)
    problem = models.TextField("описание проблемы", blank=True)
    goals = models.TextField("цель", blank=True)
    tasks = models.TextField("задачи", blank=True)
    content = models.TextField("содержание деятельности", blank=True)
    results_planned = models.TextField("планируемые результаты", blank=True)
    meeting_schedule = models.TextField("расписание встреч", blank=True)
    duration_months = models.PositiveSmallIntegerField("длительность, мес.", default=9)
    is_active = models.BooleanField("используется", default=True)

    class Meta:
        verbose_name = "шаблон программы"
        verbose_name_plural = "шаблоны программ"
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], condition=~models.Q(code=""), name="programmetemplate_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.title


class TemplateActivity(models.Model):
    template = models.ForeignKey(ProgrammeTemplate, on_delete=models.CASCADE, related_name="activities")
    position = models.PositiveIntegerField("порядок", default=0)
    direction = models.ForeignKey(
        Direction, verbose_name="направление", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    activity = models.TextField("мероприятие")
    form = models.CharField("форма", max_length=200, blank=True)
    month = models.PositiveSmallIntegerField("месяц программы", default=1, help_text="1 — первый месяц")
    expected_result = models.TextField("ожидаемый результат", blank=True)

    class Meta:
        verbose_name = "мероприятие шаблона"
        verbose_name_plural = "мероприятия шаблона"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.activity[:60]


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's private iCalendar feed address; regenerating the token invalidates the old address."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "календарь пользователя"
        verbose_name_plural = "календари пользователей"

    def __str__(self) -> str:
        return f"Календарь {self.user}"

    @classmethod
    def for_user(cls, user) -> CalendarFeed:
        feed, _ = cls.objects.get_or_create(user=user)
        return feed

    def regenerate(self) -> None:
        self.token = new_calendar_token()
        self.created_at = timezone.now()
        self.save(update_fields=["token", "created_at"])


# --- who a calendar feed still serves ---


def serving_people(user) -> models.QuerySet[Person]:
    """The user's staff cards a calendar feed serves: working, not anonymised, with access to their organisation
    (an administrator may switch it off for one organisation only), holding some role."""
    cards = Person.objects.filter(user=user, anonymized_at__isnull=True).working().with_access()
    return cards.filter(roles__isnull=False).distinct()


def feed_programmes_filter(user) -> models.Q:
    """Pairs a feed shows: where the user is mentor holding the mentor role, or mentee holding the mentee role."""
    people = serving_people(user)
    as_mentor = people.filter(roles__kind=Role.Kind.MENTOR)
    as_mentee = people.filter(roles__kind=Role.Kind.MENTEE)
    return models.Q(mentorship__mentor__in=as_mentor) | models.Q(mentorship__mentees__in=as_mentee)


def revoke_idle_feeds(user_ids: Iterable[int]) -> int:
    """Revoke the feeds of those users who take part in no pair (group) that is formed or working any more.

    Their token is deleted, not suspended: coming back, they make a new address.
    """
    ids = set(user_ids)
    holding = Mentorship.objects.filter(state__in=Mentorship.HOLDING_STATES)
    busy = set(
        Person.objects.filter(user_id__in=ids)
        .filter(
            models.Exists(holding.filter(mentor=models.OuterRef("pk")))
            | models.Exists(holding.filter(mentees=models.OuterRef("pk")))
        )
        .values_list("user_id", flat=True)
    )
    deleted, _ = CalendarFeed.objects.filter(user_id__in=ids - busy).delete()
    return deleted


def revoke_stale_feeds(org: Organization) -> int:
    """settings.ORGANIZATION_CHANGED: revoke the feeds of the organisation's people whom a feed no longer serves.

    A feed goes when its user has no working staff card with a role left (dismissed, card removed, data
    destroyed, every role withdrawn) or is mentor (mentee) of a working pair without the mentor (mentee) role.
    """
    people = Person.objects.filter(organization=org, user__isnull=False)
    users = set(people.filter(user__calendar_feed__isnull=False).values_list("user_id", flat=True))
    if not users:
        return 0
    serving = set(
        Person.objects.filter(
            user_id__in=users,
            anonymized_at__isnull=True,
            left_on__isnull=True,
            access_disabled_at__isnull=True,
            roles__isnull=False,
        ).values_list("user_id", flat=True)
    )
    active = Mentorship.objects.filter(organization=org, state=Mentorship.State.ACTIVE)
    roleless = set(
        people.filter(user_id__in=users)
        .filter(
            models.Exists(active.filter(mentor=models.OuterRef("pk")))
            & ~models.Exists(Role.objects.filter(person=models.OuterRef("pk"), kind=Role.Kind.MENTOR))
            | models.Exists(active.filter(mentees=models.OuterRef("pk")))
            & ~models.Exists(Role.objects.filter(person=models.OuterRef("pk"), kind=Role.Kind.MENTEE))
        )
        .values_list("user_id", flat=True)
    )
    deleted, _ = CalendarFeed.objects.filter(user_id__in=(users - serving) | roleless).delete()
    return deleted
