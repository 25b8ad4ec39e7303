"""The coordinator's target indicators (actual against target) and the status table of the organisations."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from monitoring.models import MunicipalTarget
from monitoring.municipal_status import TargetRow
from tests.factories import OrganizationFactory
from tests.monitoring.publishing_fixtures import approved_regulation, approved_roadmap
from tests.monitoring.report_fixtures import bank, pair, staff

pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)


def targets_url(year: int | None = None) -> str:
    url = reverse("municipal_targets", args=["gorod"])
    return f"{url}?year={year}" if year else url


def test_target_row_compares_actual_with_target():
    assert TargetRow("young_share", "", Decimal("80"), 85.0).state == "met"
    missed = TargetRow("young_share", "", Decimal("80"), 62.5)
    assert (missed.state, missed.gap) == ("missed", 17.5)
    assert TargetRow("young_share", "", None, 62.5).state == "none"
    assert TargetRow("young_share", "", Decimal("80"), None).state == "none"


def test_coordinator_sets_targets_and_sees_actual_against_them(org, coordinator):
    mentor = staff(org, "Наставникова")
    young = [staff(org, f"Молодова{n}") for n in range(4)]
    for person in young[1:]:
        bank(person)
    pair(org, mentor, young[0])
    bank(young[0], status="in_pair")
    response = coordinator.client.post(
        targets_url(2026), {"young_share": "80", "mentees_with_mentor_share": "20,5", "pairs": "1"}
    )
    assert response.status_code == 302
    stored = {t.indicator: t.value for t in MunicipalTarget.objects.filter(year=2026)}
    assert stored == {"young_share": Decimal("80"), "mentees_with_mentor_share": Decimal("20.5"), "pairs": Decimal("1")}
    page = coordinator.client.get(targets_url(2026)).content.decode()
    assert 'value="20,5"' in page
    assert page.count("не достигнут") >= 1 and "достигнут" in page
    # Clearing a field removes the target.
    coordinator.client.post(targets_url(2026), {"young_share": "80"})
    assert set(MunicipalTarget.objects.values_list("indicator", flat=True)) == {"young_share"}


def test_targets_of_another_year_stay_apart(coordinator):
    coordinator.client.post(targets_url(2026), {"young_share": "80"})
    coordinator.client.post(targets_url(2025), {"young_share": "60"})
    assert dict(MunicipalTarget.objects.values_list("year", "value")) == {2026: Decimal("80"), 2025: Decimal("60")}


def test_bad_target_is_explained_beside_the_field_and_nothing_is_lost(coordinator):
    response = coordinator.client.post(
        targets_url(2026), {"young_share": "сто", "satisfaction_mentees": "120", "pairs": "12"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Введите число, например 75 или 62,5." in page
    assert "Не больше 100 %." in page
    assert 'value="сто"' in page and 'value="12"' in page
    assert not MunicipalTarget.objects.exists()


def test_other_users_get_404(org, coordinator, curator, head, outsider):
    for url in (targets_url(), reverse("municipal_status", args=["gorod"])):
        for who in (curator, head, outsider):
            assert who.client.get(url).status_code == 404
            assert who.client.post(url, {"young_share": "1"}).status_code in (404, 405)
    assert not MunicipalTarget.objects.exists()


def test_status_table_shows_regulation_roadmap_curator_and_stage(org, other_org, coordinator, curator):
    other_org.municipal_unit = coordinator.municipality
    other_org.save(update_fields=["municipal_unit"])
    approved_regulation(org)
    approved_roadmap(org)
    page = coordinator.client.get(reverse("municipal_status", args=["gorod"])).content.decode()
    school = page.split(f'data-org="{org.slug}"')[1].split("</tr>")[0]
    other = page.split(f'data-org="{other_org.slug}"')[1].split("</tr>")[0]
    assert school.count("bi-check-circle-fill") == 3  # regulation, roadmap, curator
    assert other.count("bi-check-circle-fill") == 0 and other.count(">нет<") == 3
    assert "1. " in other  # stands at the first stage
    ordered = coordinator.client.get(reverse("municipal_status", args=["gorod"]) + "?sort=gaps").content.decode()
    assert ordered.index(f'data-org="{other_org.slug}"') < ordered.index(f'data-org="{org.slug}"')


@pytest.mark.parametrize("extra", [0, 6])
def test_status_and_targets_run_a_constant_number_of_queries(coordinator, org, extra, django_assert_num_queries):
    for n in range(extra):
        OrganizationFactory(slug=f"extra-{n}", municipal_unit=coordinator.municipality)
    coordinator.client.get(reverse("municipal_status", args=["gorod"]))
    with django_assert_num_queries(6):
        coordinator.client.get(reverse("municipal_status", args=["gorod"]))
    coordinator.client.get(targets_url())
    # 13: the municipal summary reads its mentees in two grouped queries since the regional-scale work (issue 16).
    with django_assert_num_queries(13):
        coordinator.client.get(targets_url())
