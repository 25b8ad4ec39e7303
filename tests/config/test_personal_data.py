"""The purge leaves nothing of the person behind: a marker planted in every text field reachable from a person is
found nowhere in the database or the media folder afterwards, and every such field is declared in the register.

«Reachable» is worked out here by walking the models' own relations (up to three foreign keys or many-to-many
links from a row to the person or their account), not read from the register: a field added tomorrow is
planted too, and the register test fails until someone decides what a purge does to it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from axes.models import AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models
from django.urls import reverse

from mentoring.models import CalendarFeed, ChangeRequest, MentorshipEvent, SupportRecord
from monitoring.models import AnalyticReport, Answer, FinalEvent, NewsItem, Practice, ProgrammeResult, Response
from people import notices
from people.models import AuditEvent, Notice, Organization, Person, Purpose
from people.personal_data import KEEP, NAME, places
from people.services import purge_person, withdraw_consent
from roadmap.models import Acknowledgement, Order, OrderEvent
from tests.mentoring.programme_fixtures import active_pair, programme_with_rows
from tests.monitoring.questionnaire_fixtures import launch, questions_of, small_set
from tests.people.bank_fixtures import mentee_entry, mentor_entry
from tests.people.consent_fixtures import give, png_bytes, upload
from tests.roadmap.approval_fixtures import make_order

MARK = "MARKER-7f3a"
User = get_user_model()
# Relations the walk does not follow: every row of an organisation reaches everyone through these.
NOT_THROUGH = {"people.Organization", "people.Municipality", "contenttypes.ContentType", "auth.Group"}
TARGETS = {"people.Person", settings.AUTH_USER_MODEL}

pytestmark = pytest.mark.time_machine("2026-01-20 10:00 +03:00", tick=False)


def paths_to_person(model: type[models.Model], depth: int = 3) -> list[tuple[str, str]]:
    """Lookups from `model` to a person or an account: [("programme__mentorship__mentees", "people.Person")]."""
    found: list[tuple[str, str]] = []

    def walk(current: type[models.Model], prefix: str, left: int) -> None:
        for f in [*current._meta.fields, *current._meta.many_to_many]:
            if not (f.is_relation and f.related_model):
                continue
            target = f.related_model._meta.label
            lookup = f"{prefix}{f.name}"
            if target in TARGETS:
                found.append((lookup, target))
            elif left > 1 and target not in NOT_THROUGH:
                walk(f.related_model, lookup + "__", left - 1)

    walk(model, "", depth)
    return found


def text_fields(model: type[models.Model]) -> list[models.Field]:
    """Fields that can hold free text: characters, JSON, files; not choices (a status names no one)."""
    kinds = (models.CharField, models.TextField, models.JSONField, models.FileField)
    return [f for f in model._meta.concrete_fields if isinstance(f, kinds) and not f.choices and not f.primary_key]


def linked_models() -> Iterator[tuple[type[models.Model], list[tuple[str, str]]]]:
    for model in apps.get_models():
        if model._meta.label in TARGETS:
            yield model, [("pk", model._meta.label)]
        elif paths := paths_to_person(model):
            yield model, paths


def declarations(model: type[models.Model]) -> dict[str, set[str]]:
    """{field: {actions}} the register declares for the model (a history table: those of its model)."""
    base = getattr(model, "instance_type", None)
    label = (base or model)._meta.label
    declared: dict[str, set[str]] = {}
    for place in places():
        if place.model == model._meta.label or (place.model == label and (place.history or place.action == KEEP)):
            names = place.fields or tuple(f.name for f in text_fields(model))
            if base is not None and place.history:
                names = (*names, "history_change_reason")
            for name in names:
                declared.setdefault(name, set()).add(place.action)
    return declared


def test_every_text_field_reachable_from_a_person_is_in_the_register():
    missing = [
        f"{model._meta.label}.{f.name}"
        for model, _ in linked_models()
        for f in text_fields(model)
        if f.name not in declarations(model)
    ]
    assert not missing, "Не описаны в реестре персональных данных (people/personal_data.py): " + ", ".join(missing)


@pytest.mark.django_db
def test_the_register_names_real_models_fields_and_lookups():
    for place in places():
        model = place.get_model()
        for name in place.fields:
            assert model._meta.get_field(name), f"{place.model}.{name}"
        if place.reach:  # a lookup that does not exist raises FieldError
            model._default_manager.filter(**{f"{place.reach}__isnull": True}, **place.where).exists()


# --- the scenario: a teacher who took part in everything, then withdrew the personal-data consent ---


def build_scenario(mentee, mentor, curator) -> dict:
    org, person = mentee.org, mentee.person
    give(person, scan=upload("скан.png", png_bytes(), "image/png"))
    entry = mentee_entry(person)
    mentor_entry(person)
    SupportRecord.objects.create(organization=org, entry=entry, description="поддержка", given_by=curator.person)
    pair = active_pair(mentor.person, person)
    programme = programme_with_rows(pair, rows=2)
    programme.activities.update(mentee_reflection="рефлексия", mentor_note="отметка")
    for row in programme.activities.all():
        row.save()  # a second copy in the history
    MentorshipEvent.objects.create(mentorship=pair, to_state=pair.state, note="основание")
    ChangeRequest.objects.create(
        mentorship=pair, kind=ChangeRequest.Kind.CHANGE_MENTOR, requested_by=person, reason="причина"
    )
    ChangeRequest.objects.create(
        mentorship=pair, kind=ChangeRequest.Kind.RELEASE, requested_by=mentor.person, reason="причина наставника"
    )
    order = make_order(org, author=curator.user, status=Order.Status.SUBMITTED)
    Acknowledgement.objects.create(order=order, person=person)
    OrderEvent.objects.create(order=order, actor=mentee.user, action=OrderEvent.Action.ACKNOWLEDGED, comment="x")
    qset = small_set(org)
    launch(org, qset)
    invitation = person.invitations.get()
    response = Response.objects.create(invitation=invitation)
    Answer.objects.create(response=response, question=questions_of(qset)["text"], text="ответ")
    notices.tell(person, notices.Kind.PAIR, "Вы закреплены наставляемым", subject="пара")
    AuditEvent.objects.create(kind=AuditEvent.Kind.LOGIN, user=mentee.user, username=mentee.user.username)
    CalendarFeed.for_user(mentee.user)
    Practice.objects.create(organization=org, title="Практика", description="Описание").authors.add(person)
    FinalEvent.objects.create(
        organization=org, title="Итоговое мероприятие", held_on=date(2026, 1, 20)
    ).participants.add(person)
    NewsItem.objects.create(organization=org, title="Новость", body="Текст")
    ProgrammeResult.objects.create(organization=org, mentorship=pair, summary="Итоги")
    AnalyticReport.objects.create(organization=org, period_start=date(2025, 9, 1), period_end=date(2026, 5, 31))
    return {"pair": pair, "order": order}


def plant(person: Person) -> dict[str, str]:
    """Put a distinct marker in every text field of every row reachable from the person that the register does not
    declare kept; return {marker: "model.field"}. Files get the marker in their name and their content."""
    counter = itertools.count(1)
    planted: dict[str, str] = {}
    for model, paths in linked_models():
        declared = declarations(model)
        fields = [f for f in text_fields(model) if declared.get(f.name, set()) - {KEEP, NAME}]
        if not fields:
            continue
        condition = models.Q()
        for lookup, target in paths:
            value = (person if target == "people.Person" else person.user).pk
            condition |= models.Q(**{lookup: value})
        for pk in model._default_manager.filter(condition).values_list("pk", flat=True).distinct():
            values = {}
            for f in fields:
                marker = f"{MARK}-{next(counter):04d}"
                assert not f.max_length or len(marker) <= f.max_length, f"{model._meta.label}.{f.name}"
                planted[marker] = f"{model._meta.label}.{f.name}"
                if isinstance(f, models.FileField):
                    values[f.name] = default_storage.save(f"planted/{marker}.pdf", ContentFile(marker.encode()))
                elif isinstance(f, models.JSONField):
                    values[f.name] = [marker]
                else:
                    values[f.name] = marker
            model._default_manager.filter(pk=pk).update(**values)
    return planted


def copy_the_name_elsewhere(person: Person, others: dict) -> None:
    """What the application writes about the person into other people's rows: their name, their login."""
    person.refresh_from_db()
    org, user = person.organization, person.user
    named = f"Решение по работнику {person.full_name} ({person.short_name})"
    for place in places():
        if place.action == NAME:
            model = place.get_model()
            rows = model._default_manager.filter(**{place.reach: org})
            assert rows.exists(), f"the scenario has no row of {place.model} to name the person in"
            rows.update(**dict.fromkeys(place.fields, named))
    Notice.objects.create(organization=org, person=others["mentor"], text=named)
    AccessLog.objects.create(username=user.username, ip_address="10.0.0.1", user_agent="t", http_accept="*/*")
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(person.pk),
        object_repr=str(person),
        action_flag=CHANGE,
        user=others["curator_user"],
    )
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.ROLES_CHANGED, user=others["curator_user"], detail=f"работник № {person.pk} ({user})"
    )


def leaks_in_database() -> dict[str, int]:
    """Every table, every row as text (PostgreSQL's row-to-text cast): where the marker still is."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            # Table names come from the database itself, quoted; the pattern is a parameter.
            cursor.execute(f"SELECT count(*) FROM {quoted} AS t WHERE t::text LIKE %s", [f"%{MARK}%"])  # noqa: S608
            if count := cursor.fetchone()[0]:
                found[table] = count
    return found


def leaks_in_media() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return [
        str(path.relative_to(root))
        for path in root.rglob("*")
        if MARK in path.name or (path.is_file() and MARK.encode() in path.read_bytes())
    ]


def test_a_purge_leaves_no_trace_of_the_person(mentee, mentor, curator, django_capture_on_commit_callbacks):
    build_scenario(mentee, mentor, curator)
    person = mentee.person
    planted = plant(person)
    copy_the_name_elsewhere(person, {"mentor": mentor.person, "curator_user": curator.user})
    assert len(planted) > 30 and leaks_in_database() and leaks_in_media()

    with django_capture_on_commit_callbacks(execute=True):
        withdraw_consent(person.consents.get(purpose=Purpose.PERSONAL_DATA, withdrawn_on__isnull=True))
        record = purge_person(person, by="тест")

    leaks = leaks_in_database()
    assert not leaks, f"После уничтожения метка осталась в таблицах {leaks}"
    assert not leaks_in_media()
    # The others keep what is theirs.
    assert Person.objects.filter(pk=mentor.person.pk, surname="Фролова").exists()
    assert ChangeRequest.objects.filter(requested_by=mentor.person).exists()
    assert Organization.objects.filter(pk=mentee.org.pk).exists()

    # The act of destruction lists the categories and how many records of each went — and none of the data.
    for code in (
        "plan_reflections",
        "change_request_reasons",
        "questionnaire_answers",
        "acknowledgement_events",
        "notices",
        "notice_mentions",
        "consent_scans",
        "calendar_feeds",
    ):
        assert record.counts.get(code), code
    assert record.counts["plan_reflections"] == 2
    assert MARK not in str(record.destroyed) + str(record.counts) + record.label


def test_the_purge_log_shows_each_category_with_its_count(admin, mentee, mentor, curator):
    build_scenario(mentee, mentor, curator)
    withdraw_consent(mentee.person.consents.get(purpose=Purpose.PERSONAL_DATA, withdrawn_on__isnull=True))
    purge_person(mentee.person, by="тест")
    page = admin.client.get(reverse("people:purge_log", args=[admin.org.slug]))
    assert page.status_code == 200
    text = page.text
    assert "рефлексия наставляемого и отметки наставника о его работе в плане программы — 2" in text
    assert "свободные ответы в анкетах — 1" in text
    assert "отметки об ознакомлении с приказами (ФИО в истории приказа) — 1" in text
    assert "Смирнова" not in text
