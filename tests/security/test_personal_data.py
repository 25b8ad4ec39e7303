"""No personal data in addresses or in logs.

Addresses end up in browser histories, proxy and server access logs and Referer headers; logs are kept and
shipped elsewhere. Neither may carry a person's surname, e-mail or phone, nor anyone's password: people are
named by number in URLs, and log lines name paths, logins and kinds of fault.
"""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from django.db import connection, transaction
from django.db.utils import IntegrityError
from django.test import Client, override_settings
from django.urls import reverse

from people.models import Person
from roadmap import emails
from roadmap.models import Order
from tests.config.test_urls import CONVERTER, all_routes
from tests.security.conftest import ROLES
from tests.security.fault_fixtures import database_goes_away, tolerant

PERSONAL_PARAMETER = re.compile(
    r"(^|_)(name|surname|first_name|last_name|patronymic|fio|email|e_mail|mail|phone|tel|snils|inn|passport|"
    r"birth|birthday|address|username|login)($|_)",
    re.IGNORECASE,
)
REGEX_GROUP = re.compile(r"\(\?P<(\w+)>")
WRONG_PASSWORD = "Неверный-пароль-2026"
DEMO_PASSWORD = "demo12345"


# --- (a) addresses ----------------------------------------------------------------------------------------------


def test_no_url_parameter_is_named_after_personal_data():
    offenders = []
    for route in all_routes():
        names = [name for _, name in CONVERTER.findall(route.pattern)] + REGEX_GROUP.findall(route.pattern)
        offenders += [f"{route.label}: {name}" for name in names if PERSONAL_PARAMETER.search(name)]
    assert offenders == []


class Links(HTMLParser):
    """Every address a page makes the browser request or go to: href, src, action, formaction, hx-*."""

    ATTRIBUTES = {"href", "src", "action", "formaction", "hx-get", "hx-post", "data-url"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            # mailto: and tel: open the user's own mail or phone app; no server ever sees them.
            if name in self.ATTRIBUTES and value and not value.startswith(("mailto:", "tel:")):
                self.urls.append(unquote(value))


def personal_values(people) -> list[str]:
    values = []
    for person in people:
        values += [person.surname, person.email, person.phone]
        digits = re.sub(r"\D", "", person.phone or "")
        if len(digits) >= 10:
            values.append(digits)
    return sorted({v.strip() for v in values if v and len(v.strip()) >= 4})


@pytest.fixture(scope="module")
def demo_people(world) -> list[Person]:
    return list(Person.objects.filter(organization__in=[world.own, world.foreign]))


def test_links_on_the_main_pages_name_people_by_number_only(world, demo_people):
    own = world.own
    some = Person.objects.filter(organization=own).exclude(email="").order_by("pk").first()
    pages = {
        "curator": [
            reverse("people:staff_list", args=[own.slug]),
            reverse("people:person_detail", args=[own.slug, some.pk]),
            reverse("people:mentor_bank", args=[own.slug]),
            reverse("people:mentee_bank", args=[own.slug]),
            reverse("mentoring:pairs", args=[own.slug]),
        ],
        "head": [reverse("people:staff_list", args=[own.slug]), reverse("mentoring:pairs", args=[own.slug])],
    }
    secrets = personal_values(demo_people)
    checked = 0
    for role, urls in pages.items():
        for url in urls:
            response = world.clients[role].get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert some.surname in html or url != pages["curator"][1]  # the card does show the person…
            parser = Links()
            parser.feed(html)
            checked += len(parser.urls)
            leaks = [(link, s) for link in parser.urls for s in secrets if s.lower() in link.lower()]
            assert leaks == [], f"{role} {url}"  # …but no address on it names them
    assert checked > 50


# --- (b) logs ---------------------------------------------------------------------------------------------------


@pytest.fixture
def every_log_record(caplog):
    """Every logger at DEBUG, whatever the settings set for it."""
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def logged_text(caplog) -> str:
    return caplog.text + "\n".join(record.getMessage() for record in caplog.records)


def test_nothing_personal_reaches_the_logs_through_errors_refusals_and_failures(
    world, demo_people, every_log_record, django_capture_on_commit_callbacks
):
    own = world.own
    person = Person.objects.filter(organization=own).exclude(email="").exclude(phone="").order_by("pk").first()
    admin = world.clients["admin"]

    # 404: another organisation's person, an unknown number.
    foreign = Person.objects.filter(organization=world.foreign).first()
    assert admin.get(reverse("people:person_detail", args=[own.slug, foreign.pk])).status_code == 404
    assert admin.get(reverse("people:person_detail", args=[own.slug, 9_999_999])).status_code == 404
    # 403: a form posted without its CSRF token.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.users["admin"])
    edit = reverse("people:person_edit", args=[own.slug, person.pk])
    assert strict.post(edit, {"surname": person.surname, "email": person.email}).status_code == 403
    # Failed sign-ins: by a demo login, by a person's e-mail, by a surname, all with a wrong password.
    anonymous = Client()
    for username in ("curator", person.email, person.surname):
        response = anonymous.post(reverse("login"), {"username": username, "password": WRONG_PASSWORD})
        assert response.status_code == 200
    # A form with errors, its fields full of the person's data.
    data = {
        "surname": person.surname,
        "name": person.name,
        "position": person.position,
        "email": person.email,
        "phone": person.phone,
        "hired_on": "не дата",
    }
    response = admin.post(reverse("people:person_create", args=[own.slug]), data)
    assert response.status_code == 200 and response.context["form"].errors
    # A 500: the database refuses the row and, as PostgreSQL does, quotes its values in the error.
    valid = {**data, "hired_on": "", "left_on": "", "qualification_category": person.qualification_category}
    valid["experience_years"] = person.experience_years or ""
    detail = f"duplicate key value violates unique constraint\nDETAIL:  Key (email)=({person.email}) already exists."

    def refuse(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("UPDATE") and '"people_person"' in sql:
            raise IntegrityError(detail)
        return execute(sql, params, many, context)

    # Each in a transaction of its own, as a request is in production: the failed save spoils only that one.
    with transaction.atomic(), connection.execute_wrapper(refuse):
        assert tolerant(admin).post(edit, valid).status_code == 500
    # The database away: the 503 page.
    with transaction.atomic(), database_goes_away(table="people_person", verbs=("UPDATE",)):
        assert tolerant(admin).post(edit, valid).status_code == 503
    # A mail server refusing the addresses (smtplib names them in the error).
    order = Order.objects.filter(organization=own).order_by("pk").first()
    heads = [p.email for p in Person.objects.heads_of(own) if p.email]
    assert heads
    with (
        override_settings(EMAIL_BACKEND="tests.mailers.RefusingBackend"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        emails.order_submitted(order)

    text = logged_text(every_log_record)
    assert "Internal Server Error" in text and "IntegrityError" in text  # the 500 was logged, and read here
    assert "Не удалось отправить письмо" in text
    leaks = [s for s in [*personal_values(demo_people), WRONG_PASSWORD, DEMO_PASSWORD] if s.lower() in text.lower()]
    lowered = text.lower()
    assert leaks == [], [lowered[max(lowered.find(s.lower()) - 120, 0) :][:200] for s in leaks]


def test_the_roles_of_the_matrix_are_the_ones_logged_in(world):
    """A guard for this module: the clients it uses are signed in (a 302 to the login page would prove nothing)."""
    for role in ROLES:
        assert world.clients[role].get(reverse("home")).status_code in (200, 302)
    assert world.clients["admin"].get(reverse("people:staff_list", args=[world.own.slug])).status_code == 200
