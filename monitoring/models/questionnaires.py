"""Monitoring questionnaires: the organisation's question sets, rounds launched by the curator, invitations and
answers.

A round asks one question set of the participants of chosen programmes (mentors, mentees or both). Each
invited person answers once per programme; a growth self-assessment is asked at the start and at the end of a
programme (`SurveyRound.moment`) so that the change can be measured. In an anonymous round the answers are
shown to nobody with the respondent's name — the curator sees them only as figures and unsigned texts; the
respondent alone sees their own answers.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from people.models import Organization, Person


class QuestionSet(models.Model):
    """An editable questionnaire of one organisation; the defaults come from fixtures/question_sets.json."""

    class Purpose(models.TextChoices):
        SATISFACTION = "satisfaction", "Удовлетворённость программой и качеством её реализации"
        GROWTH = "growth", "Самооценка профессионального роста"
        OTHER = "other", "Иная анкета"

    class Audience(models.TextChoices):
        MENTEE = "mentee", "Наставляемые"
        MENTOR = "mentor", "Наставники"
        BOTH = "both", "Наставники и наставляемые"

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    code = models.SlugField(
        "код", max_length=60, blank=True, help_text="Код типовой анкеты из fixtures/; у своих анкет пуст."
    )
    title = models.CharField("название", max_length=300)
    purpose = models.CharField("назначение", max_length=20, choices=Purpose.choices, default=Purpose.OTHER)
    audience = models.CharField("кому", max_length=10, choices=Audience.choices, default=Audience.BOTH)
    intro = models.TextField("обращение к участнику", blank=True)
    is_active = models.BooleanField("используется", default=True)
    position = models.PositiveSmallIntegerField("порядок", default=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "анкета"
        verbose_name_plural = "анкеты"
        ordering = ["position", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], condition=~models.Q(code=""), name="questionset_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_used(self) -> bool:
        """A set with rounds keeps its questions' meaning: answers refer to them."""
        return self.rounds.exists()


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", "Шкала (оценка числом)"
        CHOICE = "choice", "Один вариант из списка"
        MULTIPLE = "multiple", "Несколько вариантов из списка"
        TEXT = "text", "Свободный ответ"

    class Domain(models.TextChoices):
        """The three sides of a participant's growth the methodical recommendations name."""

        NONE = "", "—"
        MOTIVATIONAL = "motivational", "Мотивационно-личностный рост"
        COMPETENCE = "competence", "Компетентностный рост"
        PROFESSIONAL = "professional", "Профессиональный рост"

    question_set = models.ForeignKey(QuestionSet, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField("порядок", default=0)
    text = models.TextField("вопрос")
    kind = models.CharField("вид ответа", max_length=10, choices=Kind.choices, default=Kind.SCALE)
    choices = models.JSONField("варианты ответа", default=list, blank=True, help_text="Для вопросов с выбором.")
    scale_min = models.PositiveSmallIntegerField("шкала от", default=1)
    scale_max = models.PositiveSmallIntegerField("шкала до", default=10)
    domain = models.CharField("сторона роста", max_length=20, choices=Domain.choices, default="", blank=True)
    required = models.BooleanField("обязательный", default=True)

    class Meta:
        verbose_name = "вопрос анкеты"
        verbose_name_plural = "вопросы анкеты"
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(scale_max__gt=models.F("scale_min")), name="question_scale"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        if self.kind in (self.Kind.CHOICE, self.Kind.MULTIPLE) and len(self.choices or []) < 2:
            raise ValidationError({"choices": "Укажите хотя бы два варианта ответа."})
        if self.scale_max <= self.scale_min:
            raise ValidationError({"scale_max": "Верхняя граница шкалы должна быть больше нижней."})


class SurveyRoundQuerySet(models.QuerySet):
    def for_org(self, org: Organization) -> SurveyRoundQuerySet:
        return self.filter(organization=org)

    def open(self) -> SurveyRoundQuerySet:
        return self.filter(status=SurveyRound.Status.OPEN)


class SurveyRound(models.Model):
    """One launch of a question set for chosen programmes, with a deadline."""

    class Status(models.TextChoices):
        OPEN = "open", "Идёт"
        CLOSED = "closed", "Завершено"

    class Moment(models.TextChoices):
        ONCE = "once", "Разовое анкетирование"
        START = "start", "Начало программы (входная самооценка)"
        END = "end", "Окончание программы (итоговая самооценка)"

    organization = models.ForeignKey(Organization, verbose_name="организация", on_delete=models.CASCADE)
    question_set = models.ForeignKey(
        QuestionSet, verbose_name="анкета", on_delete=models.PROTECT, related_name="rounds"
    )
    title = models.CharField("название анкетирования", max_length=300)
    moment = models.CharField("когда", max_length=10, choices=Moment.choices, default=Moment.ONCE)
    audience = models.CharField(
        "кого опрашиваем", max_length=10, choices=QuestionSet.Audience.choices, default=QuestionSet.Audience.BOTH
    )
    deadline = models.DateField("ответить до")
    anonymous = models.BooleanField(
        "анонимно",
        default=True,
        help_text="Ответы видны куратору и руководителю без имён; наставник не видит ответов наставляемого.",
    )
    programmes = models.ManyToManyField(
        "mentoring.Programme", verbose_name="программы", related_name="survey_rounds", blank=True
    )
    status = models.CharField("состояние", max_length=10, choices=Status.choices, default=Status.OPEN)
    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="запустил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    launched_at = models.DateTimeField("запущено", default=timezone.now)
    closed_at = models.DateTimeField("завершено", null=True, blank=True)
    last_reminded_on = models.DateField("последнее напоминание", null=True, blank=True)

    objects = SurveyRoundQuerySet.as_manager()

    class Meta:
        verbose_name = "анкетирование"
        verbose_name_plural = "анкетирования"
        ordering = ["-launched_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def accepts_answers(self, today=None) -> bool:
        """Open and the deadline not passed: answers are taken until the end of the deadline day."""
        today = today or timezone.localdate()
        return self.status == self.Status.OPEN and self.deadline >= today

    def close(self, *, by=None) -> None:
        if self.status != self.Status.OPEN:
            raise ValidationError("Анкетирование уже завершено.")
        self.status = self.Status.CLOSED
        self.closed_at = timezone.now()
        self.save(update_fields=["status", "closed_at"])


class InvitationQuerySet(models.QuerySet):
    def for_person(self, person: Person) -> InvitationQuerySet:
        return self.filter(person=person)

    def pending(self) -> InvitationQuerySet:
        return self.filter(answered_at__isnull=True, round__status=SurveyRound.Status.OPEN)

    def due(self, today=None) -> InvitationQuerySet:
        """Pending and still answerable: the round is open and its deadline has not passed."""
        return self.pending().filter(round__deadline__gte=today or timezone.localdate())


class Invitation(models.Model):
    """One person asked to answer a round about one programme, as its mentor or as its mentee."""

    class Role(models.TextChoices):
        MENTOR = "mentor", "Наставник"
        MENTEE = "mentee", "Наставляемый"

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, verbose_name="участник", on_delete=models.CASCADE, related_name="invitations")
    programme = models.ForeignKey(
        "mentoring.Programme", verbose_name="программа", on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField("в роли", max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField("ответил", null=True, blank=True)
    reminded_at = models.DateTimeField("напомнили", null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "приглашение к анкетированию"
        verbose_name_plural = "приглашения к анкетированию"
        ordering = ["round", "person", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "person", "programme"], name="invitation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round} — {self.person}"


class Response(models.Model):
    """The answers of one invitation, submitted once."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    submitted_at = models.DateTimeField("отправлено", default=timezone.now)

    class Meta:
        verbose_name = "ответ на анкету"
        verbose_name_plural = "ответы на анкеты"

    def __str__(self) -> str:
        return f"Ответ №{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    number = models.FloatField("оценка", null=True, blank=True)
    text = models.TextField("текст ответа", blank=True)
    selected = models.JSONField("выбранные варианты", default=list, blank=True)

    class Meta:
        verbose_name = "ответ на вопрос"
        verbose_name_plural = "ответы на вопросы"
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once")]

    def __str__(self) -> str:
        return f"{self.question}: {self.number if self.number is not None else self.text or self.selected}"
