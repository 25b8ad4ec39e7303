"""The final event of stage 6: recording it, its order, mentors recommended for reward and the reward order."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Mentorship
from monitoring.models import FinalEvent, Practice
from monitoring.progress import stage_progress
from roadmap.models import Order, OrderKind
from tests.factories import PersonFactory
from tests.mentoring.pair_fixtures import make_pair
from tests.people.bank_fixtures import bulk_people
from tests.roadmap.approval_fixtures import make_order


def url(org, name, *args):
    return reverse(f"monitoring:{name}", args=[org.slug, *args])


def completed_mentor(org):
    mentor = PersonFactory(organization=org)
    make_pair(mentor, PersonFactory(organization=org), state=Mentorship.State.COMPLETED)
    return mentor


def event(org, **fields) -> FinalEvent:
    fields.setdefault("held_on", timezone.localdate() - timedelta(days=3))
    fields.setdefault("title", "Круглый стол «Итоги наставничества»")
    return FinalEvent.objects.create(organization=org, **fields)


def checks(org) -> dict:
    return {c.code: c for s in stage_progress(org) for c in s.checks}


def test_the_curator_records_the_event_with_participants_and_the_head_reads_it(org, curator, head, mentor, mentee):
    data = {
        "title": "Круглый стол «Наставничество: итоги года»",
        "event_format": "Круглый стол",
        "held_on": "2026-05-20",
        "participants": [mentor.person.pk, mentee.person.pk],
        "guests": "Методист управления образования",
        "outcome": "Отмечены лучшие пары; решено продолжить программу.",
    }
    response = curator.client.post(url(org, "final_event_create"), data)
    created = FinalEvent.objects.get()
    assert response.status_code == 302 and response["Location"] == url(org, "final_event_detail", created.pk)
    assert set(created.participants.all()) == {mentor.person, mentee.person}
    assert created.held_on == date(2026, 5, 20) and created.created_by == curator.user
    page = head.client.get(url(org, "final_event_detail", created.pk)).content.decode()
    assert "решено продолжить программу" in page and mentor.person.short_name in page
    assert 'data-testid="event-order-draft"' not in page  # the head reads, the curator drafts
    assert head.client.get(url(org, "final_event_edit", created.pk)).status_code == 404
    for persona in (mentor, mentee):
        assert persona.client.get(url(org, "final_events")).status_code == 404


def test_participants_from_another_organisation_are_refused(org, other_org, curator):
    stranger = PersonFactory(organization=other_org)
    data = {"title": "Конференция", "held_on": "2026-05-20", "participants": [stranger.pk]}
    response = curator.client.post(url(org, "final_event_create"), data)
    assert response.status_code == 200 and "participants" in response.context["form"].errors
    assert not FinalEvent.objects.exists()


def test_only_mentors_of_completed_pairs_can_be_recommended(org, curator):
    item = event(org)
    rewardable = completed_mentor(org)
    working = PersonFactory(organization=org)
    make_pair(working, PersonFactory(organization=org), state=Mentorship.State.ACTIVE)
    page = curator.client.get(url(org, "final_event_detail", item.pk))
    assert list(page.context["recommend_form"].fields["recommended"].queryset) == [rewardable]
    bad = curator.client.post(url(org, "final_event_recommend", item.pk), {"recommended": [working.pk]})
    assert bad.status_code == 200 and not item.recommended.exists()
    good = curator.client.post(url(org, "final_event_recommend", item.pk), {"recommended": [rewardable.pk]})
    assert good.status_code == 302 and list(item.recommended.all()) == [rewardable]


def test_reward_order_names_the_recommended_mentors_and_is_not_drafted_twice(org, curator):
    first, second, third = completed_mentor(org), completed_mentor(org), completed_mentor(org)
    item = event(org)
    item.recommended.set([first, second])
    response = curator.client.post(url(org, "final_event_reward_order", item.pk))
    order = Order.objects.get(kind=OrderKind.REWARD)
    assert response.status_code == 302 and response["Location"] == reverse("roadmap:order", args=[org.slug, order.pk])
    assert set(order.rewarded.all()) == {first, second} and third not in order.rewarded.all()
    assert order.status == Order.Status.DRAFT and order.created_by == curator.user
    item.refresh_from_db()
    assert item.reward_order == order
    # A second press explains and drafts nothing.
    again = curator.client.post(url(org, "final_event_reward_order", item.pk), follow=True)
    assert Order.objects.filter(kind=OrderKind.REWARD).count() == 1
    assert "уже сформирован" in again.content.decode()
    # While the order is in force the list is changed in the order, not here.
    curator.client.post(url(org, "final_event_recommend", item.pk), {"recommended": [third.pk]})
    assert set(item.recommended.all()) == {first, second}
    page = curator.client.get(url(org, "final_event_detail", item.pk)).content.decode()
    assert reverse("roadmap:order", args=[org.slug, order.pk]) in page and 'data-testid="reward-order"' not in page
    # Once cancelled, a new one may be drafted.
    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    curator.client.post(url(org, "final_event_reward_order", item.pk))
    assert Order.objects.filter(kind=OrderKind.REWARD).count() == 2
    item.refresh_from_db()
    assert item.reward_order != order


def test_reward_order_needs_someone_recommended(org, curator):
    item = event(org)
    response = curator.client.post(url(org, "final_event_reward_order", item.pk), follow=True)
    assert not Order.objects.exists()
    assert "Отметьте наставников" in response.content.decode()


def test_final_event_order_is_drafted_and_linked_or_the_approved_one_linked(org, curator):
    item = event(org)
    response = curator.client.post(url(org, "final_event_order", item.pk))
    order = Order.objects.get(kind=OrderKind.FINAL_EVENT)
    assert response["Location"] == reverse("roadmap:order", args=[org.slug, order.pk])
    item.refresh_from_db()
    assert item.order == order and order.status == Order.Status.DRAFT
    assert order.event_date == item.held_on  # the data gives the date; only the place is left to the curator
    curator.client.post(url(org, "final_event_order", item.pk))
    assert Order.objects.filter(kind=OrderKind.FINAL_EVENT).count() == 1

    other = event(org, title="Конференция")
    approved = make_order(
        org, OrderKind.FINAL_EVENT, status="approved", number=7, date=date(2026, 4, 1), pdf_sha256="0" * 64
    )
    page = curator.client.get(url(org, "final_event_detail", other.pk)).content.decode()
    assert 'data-testid="event-order-link-approved"' in page
    curator.client.post(url(org, "final_event_order", other.pk), {"link": "1"})
    other.refresh_from_db()
    assert other.order == approved


def test_stage_six_counts_a_recorded_event_and_saved_practices(org):
    c = checks(org)
    assert not c["final_event_held"].done and not c["practices_saved"].done
    assert c["practices_saved"].detail == "практик: 0"
    event(org, held_on=timezone.localdate() + timedelta(days=10))  # planned, not yet held
    assert not checks(org)["final_event_held"].done
    event(org)
    Practice.objects.create(organization=org, title="Практика", description="Описание")
    c = checks(org)
    assert c["final_event_held"].done and "проведено мероприятий: 1" in c["final_event_held"].detail
    assert c["practices_saved"].done and c["practices_saved"].detail == "практик: 1"
    assert c["practices_saved"].url == url(org, "practices")


def queries(client, link) -> int:
    client.get(link)  # the first visit of a session also saves the chosen role: not the page's cost
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(link).status_code == 200
    return len(ctx)


def test_event_list_and_page_cost_the_same_number_of_queries_at_two_sizes(org, curator):
    people = bulk_people(org, 40, start=300)
    item = event(org)
    item.participants.set(people[:3])
    item.recommended.set([completed_mentor(org)])
    small_list = queries(curator.client, url(org, "final_events"))
    small_page = queries(curator.client, url(org, "final_event_detail", item.pk))
    for n in range(15):
        more = event(org, title=f"Мероприятие {n}")
        more.participants.set(people)
    item.participants.set(people)
    item.recommended.set([completed_mentor(org) for _ in range(4)])
    assert queries(curator.client, url(org, "final_events")) == small_list
    assert queries(curator.client, url(org, "final_event_detail", item.pk)) == small_page
