"""The municipal coordinator: a login with no organisation roles, its menu, the admin, the setup command, the demo."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from config.demo.municipality import seed_municipality
from people.models import MentoringForm, Municipality, Organization
from tests.config.test_urls import ORG_PREFIX, all_routes, route_url, url_values
from tests.factories import OrganizationFactory, PersonFactory, UserFactory


def test_coordinator_gets_404_on_every_page_of_their_own_municipalitys_organisation(org, coordinator, mentee):
    item = MentoringForm.objects.filter(organization=org).first()
    values = url_values(org.slug, mentee.person.pk, item.pk)
    org_routes = [route for route in all_routes() if route.pattern.startswith(ORG_PREFIX)]
    assert len(org_routes) >= 10
    assert org.municipal_unit == coordinator.municipality
    for route in org_routes:
        url = route_url(route, values)
        response = coordinator.client.get(url)
        # 405 only from views that refuse GET before looking at the organisation (see tests/test_urls.py).
        assert response.status_code in (404, 405), f"{url} answered {response.status_code}"
    for url in (f"/o/{org.slug}/", f"/o/{org.slug}/staff/", f"/o/{org.slug}/home/head/"):
        assert coordinator.client.get(url).status_code == 404, url


def test_coordinator_lands_on_the_report_with_a_menu_of_their_own(coordinator):
    home = coordinator.client.get(reverse("home"))
    assert home.url == reverse("municipal_home", args=["gorod"])
    # Any page outside the report shows the same menu and no organisation's items.
    html = coordinator.client.get(reverse("password_change")).content.decode()
    assert 'data-testid="municipality-name"' in html and "Городской округ Верхнеречинск" in html
    assert "Сводный отчёт" in html and reverse("municipal_home", args=["gorod"]) in html
    assert 'data-testid="role-switcher"' not in html
    assert "Моя карточка" not in html and "Выйти" in html


def test_user_without_roles_or_municipality_sees_no_municipal_menu(client, db):
    user = UserFactory(username="nobody")
    client.force_login(user)
    html = client.get(reverse("password_change")).content.decode()
    assert "Сводный отчёт" not in html and 'data-testid="municipality-name"' not in html


def test_superuser_sets_up_a_municipality_in_the_admin(client, db, org):
    boss = get_user_model().objects.create_superuser("root", "root@example.ru", "x-pass-12345")
    client.force_login(boss)
    assert client.get(reverse("admin:people_municipality_add")).status_code == 200
    future = UserFactory(username="uo-coordinator")
    response = client.post(
        reverse("admin:people_municipality_add"),
        {"slug": "rayon", "name": "Муниципальный район", "region": "", "coordinator": future.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Municipality.objects.get(slug="rayon").coordinator == future
    assert client.get(reverse("admin:people_municipality_changelist")).status_code == 200


def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command("add_municipal_coordinator", *args, stdout=out)
    return out.getvalue()


def test_command_creates_the_municipality_the_account_and_mails_the_link(org, other_org, mailoutbox):
    output = run_command(
        "--municipality=rayon",
        "--name=Муниципальный район",
        "--username=uo-rayon",
        "--email=uo@rayon.example.ru",
        "--first-name=Ольга",
        "--org",
        org.slug,
        "--org",
        other_org.slug,
        "--site=https://nastavnik.example.ru",
    )
    municipality = Municipality.objects.get(slug="rayon")
    user = municipality.coordinator
    assert user.username == "uo-rayon" and not user.has_usable_password()
    assert set(municipality.organizations.values_list("slug", flat=True)) == {org.slug, other_org.slug}
    assert len(mailoutbox) == 1
    letter = mailoutbox[0]
    assert letter.to == ["uo@rayon.example.ru"] and "муниципального координатора" in letter.subject
    link = re.search(r"https://nastavnik\.example\.ru(/accounts/reset/\S+/)", letter.body)
    assert link, letter.body
    assert "uo@rayon.example.ru" in output
    # The link lets the coordinator set a password, and the new login lands on the municipal report.
    client = Client()
    form_url = client.get(link[1], follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "Munic-pass-2026", "new_password2": "Munic-pass-2026"})
    assert client.post(reverse("login"), {"username": "uo-rayon", "password": "Munic-pass-2026"}).status_code == 302
    assert client.get(reverse("home")).url == reverse("municipal_home", args=["rayon"])


def test_command_without_email_prints_a_one_time_link_and_repeats_harmlessly(org):
    first = run_command("--municipality=rayon", "--name=Район", "--username=uo-rayon", "--org", org.slug)
    assert re.search(r"http://localhost:8000/accounts/reset/\S+/\S+/", first)
    assert mail.outbox == []
    again = run_command("--municipality=rayon", "--username=uo-rayon")
    assert "уже был" in again
    assert Municipality.objects.count() == 1 and get_user_model().objects.filter(username="uo-rayon").count() == 1
    org.refresh_from_db()
    assert org.municipal_unit.slug == "rayon"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--municipality=rayon", "--username=uo"], "укажите его наименование"),
        (["--municipality=rayon", "--name=Район", "--username=uo", "--org=no-such"], "no-such"),
        (["--municipality=rayon", "--name=Район", "--username=uo", "--email=not-mail"], "--email"),
        (["--municipality=rayon", "--name=Район", "--username=staffer"], "учётная запись работника"),
    ],
)
def test_command_refuses_what_it_cannot_do_and_changes_nothing(org, args, message):
    PersonFactory(organization=org, with_account=True, user__username="staffer")
    with pytest.raises(CommandError, match=message):
        run_command(*args)
    assert not Municipality.objects.exists()
    assert not get_user_model().objects.filter(username="uo").exists()


def test_command_does_not_replace_another_coordinator(coordinator):
    with pytest.raises(CommandError, match="уже есть координатор"):
        run_command("--municipality=gorod", "--username=somebody-else")
    coordinator.municipality.refresh_from_db()
    assert coordinator.municipality.coordinator == coordinator.user


def test_demo_hook_puts_both_organisations_into_one_municipality_idempotently(db):
    kindergarten = OrganizationFactory(slug="ds-solnyshko")
    school = OrganizationFactory(slug="school-7")
    row = seed_municipality("demo12345")
    assert row[0] == "municipal" and row[1] == "demo12345" and "Верхнеречинск" in row[2]
    municipality = Municipality.objects.get()
    assert municipality.name == "Городской округ Верхнеречинск"
    assert set(municipality.organizations.all()) == {kindergarten, school}
    assert municipality.coordinator.check_password("demo12345")
    users = get_user_model().objects.count()
    seed_municipality("demo12345")
    assert Municipality.objects.count() == 1 and get_user_model().objects.count() == users
    assert Organization.objects.filter(municipal_unit=municipality).count() == 2
