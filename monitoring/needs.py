"""The survey of professional difficulties and the questionnaire of candidate mentors (issue 17, point 8).

Launching picks the staff (all, or by position, subject and experience), creates an unanswered row for each and
tells them (people.notices). An answer waits for the curator; accepted, it becomes a request in the bank of
mentees (a new entry «Ожидает наставника», or the person's open entry completed) or fills the person's
questionnaire in the bank of mentors (accepted as checked). Nothing reaches a bank without the curator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from monitoring.models import NeedsAnswer, NeedsSurvey
from people import notices
from people.models import Direction, MenteeCategory, MenteeEntry, MentorEntry, Organization, Person, Role
from people.models.consent import ConsentRequired


@dataclass
class Audience:
    """Who is asked: working staff of the organisation, narrowed by position words and experience (years)."""

    position: str = ""  # words of the position or subject: «учитель», «математик»; several separated by commas
    experience_max: int | None = None
    experience_min: int | None = None

    def people(self, org: Organization) -> QuerySet[Person]:
        # Only those who can open the site answer in it: an account, access not switched off, a role there.
        qs = Person.objects.for_org(org).working().with_access().filter(anonymized_at__isnull=True, user__isnull=False)
        qs = qs.filter(pk__in=Role.objects.filter(person__organization=org).values("person"))
        words = [w.strip() for w in self.position.split(",") if w.strip()]
        if words:
            match = Q()
            for word in words:
                match |= Q(position__icontains=word)
            qs = qs.filter(match)
        if self.experience_max is not None:
            qs = qs.filter(experience_years__lte=self.experience_max)
        if self.experience_min is not None:
            qs = qs.filter(experience_years__gte=self.experience_min)
        return qs.order_by("surname", "name", "pk")

    def describe(self) -> str:
        parts = []
        if self.position:
            parts.append(f"должность или предмет: {self.position}")
        if self.experience_min is not None:
            parts.append(f"стаж от {self.experience_min} лет")
        if self.experience_max is not None:
            parts.append(f"стаж до {self.experience_max} лет")
        return "; ".join(parts) or "все работники"


def launch(
    org: Organization, *, kind: str, title: str, intro: str, deadline: date, audience: Audience, by
) -> NeedsSurvey:
    people = list(audience.people(org))
    if not people:
        raise ValidationError(
            "Под выбранные условия не подходит ни один работник с учётной записью в системе: расширьте выбор или "
            "попросите администратора создать учётные записи."
        )
    with transaction.atomic():
        survey = NeedsSurvey.objects.create(
            organization=org,
            kind=kind,
            title=title,
            intro=intro,
            deadline=deadline,
            audience=audience.describe(),
            launched_by=by,
        )
        NeedsAnswer.objects.bulk_create([NeedsAnswer(survey=survey, person=p) for p in people])
        link = reverse("monitoring:my_needs", args=[org.slug])
        notices.tell(
            people,
            notices.Kind.QUESTIONNAIRE,
            f"Анкета: {title}",
            f"Ответьте, пожалуйста, до {deadline:%d.%m.%Y}.",
            link,
            link_text="Заполнить анкету",
        )
    return survey


def submit(answer: NeedsAnswer, *, text: str, directions, wants_mentor: bool, subjects: str, capacity) -> None:
    """The person's answer; once the curator has decided on it, it no longer changes."""
    if not answer.survey.accepts_answers():
        raise ValidationError("Анкетирование завершено: ответы больше не принимаются.")
    if answer.review != NeedsAnswer.Review.PENDING:
        raise ValidationError("Куратор уже рассмотрел ваш ответ: изменить его нельзя.")
    answer.text = text.strip()
    answer.wants_mentor = wants_mentor
    answer.subjects = subjects.strip()
    answer.capacity = capacity
    answer.answered_at = timezone.now()
    answer.save(update_fields=["text", "wants_mentor", "subjects", "capacity", "answered_at"])
    answer.directions.set(directions)


def _reviewable(answer: NeedsAnswer) -> None:
    if answer.answered_at is None:
        raise ValidationError("Работник ещё не ответил на анкету.")
    if answer.review != NeedsAnswer.Review.PENDING:
        raise ValidationError(f"Ответ уже рассмотрен: {answer.get_review_display().lower()}.")


def accept(answer: NeedsAnswer, *, by, category: MenteeCategory | None = None, note: str = "") -> None:
    """Into the bank: a mentee's request, or the candidate's questionnaire in the bank of mentors."""
    with transaction.atomic():
        answer = NeedsAnswer.objects.select_for_update().select_related("survey", "person").get(pk=answer.pk)
        _reviewable(answer)
        directions = list(answer.directions.all())
        try:
            if answer.survey.kind == NeedsSurvey.Kind.CANDIDATES:
                answer.mentor_entry = _to_mentor_bank(answer, directions, by)
            else:
                answer.mentee_entry = _to_mentee_bank(answer, directions, category, by)
        except ConsentRequired:
            raise ValidationError(
                f"У {answer.person.short_name} нет согласия на обработку персональных данных: без него запись в "
                "банк не вносится. Оформите согласие на карточке работника и примите ответ снова."
            ) from None
        answer.review = NeedsAnswer.Review.ACCEPTED
        answer.review_note = note.strip()
        answer.reviewed_by, answer.reviewed_at = by, timezone.now()
        answer.save(
            update_fields=["review", "review_note", "reviewed_by", "reviewed_at", "mentee_entry", "mentor_entry"]
        )


def _to_mentee_bank(answer: NeedsAnswer, directions: list[Direction], category, by) -> MenteeEntry:
    person = answer.person
    entry = MenteeEntry.objects.filter(person=person).exclude(status__in=MenteeEntry.FINAL_STATUSES).first()
    survey_note = f"Из анкеты «{answer.survey.title}» от {answer.answered_at:%d.%m.%Y}: {answer.text}".strip()
    if entry is None:
        if category is None:
            raise ValidationError("Выберите категорию наставляемого: без неё запрос в банк не вносится.")
        entry = MenteeEntry(
            organization=answer.survey.organization,
            person=person,
            category=category,
            difficulties=answer.text,
            status=MenteeEntry.Status.WAITING,
            collected_by=Person.objects.filter(organization=answer.survey.organization, user=by).first()
            if by
            else None,
            self_submitted=True,
        )
        entry._history_user = by
        entry.save()
    else:
        entry.difficulties = "\n\n".join(filter(None, [entry.difficulties, survey_note]))
        entry._history_user = by
        entry.save(update_fields=["difficulties", "updated_at"])
    entry.directions.add(*directions)
    return entry


def _to_mentor_bank(answer: NeedsAnswer, directions: list[Direction], by) -> MentorEntry:
    person = answer.person
    entry = MentorEntry.objects.filter(person=person).exclude(status=MentorEntry.Status.RELEASED).first()
    if entry is None:
        entry = MentorEntry(organization=answer.survey.organization, person=person, self_submitted=True)
    entry.subjects = answer.subjects or entry.subjects
    entry.motivation = answer.text or entry.motivation
    entry.capacity = answer.capacity or entry.capacity or 1
    entry.review = MentorEntry.Review.ACCEPTED
    entry.reviewed_by, entry.reviewed_at = by, timezone.now()
    entry._history_user = by
    entry.save()
    entry.competencies.add(*directions)
    return entry


def decline(answer: NeedsAnswer, *, by, note: str) -> None:
    if not note.strip():
        raise ValidationError("Укажите причину: работник увидит её в своей анкете.")
    with transaction.atomic():
        answer = NeedsAnswer.objects.select_for_update().get(pk=answer.pk)
        _reviewable(answer)
        answer.review = NeedsAnswer.Review.DECLINED
        answer.review_note = note.strip()
        answer.reviewed_by, answer.reviewed_at = by, timezone.now()
        answer.save(update_fields=["review", "review_note", "reviewed_by", "reviewed_at"])


def close(survey: NeedsSurvey) -> None:
    if survey.status == NeedsSurvey.Status.CLOSED:
        raise ValidationError("Анкетирование уже завершено.")
    survey.status = NeedsSurvey.Status.CLOSED
    survey.save(update_fields=["status"])
