"""The meeting log part of the demo: every working or finished pair met about every two weeks, its mentees rated
the meetings, and in each organisation one working pair has gone quiet long enough to be flagged.

Dates are counted back from today; a pair that already has meetings is left as it is (a second run adds nothing).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from mentoring.models import Meeting, MeetingFeedback, Mentorship, PlanActivity
from people.models import Organization, Person

F = Meeting.Format
# fmt: off
# Topic, format, what was done, what was agreed: the everyday work of a kindergarten teacher and her mentor.
KINDERGARTEN = [
    ("Знакомство и профессиональный запрос", F.IN_PERSON,
     "Обсудили первые недели работы в группе, трудности с планированием дня и ожидания от наставничества.",
     "Вести дневник затруднений; к следующей встрече выбрать два занятия для совместного разбора."),
    ("Наблюдение занятия по развитию речи в средней группе", F.LESSON_VISIT,
     "Наставник посетила занятие, отметила удачное начало и затянутую практическую часть; разобрали хронометраж.",
     "Переработать конспект занятия: сократить объяснение, добавить подвижную паузу."),
    ("Планирование образовательной деятельности на месяц", F.CONSULTATION,
     "Разобрали комплексно-тематическое планирование, составили план на месяц с учётом рабочей программы группы.",
     "Заполнить календарный план на следующую неделю и показать наставнику."),
    ("Режимные моменты: утренний приём и прогулка", F.LESSON_VISIT,
     "Понаблюдали утренний приём детей, обсудили, как распределить внимание между детьми и родителями.",
     "Попробовать приём «утренний круг», отметить, как меняется настроение группы."),
    ("Подготовка к родительскому собранию", F.IN_PERSON,
     "Составили план собрания, подобрали фотографии занятий, отрепетировали выступление о возрастных особенностях.",
     "Разослать родителям приглашение и короткую анкету до пятницы."),
    ("Развивающая предметно-пространственная среда группы", F.JOINT_EVENT,
     "Вместе обновили центр речевого развития и уголок экспериментирования, обсудили требования ФОП ДО.",
     "Подобрать настольные игры для речевого центра, составить список на закупку."),
    ("Самоанализ открытого занятия", F.ONLINE,
     "Разобрали видеозапись занятия по ФЭМП: цели достигнуты, дети активны; не хватило итоговой рефлексии.",
     "Подготовить три варианта рефлексии для детей пяти лет."),
    ("Трудный разговор с родителями воспитанника", F.CONSULTATION,
     "Разыграли разговор по ролям, обсудили, как опираться на наблюдения за ребёнком, а не на оценки.",
     "Провести встречу с семьёй вместе с педагогом-психологом, результат обсудить на следующей встрече."),
]
# The same for a schoolteacher.
SCHOOL = [
    ("Знакомство и профессиональный запрос", F.IN_PERSON,
     "Обсудили нагрузку, классы и первые трудности: дисциплина на уроке и проверка тетрадей занимают много времени.",
     "Составить список из трёх самых острых вопросов; посетить урок наставника в 7 «А»."),
    ("Открытый урок наставника в 7 «А»", F.LESSON_VISIT,
     "Наставляемая посетила урок наставника, разобрали приёмы включения класса в работу в первые пять минут.",
     "Применить приём «вход в урок» в двух своих классах и записать наблюдения."),
    ("Технологическая карта урока", F.CONSULTATION,
     "Составили технологическую карту урока физики по ФГОС: цели, планируемые результаты, этапы и оценивание.",
     "По образцу составить карту урока по новой теме и прислать наставнику накануне урока."),
    ("Наблюдение урока в 8 «Б»", F.LESSON_VISIT,
     "Наставник посетила урок, отметила удачную постановку проблемы и перегруженную самостоятельную работу.",
     "Сократить самостоятельную работу до двух заданий разного уровня, добавить самопроверку по образцу."),
    ("Оценивание и обратная связь ученикам", F.ONLINE,
     "Обсудили критерии оценивания лабораторных работ и короткие письменные комментарии вместо одной отметки.",
     "Подготовить лист критериев для лабораторной работы и опробовать его в 8 «Б»."),
    ("Подготовка к родительскому собранию", F.IN_PERSON,
     "Составили план выступления об успеваемости класса, подобрали примеры работ, обсудили сложные вопросы.",
     "Разослать родителям повестку через электронный журнал."),
    ("Подготовка учащихся к ВПР", F.CONSULTATION,
     "Разобрали демоверсию ВПР, выделили темы с типичными ошибками, составили план повторения на три недели.",
     "Провести входную диагностику в двух классах, результаты принести на встречу."),
    ("Школьная неделя естественных наук", F.JOINT_EVENT,
     "Вместе провели игру-квест для шестиклассников, наставляемая вела станцию «Опыты с магнитами».",
     "Подготовить заметку о неделе для школьного сайта и собрать отзывы учеников."),
]
# fmt: on
COMMENTS = {
    5: "Очень полезно, сразу применила на следующем занятии.",
    4: "Полезно, хотелось бы больше времени на разбор примеров.",
    3: "Часть вопросов не успели обсудить, перенесли на следующую встречу.",
}
# Per-meeting ratings, oldest first, by the pair's health: working well, or going quiet and losing interest.
RISING, FADING = (4, 4, 5, 4, 5, 5, 5, 5), (5, 4, 4, 4, 3, 3, 3, 3)
EVERY = 14  # days between meetings
QUIET_DAYS = 36  # the flagged pair's last meeting: five weeks ago, past the default three


def seed_meetings(org: Organization, flagged_mentor: Person | None) -> int:
    """A meeting log for each working or finished pair; `flagged_mentor`'s longest-working pair goes quiet."""
    today = timezone.localdate()
    topics = KINDERGARTEN if org.kind == Organization.Kind.KINDERGARTEN else SCHOOL
    pairs = list(
        Mentorship.objects.filter(organization=org, started_on__isnull=False)
        .exclude(state__in=[Mentorship.State.DRAFT, Mentorship.State.PROPOSED])
        .select_related("mentor")
        .order_by("pk")
    )
    quiet = next(
        (m for m in sorted(pairs, key=lambda m: m.started_on) if m.mentor == flagged_mentor and m.state == "active"),
        None,
    )
    added = 0
    for m in pairs:
        if m.meetings.exists():
            continue
        last = m.ended_on or today - timedelta(days=3)
        if m == quiet:
            last = today - timedelta(days=QUIET_DAYS)
        added += _seed_log(m, topics, m.started_on, last, FADING if m == quiet else RISING)
    return added


def _seed_log(m: Mentorship, topics: list, start: date, last: date, ratings: tuple[int, ...]) -> int:
    # The latest meetings, two weeks apart, back from `last`; a pair that started less than a week ago has none yet.
    days = [last - timedelta(days=EVERY * n) for n in range(len(topics))]
    days = sorted(d for d in days if d >= start + timedelta(days=5))
    mentees = list(m.mentees.order_by("pk"))
    done_rows = list(PlanActivity.objects.filter(programme__mentorship=m, done_on__isnull=False).order_by("done_on"))
    for n, day in enumerate(days):
        topic, form, done, next_steps = topics[n]
        meeting = Meeting.objects.create(
            organization=m.organization,
            mentorship=m,
            date=day,
            format=form,
            topic=topic,
            done=done,
            next_steps=next_steps,
            author=m.mentor,
        )
        previous = days[n - 1] if n else start
        meeting.plan_rows.set([r for r in done_rows if previous < r.done_on <= day])
        rating = ratings[-len(days) + n] if len(days) <= len(ratings) else ratings[n % len(ratings)]
        for k, mentee in enumerate(mentees):
            if (n + k) % 4 == 3:  # not everyone rates every meeting
                continue
            mark = max(1, rating - k % 2)
            MeetingFeedback.objects.create(meeting=meeting, mentee=mentee, rating=mark, comment=COMMENTS.get(mark, ""))
    return len(days)
