"""The security audit log: sign-ins, failed sign-ins, role changes, approvals, exports of personal data, purges."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from people.models import AuditEvent, Role
from people.services import purge_person
from roadmap.models import Order
from roadmap.services import approve_order
from tests.roadmap.approval_fixtures import make_order, media  # noqa: F401 - fixture

K = AuditEvent.Kind


def kinds() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("kind", flat=True))


def test_sign_in_failed_sign_in_and_sign_out_are_logged_without_the_password(org, mentee):
    mentee.user.set_password("Correct-horse-42")
    mentee.user.save()
    AuditEvent.objects.all().delete()
    client = Client(REMOTE_ADDR="10.1.2.3")
    login = reverse("login")

    client.post(login, {"username": mentee.user.username, "password": "wrong-password-1"})
    client.post(login, {"username": mentee.user.username, "password": "Correct-horse-42"})
    client.post(reverse("logout"))

    assert kinds() == [K.LOGIN_FAILED, K.LOGIN, K.LOGOUT]
    failed = AuditEvent.objects.get(kind=K.LOGIN_FAILED)
    assert failed.username == mentee.user.username
    assert failed.ip_address == "10.1.2.3"
    assert failed.user is None
    assert AuditEvent.objects.get(kind=K.LOGIN).user == mentee.user
    stored = " ".join(str(v) for v in AuditEvent.objects.values_list("detail", "username"))
    assert "wrong-password-1" not in stored and "Correct-horse-42" not in stored


def test_a_role_change_names_the_account_and_the_roles_not_the_person(org, admin, mentee):
    AuditEvent.objects.all().delete()
    url = reverse("people:person_roles", args=[org.slug, mentee.person.pk])

    admin.client.post(url, {"roles": [Role.Kind.MENTEE, Role.Kind.MENTOR]})

    event = AuditEvent.objects.get(kind=K.ROLES_CHANGED)
    assert event.user == admin.user
    assert event.organization == org
    assert event.detail == f"работник № {mentee.person.pk} ({mentee.user.username}): добавлены Наставник"
    assert mentee.person.surname not in event.detail


def test_an_approval_is_logged_with_the_number_and_nothing_when_it_fails(org, head, curator, media):  # noqa: F811
    AuditEvent.objects.all().delete()
    order = make_order(org, author=curator.user)

    approve_order(order, by=head.user)
    order.refresh_from_db()
    with pytest.raises(ValidationError, match="только приказ на утверждении"):
        approve_order(order, by=head.user)

    [event] = AuditEvent.objects.filter(kind=K.ORDER_APPROVED)
    assert order.status == Order.Status.APPROVED
    assert event.user == head.user and event.organization == org
    assert order.reg_number in event.detail


def test_an_export_of_staff_is_logged_with_its_size(org, admin):
    AuditEvent.objects.all().delete()

    response = admin.client.get(reverse("people:staff_export", args=[org.slug, "csv"]))

    assert response.status_code == 200
    event = AuditEvent.objects.get(kind=K.EXPORT)
    assert event.user == admin.user and event.organization == org
    assert event.detail.startswith("Работники, csv: строк ")


def test_a_purge_is_logged_and_the_persons_login_leaves_the_log(org, mentee):
    username = mentee.user.username
    assert AuditEvent.objects.filter(username=username).exists()  # force_login signed the persona in

    purge_person(mentee.person, by="purge_withdrawn")

    assert not AuditEvent.objects.filter(username=username).exists()
    assert AuditEvent.objects.filter(kind=K.LOGIN, username="обезличено").exists()
    purge = AuditEvent.objects.get(kind=K.PURGE)
    assert purge.detail.startswith(f"работник № {mentee.person.pk}: ")
    assert purge.organization == org
