"""The municipal summary recomputed by the task worker (issue 16): a job of the municipality, not of an
organisation; its bar on /m/<municipality>/jobs/<pk>/, seen only by the coordinator who started it; the report it
computes kept in the shared cache (settings.CACHES["shared"]), so the web process shows the worker's figures."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.urls import reverse

from monitoring import tasks
from monitoring.municipal_report import report_key
from people.models import BackgroundJob, MenteeEntry, Municipality
from tests.factories import UserFactory
from tests.monitoring.report_fixtures import bank, pair, staff

pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
YEAR = "start=2026-09-01&end=2027-08-31"


def home(slug: str = "gorod") -> str:
    return reverse("municipal_home", args=[slug])


def recompute(coordinator, query: str = YEAR):
    return coordinator.client.post(f"{reverse('municipal_recompute', args=['gorod'])}?{query}")


@pytest.fixture
def school(org, coordinator):
    """The school `org` of the coordinator's municipality with one pair."""
    mentor, mentee = staff(org, "Наставник"), staff(org, "Наставляемый")
    bank(mentee, status=MenteeEntry.Status.IN_PAIR)
    pair(org, mentor, mentee)
    return org


def test_a_recompute_waiting_for_the_worker_shows_its_bar_and_is_not_started_twice(coordinator, school, settings):
    settings.TASKS = DUMMY  # the worker has not taken it yet
    first = recompute(coordinator)
    job = BackgroundJob.objects.get()
    assert first.status_code == 302 and first.url == job.page_url
    assert job.municipality == coordinator.municipality and job.organization is None and job.person is None
    assert job.kind == BackgroundJob.Kind.MUNICIPAL and job.state == BackgroundJob.State.QUEUED
    assert job.title == "Пересчёт сводного отчёта за 2026/2027 учебный год"
    again = recompute(coordinator)  # a second click while it waits: the same job
    assert again.url == job.page_url and BackgroundJob.objects.count() == 1

    page = coordinator.client.get(job.page_url)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'hx-get="{job.progress_url}"' in html and 'data-state="queued"' in html
    assert "в сводном отчёте с новым временем расчёта" in html and home() in html
    assert coordinator.client.get(job.progress_url).status_code == 200
    # The report page says a recomputation is under way and links its bar instead of offering another.
    report = coordinator.client.get(f"{home()}?{YEAR}").content.decode()
    assert 'data-testid="recomputing"' in report and job.page_url in report
    assert 'data-testid="recompute"' not in report


def test_the_worker_computes_the_report_that_the_web_shows(coordinator, school, settings):
    settings.TASKS = DUMMY
    before = coordinator.client.get(f"{home()}?{YEAR}").context["report"]
    assert before.totals["pairs"] == 1
    pair(school, staff(school, "Второй"), staff(school, "Наставляемый"))  # a new pair: the kept report lags
    assert coordinator.client.get(f"{home()}?{YEAR}").context["report"].totals["pairs"] == 1

    recompute(coordinator)
    job = BackgroundJob.objects.get()
    # What the worker process does: the task itself, on its own (no request, no client's cache reads).
    args = (coordinator.municipality.pk, "2026-09-01", "2027-08-31", f"{home()}?{YEAR}")
    assert tasks.municipal_report.call(job.pk, *args) == BackgroundJob.State.DONE
    job.refresh_from_db()
    assert job.state == BackgroundJob.State.DONE and job.done == job.total == 3
    assert job.message == "Сводный отчёт за 2026/2027 учебный год пересчитан: организаций — 1."
    assert job.result_url == f"{home()}?{YEAR}" and job.result_text == "Открыть сводный отчёт"
    kept = caches["shared"].get(
        report_key(coordinator.municipality, before.period, [school]),
    )
    assert kept is not None and kept.totals["pairs"] == 2

    after = coordinator.client.get(f"{home()}?{YEAR}").context["report"]
    assert after.totals["pairs"] == 2 and after.computed_at == kept.computed_at
    done = coordinator.client.get(job.page_url).content.decode()
    assert 'data-state="done"' in done and "hx-get" not in done and 'data-testid="job-result"' in done


def test_another_coordinator_and_the_schools_staff_never_see_the_job(coordinator, school, curator, client, settings):
    settings.TASKS = DUMMY
    recompute(coordinator)
    job = BackgroundJob.objects.get()
    other = UserFactory(username="other-coordinator")
    Municipality.objects.create(slug="drugoy", name="Другой район", coordinator=other)
    client.force_login(other)
    for url in (job.page_url, job.progress_url):
        assert client.get(url).status_code == 404
    elsewhere = reverse("municipal_job", args=["drugoy", job.pk])
    assert client.get(elsewhere).status_code == 404  # its own municipality's address, someone else's job
    assert curator.client.get(job.page_url).status_code == 404
    assert curator.client.post(reverse("municipal_recompute", args=["gorod"])).status_code == 404
    assert BackgroundJob.objects.count() == 1
    # Nor is it in the school's own list of jobs.
    assert not curator.client.get(reverse("people:jobs", args=[school.slug])).context["page"].object_list


def test_a_job_belongs_to_an_organisation_or_a_municipality_never_both_nor_neither(coordinator, school):
    for owner in ({}, {"organization": school, "municipality": coordinator.municipality}):
        with pytest.raises(IntegrityError), transaction.atomic():
            BackgroundJob.objects.create(kind=BackgroundJob.Kind.MUNICIPAL, title="?", **owner)
