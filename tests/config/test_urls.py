"""Every URL of the project, found by walking the URLconf: closed to strangers unless listed as public.

A new page is covered without touching this file. A new public page, or a parameter name the walk cannot
fill, fails here until it is added knowingly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from unittest import mock
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils.regex_helper import normalize

from mentoring.models import CalendarFeed
from people.models import MentoringForm, Person, Role
from roadmap.services import approve_order
from tests.factories import PersonFactory
from tests.monitoring.publishing_fixtures import public_org_for_walk
from tests.roadmap.approval_fixtures import make_order

# Pages anyone may open without logging in. Keep it short: each entry is a decision.
PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # A user's iCalendar feed: calendar apps cannot log in, so the address itself is the secret (a random token
    # the user can regenerate); an unknown token is 404.
    "calendar_feed",
    # The organisation's public mentoring page and its compact version for an <iframe> on the school's site:
    # open only while the curator keeps the page open (404 otherwise), and only published items are in them.
    "public_page",
    "public_embed",
    # The approved regulation and roadmap as PDF, for the public page: 404 unless approved and shown.
    "public_regulation_pdf",
    "public_roadmap_pdf",
    # A material of a published best practice on an open public page; 404 for any unpublished one.
    "public_practice_file",
    # The verification page of a signed order: its address is the QR code on the document (a random token);
    # it shows only the requisites printed on the order, and an unknown token is 404.
    "verify",
}
# Django's admin has its own login page, public by design; the rest of the admin sends strangers to it.
ADMIN_PUBLIC = {"admin:login"}

ORG_PREFIX = "o/<slug:org>/"
CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    pattern: str  # the full route as written in the URLconf, e.g. "o/<slug:org>/staff/<int:pk>/"
    name: str | None  # namespaced, e.g. "people:staff_list"
    parts: tuple  # the pattern objects from the root down

    @property
    def label(self) -> str:
        return self.name or self.pattern

    def url(self, values: dict) -> str:
        return "/" + "".join(_fill(part, values) for part in self.parts)


def _walk(patterns, parts: tuple = (), namespaces: tuple = ()) -> list[Route]:
    routes = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = (*namespaces, entry.namespace) if entry.namespace else namespaces
            routes += _walk(entry.url_patterns, (*parts, entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            all_parts = (*parts, entry.pattern)
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            routes.append(Route(pattern="".join(str(p) for p in all_parts), name=name, parts=all_parts))
    return routes


def _fill(part, values: dict[str, str]) -> str:
    """The URL text of one pattern piece with every parameter replaced by a sample value."""

    def value(name: str) -> str:
        if name not in values:
            pytest.fail(f"The URL walk does not know how to fill <{name}>: add a sample value to url_values().")
        return str(values[name])

    if isinstance(part, RoutePattern):
        return CONVERTER.sub(lambda m: value(m["name"]), str(part))
    # A regular expression (the admin's app list and catch-all, media files): fill its named groups.
    text, params = normalize(part.regex.pattern)[0]
    return text % {name: value(name) for name in params}


def all_routes() -> list[Route]:
    return _walk(get_resolver().url_patterns)


def url_values(org_slug: str, person_pk: int, item_pk: int) -> dict[str, str]:
    return {
        "org": org_slug,
        "role": Role.Kind.HEAD,
        "key": "forms",
        "pk": person_pk,
        "item_pk": item_pk,
        "purpose": "personal_data",
        "consent_pk": item_pk,
        "version": 1,
        "uidb64": "MQ",
        "token": "set-password",
        "id": "1",
        "object_id": "1",
        "content_type_id": "1",
        "app_label": "people",
        "url": "no-such-page/",
        "path": "no-such-file.txt",
        "_0": "1",  # unnamed regex groups (simple-history admin pages)
        "_1": "1",
        "fmt": "xlsx",
        "row": item_pk,
        "kind": "early_end",  # an order kind (roadmap drafting)
        "municipality": "some-municipality",
        "file_pk": item_pk,  # a material of a practice (the public page)
        "table": "roles",  # a table of the report page (mentoring/views/reports.py)
        "number": 1,  # a version of a programme (mentoring/views/programmes.py)
        "meeting": item_pk,  # a meeting of a pair's log (mentoring/views/meetings.py)
        "remark": item_pk,  # a mentee's remark on a draft programme (mentoring/views/coauthor.py)
    }


def route_url(route: Route, values: dict[str, str]) -> str:
    # Under reference/<key>/ the <pk> is an entry of that list, elsewhere it is a staff member.
    if "<slug:key>/<int:pk>" in route.pattern:
        values = {**values, "pk": values["item_pk"]}
    return route.url(values)


def test_the_walk_finds_every_kind_of_page():
    names = {route.name for route in all_routes()}
    # A guard for the walk itself: if it stopped descending into includes, the tests below would prove nothing.
    assert {"home", "role_home", "people:staff_list", "people:reference_edit", "admin:index", "login"} <= names


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login_from_every_page_but_the_public_ones(client):
    values = url_values("some-org", 1, 1)
    login = reverse("login")
    admin_login = reverse("admin:login")
    # The public page answers only for an organisation whose page is open: give the walk one, with approved
    # documents and a published practice with a file.
    public = public_org_for_walk(values["org"])
    # The calendar feed answers only to an existing token of someone still working with a role: give the walk one.
    owner = PersonFactory(organization=public.practice.organization, roles=["mentor"], with_account=True).user
    CalendarFeed.objects.create(user=owner, token=values["token"])
    # The verification page answers only to the token of a signed order: give the walk one.
    signer = PersonFactory(organization=public.practice.organization, roles=["head"], with_account=True).user
    with mock.patch("roadmap.signing.new_token", return_value=values["token"]):
        approve_order(make_order(public.practice.organization), by=signer, notify=False)
    values = {**values, "pk": public.practice.pk, "file_pk": public.file.pk}
    seen_public = set()
    for route in all_routes():
        url = route_url(route, values)
        if route.name in PUBLIC or route.name in ADMIN_PUBLIC:
            seen_public.add(route.name)
            response = client.get(url)
            assert response.status_code == 200, f"public page {route.label} ({url}) answered {response.status_code}"
        elif route.pattern.startswith("admin/"):
            # The admin site's own pages send strangers to the admin login (its logout via its index). Pages of
            # registered models are stopped earlier by LoginRequiredMiddleware, which sends them to ours.
            response = client.get(url, follow=True)
            assert response.redirect_chain, f"{route.label} ({url}) opened without login"
            last = response.redirect_chain[-1][0]
            assert last.split("?next=")[0] in (admin_login, login), f"{route.label} ({url}) went to {last}"
        else:
            response = client.get(url)
            assert response.status_code == 302, f"{route.label} ({url}) answered {response.status_code}"
            assert response.url == f"{login}?next={quote(url)}", route.label
    # Every listed public page exists (a stale entry would hide nothing, but would mislead).
    assert seen_public == PUBLIC | ADMIN_PUBLIC


@pytest.mark.django_db
def test_admin_sends_a_stranger_to_its_own_login(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url == f"{reverse('admin:login')}?next={reverse('admin:index')}"


# Form data for every form under /o/<org>/ at once: if any view let the outsider through, it would change
# something the test then finds.
INTRUDER_POST = {
    "surname": "Взломова",
    "name": "Взлом",
    "patronymic": "",
    "position": "1",  # valid both as a staff member's position and as a reference entry's order
    "qualification_category": "none",
    "roles": [Role.Kind.ADMIN, Role.Kind.HEAD],
    "username": "intruder",
    "email": "intruder@example.com",
    "full_name": "Взломанная организация",
    "short_name": "Взломано",
    "kind": "school",
    "description": "",
    "is_active": "on",
}


def test_outsider_gets_404_on_every_page_of_another_organisation(org, outsider, mentee):
    person = mentee.person
    item = MentoringForm.objects.filter(organization=org).first()
    values = url_values(org.slug, person.pk, item.pk)
    missing_org = url_values("no-such-org", person.pk, item.pk)
    org_routes = [route for route in all_routes() if route.pattern.startswith(ORG_PREFIX)]
    assert len(org_routes) >= 10, "the walk lost the organisation's pages"
    for route in org_routes:
        url = route_url(route, values)
        statuses = set()
        for method in ("get", "post"):
            response = getattr(outsider.client, method)(url, INTRUDER_POST if method == "post" else None)
            if response.status_code == 405:
                # A view that refuses the method does so before it looks at the organisation. That is fine only
                # while the answer is the same for an organisation that does not exist: it tells nothing.
                elsewhere = getattr(outsider.client, method)(route_url(route, missing_org))
                assert elsewhere.status_code == 405, f"{method.upper()} {url}"
            else:
                assert response.status_code == 404, f"{method.upper()} {url} answered {response.status_code}"
            statuses.add(response.status_code)
        # The method the view does accept reached the access check and was refused.
        assert 404 in statuses, url
    # Nothing the outsider posted took effect.
    org.refresh_from_db()
    person.refresh_from_db()
    assert org.short_name == "МБОУ «СОШ № 1»"
    assert set(person.roles.values_list("kind", flat=True)) == {Role.Kind.MENTEE}
    assert person.user.is_active
    assert not Person.objects.filter(surname="Взломова").exists()
    assert not get_user_model().objects.filter(username="intruder").exists()
    assert not MentoringForm.objects.filter(name="Взлом").exists()
