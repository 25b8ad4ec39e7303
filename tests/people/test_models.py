"""Names, the invariants the database keeps, and the Russian text helpers."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.template import Context, Template

from core.templatetags.ru import plural_form, ru_plural
from core.text import clean_spaces, initials_first, initials_name, name_key
from people.models import Person, Role
from tests.factories import OrganizationFactory, PersonFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_short_name_has_initials_of_name_and_patronymic():
    person = PersonFactory.build(surname="Иванова", name="мария", patronymic="Петровна")
    assert person.short_name == "Иванова М. П."
    assert str(person) == "Иванова М. П."


def test_short_name_without_patronymic():
    person = PersonFactory.build(surname="Ким", name="Виктория", patronymic="")
    assert person.short_name == "Ким В."
    assert person.full_name == "Ким Виктория"


def test_name_key_ignores_yo_nbsp_and_capitals():
    person = PersonFactory(surname="СЕМЁНОВА", name="Алёна\xa0 ", patronymic=" Фёдоровна")
    assert person.name_key == "семенова алена федоровна"


def test_name_key_follows_a_rename_saved_with_update_fields():
    person = PersonFactory(surname="Иванова", name="Мария", patronymic="Петровна")
    person.surname = "Сёмина"
    person.save(update_fields=["surname"])
    person.refresh_from_db()
    assert person.name_key == "семина мария петровна"
    assert list(Person.objects.search("СЕМИНА")) == [person]


def test_search_needs_every_word():
    org = OrganizationFactory()
    wanted = PersonFactory(organization=org, surname="Петрова", name="Анна", patronymic="Ивановна")
    PersonFactory(organization=org, surname="Петрова", name="Ольга", patronymic="Ивановна")
    assert list(Person.objects.search("анна петрова")) == [wanted]
    assert Person.objects.search("  ").count() == 2


def test_one_account_per_organisation():
    org = OrganizationFactory()
    user = UserFactory()
    PersonFactory(organization=org, user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(organization=org, user=user)


def test_one_account_may_serve_two_organisations_and_many_people_have_none():
    user = UserFactory()
    PersonFactory(user=user)
    PersonFactory(user=user)
    org = OrganizationFactory()
    PersonFactory.create_batch(2, organization=org, user=None)
    assert Person.objects.filter(user=user).count() == 2


def test_leaving_before_being_hired_is_refused_by_the_database():
    person = PersonFactory(hired_on=date(2024, 9, 1))
    person.left_on = date(2024, 8, 31)
    with pytest.raises(IntegrityError), transaction.atomic():
        person.save()
    person.left_on = date(2024, 9, 1)
    person.save()  # leaving the day of hiring is allowed
    assert not Person.objects.working().filter(pk=person.pk).exists()


def test_a_role_is_held_once():
    role = RoleFactory(kind=Role.Kind.MENTOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleFactory(person=role.person, kind=Role.Kind.MENTOR)
    RoleFactory(person=role.person, kind=Role.Kind.MENTEE)  # another role of the same person is fine
    assert str(role) == f"{role.person.short_name} — Наставник"
    assert role.person.roles.count() == 2


def test_text_helpers():
    assert clean_spaces("  Иванова\xa0\xa0 Мария \t Петровна ") == "Иванова Мария Петровна"
    assert clean_spaces(None) == ""
    assert name_key(" ЁЛКИНА\xa0Вера ") == "елкина вера"
    assert initials_name("Иванова", "Мария", "Петровна") == "Иванова М. П."
    assert initials_name("Иванова", "Мария") == "Иванова М."
    assert initials_first("Иванова", "мария", "петровна") == "М. П. Иванова"
    assert initials_first("Иванова", "Мария") == "М. Иванова"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0 лет"),
        (1, "1 год"),
        (2, "2 года"),
        (4, "4 года"),
        (5, "5 лет"),
        (11, "11 лет"),
        (12, "12 лет"),
        (14, "14 лет"),
        (21, "21 год"),
        (22, "22 года"),
        (101, "101 год"),
        (111, "111 лет"),
        (112, "112 лет"),
    ],
)
def test_ru_plural(n, expected):
    assert ru_plural(n, "год,года,лет") == expected


def test_ru_plural_of_nothing_is_empty():
    assert ru_plural(None, "год,года,лет") == ""
    assert ru_plural("", "год,года,лет") == ""
    assert plural_form(-1, "год", "года", "лет") == "год"


def test_ru_plural_in_a_template():
    rendered = Template('{% load ru %}{{ n|ru_plural:"работник,работника,работников" }}').render(Context({"n": 23}))
    assert rendered == "23 работника"
