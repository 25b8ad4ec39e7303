"""Every role's home costs the same number of queries for a small and a large organisation, and shows its parts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Mentorship, PlanActivity, Programme, recount_places
from people.models import Person, Role
from roadmap.models import Roadmap, RoadmapActivity, RoadmapStage
from tests.mentoring.pair_fixtures import bulk_pairs, make_pair
from tests.people.bank_fixtures import bulk_people, grow_mentee_bank
from tests.people.test_staff import person_data

ROLES = [Role.Kind.HEAD, Role.Kind.CURATOR, Role.Kind.ADMIN, Role.Kind.MENTOR, Role.Kind.MENTEE]


def grow(org, *, staff: int, pairs: int, activities: int, roadmap_rows: int, start: int, mentor, mentee) -> None:
    bulk_people(org, staff, start=start)
    grow_mentee_bank(org, max(staff // 10, 1), start=start + staff)
    made = bulk_pairs(org, pairs, start=start + 2 * staff)
    mine = bulk_pairs(org, 1, start=start + 2 * staff + 2 * pairs, mentor=mentor)
    Mentorship.mentees.through.objects.create(mentorship=mine[0], person=mentee)
    recount_places(mentor_ids=[mentor.pk])
    programmes = list(Programme.objects.filter(mentorship__in=made))
    today = timezone.localdate()
    PlanActivity.objects.bulk_create(
        PlanActivity(
            programme=programmes[n % len(programmes)],
            activity=f"Мероприятие {n}",
            deadline=today + timedelta(days=n % 40 - 10),
        )
        for n in range(activities)
    )
    # The dashboards read the approved roadmap: each call fills a new one and approves it (the latest is current).
    rm = Roadmap.objects.create(
        organization=org,
        title="Дорожная карта",
        period_label="текущий год",
        period_start=today - timedelta(days=100),
        period_end=today + timedelta(days=200),
    )
    stage = RoadmapStage.objects.create(roadmap=rm, number="1", model_stage=1, title="Подготовка условий")
    RoadmapActivity.objects.bulk_create(
        RoadmapActivity(
            roadmap=rm, stage=stage, content=f"Мероприятие {n}", deadline_date=today + timedelta(days=n % 20 - 10)
        )
        for n in range(roadmap_rows)
    )
    # One roadmap in force per period (a database constraint): the earlier one steps down, as a new edition does.
    for earlier in Roadmap.objects.filter(organization=org, status=Roadmap.Status.APPROVED):
        earlier.status = Roadmap.Status.SUPERSEDED
        earlier.save(update_fields=["status"])
    Roadmap.objects.filter(pk=rm.pk).update(status=Roadmap.Status.APPROVED)


def queries_for(client, url: str) -> list[str]:
    client.get(url)
    cache.clear()  # as after a write in the organisation: the figures are computed anew (people.changes)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("role", ROLES)
def test_home_queries_are_the_same_for_a_small_and_a_large_organisation(org, persona, mentor, mentee, role):
    actor = {Role.Kind.MENTOR: mentor, Role.Kind.MENTEE: mentee}.get(role) or persona(org, role)
    url = reverse("role_home", args=[org.slug, role])
    common = {"mentor": mentor.person, "mentee": mentee.person}
    grow(org, staff=10, pairs=2, activities=10, roadmap_rows=5, start=10_000, **common)
    small = queries_for(actor.client, url)
    grow(org, staff=290, pairs=98, activities=1990, roadmap_rows=60, start=20_000, **common)
    large = queries_for(actor.client, url)
    assert len(small) == len(large), "\n".join(["small:", *small, "large:", *large])
    assert len(large) <= 14  # the participants' homes read their pending questionnaires too; +1 the bell (issue 16)


def test_head_home_shows_the_strip_overdue_roadmap_and_figures(org, head, mentor, mentee):
    grow(org, staff=5, pairs=3, activities=5, roadmap_rows=4, start=10_000, mentor=mentor.person, mentee=mentee.person)
    response = head.client.get(reverse("role_home", args=[org.slug, "head"]))
    html = response.content.decode()
    assert html.count('data-testid="stage-segment"') == 7
    assert 'data-testid="roadmap-overdue"' in html and 'data-testid="key-figures"' in html
    assert response.context["figures"]["roadmap_overdue"] == 4
    assert len(response.context["roadmap_overdue"]) == 4
    assert 'data-testid="next-actions"' not in html


def test_curator_next_actions_link_to_where_they_are_done(org, curator, mentor, mentee):
    grow(org, staff=20, pairs=3, activities=5, roadmap_rows=4, start=10_000, mentor=mentor.person, mentee=mentee.person)
    response = curator.client.get(reverse("role_home", args=[org.slug, "curator"]))
    actions = {a["code"]: a for a in response.context["next_actions"]}
    assert actions["mentees_waiting"]["url"] == reverse("mentoring:matching", args=[org.slug])
    assert actions["mentee_requests"]["url"] == reverse("people:mentee_bank", args=[org.slug]) + "?status=requested"
    assert actions["mentees_waiting"]["label"].endswith("без наставника")
    html = response.content.decode()
    assert 'data-testid="next-actions"' in html and html.count('data-testid="stage-segment"') == 7


def test_admin_home_shows_accounts_and_imports(org, admin, persona):
    from people.models import StaffImport
    from tests.factories import PersonFactory

    PersonFactory(organization=org, roles=[Role.Kind.MENTOR], surname="Безучётная")
    StaffImport.objects.create(organization=org, original_name="штат.xlsx", status=StaffImport.Status.APPLIED)
    html = admin.client.get(reverse("role_home", args=[org.slug, "admin"])).content.decode()
    assert "Безучётная" in html and "штат.xlsx" in html


def test_outsider_gets_404(org, outsider):
    assert outsider.client.get(reverse("role_home", args=[org.slug, "curator"])).status_code == 404


# The counts each managing home keeps in the cache (people.changes): a read after no write skips their queries.
CACHED_QUERIES = {Role.Kind.HEAD: 3, Role.Kind.CURATOR: 3, Role.Kind.ADMIN: 4}


@pytest.mark.parametrize("role", list(CACHED_QUERIES))
def test_a_home_read_again_takes_its_counts_from_the_cache(org, persona, mentor, mentee, role):
    actor = persona(org, role)
    url = reverse("role_home", args=[org.slug, role])
    common = {"mentor": mentor.person, "mentee": mentee.person}
    grow(org, staff=10, pairs=2, activities=10, roadmap_rows=5, start=10_000, **common)
    cold = queries_for(actor.client, url)
    with CaptureQueriesContext(connection) as warm:
        again = actor.client.get(url)
    assert len(warm.captured_queries) == len(cold) - CACHED_QUERIES[role]
    assert again.context["staff_total"] == Person.objects.filter(organization=org).count()


def test_after_a_write_the_home_shows_the_new_figures(org, curator, mentor, mentee):
    """No stale read: the write through a page changes the organisation's version, the home computes anew."""
    url = reverse("role_home", args=[org.slug, "curator"])
    pair = make_pair(mentor.person, mentee.person, state=Mentorship.State.ACTIVE)
    before = curator.client.get(url).context
    assert (before["figures"]["pairs_active"], before["figures"]["pairs_completed"]) == (1, 0)
    today = timezone.localdate().isoformat()
    curator.client.post(reverse("mentoring:mentorship_complete", args=[org.slug, pair.pk]), {"on": today})
    curator.client.post(reverse("people:person_create", args=[org.slug]), person_data())
    after = curator.client.get(url).context
    assert (after["figures"]["pairs_active"], after["figures"]["pairs_completed"]) == (0, 1)
    assert after["staff_total"] == before["staff_total"] + 1
    assert after["pairs"]["active"] == 0
