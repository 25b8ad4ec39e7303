"""Demo data of the practices part of monitoring (issue 7), called by seed_demo for each organisation. Idempotent.

The kindergarten keeps two best practices — one saved from its completed pair (published, with a printed memo
as its material) and one written by two mentors — and has held its final event, where one mentor was
recommended for reward (the reward order is left for the curator to draft in the demo). The school keeps one
practice from its completed pair. A practice or an event is matched by its title: a second run adds nothing.
"""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.pdf import pdf_bytes
from mentoring.models import Mentorship
from monitoring.models import FinalEvent, Practice
from monitoring.practices import add_materials, practice_initial, validate_material
from people.models import Direction, MentoringForm, Organization, Person, Role

KINDERGARTEN_PAIR = {
    "mentor": "Захарова Ольга",
    "title": "Родительское собрание, которое слышат: опыт молодого воспитателя",
    "description": (
        "Молодой воспитатель вместе с наставником за полгода научилась готовить и проводить родительские "
        "собрания так, чтобы родители не только слушали, но и участвовали.\n\n"
        "Как это устроено. За две недели до собрания наставник и воспитатель разбирают запрос родителей "
        "(короткая анкета в чате группы), выбирают одну главную тему и готовят сценарий: приветствие, "
        "короткое выступление не дольше 10 минут, практическая часть (игра или мини-мастер-класс с детскими "
        "работами), ответы на вопросы и общее решение. Первое собрание наставник проводит вместе с воспитателем, "
        "второе воспитатель ведёт сама, а наставник наблюдает и потом разбирает ход собрания.\n\n"
        "Что получилось. Явка родителей выросла с 11 до 19 человек из 24; после собраний стало меньше "
        "конфликтных обращений к администрации. Воспитатель провела открытое собрание для коллег на "
        "методическом объединении.\n\n"
        "Что понадобится для повторения: памятка «Подготовка родительского собрания» (во вложении), "
        "анкета запроса родителей, 4–5 встреч наставника с воспитателем."
    ),
    "direction": "psychological",
    "memo": {
        "title": "Памятка для воспитателя",
        "subtitle": "Подготовка родительского собрания за две недели",
        "lead": (
            "Памятка составлена по итогам персонализированной программы наставничества «Адаптация молодого "
            "воспитателя в профессии». Её можно использовать при подготовке любого группового собрания."
        ),
        "steps": [
            "За две недели: разошлите родителям короткую анкету из трёх вопросов о том, что их волнует.",
            "Выберите одну главную тему по ответам; остальные вопросы оставьте для индивидуальных бесед.",
            "Подготовьте выступление не дольше 10 минут с двумя-тремя примерами из жизни группы.",
            "Продумайте практическую часть: игру, которую родители повторят дома, или выставку детских работ.",
            "Заранее договоритесь с наставником, кто отвечает на трудные вопросы и как завершить спор.",
            "В конце сформулируйте с родителями одно общее решение и запишите его в протокол.",
            "На следующий день разберите собрание с наставником: что удалось, что изменить в следующий раз.",
        ],
    },
}

KINDERGARTEN_STANDALONE = {
    "title": "Утренний круг как способ сплотить группу",
    "description": (
        "Ежедневный утренний круг (15–20 минут) помогает детям средней и старшей группы настроиться на день, "
        "научиться слушать друг друга и договариваться. Практику принесли в детский сад два наставника, "
        "а молодые воспитатели освоили её на взаимопосещениях.\n\n"
        "Порядок: приветствие по кругу, обмен новостями, выбор темы дня вместе с детьми, планирование "
        "деятельности, игра на сплочение. Воспитатель ведёт круг по карточке-схеме и постепенно передаёт роль "
        "ведущего детям.\n\n"
        "Результат: за учебный год в группах, где проводится утренний круг, заметно меньше конфликтов между "
        "детьми, а молодые воспитатели увереннее начинают день."
    ),
    "direction": "methodical",
    "authors": ["Фролова Галина", "Медведева Светлана"],
    "material": ("Карточка-схема утреннего круга.docx", "Карточка-схема утреннего круга"),
}

SCHOOL_PAIR = {
    "mentor": "Зайцева Людмила",
    "title": "Разбор урока «по горячим следам»: короткая обратная связь молодому учителю",
    "description": (
        "Наставник посещает урок молодого учителя и в тот же день проводит 15-минутный разбор по трём "
        "вопросам: что получилось, что мешало, что попробовать на следующем уроке. Молодой учитель записывает "
        "одно конкретное изменение и через неделю показывает урок, где оно применено.\n\n"
        "За время программы проведено 12 таких разборов; молодой учитель перестала «терять» класс во второй "
        "половине урока и подготовила открытый урок для методического объединения учителей начальных классов."
    ),
    "direction": "subject",
}

FINAL_EVENT = {
    "title": "Круглый стол «Наставничество в детском саду: итоги года»",
    "event_format": "Круглый стол",
    "guests": (
        "Методист информационно-методического центра управления образования; "
        "председатель родительского комитета детского сада."
    ),
    "outcome": (
        "Наставники и молодые воспитатели рассказали о результатах персонализированных программ: "
        "одна программа выполнена полностью, одна завершена досрочно по взаимному решению, три продолжаются.\n\n"
        "Решили:\n"
        "1. Внести в методическую копилку практики «Родительское собрание, которое слышат» и «Утренний круг».\n"
        "2. Рекомендовать к поощрению наставника Захарову О. Н. за полностью выполненную программу.\n"
        "3. В новом учебном году включить в банк наставников двух воспитателей, завершивших программу.\n"
        "4. Провести весной методический день с открытыми занятиями молодых воспитателей."
    ),
    "recommended": ["Захарова Ольга"],
}


def seed_practices(org: Organization, people: dict[str, Person], by) -> int:
    """Create what the demo needs in `org` and return how many objects were new."""
    if org.kind == Organization.Kind.KINDERGARTEN:
        new = _from_pair(org, people, by, KINDERGARTEN_PAIR, publish=True)
        new += _standalone(org, people, by, KINDERGARTEN_STANDALONE)
        new += _final_event(org, people, by, FINAL_EVENT)
        return new
    return _from_pair(org, people, by, SCHOOL_PAIR, publish=False)


def _direction(org: Organization, code: str) -> Direction | None:
    return Direction.objects.filter(organization=org, code=code).first()


def _completed_pair(org: Organization, mentor: Person) -> Mentorship | None:
    return Mentorship.objects.filter(organization=org, mentor=mentor, state=Mentorship.State.COMPLETED).first()


def _from_pair(org: Organization, people: dict[str, Person], by, spec: dict, *, publish: bool) -> int:
    if Practice.objects.filter(organization=org, title=spec["title"]).exists():
        return 0
    pair = _completed_pair(org, people[spec["mentor"]])
    if pair is None:
        return 0
    initial = practice_initial(pair)
    practice = Practice(
        organization=org,
        mentorship=pair,
        title=spec["title"],
        description=spec["description"],
        direction=_direction(org, spec["direction"]) or Direction.objects.filter(pk=initial["direction"]).first(),
        form_id=initial["form"],
        created_by=by,
        created_at=timezone.now() - timedelta(days=6),
    )
    practice.set_published(publish)
    practice.save()
    practice.authors.set(initial["authors"])
    memo = spec.get("memo")
    if memo:
        authors = ", ".join(p.short_name for p in practice.authors.order_by("surname", "name"))
        data = pdf_bytes(
            "monitoring/practices/memo.html",
            {"organization": org, **memo, "authors": f"Составители: {authors}"},
        )
        _attach(practice, f"{memo['title']} — {memo['subtitle']}.pdf", data)
    return 1


def _standalone(org: Organization, people: dict[str, Person], by, spec: dict) -> int:
    if Practice.objects.filter(organization=org, title=spec["title"]).exists():
        return 0
    practice = Practice.objects.create(
        organization=org,
        title=spec["title"],
        description=spec["description"],
        direction=_direction(org, spec["direction"]),
        form=MentoringForm.objects.filter(organization=org, code="teacher-teacher").first(),
        created_by=by,
        created_at=timezone.now() - timedelta(days=20),
    )
    practice.authors.set([people[name] for name in spec["authors"] if name in people])
    name, heading = spec["material"]
    _attach(practice, name, _docx(heading, spec["description"]))
    return 1


def _docx(heading: str, text: str) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(heading, level=1)
    for paragraph in text.split("\n\n"):
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _attach(practice: Practice, name: str, data: bytes) -> None:
    upload = SimpleUploadedFile(name, data)
    add_materials(practice, [(upload, validate_material(upload))])


def _final_event(org: Organization, people: dict[str, Person], by, spec: dict) -> int:
    if FinalEvent.objects.filter(organization=org, title=spec["title"]).exists():
        return 0
    event = FinalEvent.objects.create(
        organization=org,
        title=spec["title"],
        event_format=spec["event_format"],
        held_on=timezone.localdate() - timedelta(days=4),
        guests=spec["guests"],
        outcome=spec["outcome"],
        created_by=by,
    )
    pairs = Mentorship.objects.filter(
        organization=org, state__in=[Mentorship.State.ACTIVE, Mentorship.State.COMPLETED, Mentorship.State.ENDED_EARLY]
    )
    participants = {m.mentor_id for m in pairs} | set(pairs.values_list("mentees", flat=True))
    managers = Person.objects.filter(
        organization=org, roles__kind__in=[Role.Kind.HEAD, Role.Kind.CURATOR], left_on__isnull=True
    )
    participants |= set(managers.values_list("pk", flat=True))
    event.participants.set(Person.objects.filter(pk__in=participants))
    event.recommended.set([people[name] for name in spec["recommended"] if name in people])
    return 1
