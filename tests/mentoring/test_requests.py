"""Participants' requests to release a mentor or change a mentor, the curator's decisions, and support records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.models import ChangeRequest, Mentorship, SupportRecord
from people.models import MenteeEntry
from tests.factories import PersonFactory
from tests.mentoring.pair_fixtures import days_ago, make_pair
from tests.people.bank_fixtures import mentee_entry

pytestmark = pytest.mark.django_db
S = Mentorship.State


def url(name: str, org, *args) -> str:
    return reverse(f"mentoring:{name}", args=[org.slug, *args])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def pair(mentor, mentee) -> Mentorship:
    return make_pair(mentor.person, mentee.person, state=S.ACTIVE)


def test_mentor_asks_to_be_released_from_the_home_and_returns_there(org, mentor, pair):
    response = mentor.client.post(url("mentorship_ask", org, pair.pk), {"reason": "Новая нагрузка", "back": "mentor"})
    assert response.url == reverse("role_home", args=[org.slug, "mentor"])
    change = ChangeRequest.objects.get()
    assert (change.kind, change.requested_by, change.status) == (
        ChangeRequest.Kind.RELEASE,
        mentor.person,
        ChangeRequest.Status.OPEN,
    )
    home = mentor.client.get(reverse("role_home", args=[org.slug, "mentor"]))
    assert "ждёт решения" in home.content.decode()


def test_mentee_asks_for_another_mentor_from_the_pair_page(org, mentee, pair):
    response = mentee.client.post(url("mentorship_ask", org, pair.pk), {"reason": "Не совпадаем по графику"})
    assert response.url == url("mentorship_detail", org, pair.pk)
    assert ChangeRequest.objects.get().kind == ChangeRequest.Kind.CHANGE_MENTOR


def test_request_without_reason_twice_or_for_a_draft_is_refused_with_a_message(org, mentor, mentee, pair):
    response = mentor.client.post(url("mentorship_ask", org, pair.pk), {"reason": "  "}, follow=True)
    assert any("Укажите причину" in text for text in messages_of(response))
    mentor.client.post(url("mentorship_ask", org, pair.pk), {"reason": "Первая"})
    response = mentor.client.post(url("mentorship_ask", org, pair.pk), {"reason": "Вторая"}, follow=True)
    assert any("уже передана" in text for text in messages_of(response))
    draft = make_pair(mentor.person, PersonFactory(organization=org))
    response = mentor.client.post(url("mentorship_ask", org, draft.pk), {"reason": "Причина"}, follow=True)
    assert any("действующей" in text for text in messages_of(response))
    assert ChangeRequest.objects.count() == 1


def test_curator_sees_open_requests_and_a_count_on_the_home(org, curator, mentor, pair):
    pair.ask_for_change(person=mentor.person, reason="Новая нагрузка")
    page = curator.client.get(url("change_requests", org))
    assert [r.requested_by for r in page.context["page"].object_list] == [mentor.person]
    home = curator.client.get(reverse("role_home", args=[org.slug, "curator"]))
    assert home.context["pairs"]["open_requests"] == 1


def test_refusal_needs_a_comment_and_is_shown_to_the_participant(org, curator, mentor, pair):
    change = pair.ask_for_change(person=mentor.person, reason="Новая нагрузка")
    response = curator.client.post(url("change_request_decide", org, change.pk), {"decision": "refuse"}, follow=True)
    assert any("Объясните" in text for text in messages_of(response))
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.OPEN
    curator.client.post(
        url("change_request_decide", org, change.pk), {"decision": "refuse", "note": "Замены пока нет, вернёмся в мае"}
    )
    change.refresh_from_db()
    assert (change.status, change.decided_by) == (ChangeRequest.Status.REFUSED, curator.user)
    page = mentor.client.get(url("mentorship_detail", org, pair.pk))
    assert "Замены пока нет, вернёмся в мае" in page.content.decode()
    pair.refresh_from_db()
    assert pair.state == S.ACTIVE


def test_granting_offers_the_early_end_with_the_matching_reason(org, curator, mentee, pair):
    change = pair.ask_for_change(person=mentee.person, reason="Нужен наставник-логопед")
    response = curator.client.post(url("change_request_decide", org, change.pk), {"decision": "grant"})
    assert response.url == url("mentorship_detail", org, pair.pk) + "?end_reason=mentee#end-early"
    page = curator.client.get(response.url)
    assert page.context["end_form"].initial["reason"] == Mentorship.EndReason.MENTEE
    assert page.context["open_panel"] == "end"
    # A decided request is not decided again.
    again = curator.client.post(
        url("change_request_decide", org, change.pk), {"decision": "refuse", "note": "x"}, follow=True
    )
    assert any("уже принято решение" in text for text in messages_of(again))


def test_participants_and_outsiders_cannot_decide(org, mentor, mentee, outsider, pair):
    change = pair.ask_for_change(person=mentee.person, reason="Причина")
    for persona in (mentor, mentee, outsider):
        response = persona.client.post(url("change_request_decide", org, change.pk), {"decision": "grant"})
        assert response.status_code == 404
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.OPEN


# --- support of mentees without a pair ------------------------------------------------------------------------


def test_curator_records_support_for_a_waiting_mentee(org, curator):
    entry = mentee_entry(PersonFactory(organization=org, surname="Григорьева"))
    response = curator.client.post(
        url("support", org, entry.pk),
        {"date": days_ago(2).isoformat(), "description": "Консультация по плану", "given_by": curator.person.pk},
    )
    assert response.status_code == 302
    record = SupportRecord.objects.get()
    assert (record.entry, record.given_by, record.organization) == (entry, curator.person, org)
    page = curator.client.get(url("support", org, entry.pk))
    assert "Консультация по плану" in page.content.decode()


def test_support_form_shows_errors_beside_fields(org, curator):
    entry = mentee_entry(PersonFactory(organization=org))
    future = (timezone.localdate() + timedelta(days=365)).isoformat()  # replace(year=…) fails on 29 February
    response = curator.client.post(url("support", org, entry.pk), {"date": future, "description": ""})
    errors = response.context["form"].errors
    assert "Опишите" in " ".join(errors["description"]) and "позже" in " ".join(errors["date"])
    assert not SupportRecord.objects.exists()


def test_support_is_not_added_for_a_mentee_in_a_pair_or_by_the_head(org, curator, head, mentor, mentee):
    make_pair(mentor.person, mentee.person, state=S.ACTIVE)
    entry = MenteeEntry.objects.get(person=mentee.person)
    data = {"date": days_ago(1).isoformat(), "description": "Консультация"}
    curator.client.post(url("support", org, entry.pk), data)
    waiting = mentee_entry(PersonFactory(organization=org))
    assert head.client.get(url("support", org, waiting.pk)).status_code == 200
    head.client.post(url("support", org, waiting.pk), data)
    assert not SupportRecord.objects.exists()


def test_support_page_is_closed_to_mentees_and_outsiders(org, mentee, outsider):
    entry = mentee_entry(mentee.person)
    assert mentee.client.get(url("support", org, entry.pk)).status_code == 404
    assert outsider.client.get(url("support", outsider.org, entry.pk)).status_code == 404
