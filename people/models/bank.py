"""The banks of mentees and mentors, and mentor training (stages 2–4 of the roadmap)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from people.models.consent import Purpose, require_consent
from people.models.organization import Direction, MenteeCategory, MentoringForm, MentoringKind, Organization, Person


class MenteeEntryQuerySet(models.QuerySet):
    def for_org(self, org: Organization) -> MenteeEntryQuerySet:
        return self.filter(organization=org)

    def in_bank(self) -> MenteeEntryQuerySet:
        """Entries the curator works with: not a pending or declined request, not left."""
        return self.exclude(status__in=[*MenteeEntry.CLOSED_STATUSES, MenteeEntry.Status.REQUESTED])

    def waiting(self) -> MenteeEntryQuerySet:
        return self.filter(status=MenteeEntry.Status.WAITING)

    def without_mentor(self) -> MenteeEntryQuerySet:
        """Mentees without a mentor: waiting for one, supported meanwhile or not. The one definition of «без
        наставника» that every page, count and the matching use."""
        return self.filter(status__in=MenteeEntry.WITHOUT_MENTOR_STATUSES)

    def open(self) -> MenteeEntryQuerySet:
        return self.exclude(status__in=MenteeEntry.FINAL_STATUSES)

    def requests(self) -> MenteeEntryQuerySet:
        """Requests teachers submitted themselves, waiting for the curator to accept or decline them."""
        return self.filter(status=MenteeEntry.Status.REQUESTED)

    def for_list(self) -> MenteeEntryQuerySet:
        """Everything a bank list or export shows, in a fixed number of queries."""
        return self.select_related("person", "category", "collected_by").prefetch_related(
            models.Prefetch("directions", queryset=Direction.objects.order_by("position", "name"))
        )

    def with_status_order(self) -> MenteeEntryQuerySet:
        """Annotate `status_order`: statuses in the order of the bank's workflow, for sorting."""
        order = [models.When(status=value, then=n) for n, value in enumerate(MenteeEntry.Status.values)]
        return self.annotate(status_order=models.Case(*order, default=99, output_field=models.IntegerField()))


class MenteeEntry(models.Model):
    """A teacher in the bank of mentees, with their professional request."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Заявка на рассмотрении"
        WAITING = "waiting", "Ожидает наставника"
        IN_PAIR = "in_pair", "В паре или группе"
        SUPPORTED = "supported", "Сопровождается без пары"
        FINISHED = "finished", "Программа завершена"
        LEFT = "left", "Выбыл из банка"
        DECLINED = "declined", "Заявка отклонена"

    CLOSED_STATUSES = [Status.LEFT, Status.DECLINED]
    # In the programme now: with a mentor, or waiting for one (supported meanwhile or not).
    ACTIVE_STATUSES = [Status.WAITING, Status.IN_PAIR, Status.SUPPORTED]
    WITHOUT_MENTOR_STATUSES = [Status.WAITING, Status.SUPPORTED]
    FINAL_STATUSES = [Status.LEFT, Status.DECLINED, Status.FINISHED]
    # Leaving the bank and declining a request are decisions that need a written reason.
    NOTE_REQUIRED = {
        Status.LEFT: "Укажите причину выбытия из банка.",
        Status.DECLINED: "Укажите причину, по которой заявка отклонена.",
    }
    TRANSITIONS = {
        Status.REQUESTED: {Status.WAITING, Status.DECLINED},
        Status.WAITING: {Status.IN_PAIR, Status.SUPPORTED, Status.LEFT},
        Status.SUPPORTED: {Status.WAITING, Status.IN_PAIR, Status.LEFT},
        # Back to waiting when a pair ends early and the mentee asks for another mentor.
        Status.IN_PAIR: {Status.FINISHED, Status.WAITING, Status.LEFT},
        Status.FINISHED: set(),
        Status.LEFT: set(),
        Status.DECLINED: set(),
    }

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    person = models.ForeignKey(Person, verbose_name="работник", on_delete=models.CASCADE, related_name="mentee_entries")
    category = models.ForeignKey(MenteeCategory, verbose_name="категория", on_delete=models.PROTECT)
    directions = models.ManyToManyField(Direction, verbose_name="направления запроса", blank=True, related_name="+")
    difficulties = models.TextField("профессиональные затруднения и запрос", blank=True)
    request_date = models.DateField("дата запроса", default=timezone.localdate)
    collected_by = models.ForeignKey(
        Person,
        verbose_name="кто собрал запрос",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    self_submitted = models.BooleanField("подана самим педагогом", default=False)
    status = models.CharField("статус", max_length=20, choices=Status.choices, default=Status.WAITING)
    status_changed_at = models.DateTimeField("статус изменён", default=timezone.now)
    status_note = models.TextField("основание изменения статуса", blank=True)
    support_given = models.TextField("оказанная поддержка", blank=True)
    # The mentor the mentee chose among the two or three proposed to them; matching weighs it.
    preferred_mentor = models.ForeignKey(
        Person,
        verbose_name="предпочитаемый наставник",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    preferred_at = models.DateTimeField("предпочтение указано", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = MenteeEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "запись банка наставляемых"
        verbose_name_plural = "банк наставляемых"
        ordering = ["-request_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=~models.Q(status__in=["left", "declined", "finished"]),
                name="menteeentry_one_open_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.short_name} — {self.get_status_display()}"

    def save(self, *args, **kwargs) -> None:
        # The rule lives here, not in a form: no open bank entry without consent to process personal data.
        if self.status not in self.FINAL_STATUSES:
            require_consent(self.person, Purpose.PERSONAL_DATA)
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status not in self.FINAL_STATUSES

    def change_status(self, new: str, *, by=None, note: str = "", support: str = "") -> None:
        """Move the entry to another status, recording who, when and why (see the entry's history)."""
        if new not in self.TRANSITIONS[self.status]:
            raise ValidationError(
                f"Нельзя перевести запись из статуса «{self.get_status_display()}» в «{self.Status(new).label}»."
            )
        note = (note or "").strip()
        if new in self.NOTE_REQUIRED and not note:
            raise ValidationError(self.NOTE_REQUIRED[new])
        fields = ["status", "status_note", "status_changed_at", "updated_at"]
        if new == self.Status.SUPPORTED:
            if not support.strip():
                raise ValidationError("Опишите, какая поддержка оказывается, пока наставник не найден.")
            self.support_given = support.strip()
            fields.append("support_given")
        self.status = new
        self.status_note = note
        self.status_changed_at = timezone.now()
        self._history_user = by
        self.save(update_fields=fields)


class MentorEntryQuerySet(models.QuerySet):
    def for_org(self, org: Organization) -> MentorEntryQuerySet:
        return self.filter(organization=org)

    def in_bank(self) -> MentorEntryQuerySet:
        return self.filter(status__in=[MentorEntry.Status.CANDIDATE, MentorEntry.Status.SELECTED])

    def with_training(self) -> MentorEntryQuerySet:
        """Annotate `trained`: the mentor attended at least one training event of the organisation."""
        attended = TrainingEvent.attendees.through.objects.filter(
            person_id=models.OuterRef("person_id"), trainingevent__organization_id=models.OuterRef("organization_id")
        )
        return self.annotate(trained=models.Exists(attended))

    def with_capacity_left(self) -> MentorEntryQuerySet:
        """Annotate `taken` and `capacity_left`: how many more mentees the mentor can take.

        The one place that knows how much room a mentor has. What occupies a place — every mentee of the mentor's
        draft, proposed and active pairs and groups — is mentoring's knowledge: it keeps `places_taken` up to
        date (mentoring.models.recount_places), and the banks only read it. Every list, count and the matching
        follow this.
        """
        return self.annotate(
            taken=models.F("places_taken"),
            capacity_left=models.ExpressionWrapper(
                models.F("capacity") - models.F("places_taken"), output_field=models.IntegerField()
            ),
        )

    def available(self) -> MentorEntryQuerySet:
        """Selected mentors who can take at least one more mentee."""
        return self.with_capacity_left().filter(status=MentorEntry.Status.SELECTED, capacity_left__gt=0)

    def for_list(self) -> MentorEntryQuerySet:
        return (
            self.select_related("person")
            .prefetch_related(models.Prefetch("competencies", queryset=Direction.objects.order_by("position", "name")))
            .with_training()
            .with_capacity_left()
        )

    def with_status_order(self) -> MentorEntryQuerySet:
        order = [models.When(status=value, then=n) for n, value in enumerate(MentorEntry.Status.values)]
        return self.annotate(status_order=models.Case(*order, default=99, output_field=models.IntegerField()))


class MentorEntry(models.Model):
    """A teacher in the bank of mentors: their questionnaire (анкета) and where they stand."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", "Кандидат"
        SELECTED = "selected", "Отобран"
        RELEASED = "released", "Выведен из банка"

    class Review(models.TextChoices):
        ON_REVIEW = "on_review", "На рассмотрении у куратора"
        ACCEPTED = "accepted", "Проверена"

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    person = models.ForeignKey(Person, verbose_name="работник", on_delete=models.CASCADE, related_name="mentor_entries")
    competencies = models.ManyToManyField(Direction, verbose_name="компетенции", blank=True, related_name="+")
    subjects = models.CharField(
        "предметы или возрастные группы", max_length=500, blank=True, help_text="Например: математика 5–9 классы"
    )
    preferred_forms = models.ManyToManyField(
        MentoringForm, verbose_name="предпочитаемые формы", blank=True, related_name="+"
    )
    preferred_kinds = models.ManyToManyField(
        MentoringKind, verbose_name="предпочитаемые виды", blank=True, related_name="+"
    )
    motivation = models.TextField("мотивация", blank=True)
    capacity = models.PositiveSmallIntegerField(
        "сколько наставляемых может взять",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    interview_date = models.DateField("дата собеседования", null=True, blank=True)
    self_submitted = models.BooleanField("заполнена самим педагогом", default=False)
    review = models.CharField("проверка анкеты", max_length=20, choices=Review.choices, default=Review.ACCEPTED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="проверил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("проверена", null=True, blank=True)
    # Mentees the person holds as a mentor in draft, proposed and active pairs and groups. Written only by
    # mentoring (mentoring.models.recount_places), which knows what a pair is; read by `with_capacity_left`.
    places_taken = models.PositiveIntegerField("занято мест", default=0, editable=False)
    status = models.CharField("статус", max_length=20, choices=Status.choices, default=Status.CANDIDATE)
    status_changed_at = models.DateTimeField("статус изменён", default=timezone.now)
    status_note = models.TextField("основание изменения статуса", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The count of places is derived from the pairs, not a change of the questionnaire: the history leaves it out.
    history = HistoricalRecords(excluded_fields=["updated_at", "places_taken"])
    objects = MentorEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "анкета наставника"
        verbose_name_plural = "банк наставников"
        ordering = ["person__surname", "person__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=~models.Q(status="released"),
                name="mentorentry_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1) & models.Q(capacity__lte=10), name="mentorentry_capacity_range"
            ),
        ]

    TRANSITIONS = {
        Status.CANDIDATE: {Status.SELECTED, Status.RELEASED},
        Status.SELECTED: {Status.CANDIDATE, Status.RELEASED},
        Status.RELEASED: set(),
    }

    def __str__(self) -> str:
        return f"{self.person.short_name} — {self.get_status_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.status != self.Status.RELEASED:
            require_consent(self.person, Purpose.PERSONAL_DATA)
        if self._state.adding:
            # The places are the person's, whichever questionnaire is current: mentoring counts them on every
            # questionnaire of the person, so a new one (after a release) starts from what the earlier ones hold.
            earlier = MentorEntry.objects.filter(person_id=self.person_id).aggregate(n=models.Max("places_taken"))
            self.places_taken = earlier["n"] or 0
        elif kwargs.get("update_fields") is None:
            # Only mentoring writes the count, by an update of the rows; saving a questionnaire loaded earlier must
            # not put back the count it was loaded with.
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "places_taken"
            ]
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        """A questionnaire may still change: the mentor has not been released from the bank."""
        return self.status != self.Status.RELEASED

    def change_status(self, new: str, *, by=None, note: str = "") -> None:
        if new not in self.TRANSITIONS[self.status]:
            raise ValidationError(
                f"Нельзя перевести анкету из статуса «{self.get_status_display()}» в «{self.Status(new).label}»."
            )
        note = (note or "").strip()
        if new == self.Status.RELEASED and not note:
            raise ValidationError("Укажите причину, по которой наставник выводится из банка.")
        self.status = new
        self.status_note = note
        self.status_changed_at = timezone.now()
        self._history_user = by
        self.save(update_fields=["status", "status_note", "status_changed_at", "updated_at"])

    def accept_review(self, *, by) -> None:
        """The curator checked a questionnaire the teacher filled in themselves."""
        if self.review == self.Review.ACCEPTED:
            raise ValidationError("Анкета уже проверена.")
        self.review = self.Review.ACCEPTED
        self.reviewed_by = by
        self.reviewed_at = timezone.now()
        self._history_user = by
        self.save(update_fields=["review", "reviewed_by", "reviewed_at", "updated_at"])


class TrainingEvent(models.Model):
    """A training event for mentors (установочная сессия, семинар); attending one makes a mentor trained."""

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    date = models.DateField("дата")
    topic = models.CharField("тема", max_length=300)
    form = models.CharField("форма проведения", max_length=200, blank=True, help_text="Например: установочная сессия")
    description = models.TextField("содержание", blank=True)
    attendees = models.ManyToManyField(Person, verbose_name="участники", blank=True, related_name="trainings")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "обучение наставников"
        verbose_name_plural = "обучение наставников"
        ordering = ["-date", "id"]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} — {self.topic}"
