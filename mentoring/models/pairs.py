"""Mentor pairs and groups, their personalised programmes and plans, programme templates, calendar feeds."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords

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
        """Annotate `programme_status`: none, draft, acknowledged (by the mentee) or approved (by the curator)."""
        return self.annotate(
            programme_status=models.Case(
                models.When(programme__isnull=True, then=models.Value("none")),
                models.When(programme__approved_at__isnull=False, then=models.Value("approved")),
                models.When(programme__acknowledged_at__isnull=False, then=models.Value("acknowledged")),
                default=models.Value("draft"),
                output_field=models.CharField(),
            )
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
        return MentorshipEvent.objects.create(mentorship=self, actor=by, from_state=old, to_state=new, note=note)

    def check_duties_consents(self) -> None:
        """Every participant must have consented to the additional duties of mentoring (raises ConsentRequired)."""
        for person in self.participants():
            require_consent(person, Purpose.DUTIES)

    @transaction.atomic
    def propose(self, *, by, note: str = "") -> MentorshipEvent:
        """Include the draft in an order draft. Needs the duties consent of every participant."""
        if not self.mentees.exists():
            raise ValidationError("В паре или группе нет ни одного наставляемого.")
        self.check_duties_consents()
        return self._move(self.State.PROPOSED, by=by, note=note)

    @transaction.atomic
    def withdraw_proposal(self, *, by, note: str = "") -> MentorshipEvent:
        return self._move(self.State.DRAFT, by=by, note=note)

    @transaction.atomic
    def activate(self, *, by, on: date, note: str = "") -> MentorshipEvent:
        """The head approved the order fixing the pair or group: it works from the order's date."""
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
        return ChangeRequest.objects.create(mentorship=self, kind=kind, requested_by=person, reason=reason)


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


class Programme(models.Model):
    """The personalised mentoring programme of one pair or group: the explanatory note and the plan."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "Очно"
        ONLINE = "online", "Дистанционно"
        MIXED = "mixed", "Смешанно"

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
    acknowledged_at = models.DateTimeField("наставляемый ознакомлен", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        Person, verbose_name="ознакомился", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField("утверждена куратором", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="утвердил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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

    class Meta:
        verbose_name = "персонализированная программа"
        verbose_name_plural = "персонализированные программы"
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="programme_end_after_start")
        ]

    def __str__(self) -> str:
        return self.title or f"Программа: {self.mentorship}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    def clean(self) -> None:
        # Once approved, the dates change only by extension, which may take the programme past 12 months.
        if not self.is_approved:
            check_programme_length(self.start, self.end)

    def open_correction(self) -> ProgrammeRevision | None:
        """The correction in progress, if any: while it is open, the approved note and plan may be edited."""
        return next((r for r in self.revisions.all() if r.is_open), None)

    def is_locked(self) -> bool:
        """Approved and no correction in progress: plain edits of the note and the plan are refused."""
        return self.is_approved and self.open_correction() is None

    @transaction.atomic
    def acknowledge(self, person: Person) -> None:
        """The mentee has read the programme. Possible once the plan has at least one row."""
        locked = Programme.objects.select_for_update().get(pk=self.pk)
        if locked.acknowledged_at is not None:
            raise ValidationError("Ознакомление с программой уже отмечено.")
        if not self.activities.exists():
            raise ValidationError("В плане пока нет ни одного мероприятия: знакомиться не с чем.")
        self.acknowledged_at = timezone.now()
        self.acknowledged_by = person
        self.save(update_fields=["acknowledged_at", "acknowledged_by"])

    @transaction.atomic
    def approve(self, user) -> None:
        """The curator approves the programme; from then on changes go through revisions."""
        locked = Programme.objects.select_for_update().get(pk=self.pk)
        if locked.approved_at is not None:
            raise ValidationError("Программа уже утверждена.")
        if locked.acknowledged_at is None:
            raise ValidationError("Утвердить программу можно после того, как наставляемый ознакомится с ней.")
        self.approved_at = timezone.now()
        self.approved_by = user
        self.save(update_fields=["approved_at", "approved_by"])


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


class PlanActivity(models.Model):
    """A row of the programme's plan."""

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

    @property
    def is_overdue(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.IN_PROGRESS) and self.deadline < timezone.localdate()


class ProgrammeRevision(models.Model):
    """A change to an approved programme: an extension or a correction, agreed by both sides."""

    class Kind(models.TextChoices):
        EXTENSION = "extension", "Продление"
        CORRECTION = "correction", "Корректировка"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField("вид изменения", max_length=20, choices=Kind.choices)
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
    # A correction stays open while the plan is being edited; an extension is closed at once.
    closed_at = models.DateTimeField("изменения внесены", null=True, blank=True)

    class Meta:
        verbose_name = "изменение программы"
        verbose_name_plural = "изменения программ"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} от {self.created_at:%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        """A correction in progress; an extension is complete when recorded."""
        return self.kind == self.Kind.CORRECTION and self.closed_at is None


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
