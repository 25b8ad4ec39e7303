"""factory-boy factories for unit tests: organisations, staff, accounts and roles.

Names are Russian and deterministic (picked by sequence, not at random), so a failing test reads the same
on every run.
"""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from config.setup import set_up_organization
from people.models import Organization, Person, Role

# Every factory-made account has this password; the e2e journeys may log in with it through the form.
PASSWORD = "Nastavnik-2026!"

SURNAMES = ["Иванова", "Петрова", "Смирнова", "Кузнецова", "Попова", "Васильева", "Соколова", "Михайлова"]
NAMES = ["Мария", "Анна", "Елена", "Ольга", "Татьяна", "Наталья", "Ирина", "Светлана", "Юлия"]
PATRONYMICS = ["Петровна", "Ивановна", "Сергеевна", "Андреевна", "Олеговна", "Викторовна", "Николаевна"]
POSITIONS = ["Учитель начальных классов", "Учитель математики", "Воспитатель", "Педагог-психолог"]


class OrganizationFactory(DjangoModelFactory):
    """``OrganizationFactory(set_up=True)`` sets the organisation up as the admin does (config.setup): reference
    lists, consent texts, programme templates, order texts, question sets. ``reference_lists=True``, its older
    name, means the same. Without either the organisation is bare, like one created from the shell.
    """

    class Meta:
        model = Organization
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"school-{n}")
    short_name = factory.Sequence(lambda n: f"МБОУ «СОШ № {n}»")
    full_name = factory.LazyAttribute(
        lambda o: f"Муниципальное бюджетное общеобразовательное учреждение «Средняя школа {o.slug}»"
    )
    kind = Organization.Kind.SCHOOL
    municipality = "Городской округ Верхнеречинск"
    region = "Владимирская область"
    approval_code = False  # the one-time code on approval is tested on its own (tests/roadmap/test_esign.py)
    pairs_need_consent = (
        False  # the mutual confirmation of pairs is tested on its own (tests/mentoring/test_choosing.py)
    )

    @factory.post_generation
    def set_up(obj: Organization, create: bool, extracted: bool | None, **kwargs) -> None:
        if create and extracted:
            set_up_organization(obj)

    @factory.post_generation
    def reference_lists(obj: Organization, create: bool, extracted: bool | None, **kwargs) -> None:
        if create and extracted:
            set_up_organization(obj)  # idempotent: harmless next to set_up=True


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@school.example.ru")
    password = factory.django.Password(PASSWORD)
    is_active = True


class PersonFactory(DjangoModelFactory):
    """A staff member. ``roles=["mentor", "council"]`` adds roles; ``with_account=True`` adds a login."""

    class Meta:
        model = Person
        skip_postgeneration_save = True

    class Params:
        with_account = factory.Trait(
            user=factory.SubFactory(
                UserFactory, first_name=factory.SelfAttribute("..name"), last_name=factory.SelfAttribute("..surname")
            ),
        )

    organization = factory.SubFactory(OrganizationFactory)
    surname = factory.Sequence(lambda n: SURNAMES[n % len(SURNAMES)])
    name = factory.Sequence(lambda n: NAMES[n % len(NAMES)])
    patronymic = factory.Sequence(lambda n: PATRONYMICS[n % len(PATRONYMICS)])
    position = factory.Sequence(lambda n: POSITIONS[n % len(POSITIONS)])
    experience_years = factory.Sequence(lambda n: n % 30)
    email = factory.Sequence(lambda n: f"teacher{n}@school.example.ru")

    @factory.post_generation
    def roles(obj: Person, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            Role.objects.bulk_create([Role(person=obj, kind=kind) for kind in extracted])


class RoleFactory(DjangoModelFactory):
    class Meta:
        model = Role

    person = factory.SubFactory(PersonFactory)
    kind = Role.Kind.MENTOR
