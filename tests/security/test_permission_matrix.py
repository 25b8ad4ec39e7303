"""Every URL × every visitor × GET and POST, against the committed expectation in permissions.txt.

The matrix is generated from the URL configuration: a new view is in it the moment it is routed, and the test
fails until its row in permissions.txt is reviewed and committed (regenerate with
``UPDATE_PERMISSIONS=1 pytest tests/security/test_permission_matrix.py``, then read the diff). Independently
of the file, some answers must always hold: strangers are sent to log in, users of another organisation and
the municipal coordinator get 404 on every organisation page, nothing answers 500, and no GET writes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.config.test_urls import ADMIN_PUBLIC, PUBLIC
from tests.security.conftest import FOREIGN_ID, OWN_ID, VISITORS
from tests.security.walk import ID_PARAMS, request, routes, url_for

pytestmark = pytest.mark.xdist_group("security")

EXPECTED = Path(__file__).with_name("permissions.txt")


def outcome(response) -> str:
    code = response.status_code
    if code in (301, 302):
        target = response["Location"]
        return "login" if target.startswith(reverse("login")) else "redirect"
    return {200: "ok", 204: "ok", 400: "400", 403: "403", 404: "404", 405: "405"}.get(code, str(code))


def matrix(world) -> tuple[list[str], list[str]]:
    lines, problems = [], []
    for route in sorted(routes(), key=lambda r: r.name):
        url = url_for(route, world, OWN_ID)
        for method in ("get", "post"):
            cells = []
            for visitor in VISITORS:
                response, writes = request(world.clients[visitor], method, url)
                result = outcome(response)
                cells.append(f"{visitor}={result}")
                where = f"{method.upper()} {route.name} as {visitor} ({url})"
                if result == "500" or response.status_code >= 500:
                    problems.append(f"{where}: server error")
                if method == "get" and writes:
                    problems.append(f"{where}: a GET wrote {writes}")
                problems += invariants(route, visitor, result, where)
            lines.append(f"{route.name} {method.upper()}: " + " ".join(cells))
    return lines, problems


def invariants(route, visitor: str, result: str, where: str) -> list[str]:
    public = route.name in PUBLIC or route.name in ADMIN_PUBLIC or route.name.startswith("public")
    org_page = route.pattern.startswith("o/")
    if visitor == "anonymous" and not public and result not in ("login", "405"):
        return [f"{where}: a stranger got {result}, not the login page"]
    if visitor in ("outsider", "coordinator") and org_page and result not in ("404", "405"):
        return [f"{where}: {result} for someone outside the organisation"]
    if route.pattern.startswith("m/") and visitor != "coordinator" and result not in ("404", "405", "login"):
        return [f"{where}: {result} on the municipal view for a non-coordinator"]
    return []


def test_every_url_answers_every_visitor_as_the_committed_matrix_says(world):
    lines, problems = matrix(world)
    assert not problems, "\n".join(problems)
    text = "\n".join(lines) + "\n"
    if os.environ.get("UPDATE_PERMISSIONS"):
        EXPECTED.write_text(text, encoding="utf-8")
    expected = EXPECTED.read_text(encoding="utf-8").splitlines() if EXPECTED.exists() else []
    missing = sorted(set(lines) - set(expected))
    stale = sorted(set(expected) - set(lines))
    assert not missing and not stale, (
        "The permission matrix changed. Review, then regenerate tests/security/permissions.txt with "
        "UPDATE_PERMISSIONS=1.\nNow:\n  " + "\n  ".join(missing) + "\nWas:\n  " + "\n  ".join(stale)
    )


def test_another_organisations_ids_in_every_url_get_404_for_every_role(world):
    """The own organisation's slug with the other organisation's objects: never found, whatever the role."""
    problems = []
    for route in routes():
        if not route.pattern.startswith("o/") or not any(p in route.pattern for p in ID_PARAMS):
            continue
        url = url_for(route, world, FOREIGN_ID)
        for visitor in ("mentee", "mentor", "council", "curator", "head", "admin"):
            for method in ("get", "post"):
                response, _ = request(world.clients[visitor], method, url)
                if response.status_code not in (404, 405):
                    problems.append(f"{method.upper()} {url} as {visitor}: {response.status_code}")
    assert not problems, "\n".join(problems)


def test_the_foreign_ids_really_are_objects_of_the_other_organisation(world):
    """A guard for the test above: its ids must point at existing rows, or its 404s would prove nothing."""
    from mentoring.models import Mentorship
    from people.models import Person
    from roadmap.models import Order

    assert Person.objects.get(pk=FOREIGN_ID).organization == world.foreign
    assert Mentorship.objects.get(pk=FOREIGN_ID).organization == world.foreign
    assert Order.objects.get(pk=FOREIGN_ID).organization == world.foreign
    assert Person.objects.get(pk=OWN_ID).organization == world.own


def test_a_post_without_the_csrf_token_is_refused_everywhere_and_changes_nothing(world):
    from django.test import Client

    problems = []
    for visitor in ("curator", "head", "admin", "mentee"):
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.users[visitor])
        for route in routes():
            response, writes = request(client, "post", url_for(route, world, OWN_ID))
            if response.status_code != 403 or writes:
                problems.append(f"POST {route.name} as {visitor}: {response.status_code}, writes {writes}")
    assert not problems, "\n".join(problems)


def test_every_role_home_opens_without_writing(world):
    """The matrix opens role_home for one role only; each role's home is a dashboard worth checking alone."""
    problems = []
    for kind in ("mentee", "mentor", "council", "curator", "head", "admin"):
        response, writes = request(world.clients[kind], "get", reverse("role_home", args=[world.own.slug, kind]))
        if response.status_code != 200 or writes:
            problems.append(f"{kind}: {response.status_code}, writes {writes}")
    assert not problems, "\n".join(problems)
