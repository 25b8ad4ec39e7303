"""Builders for the programme tests: an active pair and a programme with a plan of any length."""

from __future__ import annotations

from datetime import date, timedelta

from mentoring.models import Mentorship, PlanActivity, Programme, recount_places
from people.models import Direction, MentoringForm, MentoringKind, Person

START = date(2025, 9, 1)
END = date(2026, 5, 31)


def active_pair(mentor: Person, *mentees: Person, state: str = Mentorship.State.ACTIVE) -> Mentorship:
    org = mentor.organization
    pair = Mentorship.objects.create(
        organization=org,
        mentor=mentor,
        form=MentoringForm.objects.filter(organization=org).first(),
        planned_start=START,
        planned_end=END,
        state=state,
        started_on=START,
    )
    pair.mentees.set(mentees)
    recount_places(mentor_ids=[mentor.pk])
    pair.kinds.set(MentoringKind.objects.filter(organization=org, code__in=["traditional", "short-term"]))
    return pair


def programme_with_rows(pair: Mentorship, rows: int = 3, **fields) -> Programme:
    values = {
        "title": "Адаптация учителя физики",
        "problem": "Затруднения в планировании уроков и работе с родителями.",
        "goals": "Помочь освоиться в должности.",
        "tasks": "Освоить планирование уроков; наладить общение с родителями.",
        "content": "Взаимопосещение уроков, разбор планов, консультации перед собраниями.",
        "results_planned": "Уверенное планирование уроков и проведение собраний.",
        "start": START,
        "end": END,
        "meeting_schedule": "Еженедельно по вторникам в 15:00",
        **fields,
    }
    programme = Programme.objects.create(mentorship=pair, **values)
    directions = list(Direction.objects.filter(organization=pair.organization))
    for i in range(rows):
        PlanActivity.objects.create(
            programme=programme,
            position=i + 1,
            direction=directions[i % len(directions)],
            activity=f"Мероприятие плана № {i + 1}: посещение урока и разбор",
            form="Консультация",
            deadline=min(programme.start + timedelta(days=7 * (i + 1)), programme.end),
            expected_result=f"Результат № {i + 1}",
        )
    return programme


def approved_programme(programme: Programme, *, mentor_user, mentee: Person, approver_user) -> Programme:
    """The programme taken through the whole chain: sent, acknowledged, approved."""
    programme.send(mentor_user)
    programme.acknowledge(mentee)
    programme.approve(approver_user)
    return Programme.objects.get(pk=programme.pk)
