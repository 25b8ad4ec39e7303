"""Every form of every page, submitted twice with what the page offers: the second answer is never a server error.

A double click, a reload that re-sends the POST, two tabs: the second identical submission must meet the result
of the first (a message, a redirect to what exists) and never an IntegrityError of a unique constraint. The forms
are found as the fuzzing finds them (every page of the organisation as each role); each is filled with the values
the page puts in it, blanks given a plausible value, so that most submissions are accepted the first time. Both
submissions of a form run in one transaction that is rolled back, so every form meets the same data.
"""

from __future__ import annotations

from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from people.models import Person
from tests.security.conftest import OWN_ID
from tests.security.test_form_fuzzing import FUZZERS
from tests.security.walk import request, routes, url_for

pytestmark = [pytest.mark.xdist_group("security"), pytest.mark.time_machine("2026-12-03 10:00 +03:00")]
SKIPPED = ("/logout/",)
# The demo's logins in the own organisation: head, curator, mentor and mentee of real pairs (fixtures/demo_people.json).
DEMO_LOGINS = (
    "Корнилова",
    "Белоусова",
    "Фролова",
    "Смирнова",
)  # leaves the session: the second request would be anonymous, which proves nothing here


class FilledForms(HTMLParser):
    """The POST forms of a page with the values a person submitting it unchanged would send (files left out)."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._form: tuple[str, dict[str, list[str]]] | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def _put(self, name: str, value: str) -> None:
        self._form[1].setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = (a.get("action", ""), {})
            return
        if self._form is None or not a.get("name") or a["name"] == "csrfmiddlewaretoken" or "disabled" in a:
            return
        name, kind = a["name"], a.get("type", "text").lower()
        if tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in a:
                self._put(name, a.get("value", "on"))
            elif kind == "radio" or name not in self._form[1]:
                # Nothing checked: the first choice, as a person filling the form in would pick one.
                self._form[1].setdefault(f"\0{name}", [a.get("value", "on")])
        elif tag == "input" and kind not in ("file", "submit", "button", "reset", "image"):
            self._put(name, a.get("value") or blank(kind, name))
        elif tag == "select":
            self._select, self._options = name, []
        elif tag == "textarea":
            self._textarea, self._text = name, ""
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "button" and kind == "submit" and a.get("value"):
            self._form[1].setdefault(f"\0{name}", [a["value"]])

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [v for v, _ in self._options if v][:1]
            self._form[1][self._select] = chosen
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._put(self._textarea, self._text.strip() or "Проверка повторной отправки формы.")
            self._textarea = None
        elif tag == "form":
            action, raw = self._form
            data = {k: v for k, v in raw.items() if not k.startswith("\0")}
            for key, value in raw.items():
                if key.startswith("\0") and key[1:] not in data:
                    data[key[1:]] = value
            self.forms.append((action, data))
            self._form = None


def blank(kind: str, name: str) -> str:
    """A plausible value for an empty field, so that the first submission is accepted."""
    today = timezone.localdate()
    if kind == "date":
        return today.isoformat()
    if kind == "number":
        return "1"
    if kind == "email":
        return "povtor@school.example.ru"
    if kind == "hidden":
        return ""
    return "Проверка"


def demo_clients(world) -> dict[str, Client]:
    """The demo's own logins (several roles each, in pairs and on orders): they reach forms the single-role
    accounts of the matrix never see — a participant's programme, acknowledgements, questionnaires to answer."""
    clients = {}
    for person in Person.objects.filter(organization=world.own, surname__in=DEMO_LOGINS, user__isnull=False):
        client = Client()
        client.force_login(person.user)
        clients[f"demo {person.surname}"] = client
    return clients


def filled_forms(world, clients: dict[str, Client]) -> dict[tuple[str, str], dict[str, list[str]]]:
    """{(who, action path): data} over every page each role can open."""
    found: dict[tuple[str, str], dict[str, list[str]]] = {}
    for route in routes():
        if not route.pattern.startswith("o/"):
            continue
        url = url_for(route, world, OWN_ID)
        for who, client in clients.items():
            response, _ = request(client, "get", url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            finder = FilledForms()
            finder.feed(response.content.decode())
            for action, data in finder.forms:
                path = urlsplit(urljoin(url, action or url)).path
                if path.startswith("/o/") and not path.endswith(SKIPPED):
                    found.setdefault((who, path), data)
    return found


def submit_twice(client, who: str, path: str, data: dict, failures: list[str], accepted: list[str]) -> None:
    answers = []
    cookies = SimpleCookie()
    cookies.load(client.cookies.output(header="", sep=";"))
    with transaction.atomic():
        for attempt in ("first", "second"):
            try:
                with transaction.atomic():
                    response = client.post(path, data)
            except Exception as exc:  # the test client re-raises a view's exception: that is the 500
                failures.append(f"POST {path} as {who}, {attempt} time, with {data!r}: {exc.__class__.__name__}: {exc}")
                break
            if response.status_code >= 500:
                failures.append(f"POST {path} as {who}, {attempt} time, with {data!r}: {response.status_code}")
                break
            answers.append(response.status_code)
        transaction.set_rollback(True)
    client.cookies = cookies
    if answers[:1] == [302]:
        accepted.append(path)


def test_every_form_submitted_twice_never_answers_with_a_server_error(world):
    clients = {who: world.clients[who] for who in FUZZERS} | demo_clients(world)
    assert len(clients) == len(FUZZERS) + len(DEMO_LOGINS)
    forms = filled_forms(world, clients)
    assert len(forms) >= 30, f"the walk found only {len(forms)} forms: it has stopped seeing pages"
    failures: list[str] = []
    accepted: list[str] = []
    for (who, path), data in sorted(forms.items()):
        submit_twice(clients[who], who, path, data, failures, accepted)
    assert not failures, "\n".join(failures[:20])
    # The walk means something only if most forms are accepted the first time, not refused for blanks.
    assert len(accepted) >= len(forms) // 3, f"only {len(accepted)} of {len(forms)} forms were accepted"
