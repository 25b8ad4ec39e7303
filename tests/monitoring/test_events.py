"""The programme's events: planned with linked roadmap activities and materials, held (which completes the
activities), published; readers and editors, other organisations, form errors, constant queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentoring.models import CalendarFeed
from monitoring.models import Event
from people.models import Role
from roadmap.models import RoadmapActivity
from tests.conftest import make_persona
from tests.monitoring.material_fixtures import pdf
from tests.monitoring.publishing_fixtures import open_page
from tests.roadmap.roadmap_fixtures import make_roadmap

pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)


def url(name, org, *args):
    return reverse(f"monitoring:{name}", args=[org.slug, *args])


def event(org, *, day=date(2026, 11, 18), activities=(), **fields) -> Event:
    e = Event.objects.create(
        organization=org,
        title=fields.pop("title", "Мастер-класс по формирующему оцениванию"),
        date=day,
        kind=fields.pop("kind", Event.Kind.MASTER_CLASS),
        **fields,
    )
    e.activities.set(activities)
    return e


@pytest.fixture
def activity(org) -> RoadmapActivity:
    return make_roadmap(org, activities=3).activities.order_by("id").first()


def test_holding_completes_the_linked_roadmap_activities_on_the_event_day(org, activity):
    e = event(org, activities=[activity])
    assert e.hold(results="Провели, 14 участников, разработали чек-лист.") == 1
    activity.refresh_from_db()
    assert activity.status == "done" and activity.done_on == date(2026, 11, 18)
    assert "Мастер-класс по формирующему оцениванию" in activity.note
    assert Event.objects.get(pk=e.pk).status == Event.Status.HELD


def test_an_event_cannot_be_held_before_its_day_nor_twice_nor_without_results(org, activity):
    future = event(org, day=date(2026, 12, 10), activities=[activity])
    with pytest.raises(ValidationError, match=r"10\.12\.2026"):
        future.hold(results="Итоги")
    activity.refresh_from_db()
    assert activity.status != "done"
    e = event(org)
    with pytest.raises(ValidationError, match="Опишите итоги"):
        e.hold(results="  ")
    e.hold(results="Итоги")
    with pytest.raises(ValidationError, match="запланированное"):
        Event.objects.get(pk=e.pk).hold(results="Ещё раз")


def test_the_curator_plans_an_event_with_a_material_and_an_activity(org, curator, mentor, activity):
    response = curator.client.post(
        url("event_create", org),
        {
            "kind": "school",
            "title": "Школа наставника: занятие 2",
            "date": "18.11.2026",
            "place": "Кабинет 204",
            "organisers": [curator.person.pk],
            "participants": [mentor.person.pk],
            "activities": [activity.pk],
            "materials": [SimpleUploadedFile("программа.pdf", pdf(), content_type="application/pdf")],
        },
    )
    saved = Event.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert saved.kind == "school" and list(saved.activities.all()) == [activity]
    assert saved.files.get().original_name == "программа.pdf"
    material = curator.client.get(url("event_material", org, saved.pk, saved.files.get().pk))
    assert material.status_code == 200 and b"".join(material.streaming_content).startswith(b"%PDF")


def test_form_errors_are_in_russian_and_keep_what_was_typed(org, curator):
    response = curator.client.post(url("event_create", org), {"kind": "seminar", "title": "", "place": "Актовый зал"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Укажите тему мероприятия." in page and "Актовый зал" in page
    assert "Укажите дату мероприятия." in page
    assert not Event.objects.exists()


def test_holding_on_the_page_needs_results_and_then_completes_the_activity(org, curator, activity):
    e = event(org, activities=[activity])
    empty = curator.client.post(url("event_hold", org, e.pk), {"results": ""})
    assert empty.status_code == 200 and "Опишите итоги" in empty.content.decode()
    done = curator.client.post(url("event_hold", org, e.pk), {"results": "Провели, обсудили, решили."})
    assert done.status_code == 302
    activity.refresh_from_db()
    assert activity.status == "done"


def test_who_sees_and_changes_events(org, curator, head, mentor, outsider):
    e = event(org)
    council = make_persona(org, Role.Kind.COUNCIL)
    for reader in (curator, head, mentor, council):
        assert reader.client.get(url("event_detail", org, e.pk)).status_code == 200
    for refused in (head, mentor, council):
        assert refused.client.get(url("event_edit", org, e.pk)).status_code == 404
        assert refused.client.post(url("event_publish", org, e.pk), {"publish": "1"}).status_code == 404
    assert outsider.client.get(url("event_detail", org, e.pk)).status_code == 404
    assert outsider.client.get(url("events", org)).status_code == 404
    assert not Event.objects.get(pk=e.pk).is_published


@pytest.mark.parametrize("count", [1, 15])
def test_the_list_runs_a_constant_number_of_queries(org, curator, activity, django_assert_num_queries, count):
    for n in range(count):
        e = event(org, day=date(2026, 11, 1 + n), activities=[activity])
        e.participants.set([curator.person])
    curator.client.get(url("events", org))
    with django_assert_num_queries(7):
        response = curator.client.get(url("events", org))
    assert len(response.context["page"].object_list) == count


def test_a_published_event_is_on_the_public_page_and_an_unpublished_one_is_not(org, curator, client):
    open_page(org)
    shown = event(org, title="Конкурс «Педагогический дебют»", kind=Event.Kind.CONTEST)
    event(org, title="Внутреннее совещание наставников")
    assert curator.client.post(url("event_publish", org, shown.pk), {"publish": "1"}).status_code == 302
    shown.hold(results="Победитель — учитель химии, участвовали пять молодых педагогов.")
    page = client.get(reverse("public_page", args=[org.slug])).content.decode()
    assert "Конкурс «Педагогический дебют»" in page
    assert "Победитель — учитель химии" in page
    assert "Внутреннее совещание наставников" not in page


def test_events_one_takes_part_in_are_in_the_calendar_feed(org, curator, mentor, client):
    mine = event(org, title="Школа наставника: занятие 3", day=date(2026, 11, 25), kind=Event.Kind.SCHOOL)
    mine.participants.set([mentor.person])
    event(org, title="Семинар для других")
    cancelled = event(org, title="Отменённый мастер-класс", day=date(2026, 11, 26))
    cancelled.participants.set([mentor.person])
    cancelled.cancel()
    feed = CalendarFeed.for_user(mentor.user)
    body = client.get(reverse("calendar_feed", args=[feed.token])).content.decode()
    unfolded = body.replace("\r\n ", "")
    assert "Школа наставника: занятие 3" in unfolded and "DTSTART;VALUE=DATE:20261125" in unfolded
    assert "Семинар для других" not in unfolded and "Отменённый мастер-класс" not in unfolded
