"""The report counts short forms and events apart from programmes, in the period only; the council reads the
report where the organisation gives it the right."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from mentoring.models import ShortMentoring
from monitoring.models import Event
from monitoring.report_figures import report_tables
from monitoring.reports import Period
from people.models import Role
from tests.conftest import make_persona
from tests.factories import PersonFactory

pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)

PERIOD = Period(date(2026, 9, 1), date(2027, 8, 31))


def short(org, kind, day, mentees=1):
    r = ShortMentoring.objects.create(organization=org, kind=kind, date=day, request="Запрос")
    r.mentors.set([PersonFactory(organization=org)])
    r.mentees.set([PersonFactory(organization=org) for _ in range(mentees)])
    return r


def test_short_forms_and_events_are_counted_by_kind_within_the_period(org, other_org):
    short(org, "speed", date(2026, 10, 1), mentees=3)
    short(org, "speed", date(2026, 10, 2))
    short(org, "situational", date(2026, 11, 5))
    short(org, "situational", date(2026, 8, 31))  # before the period
    short(other_org, "speed", date(2026, 10, 1))  # another organisation
    held = Event.objects.create(organization=org, kind="seminar", title="С", date=date(2026, 10, 10))
    held.participants.set([PersonFactory(organization=org), PersonFactory(organization=org)])
    held.hold(results="Итоги")
    Event.objects.create(organization=org, kind="seminar", title="П", date=date(2026, 12, 10))
    Event.objects.create(organization=org, kind="contest", title="О", date=date(2026, 12, 1), status="cancelled")
    tables = report_tables(org, PERIOD)["tables"]
    assert tables["short_forms"].rows == [
        ["Ситуационное наставничество", 1, 1, 1],
        ["Скоростное наставничество", 2, 2, 4],
    ]
    seminar, contest = tables["events"].rows[0], tables["events"].rows[2]
    assert seminar == ["Семинар", 1, 1, 2]
    assert contest == ["Конкурс профессионального мастерства", 0, 0, 0]
    # Programmes are another table: the short forms are no pairs.
    assert report_tables(org, PERIOD)["summary"]["pairs"] == 0


def test_the_council_reads_the_report_only_where_the_organisation_allows(org):
    council = make_persona(org, Role.Kind.COUNCIL)
    page = reverse("monitoring:reports", args=[org.slug])
    assert council.client.get(page).status_code == 404
    org.council_sees_monitoring = True
    org.save(update_fields=["council_sees_monitoring"])
    response = council.client.get(page)
    assert response.status_code == 200
    assert "Ситуационное и скоростное наставничество" in response.content.decode()
    assert council.client.get(reverse("monitoring:survey_rounds", args=[org.slug])).status_code == 200
