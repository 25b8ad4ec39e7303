"""Issue 17, points 7, 8 and 10 in the demo: staff surveys with answers (accepted into the banks, declined, waiting),
issued certificates and a letter of thanks in both organisations, the municipality's targets for the year.

Run after the municipality exists; an organisation that already has a staff survey is left as it is (a second run
adds nothing).
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from config.demo.municipality import ORGS, SLUG
from monitoring import needs
from monitoring.models import MunicipalTarget, NeedsSurvey
from monitoring.municipal_status import save_targets
from monitoring.reports import academic_year_start
from people import notices
from people.models import Direction, MenteeCategory, Municipality, Organization, Person, Role
from roadmap import certificates
from roadmap.models import Certificate

# fmt: off
DIFFICULTIES = {
    Organization.Kind.KINDERGARTEN: [
        "Трудно удерживать внимание детей средней группы на занятии дольше десяти минут, особенно после прогулки.",
        "Не уверена, как говорить с родителями о трудностях ребёнка так, чтобы они не обижались.",
        "Путаюсь в планировании по ФОП ДО: не понимаю, как связать тематический план с рабочей программой группы.",
    ],
    Organization.Kind.SCHOOL: [
        "Не хватает времени на уроке: самостоятельная работа съедает объяснение новой темы, итог урока комкаю.",
        "Сложно с дисциплиной в 7-х классах: несколько учеников срывают урок, замечания не действуют.",
        "Не знаю, как готовить слабых учеников к ОГЭ, не теряя интерес сильных.",
    ],
}
OFFERS = [
    ("Двадцать лет веду открытые занятия и методическое объединение; помогу с планированием и самоанализом.", 2),
    ("Готова показывать свои уроки и разбирать чужие, умею выстраивать разговор с трудными родителями.", 1),
]
TARGETS = {
    "young_share": Decimal("90"),
    "mentees_with_mentor_share": Decimal("75"),
    "satisfaction_mentees": Decimal("80"),
    "satisfaction_mentors": Decimal("75"),
    "growth": Decimal("10"),
    "mentors": Decimal("12"),
    "pairs": Decimal("10"),
    "completed": Decimal("4"),
}
# fmt: on


def seed_surveys() -> str:
    """Seed both demo organisations and the municipality; return a line for the command's output."""
    made = {"answers": 0, "certificates": 0, "targets": 0}
    for org in Organization.objects.filter(slug__in=ORGS).order_by("slug"):
        if NeedsSurvey.objects.for_org(org).exists():
            continue
        with notices.silenced():
            made["answers"] += _staff_surveys(org)
        made["certificates"] += _certificates(org)
    municipality = Municipality.objects.filter(slug=SLUG).first()
    if municipality is not None and not MunicipalTarget.objects.filter(municipality=municipality).exists():
        year = academic_year_start(timezone.localdate())
        made["targets"] = save_targets(municipality, year, TARGETS, by=municipality.coordinator)
        save_targets(
            municipality, year - 1, {k: v * Decimal("0.9") for k, v in TARGETS.items()}, by=municipality.coordinator
        )
    return (
        f"Анкетирование работников, справки и цели: ответов {made['answers']}, справок и писем "
        f"{made['certificates']}, целевых показателей {made['targets']}."
    )


def _curator(org: Organization) -> Person | None:
    return Person.objects.for_org(org).filter(roles__kind=Role.Kind.CURATOR, user__isnull=False).first()


def _head(org: Organization) -> Person | None:
    return Person.objects.for_org(org).filter(roles__kind=Role.Kind.HEAD, user__isnull=False).first()


def _staff_surveys(org: Organization) -> int:
    curator = _curator(org)
    if curator is None:
        return 0
    by = curator.user
    today = timezone.localdate()
    directions = list(Direction.objects.filter(organization=org, is_active=True).order_by("position")[:6])
    answered = 0
    try:
        survey = needs.launch(
            org,
            kind=NeedsSurvey.Kind.NEEDS,
            title="Выявление профессиональных затруднений педагогов",
            intro="Коллеги, отметьте, с чем в работе вам нужна помощь. По ответам мы подберём наставников.",
            deadline=today + timedelta(days=10),
            audience=needs.Audience(experience_max=5),
            by=by,
        )
    except ValidationError:
        survey = None
    if survey is not None:
        NeedsSurvey.objects.filter(pk=survey.pk).update(launched_at=timezone.now() - timedelta(days=12))
        texts = DIFFICULTIES.get(org.kind, DIFFICULTIES[Organization.Kind.SCHOOL])
        category = MenteeCategory.objects.filter(organization=org, code="young-specialist").first()
        for n, answer in enumerate(survey.answers.select_related("person")[: len(texts)]):
            needs.submit(
                answer,
                text=texts[n],
                directions=directions[n : n + 2],
                wants_mentor=True,
                subjects="",
                capacity=None,
            )
            answered += 1
            if n == 0:
                # Without consent to process personal data the answer waits, as on the page.
                with contextlib.suppress(ValidationError):
                    needs.accept(answer, by=by, category=category, note="Внесено в банк, подбираем наставника.")
    try:
        candidates = needs.launch(
            org,
            kind=NeedsSurvey.Kind.CANDIDATES,
            title="Анкета кандидата в наставники",
            intro="Если вы готовы делиться опытом с молодыми коллегами, расскажите, в чём можете помочь.",
            deadline=today + timedelta(days=20),
            audience=needs.Audience(experience_min=10),
            by=by,
        )
    except ValidationError:
        return answered
    for n, answer in enumerate(candidates.answers.select_related("person")[: len(OFFERS)]):
        text, capacity = OFFERS[n]
        needs.submit(
            answer,
            text=text,
            directions=directions[n * 2 : n * 2 + 3],
            wants_mentor=False,
            subjects="",
            capacity=capacity,
        )
        answered += 1
    first = candidates.answers.filter(answered_at__isnull=False).order_by("pk").first()
    if first is not None:
        with contextlib.suppress(ValidationError):
            needs.accept(first, by=by, note="Рекомендована методическому совету.")
    return answered


def _certificates(org: Organization) -> int:
    curator, head = _curator(org), _head(org)
    if curator is None:
        return 0
    issued = 0
    for n, (person, ground) in enumerate(_candidates(org)[:4]):
        by = head.user if (head and n == 0) else curator.user  # the first one signed electronically by the head
        certificates.issue(org, person, ground, by=by, on=timezone.localdate() - timedelta(days=6 - n))
        issued += 1
    return issued


def _candidates(org: Organization):
    """Participation certificates for the finished pairs first, then a letter of thanks for a rewarded mentor."""
    found = certificates.candidates(org)
    thanks = [c for c in found if c[1].kind == Certificate.Kind.THANKS][:1]
    participation = [c for c in found if c[1].kind == Certificate.Kind.PARTICIPATION]
    participation.sort(key=lambda c: c[1].mentorship.state == "active")
    return participation[:3] + thanks
