"""The methodical council's «согласовано» step: off by default (the chain keeps its meaning), and where the
organisation turns it on, the approver waits for the council; remarks send the programme back to the mentor."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mentoring.models import Programme
from people.models import Role
from tests.conftest import make_persona
from tests.mentoring.programme_fixtures import active_pair, programme_with_rows

pytestmark = pytest.mark.time_machine("2025-11-20 10:00 +03:00", tick=True)


@pytest.fixture
def council(org):
    return make_persona(org, Role.Kind.COUNCIL)


@pytest.fixture
def acknowledged(mentor, mentee) -> Programme:
    programme = programme_with_rows(active_pair(mentor.person, mentee.person), rows=2)
    programme.send(mentor.user)
    programme.acknowledge(mentee.person)
    return Programme.objects.select_related("mentorship__organization").get(pk=programme.pk)


@pytest.fixture
def reviewing(org):
    org.council_reviews_programmes = True
    org.save(update_fields=["council_reviews_programmes"])
    return org


def fresh(programme: Programme) -> Programme:
    return Programme.objects.get(pk=programme.pk)


def url(name: str, programme: Programme) -> str:
    return reverse(f"mentoring:{name}", args=[programme.mentorship.organization.slug, programme.mentorship_id])


def test_without_the_setting_the_approver_approves_straight_after_acknowledgement(acknowledged, curator):
    assert not acknowledged.awaits_council()
    acknowledged.approve(curator.user)
    assert fresh(acknowledged).status == Programme.Status.APPROVED


def test_with_the_setting_approval_waits_for_the_council(reviewing, acknowledged, curator, council):
    acknowledged.mentorship.organization.refresh_from_db()
    with pytest.raises(ValidationError, match="методический совет"):
        acknowledged.approve(curator.user)
    assert fresh(acknowledged).status == Programme.Status.ACKNOWLEDGED
    acknowledged.council_agree(council.person)
    stored = fresh(acknowledged)
    assert stored.council_agreed_by == council.person and stored.council_agreed_at is not None
    acknowledged.approve(curator.user)
    assert fresh(acknowledged).status == Programme.Status.APPROVED


def test_council_remarks_send_the_programme_back_and_clear_the_acknowledgement(reviewing, acknowledged, council):
    acknowledged.mentorship.organization.refresh_from_db()
    with pytest.raises(ValidationError):
        acknowledged.council_return(council.person, "   ")
    acknowledged.council_return(council.person, "Добавьте посещение уроков наставника.")
    stored = fresh(acknowledged)
    assert stored.status == Programme.Status.DRAFT
    assert stored.remark == "Добавьте посещение уроков наставника." and stored.remark_by == council.person
    assert stored.acknowledged_at is None


def test_a_new_send_needs_a_new_council_agreement(reviewing, acknowledged, council, mentor, mentee):
    acknowledged.mentorship.organization.refresh_from_db()
    acknowledged.council_agree(council.person)
    Programme.content_changed(acknowledged.pk)  # a plan row edited after sending
    stored = fresh(acknowledged)
    assert stored.status == Programme.Status.DRAFT and stored.council_agreed_at is None


def test_the_council_agrees_on_the_page_then_the_approver_sees_the_button(reviewing, acknowledged, council, curator):
    page = council.client.get(url("programme", acknowledged))
    assert page.status_code == 200
    assert "Согласование методическим советом" in page.content.decode()
    assert 'data-testid="council-agree"' in page.content.decode()
    before = curator.client.get(url("programme", acknowledged)).content.decode()
    assert 'data-testid="approve"' not in before and "ждёт согласования методического совета" in before
    assert "Ждёт согласования методического совета</span>" in before  # the badge over the title
    response = council.client.post(url("programme_council_agree", acknowledged))
    assert response.status_code == 302
    assert fresh(acknowledged).council_agreed_by == council.person
    assert 'data-testid="approve"' in curator.client.get(url("programme", acknowledged)).content.decode()


def test_empty_remarks_are_refused_beside_the_field(reviewing, acknowledged, council):
    response = council.client.post(url("programme_council_return", acknowledged), {"comment": ""})
    assert response.status_code == 200
    assert "Напишите, что нужно изменить." in response.content.decode()
    assert fresh(acknowledged).status == Programme.Status.ACKNOWLEDGED


def test_the_council_sees_no_programme_where_it_does_not_review(acknowledged, council):
    assert council.client.get(url("programme", acknowledged)).status_code == 404
    assert council.client.post(url("programme_council_agree", acknowledged)).status_code == 404


def test_others_cannot_mark_agreed(reviewing, acknowledged, curator, mentor, outsider):
    for who in (curator, mentor, outsider):
        assert who.client.post(url("programme_council_agree", acknowledged)).status_code == 404
    assert fresh(acknowledged).council_agreed_at is None
