"""The demo of issue 17 points 4–6: the methodical council's rights and its work, short forms of mentoring, and the
programme's events.

Both organisations let the council propose pairs and read monitoring; the school also has the council agree each
programme before the curator approves it (the kindergarten keeps the shorter chain its regulation describes). The
school's approved programme carries the council's «согласовано», its acknowledged one waits for it. Each
organisation gets situational and speed mentoring records and events held and planned, one held event completing
its roadmap activity. A second run adds nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from mentoring.models import PairProposal, Programme, ShortMentoring
from monitoring.models import Event
from people.models import MenteeEntry, MentorEntry, Organization, Person, Role
from roadmap.models import Roadmap

S = ShortMentoring.Kind
K = Event.Kind
# fmt: off
# (kind, days ago, mentor, mentees, request, result) — the people by surname.
SHORT = {
    Organization.Kind.KINDERGARTEN: [
        (S.SITUATIONAL, 12, "Захарова", ["Никитина"],
         "Ребёнок в группе не отпускает маму на утреннем приёме уже неделю: как построить разговор с семьёй.",
         "Разобрали приёмы мягкого расставания, договорились о ритуале прощания и коротком отчёте маме в обед."),
        (S.SPEED, 25, "Орлова", ["Волкова", "Лебедев"],
         "Короткие речевые разминки для младшей группы: какие подойдут для утреннего круга.",
         "Учитель-логопед показала четыре разминки; воспитатели попробуют их две недели и расскажут на педчасе."),
        (S.SITUATIONAL, 40, "Фролова", ["Романова"],
         "Подготовка к первому открытому показу занятия для родителей.",
         "Составили план показа, выбрали тему «Осенние листья», порепетировали начало занятия."),
    ],
    Organization.Kind.SCHOOL: [
        (S.SPEED, 9, "Зайцева", ["Кудрявцева", "Коновалов", "Сергеева"],
         "Скоростные консультации на методическом дне: как за пять минут проверить понимание темы.",
         "Каждый участник унёс три приёма формирующего оценивания и карточку с вопросами для выхода из урока."),
        (S.SITUATIONAL, 21, "Богданова", ["Гаврилова"],
         "Конфликт с родителем ученика из-за оценки за контрольную работу: как подготовиться к встрече.",
         "Продумали порядок разговора с опорой на критерии оценивания; встреча прошла спокойно, вопрос закрыт."),
        (S.SITUATIONAL, 48, "Денисов", ["Коновалов"],
         "Как организовать лабораторную работу по физике в классе из 30 человек при нехватке оборудования.",
         "Перестроили работу в группах по станциям; наставник передал раздаточные карточки."),
    ],
}
# (kind, title, days from today (negative: past), place, description, results or "", roadmap words, published)
EVENTS = {
    Organization.Kind.KINDERGARTEN: [
        (K.SEMINAR, "Персонализированная программа: как поставить цели и выбрать мероприятия", -45,
         "Методический кабинет",
         "Разбор шаблона программы, работа в парах над целями и задачами.",
         "Наставники и молодые воспитатели разобрали шаблон программы; каждая пара сформулировала цели на полугодие.",
         "установочную встречу наставников", True),
        (K.MASTER_CLASS, "Речевые игры в режимных моментах", -18, "Музыкальный зал",
         "Мастер-класс учителя-логопеда для воспитателей.",
         "Показаны восемь речевых игр; собрана картотека игр для групп, она размещена в методической копилке.",
         "", True),
        (K.SCHOOL, "Школа наставника: занятие «Обратная связь без оценки»", 10, "Методический кабинет",
         "Практикум: как наблюдать занятие коллеги и давать обратную связь.", "", "", False),
        (K.CONTEST, "Конкурс «Воспитатель года детского сада»: внутренний этап", 35, "Музыкальный зал",
         "Открытые занятия молодых воспитателей, оценка жюри из наставников.", "", "", True),
    ],
    Organization.Kind.SCHOOL: [
        (K.SEMINAR, "Методический семинар для наставников: персонализированная программа", -30, "Кабинет 214",
         "Как составить программу по запросу молодого учителя, типичные ошибки.",
         "Участники составили проекты программ для своих пар; решено согласовывать их в методическом совете.",
         "Методический семинар для наставников", True),
        (K.COMMUNITY, "Встреча сообщества наставников: что работает на первых уроках", -7, "Учительская",
         "Обмен приёмами начала урока.",
         "Собрали 12 приёмов «входа в урок», договорились о взаимопосещениях в декабре.",
         "", False),
        (K.MASTER_CLASS, "Мастер-класс «Формирующее оценивание на уроках математики»", 14, "Кабинет 305",
         "Зайцева Л. П. показывает приёмы формирующего оценивания.", "", "", True),
        (K.CONTEST, "Конкурс профессионального мастерства «Педагогический дебют»", 60, "Актовый зал",
         "Внутришкольный конкурс молодых учителей: урок, мастер-класс, эссе.", "", "", True),
    ],
}
# fmt: on


def _member(org: Organization) -> Person | None:
    """A council member who is neither the curator nor a mentor (no one agrees their own programme), else any."""
    council = Person.objects.for_org(org).filter(roles__kind=Role.Kind.COUNCIL).order_by("pk")
    return (
        council.exclude(roles__kind__in=[Role.Kind.CURATOR, Role.Kind.MENTOR]).first()
        or council.exclude(roles__kind=Role.Kind.CURATOR).first()
    )


def _by_surname(org: Organization) -> dict[str, Person]:
    return {p.surname: p for p in Person.objects.for_org(org)}


def seed_council(org: Organization, by) -> int:
    """The council's rights, its proposals and agreement, short forms and events; returns how many records it made."""
    people = _by_surname(org)
    school = org.kind == Organization.Kind.SCHOOL
    org.council_proposes_pairs = org.council_sees_monitoring = True
    org.council_reviews_programmes = school
    org.save(update_fields=["council_proposes_pairs", "council_sees_monitoring", "council_reviews_programmes"])
    made = _proposals(org, by) + _short_forms(org, people, by) + _events(org, people, by)
    member = _member(org)
    if school and member is not None:
        agreed = (
            Programme.objects.filter(
                mentorship__organization=org, status=Programme.Status.APPROVED, council_agreed_at__isnull=True
            )
            .order_by("pk")
            .first()
        )
        if agreed is not None:
            when = agreed.approved_at - timedelta(days=2)
            Programme.objects.filter(pk=agreed.pk).update(council_agreed_at=when, council_agreed_by=member)
            made += 1
    return made


def _proposals(org: Organization, by) -> int:
    if PairProposal.objects.for_org(org).exists():
        return 0
    member = _member(org)
    mentors = list(MentorEntry.objects.filter(organization=org, status=MentorEntry.Status.SELECTED).order_by("pk"))
    waiting = list(MenteeEntry.objects.filter(organization=org, status=MenteeEntry.Status.WAITING).order_by("pk"))
    if member is None or len(mentors) < 2 or len(waiting) < 2:
        return 0
    open_one = PairProposal.objects.create(
        organization=org,
        mentor=mentors[0],
        proposed_by=member,
        reasons="Наставник ведёт тот же предмет (возрастную группу), стаж больше 15 лет, сам предложил помочь с "
        "запросом о работе с родителями.",
    )
    open_one.mentees.set([waiting[0]])
    declined = PairProposal.objects.create(
        organization=org,
        mentor=mentors[1],
        proposed_by=member,
        reasons="Опыт подготовки к аттестации совпадает с запросом наставляемого.",
        status=PairProposal.Status.DECLINED,
        decided_by=by,
        decided_at=timezone.now() - timedelta(days=3),
        answer="У наставника уже две пары в этом году; вернёмся к предложению после их завершения.",
    )
    declined.mentees.set([waiting[1]])
    return 2


def _short_forms(org: Organization, people: dict[str, Person], by) -> int:
    if ShortMentoring.objects.for_org(org).exists():
        return 0
    today, made = timezone.localdate(), 0
    for kind, days, mentor, mentees, request, result in SHORT.get(org.kind, []):
        chosen = [people[s] for s in mentees if s in people]
        if mentor not in people or not chosen:
            continue
        record = ShortMentoring.objects.create(
            organization=org,
            kind=kind,
            date=today - timedelta(days=days),
            request=request,
            result=result,
            created_by=by,
        )
        record.mentors.set([people[mentor]])
        record.mentees.set(chosen)
        made += 1
    return made


def _events(org: Organization, people: dict[str, Person], by) -> int:
    if Event.objects.for_org(org).exists():
        return 0
    today, made = timezone.localdate(), 0
    roadmap = Roadmap.objects.current_for(org)
    curator = Person.objects.for_org(org).filter(roles__kind=Role.Kind.CURATOR).first()
    mentors = list(Person.objects.for_org(org).filter(Q(roles__kind=Role.Kind.MENTOR)).distinct().order_by("pk")[:6])
    mentees = list(Person.objects.for_org(org).filter(roles__kind=Role.Kind.MENTEE).distinct().order_by("pk")[:6])
    for kind, title, days, place, description, results, words, published in EVENTS.get(org.kind, []):
        event = Event.objects.create(
            organization=org,
            kind=kind,
            title=title,
            date=today + timedelta(days=days),
            place=place,
            description=description,
            is_published=published,
            created_by=by,
        )
        event.organisers.set([curator] if curator else [])
        event.participants.set([*mentors, *mentees])
        if words and roadmap is not None:
            event.activities.set(roadmap.activities.filter(content__icontains=words)[:1])
        if results:
            event.hold(results=results)
        made += 1
    return made
