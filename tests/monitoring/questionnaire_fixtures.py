"""Builders for the questionnaire tests: an organisation's programmes and a round launched over them."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from mentoring.models import Mentorship, Programme
from monitoring.models import Question, QuestionSet, SurveyRound
from monitoring.questionnaires import launch_round, surveyable_programmes
from tests.mentoring.pair_fixtures import make_pair, programme


def active_programme(mentor, *mentees, state: str = Mentorship.State.ACTIVE) -> Programme:
    return programme(make_pair(mentor, *mentees, state=state))


def small_set(org, *, audience: str = QuestionSet.Audience.BOTH, title: str = "Короткая анкета") -> QuestionSet:
    """A scale 1–10, a required choice, an optional multiple choice and an optional free text."""
    qset = QuestionSet.objects.create(organization=org, title=title, audience=audience)
    K = Question.Kind
    Question.objects.bulk_create(
        [
            Question(question_set=qset, position=1, text="Насколько вы довольны?", kind=K.SCALE, scale_max=10),
            Question(question_set=qset, position=2, text="Советуете коллегам?", kind=K.CHOICE, choices=["Да", "Нет"]),
            Question(
                question_set=qset,
                position=3,
                text="Что помогло?",
                kind=K.MULTIPLE,
                choices=["Разбор занятий", "Консультации", "Документы"],
                required=False,
            ),
            Question(question_set=qset, position=4, text="Что изменить?", kind=K.TEXT, required=False),
        ]
    )
    return qset


def questions_of(qset: QuestionSet) -> dict[str, Question]:
    return {q.kind: q for q in qset.questions.all()}


def launch(
    org, qset: QuestionSet, *, audience=None, anonymous: bool = True, days: int = 10, notify=False
) -> SurveyRound:
    survey, _ = launch_round(
        org,
        question_set=qset,
        programmes=surveyable_programmes(org),
        deadline=timezone.localdate() + timedelta(days=days),
        audience=audience or qset.audience,
        anonymous=anonymous,
        notify=notify,
    )
    return survey


def valid_answers(qset: QuestionSet, *, scale: int = 8, text: str = "Больше практики") -> dict:
    q = questions_of(qset)
    return {
        f"q{q['scale'].pk}": str(scale),
        f"q{q['choice'].pk}": "Да",
        f"q{q['multiple'].pk}": ["Разбор занятий", "Консультации"],
        f"q{q['text'].pk}": text,
    }
