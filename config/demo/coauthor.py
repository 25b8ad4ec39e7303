"""The demo of choosing each other and writing the programme together (issue 17, points 2, 3 and 9).

In each organisation: two pairs formed from the banks and awaiting the people's answers (one already confirmed by
the mentor, the other declined by the mentee with the reason), a mentee who chose a mentor among those proposed, a
draft programme with the mentee's remarks and the mentor's answers, and a template the curator made.

New staff are added for the pairs, so the banks other parts of the demo use stay as they are; a second run adds
nothing (each piece is found by its people or its title).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from mentoring import choosing
from mentoring import matching as mm
from mentoring.models import (
    Mentorship,
    MentorshipEvent,
    PairConsent,
    Programme,
    ProgrammeTemplate,
    RowRemark,
    TemplateActivity,
    recount_places,
)
from people.models import (
    Consent,
    ConsentText,
    Direction,
    MenteeCategory,
    MenteeEntry,
    MentorEntry,
    MentoringForm,
    MentoringKind,
    Organization,
    Person,
    Purpose,
    Role,
)

# fmt: off
# (surname, name, patronymic, position, experience) of two mentors and two mentees per kind of organisation, the
# mentee's request, the mentor's offer, and the declining mentee's reason.
PEOPLE = {
    Organization.Kind.KINDERGARTEN: {
        "mentors": [
            ("Зуева", "Людмила", "Аркадьевна", "Воспитатель", 26,
             "Работа с детьми с нарушениями речи, организация режимных моментов, совместные проекты с семьями.",
             "Покажу, как спокойно провести утренний приём и прогулку, разберу с вами конспекты занятий."),
            ("Осипова", "Наталья", "Геннадьевна", "Старший воспитатель", 31,
             "Планирование по ФОП ДО, предметно-развивающая среда, подготовка к аттестации.",
             "Помогу выстроить планирование на год и подготовиться к первой аттестации."),
        ],
        "mentees": [
            ("Фомина", "Ксения", "Игоревна", "Воспитатель", 0, ("psychological", "methodical"),
             "Трудно удерживать внимание детей на занятиях; не всегда понимаю, как говорить с родителями "
             "о трудностях ребёнка."),
            ("Журавлёва", "Алина", "Сергеевна", "Воспитатель", 1, ("methodical",),
             "Не успеваю вести документацию группы; хочу научиться планировать образовательную деятельность на месяц."),
        ],
        "declined": "Работаем в разных корпусах и в разные смены: встречаться еженедельно не получится. "
                    "Прошу подобрать наставника из моего корпуса.",
    },
    Organization.Kind.SCHOOL: {
        "mentors": [
            ("Тихонова", "Ирина", "Владимировна", "Учитель русского языка и литературы", 24,
             "Подготовка к ОГЭ и ЕГЭ по русскому языку, проектная деятельность, работа с родителями.",
             "Открою для вас свои уроки в 9-х классах и помогу с технологическими картами."),
            ("Куликов", "Андрей", "Борисович", "Учитель математики", 19,
             "Формирующее оценивание, цифровые сервисы на уроке, классное руководство в 5–7 классах.",
             "Научу быстро проверять работы с помощью цифровых сервисов и вести класс без лишних конфликтов."),
        ],
        "mentees": [
            ("Белкина", "Ольга", "Романовна", "Учитель русского языка и литературы", 0, ("methodical", "subject"),
             "Не укладываюсь во время урока, трудно планировать подготовку к ОГЭ; класс шумный на последних уроках."),
            ("Сафонов", "Егор", "Павлович", "Учитель математики", 1, ("ict", "upbringing"),
             "Первый год классного руководства в 6 «В»: не знаю, как проводить классные часы и говорить с родителями."),
        ],
        "declined": "Хотел бы наставника по классному руководству из параллели шестых классов, а не из старшей школы.",
    },
}

# What each demo mentor teaches or leads (the bank's «предметы, возраст обучающихся»).
SUBJECTS = {
    "Зуева": "Средняя и старшая группы, дети 4–6 лет",
    "Осипова": "Все возрастные группы, методическое сопровождение воспитателей",
    "Тихонова": "Русский язык и литература, 5–9 классы",
    "Куликов": "Математика, 5–7 классы; классное руководство",
}

# The mentee's remarks on a draft programme: (a comment on the first, the second row; a proposed row).
REMARKS = {
    Organization.Kind.KINDERGARTEN: (
        ("Можно перенести это на вторую половину месяца? В начале месяца в группе адаптация новых детей.",
         "Учту: в первые две недели займёмся режимом дня, а это мероприятие проведём ближе к сроку."),
        ("Мне бы хотелось сначала посмотреть, как это делаете вы, а потом пробовать самой.",
         "Это и задумано: сначала вы посещаете моё занятие, потом я — ваше. Оставляем как есть."),
        ("Посещение родительского собрания в группе наставника", "Наблюдение",
         "Хочу увидеть, как проходит собрание, прежде чем проводить своё."),
    ),
    Organization.Kind.SCHOOL: (
        ("Прошу включить сюда разбор заданий ОГЭ: у меня два девятых класса.",
         "Учла: добавим задания ОГЭ в разбор технологической карты."),
        ("Можно провести это онлайн? По четвергам у меня шесть уроков.",
         "Очно полезнее: нужно увидеть класс. Подберём день с меньшей нагрузкой."),
        ("Взаимопосещение уроков в параллели 9-х классов", "Наблюдение урока",
         "Хочу сравнить, как разные учителя готовят к ОГЭ."),
    ),
}

# The curator's own template: for a teacher changing profile (kindergarten: to a speech group).
TEMPLATES = {
    Organization.Kind.KINDERGARTEN: {
        "title": "Воспитатель логопедической группы: первые полгода",
        "description": "Для воспитателя, который переходит в группу компенсирующей направленности.",
        "problem": "Нет опыта работы с детьми с тяжёлыми нарушениями речи и взаимодействия с учителем-логопедом.",
        "goals": "Освоить особенности работы в логопедической группе.",
        "content": "Изучение адаптированной программы, совместная работа с учителем-логопедом, посещение занятий, "
                   "консультации по коррекционной работе и работе с семьями.",
        "tasks": "Изучить адаптированную программу; освоить приёмы закрепления речевых навыков; "
                 "наладить работу с логопедом.",
        "results_planned": "Воспитатель самостоятельно проводит занятия и режимные моменты с речевыми задачами.",
        "meeting_schedule": "Раз в две недели, по вторникам после 13:00",
        "duration_months": 6,
        "rows": [
            (1, "legal", "Изучение адаптированной образовательной программы группы", "Изучение, консультация"),
            (1, "psychological", "Знакомство с речевыми картами детей вместе с учителем-логопедом", "Беседа"),
            (2, "methodical", "Посещение занятий учителя-логопеда и воспитателя-наставника", "Наблюдение"),
            (3, "methodical", "Планирование вечерней коррекционной работы по заданиям логопеда", "Консультация"),
            (4, "psychological", "Консультирование родителей по закреплению речевых навыков дома", "Встреча"),
            (6, "methodical", "Открытое занятие с речевыми задачами", "Открытое занятие, самоанализ"),
        ],
    },
    Organization.Kind.SCHOOL: {
        "title": "Первый год классного руководства",
        "description": "Для учителя, который впервые стал классным руководителем (в любом стаже).",
        "problem": "Нет опыта воспитательной работы с классом, планирования классных часов и работы с родителями.",
        "goals": "Освоить функции классного руководителя.",
        "content": "Изучение документов о классном руководстве, посещение классных часов наставника, совместная "
                   "подготовка родительского собрания, практикум по электронному журналу.",
        "tasks": "Составить план воспитательной работы; освоить проведение классных часов и родительских собраний.",
        "results_planned": "План воспитательной работы класса; проведённые классные часы и собрание.",
        "meeting_schedule": "Еженедельно, по пятницам после 7-го урока",
        "duration_months": 9,
        "rows": [
            (1, "legal", "Изучение положения о классном руководстве и рабочей программы воспитания", "Консультация"),
            (1, "upbringing", "Составление социального паспорта класса", "Совместная работа"),
            (2, "upbringing", "Посещение классного часа наставника", "Наблюдение"),
            (3, "psychological", "Подготовка и проведение первого родительского собрания", "Совместная подготовка"),
            (5, "ict", "Работа с электронным журналом и сообщениями родителям", "Практикум"),
            (9, "upbringing", "Открытый классный час", "Открытое мероприятие, самоанализ"),
        ],
    },
}
# fmt: on


def _consent(person: Person, purpose: str, days_ago: int) -> None:
    text = ConsentText.objects.current(person.organization, purpose)
    if text is not None and not Consent.objects.active().filter(person=person, purpose=purpose).exists():
        given = timezone.localdate() - timedelta(days=days_ago)
        Consent.objects.create(
            organization=person.organization, person=person, purpose=purpose, text=text, given_on=given
        )


def _person(org: Organization, spec: tuple, role: str) -> tuple[Person, bool]:
    surname, name, patronymic, position, years = spec[:5]
    person = Person.objects.filter(organization=org, surname=surname, name=name).first()
    if person is not None:
        return person, False
    person = Person.objects.create(
        organization=org, surname=surname, name=name, patronymic=patronymic, position=position, experience_years=years
    )
    person.roles.create(kind=role)
    _consent(person, Purpose.PERSONAL_DATA, 40)
    _consent(person, Purpose.DUTIES, 35)
    return person, True


def _banks(org: Organization, data: dict) -> tuple[list[Person], list[Person]]:
    codes = {d.code: d for d in Direction.objects.filter(organization=org)}
    mentors, mentees = [], []
    for spec in data["mentors"]:
        person, new = _person(org, spec, Role.Kind.MENTOR)
        if new:
            entry = MentorEntry.objects.create(
                organization=org,
                person=person,
                subjects=SUBJECTS.get(spec[0], spec[3]),
                motivation=spec[6],
                capacity=2,
                status=MentorEntry.Status.SELECTED,
                interview_date=timezone.localdate() - timedelta(days=30),
            )
            entry.competencies.set(
                [codes[c] for c in ("methodical", "psychological", "ict", "upbringing", "subject") if c in codes]
            )
        mentors.append(person)
    category = MenteeCategory.objects.get(organization=org, code="young-specialist")
    for spec in data["mentees"]:
        person, new = _person(org, spec, Role.Kind.MENTEE)
        if new:
            entry = MenteeEntry.objects.create(
                organization=org,
                person=person,
                category=category,
                difficulties=spec[6],
                request_date=timezone.localdate() - timedelta(days=25),
                status=MenteeEntry.Status.WAITING,
            )
            entry.directions.set([codes[c] for c in spec[5] if c in codes])
        mentees.append(person)
    return mentors, mentees


def _pair(org: Organization, mentor: Person, mentee: Person, by) -> Mentorship | None:
    if Mentorship.objects.filter(organization=org, mentor=mentor, mentees=mentee).exists():
        return None
    bank = mm.load_bank(org)
    mentee_data = next(e for e in bank.mentees if e.person_id == mentee.pk)
    mentor_data = next(t for t in bank.mentors if t.person_id == mentor.pk)
    match = mm.explain(mentee_data, mentor_data, bank.history)
    start = mm.first_of_next_month(timezone.localdate())
    m = Mentorship.objects.create(
        organization=org,
        mentor=mentor,
        planned_start=start,
        planned_end=mm.add_months(start, 9),
        form=MentoringForm.objects.filter(organization=org, code="teacher-teacher").first(),
        match_score=match.score,
        match_reasons=match.reasons,
        created_by=by,
    )
    m.mentees.set([mentee])
    m.kinds.set(MentoringKind.objects.filter(organization=org, code="traditional"))
    MentorshipEvent.objects.create(
        mentorship=m, actor=by, to_state=Mentorship.State.DRAFT, note="Предложена по подбору."
    )
    recount_places(mentor_ids=[mentor.pk])
    return m


def _answer(m: Mentorship, person: Person, decision: str, days_ago: int, reason: str = "") -> None:
    when = timezone.now() - timedelta(days=days_ago)
    PairConsent.objects.create(mentorship=m, person=person, decision=decision, reason=reason, decided_at=when)


def _remarks(org: Organization) -> int:
    """The mentee's remarks on the organisation's draft programme (or one still with the mentee), answered in part."""
    if RowRemark.objects.filter(programme__mentorship__organization=org).exists():
        return 0
    programme = (
        Programme.objects.filter(
            mentorship__organization=org, status__in=[Programme.Status.DRAFT, Programme.Status.SENT]
        )
        .select_related("mentorship__mentor")
        .order_by("status", "pk")
        .first()
    )
    if programme is None:
        return 0
    rows = list(programme.activities.order_by("position", "id")[:2])
    mentee = programme.mentorship.mentees.order_by("pk").first()
    if len(rows) < 2 or mentee is None:
        return 0
    (first, first_answer), (second, second_answer), (activity, form, why) = REMARKS[org.kind]
    now, mentor = timezone.now(), programme.mentorship.mentor
    RowRemark.objects.create(
        programme=programme,
        row=rows[0],
        kind=RowRemark.Kind.COMMENT,
        author=mentee,
        text=first,
        created_at=now - timedelta(days=6),
        state=RowRemark.State.ACCEPTED,
        answer=first_answer,
        answered_by=mentor,
        answered_at=now - timedelta(days=5),
    )
    RowRemark.objects.create(
        programme=programme,
        row=rows[1],
        kind=RowRemark.Kind.COMMENT,
        author=mentee,
        text=second,
        created_at=now - timedelta(days=4),
        state=RowRemark.State.ANSWERED,
        answer=second_answer,
        answered_by=mentor,
        answered_at=now - timedelta(days=3),
    )
    deadline = min(max(programme.start + timedelta(days=45), timezone.localdate() + timedelta(days=14)), programme.end)
    RowRemark.objects.create(
        programme=programme,
        kind=RowRemark.Kind.PROPOSAL,
        author=mentee,
        text=why,
        activity=activity,
        form=form,
        deadline=deadline,
        created_at=now - timedelta(days=1),
    )
    return 3


def _template(org: Organization) -> int:
    spec = TEMPLATES[org.kind]
    if ProgrammeTemplate.objects.filter(organization=org, title=spec["title"]).exists():
        return 0
    codes = {d.code: d for d in Direction.objects.filter(organization=org)}
    fields = {k: v for k, v in spec.items() if k != "rows"}
    template = ProgrammeTemplate.objects.create(organization=org, **fields)
    TemplateActivity.objects.bulk_create(
        TemplateActivity(
            template=template, position=n, month=month, direction=codes.get(code), activity=activity, form=form
        )
        for n, (month, code, activity, form) in enumerate(spec["rows"], start=1)
    )
    return 1


@transaction.atomic
def seed_coauthor(org: Organization) -> int:
    """Add the demo's proposals awaiting answers, a declined one, remarks on a draft programme and a curator's
    template to `org`; returns how many records were new."""
    data = PEOPLE.get(org.kind)
    curator = Person.objects.for_org(org).filter(roles__kind=Role.Kind.CURATOR, user__isnull=False).first()
    if data is None or curator is None:
        return 0
    made = 0
    mentors, mentees = _banks(org, data)
    # The first mentee chose her mentor among those proposed; the mentor confirmed, the mentee has not answered yet.
    entry = MenteeEntry.objects.filter(person=mentees[0]).first()
    if entry.preferred_mentor_id is None:
        entry.preferred_mentor, entry.preferred_at = mentors[0], timezone.now() - timedelta(days=9)
        entry.save(update_fields=["preferred_mentor", "preferred_at"])
    awaiting = _pair(org, mentors[0], mentees[0], curator.user)
    if awaiting is not None:
        _answer(awaiting, mentors[0], PairConsent.Decision.CONFIRMED, 2)
        made += 1
    # The second pair was declined by its mentee, with the reason; the curator looks for another mentor.
    declined = _pair(org, mentors[1], mentees[1], curator.user)
    if declined is not None:
        _answer(declined, mentors[1], PairConsent.Decision.CONFIRMED, 3)
        _answer(declined, mentees[1], PairConsent.Decision.DECLINED, 1, data["declined"])
        made += 1
    for m in (awaiting, declined):
        if m is not None:
            choosing._settle(Mentorship.objects.prefetch_related("mentees", "consents").get(pk=m.pk))
    return made + _remarks(org) + _template(org)
