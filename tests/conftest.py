"""Shared fixtures: fast password hashing, two organisations and a logged-in client for each persona.

A persona is a staff member with an account and a role in `org` (or, for `outsider`, every managing role in
`other_org`). Each has its own client, so one test can act as several people. tests/e2e reuses the same
fixtures: `persona.user.username` with `tests.factories.PASSWORD` logs in through the form.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from people.models import Municipality, Organization, Person, Role
from tests.factories import PASSWORD, OrganizationFactory, PersonFactory, UserFactory


@dataclass
class Persona:
    client: Client
    person: Person
    user: AbstractBaseUser
    password: str = PASSWORD

    @property
    def org(self) -> Organization:
        return self.person.organization


def make_persona(org: Organization, *kinds: str, **person_fields) -> Persona:
    """A staff member of `org` holding `kinds`, with an account, and a client logged in as them."""
    person = PersonFactory(organization=org, roles=list(kinds), with_account=True, **person_fields)
    client = Client()
    # force_login: django-axes needs a request to authenticate, which client.login() does not give it.
    client.force_login(person.user)
    return Persona(client=client, person=person, user=person.user)


@pytest.fixture(autouse=True, scope="session")
def _today_from_environment() -> Iterator[None]:
    """`TEST_TODAY=2027-06-01 make test` runs the whole suite as if it were that day (10:00, the clock ticking).

    This is how the suite shows it passes on any day of the year. A test that needs a particular day pins its
    own clock (`@pytest.mark.time_machine(...)`), which takes precedence while it runs.
    """
    day = os.environ.get("TEST_TODAY")
    if not day:
        yield
        return
    from django.conf import settings

    moment = datetime.combine(date.fromisoformat(day), time(10), tzinfo=ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(moment, tick=True):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory) -> None:
    """Uploaded scans and stored order PDFs go to a temporary folder, never to the developer's var/media."""
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")
    # The worker's nightly backup is off in tests (a tick at any hour would dump the test database); the tests of
    # the backup turn it on into a folder of their own.
    settings.BACKUP_ROOT = tmp_path_factory.getbasetemp() / "backups"
    settings.BACKUP_KEEP = 0


@pytest.fixture(autouse=True)
def _tasks_in_process(settings) -> None:
    """Background tasks (people.jobs) run at once inside the request that starts them, progress on the test's own
    connection. The real worker on the database backend runs in tests/people/test_jobs_worker.py and the e2e."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
    settings.JOB_PROGRESS_DATABASE = "default"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """The production hasher takes a good fraction of a second per password; tests do not need that."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache(settings) -> None:
    """Each test starts with an empty cache: a report cached by one test must not answer another's request. The
    cache shared between processes (settings.CACHES["shared"], a folder by default) is kept in the test's own
    process: parallel test processes have databases of their own and would read each other's reports."""
    from django.core.cache import caches

    locmem = "django.core.cache.backends.locmem.LocMemCache"
    settings.CACHES = {**settings.CACHES, "shared": {"BACKEND": locmem, "LOCATION": "shared"}}
    caches["default"].clear()
    caches["shared"].clear()


@pytest.fixture
def org(db) -> Organization:
    return OrganizationFactory(
        slug="school-1",
        short_name="МБОУ «СОШ № 1»",
        full_name="Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1»",
        set_up=True,
    )


@pytest.fixture
def other_org(db) -> Organization:
    return OrganizationFactory(
        slug="ds-2",
        short_name="МБДОУ «Детский сад № 2»",
        full_name="Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № 2»",
        kind=Organization.Kind.KINDERGARTEN,
        set_up=True,
    )


@pytest.fixture
def bare_org(db) -> Organization:
    """An organisation created outside the admin and never set up: none of the defaults (config.setup)."""
    return OrganizationFactory(slug="bare-3", short_name="МБОУ «СОШ № 3»", full_name="Школа без типовых данных")


@pytest.fixture
def persona(db):
    """Make further personas: ``persona(org, "mentor", "mentee", surname="Яковлева")``."""
    return make_persona


@pytest.fixture
def head(org) -> Persona:
    return make_persona(
        org, Role.Kind.HEAD, surname="Сорокина", name="Анна", patronymic="Павловна", position="Директор"
    )


@pytest.fixture
def curator(org) -> Persona:
    return make_persona(
        org,
        Role.Kind.CURATOR,
        surname="Белова",
        name="Наталья",
        patronymic="Сергеевна",
        position="Заместитель директора",
    )


@pytest.fixture
def mentor(org) -> Persona:
    return make_persona(
        org, Role.Kind.MENTOR, surname="Фролова", name="Галина", patronymic="Петровна", position="Учитель математики"
    )


@pytest.fixture
def mentee(org) -> Persona:
    return make_persona(
        org, Role.Kind.MENTEE, surname="Смирнова", name="Дарья", patronymic="Андреевна", position="Учитель физики"
    )


@pytest.fixture
def admin(org) -> Persona:
    return make_persona(
        org, Role.Kind.ADMIN, surname="Тихонова", name="Елена", patronymic="Олеговна", position="Делопроизводитель"
    )


@pytest.fixture
def outsider(other_org) -> Persona:
    """Administrator, curator and head of another organisation: every managing role, just not in `org`."""
    return make_persona(
        other_org,
        Role.Kind.ADMIN,
        Role.Kind.CURATOR,
        Role.Kind.HEAD,
        surname="Лаптев",
        name="Сергей",
        patronymic="Иванович",
        position="Заведующий",
    )


@dataclass
class Coordinator:
    """A municipal coordinator: a login with no role in any organisation, only their municipality's figures."""

    client: Client
    user: AbstractBaseUser
    municipality: Municipality
    password: str = PASSWORD


@pytest.fixture
def coordinator(org) -> Coordinator:
    """The coordinator of the municipality «Городской округ Верхнеречинск» (slug `gorod`), which holds `org`."""
    user = UserFactory(username="coordinator", first_name="Вера", last_name="Координаторова")
    municipality = Municipality.objects.create(
        slug="gorod", name="Городской округ Верхнеречинск", region="Владимирская область", coordinator=user
    )
    org.municipal_unit = municipality
    org.save(update_fields=["municipal_unit"])
    client = Client()
    client.force_login(user)
    return Coordinator(client=client, user=user, municipality=municipality)


def pytest_collection_modifyitems(config, items):
    """Every test outside tests/e2e may use the test database.

    Without this, a test that reaches a persona through request.getfixturevalue() gets no database mark
    and would quietly talk to the development database in var/ instead of the test one.
    """
    e2e = Path(__file__).parent / "e2e"
    for item in items:
        if e2e not in Path(item.fspath).parents and item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db)
