"""Builders for the reports tests: pairs with chosen dates and states, bank entries, answered questionnaires."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from mentoring.models import Mentorship, PlanActivity, Programme, recount_places
from monitoring.models import Answer, Invitation, Question, QuestionSet, Response, SurveyRound
from people.models import MenteeEntry, MentoringForm, MentoringKind, Organization, Person
from tests.people.bank_fixtures import mentee_entry

_counter = iter(range(10_000, 1_000_000))


def staff(org: Organization, surname: str = "Сотрудник", **fields) -> Person:
    n = next(_counter)
    return Person.objects.create(organization=org, surname=f"{surname}{n}", name="Анна", position="учитель", **fields)


def bank(person: Person, category: str = "young-specialist", status: str = MenteeEntry.Status.WAITING, **fields):
    fields.setdefault("request_date", date(2025, 9, 5))
    return mentee_entry(person, category_code=category, status=status, **fields)


def pair(
    org: Organization,
    mentor: Person,
    *mentees: Person,
    state: str = Mentorship.State.ACTIVE,
    started: date | None = date(2025, 10, 1),
    ended: date | None = None,
    reason: str = "",
    programme_end: date | None = date(2026, 6, 30),
    form_code: str | None = "teacher-teacher",
    kinds: tuple[str, ...] = ("traditional",),
) -> Mentorship:
    """A pair (group) put straight into `state` with the given dates, with a programme ending on `programme_end`."""
    m = Mentorship.objects.create(
        organization=org,
        mentor=mentor,
        form=MentoringForm.objects.get(organization=org, code=form_code) if form_code else None,
        state=state,
        started_on=started,
        ended_on=ended,
        end_reason=reason,
        planned_start=started,
        planned_end=programme_end,
    )
    m.mentees.set(mentees)
    recount_places(mentor_ids=[mentor.pk])
    m.kinds.set(MentoringKind.objects.filter(organization=org, code__in=kinds))
    if programme_end and started:
        Programme.objects.create(mentorship=m, title="Программа", start=started, end=programme_end)
    return m


def activity(m: Mentorship, deadline: date, *, done_on: date | None = None, status: str | None = None):
    status = status or (PlanActivity.Status.DONE if done_on else PlanActivity.Status.PLANNED)
    return PlanActivity.objects.create(
        programme=m.programme, activity="Мероприятие", deadline=deadline, status=status, done_on=done_on
    )


def question_set(org: Organization, purpose: str, questions: list[dict]) -> QuestionSet:
    qs = QuestionSet.objects.create(organization=org, title=f"Анкета {purpose}", purpose=purpose)
    for n, q in enumerate(questions):
        Question.objects.create(question_set=qs, position=n, **q)
    return qs


def survey(org: Organization, qset: QuestionSet, launched: date, moment: str = SurveyRound.Moment.ONCE):
    launched_at = datetime.combine(launched, time(12), tzinfo=timezone.get_current_timezone())
    return SurveyRound.objects.create(
        organization=org,
        question_set=qset,
        title="Анкетирование",
        moment=moment,
        deadline=launched,
        launched_at=launched_at,
    )


def answer(rnd: SurveyRound, person: Person, m: Mentorship, role: str, numbers: dict[str, float]) -> Response:
    """`numbers` maps a question's text to the mark given."""
    inv = Invitation.objects.create(round=rnd, person=person, programme=m.programme, role=role)
    inv.answered_at = rnd.launched_at
    inv.save(update_fields=["answered_at"])
    response = Response.objects.create(invitation=inv)
    for q in rnd.question_set.questions.all():
        if q.text in numbers:
            Answer.objects.create(response=response, question=q, number=numbers[q.text])
    return response
