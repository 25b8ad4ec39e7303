"""`manage.py seed_demo`: the demo organisations and logins that README promises, and a harmless second run."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from people.models import REFERENCE_LISTS, BackgroundJob, Organization, Person, Role, StaffImport, StaffImportRow
from roadmap.models import Regulation

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo12345"
# login → (organisation, the role its home opens with)
LOGINS = {
    "head": ("ds-solnyshko", "head"),
    "curator": ("ds-solnyshko", "curator"),
    "mentor": ("ds-solnyshko", "mentor"),
    "mentee": ("ds-solnyshko", "mentee"),
    "admin": ("ds-solnyshko", "admin"),
    "head2": ("school-7", "head"),
    "curator2": ("school-7", "curator"),
    "mentor2": ("school-7", "mentor"),
    "mentee2": ("school-7", "mentee"),
    "admin2": ("school-7", "admin"),
    "council": ("ds-solnyshko", "council"),
    "council2": ("school-7", "council"),
}


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    numbers = {
        "organizations": Organization.objects.count(),
        "people": Person.objects.count(),
        "roles": Role.objects.count(),
        "users": get_user_model().objects.count(),
    }
    numbers.update({key: model.objects.count() for key, model in REFERENCE_LISTS.items()})
    return numbers


def test_seed_creates_two_organisations_with_staff_and_reference_lists():
    output = seed()
    assert set(Organization.objects.values_list("slug", flat=True)) == {"ds-solnyshko", "school-7"}
    for org in Organization.objects.all():
        assert org.people.count() > 10
        assert Role.objects.for_org(org).filter(kind=Role.Kind.MENTOR).exists()
        for model in REFERENCE_LISTS.values():
            assert model.objects.filter(organization=org).exists()
    assert f"Пароль всех демонстрационных учётных записей: {DEMO_PASSWORD}" in output


def test_every_demo_login_works_and_opens_its_role_home():
    seed()
    users = get_user_model().objects.filter(people__isnull=False).distinct()
    assert set(users.values_list("username", flat=True)) == set(LOGINS)
    for username, (slug, role) in LOGINS.items():
        client = Client()
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert client.get("/").url == reverse("role_home", args=[slug, role]), username


def test_demo_person_with_two_roles_can_use_both():
    seed()
    client = Client()
    client.post(reverse("login"), {"username": "mentor2", "password": DEMO_PASSWORD})
    for role in (Role.Kind.MENTOR, Role.Kind.MENTEE):
        assert client.get(reverse("role_home", args=["school-7", role])).status_code == 200
    # …and nothing in the other demo organisation.
    assert client.get(reverse("org_home", args=["ds-solnyshko"])).status_code == 404


def test_second_run_changes_no_counts_and_restores_the_demo_password():
    seed()
    before = counts()
    stamps = dict(Person.objects.values_list("pk", "updated_at"))
    user = get_user_model().objects.get(username="curator")
    user.set_password("changed-by-a-visitor")
    user.save()

    output = seed()
    assert counts() == before
    assert dict(Person.objects.values_list("pk", "updated_at")) == stamps
    assert "уже была" in output
    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)


@pytest.mark.time_machine("2026-09-01 10:00 +03:00")
def test_seeded_on_the_first_of_september_the_regulation_is_adopted_and_approved_that_day():
    """The academic year begins today: the council's protocol and the approval order cannot be dated later."""
    seed()
    regulations = Regulation.objects.select_related("organization", "approved_by_order").order_by("organization__slug")
    assert [(r.organization.slug, r.status, r.council_date) for r in regulations] == [
        ("ds-solnyshko", Regulation.Status.APPROVED, date(2026, 9, 1)),
        ("school-7", Regulation.Status.ADOPTED, date(2026, 9, 1)),
    ]
    assert regulations[0].approved_by_order.date == date(2026, 9, 1)


def test_broken_fixture_is_reported_in_russian(tmp_path):
    bad = tmp_path / "demo.json"
    bad.write_text('{"organizations": [{"slug": "x", "staff": [{"surname": "А", "name": "Б", "roles": ["pilot"]}]}]}')
    with pytest.raises(CommandError, match="неизвестные роли"):
        call_command("seed_demo", fixture=str(bad), stdout=io.StringIO())
    assert not Organization.objects.exists()


def test_the_demo_mails_nobody_and_its_orders_carry_their_own_dates():
    """The demo drives the order services with their own parameters (no e-mail, the approval's day)."""
    from django.core import mail

    from roadmap.models import Order

    mail.outbox.clear()
    seed()
    assert mail.outbox == []
    dates = list(Order.objects.filter(status=Order.Status.APPROVED).values_list("date", flat=True))
    assert len(dates) >= 3  # the curator's appointment, the pairs, the early end (and the kindergarten's regulation)
    assert all(day <= timezone.localdate() for day in dates)
    assert min(dates) < timezone.localdate()  # approved on the days the demo's history says, not on installation


def test_each_demo_organisation_has_a_past_staff_import_with_rows_to_fix(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed()
    for org in Organization.objects.all():
        staff_import = StaffImport.objects.get(organization=org, status=StaffImport.Status.APPLIED)
        assert staff_import.applied_at < timezone.now() - timedelta(days=30)
        outcomes = set(staff_import.rows.values_list("outcome", flat=True))
        assert {StaffImportRow.Outcome.SKIPPED, StaffImportRow.Outcome.MERGED} <= outcomes
        assert staff_import.rows.filter(flagged=True).count() >= 2
        assert staff_import.rows.to_fix().exclude(cells=[]).count() >= 3
        client = Client()
        curator = "curator" if org.slug == "ds-solnyshko" else "curator2"
        client.post(reverse("login"), {"username": curator, "password": DEMO_PASSWORD})
        page = client.get(reverse("people:staff_import_result", args=[org.slug, staff_import.pk]))
        assert page.status_code == 200
        assert "Скачать строки для исправления" in page.content.decode()
    seed()  # a second run adds no import
    assert StaffImport.objects.count() == 2


def test_each_demo_curator_finds_a_statistics_form_ready_to_download(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed()
    for org in Organization.objects.all():
        job = BackgroundJob.objects.get(organization=org, kind=BackgroundJob.Kind.WORKBOOK)
        assert job.state == BackgroundJob.State.DONE and job.result_name.endswith(".xlsx")
        client = Client()
        client.force_login(job.started_by)
        download = client.get(job.result_url)
        assert download.status_code == 200
        book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
        assert org.full_name in book.active["B2"].value
    seed()  # a second run adds no job
    assert BackgroundJob.objects.filter(kind=BackgroundJob.Kind.WORKBOOK).count() == 2
