"""Withdrawal of the personal-data consent and `manage.py purge_withdrawn`: the data really goes, the log keeps none."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people.models import Consent, MenteeEntry, MentorEntry, Person, PurgeRecord, Purpose, has_consent
from people.services import purge_due, withdraw_consent
from tests.factories import PersonFactory
from tests.people.consent_fixtures import give, mentee_entry, png_bytes, upload

PD = Purpose.PERSONAL_DATA
User = get_user_model()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def purge(*args: str) -> str:
    out = io.StringIO()
    call_command("purge_withdrawn", *args, stdout=out)
    return out.getvalue()


def consented_in_bank(org):
    """The bank as lists show it: open entries of people who hold a personal-data consent."""
    people = Person.objects.for_org(org).annotate(ok=has_consent(PD)).filter(ok=True)
    return MenteeEntry.objects.for_org(org).in_bank().filter(person__in=people)


def test_withdrawal_and_purge_end_to_end(curator, admin, mentee, media_root, django_capture_on_commit_callbacks):
    person = mentee.person
    person.phone = "+7 (920) 555-44-33"
    person.save()
    user = mentee.user
    secrets = [person.surname, person.name, person.patronymic, person.email, person.phone, user.username]

    # The curator registers the consent with a scan, and puts the teacher in the bank of mentees.
    scan = upload("Смирнова.png", png_bytes(), "image/png")
    curator.client.post(
        reverse("people:consent_register", args=[curator.org.slug, person.pk]),
        {"purpose": PD, "given_on": "2026-01-10", "scan": scan},
    )
    consent = Consent.objects.get(person=person, purpose=PD)
    scan_name = consent.scan.name
    assert (media_root / scan_name).exists()
    entry = mentee_entry(person, difficulties=f"{person.surname}: трудно с дисциплиной на уроках")
    MentorEntry.objects.create(organization=person.organization, person=person, motivation="Хочу помогать")
    assert list(consented_in_bank(curator.org)) == [entry]

    # Withdrawal: out of the banks at once.
    curator.client.post(
        reverse("people:consent_withdraw", args=[curator.org.slug, person.pk, consent.pk]),
        {"withdrawn_on": timezone.localdate().isoformat()},
    )
    entry.refresh_from_db()
    assert entry.status == MenteeEntry.Status.LEFT
    assert not consented_in_bank(curator.org).exists()
    assert not MenteeEntry.objects.for_org(curator.org).in_bank().exists()

    # The purge, with no retention left.
    with django_capture_on_commit_callbacks(execute=True):
        output = purge("--days", "0")
    assert "Уничтожены персональные данные 1 работника" in output
    assert not any(secret in output for secret in secrets)

    person.refresh_from_db()
    assert person.anonymized_at is not None
    assert (person.surname, person.patronymic, person.email, person.phone) == ("Обезличено", "", "", "")
    assert person.user is None
    assert not User.objects.filter(pk=user.pk).exists()
    assert not person.roles.exists()
    consent.refresh_from_db()
    assert consent.scan.name == ""
    assert not (media_root / scan_name).exists()
    entry.refresh_from_db()
    assert entry.difficulties == ""
    assert MentorEntry.objects.get(person=person).motivation == ""

    # The log says what went, and holds nothing of it.
    record = PurgeRecord.objects.get()
    assert record.person == person
    assert record.consent_withdrawn_on == timezone.localdate()
    assert {"surname", "name", "email", "phone", "account", "mentee_requests", "consent_scans"} <= set(record.destroyed)
    stored = " ".join(str(value) for value in PurgeRecord.objects.values().get().values())
    assert not any(secret in stored for secret in secrets)
    for model in (MenteeEntry, MentorEntry):
        history = " ".join(str(row) for row in model.history.values())
        assert not any(secret in history for secret in secrets)
    assert "Смирнова" not in str(Person.objects.values().get(pk=person.pk))

    log = admin.client.get(reverse("people:purge_log", args=[admin.org.slug])).text
    assert record.label in log
    for label in (
        "фамилия",
        "имя",
        "отчество",
        "e-mail",
        "телефон",
        "учётная запись",
        "тексты запросов",
        "сканы согласий",
    ):
        assert label in log
    assert "Смирнова" not in log

    # Nothing left to purge.
    assert "Уничтожены персональные данные 0 работников" in purge("--days", "0")
    assert PurgeRecord.objects.count() == 1


def test_data_is_kept_for_the_retention_period(mentee, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    today = timezone.localdate()
    consent = give(mentee.person, given_on=today - timedelta(days=100))
    withdraw_consent(consent, on=today - timedelta(days=10))
    assert "0 работников" in purge()
    mentee.person.refresh_from_db()
    assert mentee.person.anonymized_at is None
    assert "1 работника" in purge("--days", "10")
    mentee.person.refresh_from_db()
    assert mentee.person.anonymized_at is not None


def test_dry_run_counts_and_changes_nothing(mentee):
    consent = give(mentee.person)
    withdraw_consent(consent, on=date(2025, 10, 1))
    output = purge("--days", "0", "--dry-run")
    assert "подлежат уничтожению данные 1 работника" in output
    assert "Смирнова" not in output
    mentee.person.refresh_from_db()
    assert mentee.person.surname == "Смирнова"
    assert not PurgeRecord.objects.exists()


def test_a_new_consent_after_withdrawal_stops_the_purge(mentee):
    first = give(mentee.person, given_on=date(2025, 9, 1))
    withdraw_consent(first, on=date(2025, 10, 1))
    give(mentee.person, given_on=date(2025, 11, 1))
    assert not purge_due(days=0).exists()
    assert "0 работников" in purge("--days", "0")


def test_the_term_runs_from_the_latest_withdrawal(mentee):
    today = timezone.localdate()
    first = give(mentee.person, given_on=date(2024, 1, 10))
    withdraw_consent(first, on=date(2024, 2, 1))
    again = give(mentee.person, given_on=date(2024, 3, 1))
    withdraw_consent(again, on=today - timedelta(days=1))
    assert not purge_due(days=30).exists()
    assert list(purge_due(days=1)) == [mentee.person]


def test_withdrawing_another_purpose_does_not_purge(mentee):
    give(mentee.person)
    duties = give(mentee.person, Purpose.DUTIES)
    withdraw_consent(duties, on=date(2025, 10, 1))
    assert not purge_due(days=0).exists()


def test_an_account_serving_another_organisation_is_kept(mentee, other_org):
    PersonFactory(organization=other_org, user=mentee.user, surname="Смирнова")
    consent = give(mentee.person)
    withdraw_consent(consent)
    purge("--days", "0")
    assert User.objects.filter(pk=mentee.user.pk).exists()
    mentee.person.refresh_from_db()
    assert mentee.person.user is None
    assert "account" not in PurgeRecord.objects.get().destroyed


def test_login_records_and_the_admin_change_log_lose_the_name(mentee):
    person, username = mentee.person, mentee.user.username
    AccessLog.objects.create(username=username, ip_address="10.0.0.1", user_agent="test", http_accept="*/*")
    AccessAttempt.objects.create(
        username=username, ip_address="10.0.0.1", user_agent="t", http_accept="*/*", failures_since_start=1
    )
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(person.pk),
        object_repr=str(person),
        action_flag=CHANGE,
        user=PersonFactory(organization=person.organization, with_account=True).user,
    )
    withdraw_consent(give(mentee.person))
    purge("--days", "0")
    assert not AccessLog.objects.filter(username=username).exists()
    assert not AccessAttempt.objects.filter(username=username).exists()
    assert "Смирнова" not in LogEntry.objects.get().object_repr


def test_purging_one_organisation_leaves_the_other(mentee, outsider):
    withdraw_consent(give(mentee.person))
    withdraw_consent(give(outsider.person))
    assert "1 работника" in purge("--days", "0", "--org", outsider.org.slug)
    mentee.person.refresh_from_db()
    outsider.person.refresh_from_db()
    assert mentee.person.anonymized_at is None
    assert outsider.person.anonymized_at is not None


def test_bad_arguments_give_a_clear_error(db):
    with pytest.raises(CommandError, match="отрицательным"):
        purge("--days", "-1")
    with pytest.raises(CommandError, match="не найдена"):
        purge("--org", "no-such-org")


def test_purge_log_costs_the_same_at_5_and_500_records(admin, other_org):
    page = reverse("people:purge_log", args=[admin.org.slug])

    def grow(count: int) -> None:
        PurgeRecord.objects.bulk_create(
            PurgeRecord(
                organization=admin.org,
                label=f"Обезличено № {n}",
                consent_withdrawn_on=date(2025, 1, 1),
                destroyed=["surname", "name", "email", "account"],
                purged_by="Автоматически (команда purge_withdrawn)",
            )
            for n in range(count)
        )

    def queries() -> int:
        admin.client.get(page)
        with CaptureQueriesContext(connection) as captured:
            response = admin.client.get(page)
        assert response.status_code == 200
        return len(captured)

    grow(5)
    small = queries()
    grow(495)
    PurgeRecord.objects.create(
        organization=other_org, label="Чужая запись", consent_withdrawn_on=date(2025, 1, 1), purged_by="x"
    )
    large = queries()
    assert small == large <= 10
    response = admin.client.get(page)
    assert response.context["page"].paginator.count == 500
    assert "Чужая запись" not in response.text
    assert "фамилия, имя, e-mail, учётная запись" in response.text
