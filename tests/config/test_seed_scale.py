"""seed_scale builds a municipality whose every organisation looks like a working one."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from config.management.commands import seed_scale
from mentoring.models import Mentorship, PlanActivity
from monitoring.models import PublicPage, Response
from people.models import Municipality, Organization, Person
from roadmap.models import Roadmap

pytestmark = pytest.mark.django_db(transaction=False)


def test_two_organisations_at_scale_sizes_with_every_state_and_working_logins(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(seed_scale, "PUBLIC_EVERY", 2)  # every 10th at full size; here scale-2
    call_command("seed_scale", "--orgs", "2", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert Organization.objects.filter(slug__startswith="scale-").count() == 2
    assert Person.objects.count() == 200
    assert Mentorship.objects.count() == 50
    assert PlanActivity.objects.count() == 50 * 20
    states = set(Mentorship.objects.values_list("state", flat=True))
    assert states == set(Mentorship.State.values)
    assert Response.objects.exists()
    municipality = Municipality.objects.get(slug="scale-okrug")
    assert municipality.organizations.count() == 2
    assert list(PublicPage.objects.filter(is_enabled=True).values_list("organization__slug", flat=True)) == ["scale-2"]
    assert Client().get(reverse("public_page", args=["scale-2"])).status_code == 200

    for role in ("head", "curator", "admin", "mentor", "mentee"):
        client = Client()
        user = get_user_model().objects.get(username=f"s1-{role}")
        assert user.check_password("scale12345")
        client.force_login(user)
        response = client.get(reverse("role_home", args=["scale-1", role]))
        assert response.status_code == 200, role

    with pytest.raises(CommandError, match="уже есть"):
        call_command("seed_scale", "--orgs", "1")


def test_a_region_is_several_municipalities_of_their_own_organisations(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(seed_scale, "MUNICIPALITY_SIZE", 2)  # 200 at full size
    call_command("seed_scale", "--orgs", "3", stdout=open("/dev/null", "w"))  # noqa: SIM115

    by_municipality = {
        m.slug: sorted(m.organizations.values_list("slug", flat=True))
        for m in Municipality.objects.filter(slug__startswith="scale-okrug")
    }
    assert by_municipality == {"scale-okrug": ["scale-1", "scale-2"], "scale-okrug-2": ["scale-3"]}
    second = Municipality.objects.get(slug="scale-okrug-2")
    assert second.coordinator.username == "scale-municipal-2"
    client = Client()
    client.force_login(second.coordinator)
    response = client.get(reverse("municipal_home", args=["scale-okrug-2"]))
    assert response.status_code == 200
    assert [row.slug for row in response.context["report"].rows] == ["scale-3"]


@pytest.mark.time_machine("2027-06-01 10:00 +03:00")
def test_in_june_the_roadmap_is_that_of_the_academic_year_under_way(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_scale", "--orgs", "1", stdout=open("/dev/null", "w"))  # noqa: SIM115
    roadmap = Roadmap.objects.get(organization__slug="scale-1")
    assert (roadmap.period_label, roadmap.period_start, roadmap.period_end) == (
        "2026–2027 учебный год",
        date(2026, 9, 1),
        date(2027, 8, 31),
    )
