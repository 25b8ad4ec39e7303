"""The organisation's data version: figures kept under it, a new one after every write, none after a read."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from people.changes import cached_for, organization_changed, touch
from people.models import Organization
from tests.people.test_staff import create_url, person_data

pytestmark = pytest.mark.django_db


def version(org: Organization):
    return Organization.objects.values_list("data_version", flat=True).get(pk=org.pk)


def test_touch_gives_the_organisation_a_new_version_in_the_database_and_in_hand(org, other_org):
    before, other = version(org), version(other_org)
    touch(org)
    assert version(org) == org.data_version != before
    assert version(other_org) == other


def test_figures_are_computed_once_until_the_organisation_changes(org, other_org):
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    assert cached_for(org, "figure", compute) == {"n": 1}
    assert cached_for(org, "figure", compute) == {"n": 1}
    assert cached_for(other_org, "figure", compute) == {"n": 2}  # each organisation its own
    assert cached_for(org, "figure", compute, "2025-09-01") == {"n": 3}  # and each period
    touch(org)
    assert cached_for(org, "figure", compute) == {"n": 4}
    assert cached_for(other_org, "figure", compute) == {"n": 2}


def test_figures_are_computed_anew_the_next_day(org):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached_for(org, "figure", compute) == 1
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert cached_for(org, "figure", compute) == 2  # overdue deadlines and «today» move on their own


def test_nothing_is_a_value_too(org):
    calls = []
    for _ in range(2):
        assert cached_for(org, "figure", lambda: calls.append(1)) is None
    assert len(calls) == 1


def test_a_successful_write_in_the_organisation_changes_its_version(curator):
    before = version(curator.org)
    response = curator.client.post(create_url(curator.org), person_data())
    assert response.status_code == 302
    assert version(curator.org) != before


def test_a_write_the_form_refused_changes_it_too_as_any_write_that_did_not_fail(curator):
    # The form came back with its errors: nothing failed, a cache entry is cheap to lose.
    before = version(curator.org)
    assert curator.client.post(create_url(curator.org), person_data(surname="")).status_code == 200
    assert version(curator.org) != before


def test_a_read_a_refused_and_a_failed_request_keep_the_version(org, curator, mentor, outsider):
    before = version(org)
    assert curator.client.get(create_url(org)).status_code == 200
    assert mentor.client.post(create_url(org), person_data()).status_code == 404  # not theirs to do
    assert outsider.client.post(create_url(org), person_data()).status_code == 404
    missing = reverse("people:person_edit", args=[org.slug, 10**9])
    assert curator.client.post(missing, person_data()).status_code == 404
    assert version(org) == before


# --- the hook the apps above listen on ------------------------------------------------------------------------------

CALLED: list[int] = []


def record(org: Organization) -> None:
    CALLED.append(org.pk)


@pytest.fixture
def recorded(settings) -> list[int]:
    settings.ORGANIZATION_CHANGED = ["tests.people.test_changes.record"]
    CALLED.clear()
    return CALLED


def test_the_roadmap_listens_through_settings_not_imports():
    assert settings.ORGANIZATION_CHANGED == [
        "monitoring.progress.complete_roadmap",
        "mentoring.models.pairs.revoke_stale_feeds",
    ]


def test_handlers_run_after_the_commit_with_the_organisation(org, recorded, django_capture_on_commit_callbacks):
    before = version(org)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        organization_changed(org)
        assert recorded == []  # not before the change is committed
        assert version(org) != before  # the figures go with the change itself
    assert recorded == [org.pk]


def test_a_change_rolled_back_runs_no_handler_and_keeps_the_version(org, recorded, django_capture_on_commit_callbacks):
    before = version(org)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        organization_changed(org)
        raise RuntimeError("the change failed")
    assert recorded == []
    assert version(org) == before


# --- the admin site ---------------------------------------------------------------------------------------------


def test_a_write_in_the_admin_renews_every_organisation_a_read_none(org, other_org, admin_client):
    from people.models import TrainingEvent

    event = TrainingEvent.objects.create(organization=org, date=timezone.localdate(), topic="Школа наставника")
    before = {version(org), version(other_org)}
    assert admin_client.get(reverse("admin:people_trainingevent_changelist")).status_code == 200
    assert {version(org), version(other_org)} == before
    response = admin_client.post(reverse("admin:people_trainingevent_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 302 and not TrainingEvent.objects.filter(pk=event.pk).exists()
    assert version(org) not in before and version(other_org) not in before
