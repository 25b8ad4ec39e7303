"""Demo questionnaire rounds and answers (issue 7), called by seed_demo for each organisation. Idempotent.

For the completed programmes: the growth self-assessment at the start and at the end (the end scores higher on
average, not uniformly) and the satisfaction of mentees and mentors, all answered and closed. For the working
programmes: an open mentee satisfaction round due in ten days, answered by some; the demo logins `mentee` and
`mentee2` have not answered yet, so their home pages show it. Rounds are matched by title; answers are made
directly through the models with a seeded random generator, so every install looks the same.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from mentoring.models import Mentorship, Programme
from monitoring.models import Answer, Invitation, Question, QuestionSet, Response, SurveyRound
from monitoring.questionnaires import build_invitations, ensure_question_sets
from people.models import Organization, Person

UNANSWERED_LOGINS = {"mentee", "mentee2"}

TEXTS = {
    "growth": [
        "Пока трудно удерживать внимание всей группы на протяжении занятия.",
        "Не хватает времени на подготовку наглядных материалов.",
        "Сложно выстраивать общение с родителями, которые не согласны с оценками.",
        "Хочу научиться увереннее выступать перед коллегами.",
    ],
    "mentee-satisfaction": [
        "Хотелось бы чаще посещать занятия наставника, а не только разбирать свои.",
        "Всё устраивает, особенно разборы занятий сразу после урока.",
        "Было бы удобно встречаться в один и тот же день недели.",
        "Больше практики по оформлению документации.",
    ],
    "mentor-satisfaction": [
        "Не хватало времени в расписании на совместные занятия.",
        "Полезна была бы встреча наставников для обмена опытом раз в четверть.",
        "Хотелось бы методических материалов по работе с молодыми специалистами.",
    ],
}


def _at(day, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _programmes(org: Organization, states: list[str]) -> list[Programme]:
    return list(
        Programme.objects.filter(mentorship__organization=org, mentorship__state__in=states)
        .select_related("mentorship__mentor__user")
        .prefetch_related("mentorship__mentees__user")
        .order_by("start", "id")
    )


def _value(rng: random.Random, q: Question, level: float, texts: list[str]):
    """An answer to `q` for a respondent whose mood is `level` (0..1 of the scale)."""
    K = Question.Kind
    if q.kind == K.SCALE:
        span = q.scale_max - q.scale_min
        raw = q.scale_min + level * span + rng.choice([-1, 0, 0, 0, 1])
        return {"number": float(min(q.scale_max, max(q.scale_min, round(raw))))}
    if q.kind == K.CHOICE:
        weights = [max(1, len(q.choices) - i) ** 2 for i in range(len(q.choices))]
        return {"selected": [rng.choices(q.choices, weights=weights)[0]]}
    if q.kind == K.MULTIPLE:
        return {"selected": rng.sample(q.choices, k=min(len(q.choices), rng.choice([1, 2, 2, 3])))}
    if texts and rng.random() < 0.7:
        return {"text": rng.choice(texts)}
    return None


def _answer(invitation: Invitation, questions: list[Question], rng: random.Random, when, level, texts) -> int:
    """Answer `invitation`; `level(question)` gives the respondent's mood for that question."""
    response = Response.objects.create(invitation=invitation, submitted_at=when)
    rows = []
    for q in questions:
        values = _value(rng, q, level(q), texts)
        if values:
            rows.append(Answer(response=response, question=q, **values))
    Answer.objects.bulk_create(rows)
    invitation.answered_at = when
    invitation.save(update_fields=["answered_at"])
    return 1 + len(rows)


def _round(org, qset, title, *, moment, audience, programmes, launched, deadline, closed: bool, by) -> SurveyRound:
    survey = SurveyRound.objects.create(
        organization=org,
        question_set=qset,
        title=title,
        moment=moment,
        audience=audience,
        deadline=deadline,
        anonymous=True,
        launched_by=by,
        launched_at=_at(launched),
        status=SurveyRound.Status.CLOSED if closed else SurveyRound.Status.OPEN,
        closed_at=_at(deadline, 18) if closed else None,
    )
    survey.programmes.set(programmes)
    invitations = build_invitations(survey, programmes)
    for inv in invitations:
        inv.created_at = _at(launched)
    Invitation.objects.bulk_create(invitations)
    return survey


def _invitations(survey: SurveyRound) -> list[Invitation]:
    return list(survey.invitations.select_related("person__user").order_by("programme_id", "role", "person_id"))


def seed_questionnaires(org: Organization, people: dict[str, Person], by) -> int:
    """Create what the demo needs in `org` and return how many objects were new."""
    new = ensure_question_sets(org)
    sets = {s.code: s for s in QuestionSet.objects.filter(organization=org).exclude(code="")}
    have = set(SurveyRound.objects.filter(organization=org).values_list("title", flat=True))
    today = timezone.localdate()
    rng = random.Random(f"questionnaires-{org.slug}")  # noqa: S311 — demo answers, not secrets
    A, M = QuestionSet.Audience, SurveyRound.Moment
    finished = _programmes(org, [Mentorship.State.COMPLETED])
    active = _programmes(org, [Mentorship.State.ACTIVE])

    growth = sets["growth-self-assessment"]
    growth_questions = list(growth.questions.all())
    start_mood: dict[tuple[int, int], float] = {}
    if finished:
        first = min(p.start for p in finished)
        last = max(p.end for p in finished)
        title = "Самооценка профессионального роста: начало программы"
        if title not in have:
            survey = _round(
                org,
                growth,
                title,
                moment=M.START,
                audience=A.BOTH,
                programmes=finished,
                launched=first + timedelta(days=5),
                deadline=first + timedelta(days=19),
                closed=True,
                by=by,
            )
            for n, inv in enumerate(_invitations(survey)):
                base = rng.uniform(0.2, 0.45) if inv.role == Invitation.Role.MENTEE else rng.uniform(0.55, 0.75)
                for q in growth_questions:
                    start_mood[(inv.person_id, q.pk)] = base
                when = _at(first + timedelta(days=7 + n))
                new += _answer(inv, growth_questions, rng, when, lambda q, b=base: b, TEXTS["growth"])
        title = "Самооценка профессионального роста: окончание программы"
        if title not in have:
            survey = _round(
                org,
                growth,
                title,
                moment=M.END,
                audience=A.BOTH,
                programmes=finished,
                launched=last - timedelta(days=10),
                deadline=last + timedelta(days=4),
                closed=True,
                by=by,
            )
            gains = {
                Question.Domain.MOTIVATIONAL: 0.15,
                Question.Domain.COMPETENCE: 0.3,
                Question.Domain.PROFESSIONAL: 0.2,
            }
            for n, inv in enumerate(_invitations(survey)):
                grows = 1.0 if inv.role == Invitation.Role.MENTEE else 0.35

                def level(q, inv=inv, grows=grows):
                    start = start_mood.get((inv.person_id, q.pk), 0.35)
                    return min(1.0, start + grows * gains.get(q.domain, 0.1) + rng.uniform(-0.1, 0.1))

                when = _at(last - timedelta(days=8 - n))
                new += _answer(inv, growth_questions, rng, when, level, TEXTS["growth"])
        for code, audience, title in (
            ("mentee-satisfaction", A.MENTEE, "Удовлетворённость наставляемых: итоги программы"),
            ("mentor-satisfaction", A.MENTOR, "Удовлетворённость наставников: итоги программы"),
        ):
            if title in have:
                continue
            qset = sets[code]
            questions = list(qset.questions.all())
            survey = _round(
                org,
                qset,
                title,
                moment=M.ONCE,
                audience=audience,
                programmes=finished,
                launched=last - timedelta(days=10),
                deadline=last + timedelta(days=4),
                closed=True,
                by=by,
            )
            for n, inv in enumerate(_invitations(survey)):
                mood = rng.uniform(0.7, 0.92)
                when = _at(last - timedelta(days=7 - n))
                new += _answer(inv, questions, rng, when, lambda q, m=mood: m, TEXTS[code])

    title = "Удовлетворённость наставляемых: промежуточный срез"
    if active and title not in have:
        qset = sets["mentee-satisfaction"]
        questions = list(qset.questions.all())
        survey = _round(
            org,
            qset,
            title,
            moment=M.ONCE,
            audience=A.MENTEE,
            programmes=active,
            launched=today - timedelta(days=4),
            deadline=today + timedelta(days=10),
            closed=False,
            by=by,
        )
        for n, inv in enumerate(_invitations(survey)):
            user = inv.person.user
            if user is not None and user.username in UNANSWERED_LOGINS:
                continue
            mood = rng.uniform(0.6, 0.9)
            when = _at(today - timedelta(days=3 - n % 3))
            new += _answer(inv, questions, rng, when, lambda q, m=mood: m, TEXTS["mentee-satisfaction"])
    return new
