"""Workflows over several people models: reference lists of a new organisation, consent withdrawal, purge."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Replace
from django.utils import timezone

from people import personal_data
from people.changes import organization_changed
from people.models import (
    REFERENCE_LISTS,
    AuditEvent,
    Consent,
    MenteeEntry,
    MentorEntry,
    Organization,
    Person,
    PurgeRecord,
    Purpose,
    has_consent,
)

REFERENCE_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "reference_lists.json"


def load_reference_fixture(path: Path = REFERENCE_FIXTURE) -> dict[str, list[dict]]:
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    unknown = set(data) - set(REFERENCE_LISTS)
    if unknown:
        raise ValueError(f"{path.name}: unknown reference lists {sorted(unknown)}")
    return data


@transaction.atomic
def install_reference_lists(org: Organization, path: Path = REFERENCE_FIXTURE) -> int:
    """Add the model entries of every reference list to the organisation; return how many were added.

    Idempotent: entries are matched by code, and an entry the organisation renamed or switched off stays
    as the organisation left it.
    """
    added = 0
    for key, entries in load_reference_fixture(path).items():
        model = REFERENCE_LISTS[key]
        existing = set(model.objects.filter(organization=org).values_list("code", flat=True))
        taken_names = set(model.objects.filter(organization=org).values_list("name", flat=True))
        new = [
            model(
                organization=org,
                code=entry["code"],
                name=entry["name"],
                description=entry.get("description", ""),
                position=(index + 1) * 10,
            )
            for index, entry in enumerate(entries)
            if entry["code"] not in existing and entry["name"] not in taken_names
        ]
        model.objects.bulk_create(new)
        added += len(new)
    return added


@transaction.atomic
def withdraw_consent(consent: Consent, *, by=None, on: date | None = None) -> None:
    """Withdraw a consent and apply its consequences at once.

    Withdrawing the personal-data consent takes the person out of both banks (their data stays until
    `purge_withdrawn` destroys it after the retention period).
    """
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    consent.withdraw(by=by, on=on)
    organization_changed(consent.organization)
    if consent.purpose != Purpose.PERSONAL_DATA:
        return
    note = "Отозвано согласие на обработку персональных данных."
    for entry in MenteeEntry.objects.filter(person=consent.person).open().select_for_update():
        target = (
            MenteeEntry.Status.DECLINED if entry.status == MenteeEntry.Status.REQUESTED else MenteeEntry.Status.LEFT
        )
        entry.change_status(target, by=by, note=note)
    for entry in MentorEntry.objects.filter(person=consent.person).in_bank().select_for_update():
        entry.change_status(MentorEntry.Status.RELEASED, by=by, note=note)


def purge_due(org: Organization | None = None, *, days: int, today: date | None = None):
    """People whose personal-data consent was withdrawn at least `days` ago, with no active one, not yet purged."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=days)
    personal_data = Consent.objects.filter(person=OuterRef("pk"), purpose=Purpose.PERSONAL_DATA)
    qs = (
        Person.objects.filter(anonymized_at__isnull=True)
        .filter(Exists(personal_data.filter(withdrawn_on__lte=cutoff)))
        # Counted from the latest withdrawal: an old one does not shorten the term of a consent given again.
        .exclude(Exists(personal_data.filter(withdrawn_on__gt=cutoff)))
        .exclude(has_consent(Purpose.PERSONAL_DATA))
    )
    return qs.filter(organization=org) if org else qs


@transaction.atomic
def purge_person(person: Person, *, by: str) -> PurgeRecord:
    """Destroy a person's personal data in every place the register names (people.personal_data); log what went.

    The register is walked first, while the rows still lead to the person (their account, their name); the card,
    the account and the login records go after it.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    last_withdrawal = (
        Consent.objects.filter(person=person, purpose=Purpose.PERSONAL_DATA, withdrawn_on__isnull=False)
        .order_by("-withdrawn_on")
        .values_list("withdrawn_on", flat=True)
        .first()
    )
    counts: dict[str, int] = {}
    for place in personal_data.acting():
        if found := personal_data.apply(place, person):
            counts[place.code] = counts.get(place.code, 0) + found
    user = person.user
    destroyed = person.anonymize()
    _scrub_admin_log(Person, person.pk, person.full_name)
    if user is not None and not user.people.exists():
        # The login holds the name and e-mail too; an account serving no other organisation goes with them,
        # and so do the login records that name it.
        _scrub_login_records(user)
        _scrub_admin_log(type(user), user.pk, person.full_name)
        user.delete()
        destroyed.append("account")
    destroyed += [code for code in counts if code not in destroyed]
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.PURGE,
        organization=person.organization,
        username=by[:150],
        detail=f"работник № {person.pk}: " + ", ".join(destroyed),
    )
    organization_changed(person.organization)
    return PurgeRecord.objects.create(
        organization=person.organization,
        person=person,
        label=person.full_name,
        consent_withdrawn_on=last_withdrawal or timezone.localdate(),
        destroyed=destroyed,
        counts=counts,
        purged_by=by,
    )


def _scrub_admin_log(model, pk: int, label: str) -> None:
    """The admin's change log keeps each object's str() — a name — as it was: replace it with the label."""

    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=str(pk)).update(
        object_repr=label
    )


def _scrub_login_records(user) -> None:
    """django-axes logs logins and failed attempts by username, which is often built from the surname."""
    username = user.get_username()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username=username).delete()
    # The audit log keeps the events (a purge must not hide what happened) but not the login naming the person.
    AuditEvent.objects.filter(Q(username=username) | Q(user=user)).update(username="обезличено")
    # A role change names the account in its detail: «работник № 12 (login): …».
    AuditEvent.objects.filter(detail__contains=f"({username})").update(
        detail=Replace("detail", Value(f"({username})"), Value("(обезличено)"))
    )
