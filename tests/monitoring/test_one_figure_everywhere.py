"""One definition per figure: every page that shows a figure shows the same number at the same moment.

The organisation here has mentees in every state (waiting, supported, waiting in a pair draft, in an active pair,
a pending request, left), pairs in every state, and a current roadmap with overdue activities and stage 5 under
way. Each test opens every page that shows one figure, reads the number as the user sees it, and compares.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import html

from mentoring.models import Mentorship
from monitoring.progress import org_figures
from people.models import MenteeEntry, Role
from roadmap.models import ActivityStatus, Roadmap, RoadmapActivity, RoadmapStage
from tests.factories import PersonFactory
from tests.mentoring.pair_fixtures import make_pair, selected_mentor
from tests.monitoring.test_progress import approve
from tests.people.bank_fixtures import mentee_entry

pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00")

S = MenteeEntry.Status


@pytest.fixture
def scene(org):
    """Mentees without a mentor: 2 waiting, 1 supported, 1 waiting in a pair draft = 4. Others must not count."""
    person = lambda: PersonFactory(organization=org)  # noqa: E731
    mentee_entry(person())
    mentee_entry(person())
    mentee_entry(person(), status=S.SUPPORTED, support_given="Консультации методиста")
    in_draft = person()
    mentee_entry(in_draft)
    mentee_entry(person(), status=S.REQUESTED, self_submitted=True)
    left = mentee_entry(person())
    left.change_status(S.LEFT, note="Уволилась")
    mentor_a, mentor_b, mentor_c = person(), person(), person()
    for m in (mentor_a, mentor_b, mentor_c):
        selected_mentor(m, capacity=3)
    make_pair(mentor_a, in_draft)  # a draft: its mentee is still without a mentor
    make_pair(mentor_b, person(), state=Mentorship.State.ACTIVE)
    make_pair(mentor_c, person(), state=Mentorship.State.ACTIVE)
    make_pair(mentor_c, person(), state=Mentorship.State.COMPLETED)

    today = timezone.localdate()
    rm = Roadmap.objects.create(
        organization=org,
        title="Дорожная карта",
        period_label="текущий год",
        period_start=today - timedelta(days=100),
        period_end=today + timedelta(days=200),
    )
    s1 = RoadmapStage.objects.create(roadmap=rm, number="1", model_stage=1, title="Подготовка условий", position=1)
    s5 = RoadmapStage.objects.create(roadmap=rm, number="5", model_stage=5, title="Пары за работой", position=5)
    for n, deadline in enumerate((-30, -5, -1, 0, 20)):
        RoadmapActivity.objects.create(
            roadmap=rm, stage=s1, position=n, content=f"Мероприятие {n}", deadline_date=today + timedelta(days=deadline)
        )
    RoadmapActivity.objects.create(
        roadmap=rm,
        stage=s1,
        position=9,
        content="Отменено",
        deadline_date=today - timedelta(days=40),
        status="cancelled",
    )
    RoadmapActivity.objects.create(
        roadmap=rm, stage=s5, position=1, content="Закрепить пары", status=ActivityStatus.DONE, done_on=today
    )
    RoadmapActivity.objects.create(roadmap=rm, stage=s5, position=2, content="Встречи пар", deadline_date=today)
    # The current roadmap is the approved one; a newer draft (next year's, say) changes none of the figures.
    approve(rm)
    Roadmap.objects.create(
        organization=org,
        title="Проект на следующий год",
        period_label="следующий год",
        period_start=today + timedelta(days=1),
        period_end=today + timedelta(days=300),
    )
    return {"roadmap": rm}


def page(persona, name: str, *args, query: str = ""):
    response = persona.client.get(reverse(name, args=[persona.org.slug, *args]) + query)
    assert response.status_code == 200, name
    return response


def _testid_text(response, testid: str) -> str:
    (node,) = html.fromstring(response.text).xpath(f'//*[@data-testid="{testid}"]')
    return node.text_content()


def number(response, testid: str) -> int:
    return int(_testid_text(response, testid).split()[0])


def test_mentees_without_a_mentor_are_the_same_number_on_every_page(org, scene, curator, head, persona):
    admin = persona(org, Role.Kind.ADMIN)
    expected = MenteeEntry.objects.for_org(org).without_mentor().count()
    assert expected == 4
    curator_home = page(curator, "role_home", "curator")
    shown = {
        "figures": org_figures(org)["mentees_waiting"],
        "curator home tile": number(curator_home, "count-waiting"),
        "curator next action": next(
            a["count"] for a in curator_home.context["next_actions"] if a["code"] == "mentees_waiting"
        ),
        "head home summary": page(head, "role_home", "head").context["mentees"]["waiting"],
        "admin home summary": page(admin, "role_home", "admin").context["mentees"]["waiting"],
        "pairs list": page(curator, "mentoring:pairs").context["waiting_total"],
        "matching": number(page(curator, "mentoring:matching"), "count-waiting"),
        "mentee bank, filtered": page(curator, "people:mentee_bank", query="?status=without_mentor")
        .context["page"]
        .paginator.count,
    }
    assert shown == dict.fromkeys(shown, expected)
    # The matching also says how many of them are not yet in a pair draft: a different figure, named differently.
    assert number(page(curator, "mentoring:matching"), "count-candidates") == 3


def test_active_pairs_are_the_same_number_on_every_page(org, scene, curator, head):
    expected = Mentorship.objects.for_org(org).active().count()
    assert expected == 2
    curator_home = page(curator, "role_home", "curator")
    shown = {
        "figures": org_figures(org)["pairs_active"],
        "curator home tile": number(curator_home, "count-active"),
        "curator home context": curator_home.context["pairs"]["active"],
        "pairs list filtered": page(curator, "mentoring:pairs", query="?state=active").context["page"].paginator.count,
    }
    assert shown == dict.fromkeys(shown, expected)


def test_overdue_roadmap_activities_agree_between_the_homes_and_the_roadmap(org, scene, curator, head):
    # Open, with a control date before today, on the current roadmap: −30, −5 and −1 days; not today's, not the
    # cancelled one.
    expected = RoadmapActivity.objects.filter(roadmap=scene["roadmap"]).overdue().count()
    assert expected == 3
    curator_home = page(curator, "role_home", "curator")
    roadmap_page = page(curator, "roadmap:roadmap", scene["roadmap"].pk)
    shown = {
        "figures": org_figures(org)["roadmap_overdue"],
        "curator home list": len(curator_home.context["roadmap_overdue"]),
        "curator next action": next(
            a["count"] for a in curator_home.context["next_actions"] if a["code"] == "roadmap_overdue"
        ),
        "head home list": len(page(head, "role_home", "head").context["roadmap_overdue"]),
        "roadmap page": roadmap_page.context["overdue"],
        "roadmap page header": int(re.search(r"просрочено (\d+)", _testid_text(roadmap_page, "overdue-count"))[1]),
    }
    assert shown == dict.fromkeys(shown, expected)


def test_a_stage_the_roadmap_shows_under_way_is_under_way_on_the_dashboard(org, scene, curator, head):
    """Stage 5: pairs work but none by an approved programme (no check done), and the roadmap has one of its two
    activities done. The dashboard used to say «не начат»; it says «выполняется», on every home that shows it."""
    for persona, role in ((curator, "curator"), (head, "head")):
        response = page(persona, "role_home", role)
        strip = html.fromstring(response.text).xpath('//*[@data-testid="stage-segment"]')
        states = [node.get("data-state") for node in strip]
        assert states[4] == "in_progress", role
        stage5 = response.context["progress"][4]
        assert (stage5.roadmap_done, stage5.roadmap_total) == (1, 2)
        assert "по дорожной карте выполнено 1 из 2" in response.text
    roadmap_page = page(curator, "roadmap:roadmap", scene["roadmap"].pk)
    (stage5,) = [s for s in roadmap_page.context["stages"] if s.model_stage == 5]
    assert (stage5.done_count, stage5.total_count) == (1, 2)


def test_a_stage_with_nothing_begun_is_not_started(org, curator):
    response = page(curator, "role_home", "curator")
    states = [
        node.get("data-state") for node in html.fromstring(response.text).xpath('//*[@data-testid="stage-segment"]')
    ]
    assert states[4] == states[5] == "not_started"
