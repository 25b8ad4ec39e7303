"""Separation of duties: nobody gives themselves a role that signs or approves; an order is signed only under a
head role someone else gave, by the person the organisation's settings name (the head or the acting head)."""

from __future__ import annotations

import importlib
import re
from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from people.forms import OrganizationForm
from people.models import AuditEvent, Organization, Role
from roadmap.models import Order, OrderEvent
from roadmap.services import approve_order, return_order
from tests.roadmap.approval_fixtures import make_order

pytestmark = [pytest.mark.usefixtures("media"), pytest.mark.time_machine("2026-11-16 10:00 +03:00")]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def roles_url(person) -> str:
    return reverse("people:person_roles", args=[person.organization.slug, person.pk])


def settings_data(org: Organization, **changes) -> dict:
    data = {**OrganizationForm(instance=org).initial, **changes}
    return {k: v for k, v in data.items() if v is not None}


def test_an_administrator_cannot_give_themselves_the_head_role(admin):
    response = admin.client.post(roles_url(admin.person), {"roles": [Role.Kind.ADMIN, Role.Kind.HEAD]})
    assert response.status_code == 200
    assert "Нельзя назначить самому себе роль «Руководитель»" in response.text
    assert set(admin.person.roles.values_list("kind", flat=True)) == {Role.Kind.ADMIN}


def test_an_administrator_cannot_give_themselves_the_programme_approvers_role(admin, org):
    assert org.programme_approver == Organization.ProgrammeApprover.CURATOR
    response = admin.client.post(roles_url(admin.person), {"roles": [Role.Kind.ADMIN, Role.Kind.CURATOR]})
    assert "Нельзя назначить самому себе роль «Куратор»" in response.text
    # A role that approves nothing here is theirs to take.
    admin.client.post(roles_url(admin.person), {"roles": [Role.Kind.ADMIN, Role.Kind.MENTOR]})
    assert set(admin.person.roles.values_list("kind", flat=True)) == {Role.Kind.ADMIN, Role.Kind.MENTOR}


def test_the_head_role_given_by_another_administrator_records_who_gave_it(admin, mentor):
    admin.client.post(roles_url(mentor.person), {"roles": [Role.Kind.MENTOR, Role.Kind.HEAD]})
    role = mentor.person.roles.get(kind=Role.Kind.HEAD)
    assert role.granted_by == admin.user
    assert role.created_at is not None


def test_an_order_is_not_signed_under_a_head_role_one_gave_oneself(org, admin, curator):
    # However it came about (before this check existed, or by a path that forgot it), a self-given head role signs
    # nothing.
    Role.objects.create(person=admin.person, kind=Role.Kind.HEAD, granted_by=admin.user)
    order = make_order(org, author=curator.user)
    with pytest.raises(ValidationError, match="Роль «Руководитель» вы назначили себе сами"):
        approve_order(order, by=admin.user)
    with pytest.raises(ValidationError, match="назначили себе сами"):
        return_order(order, by=admin.user, comment="Нет.")
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED
    # Through the page: a message, not a 500.
    response = admin.client.post(reverse("roadmap:order_approve", args=[org.slug, order.pk]), follow=True)
    assert response.status_code == 200
    assert "назначили себе сами" in response.text


def test_the_approval_records_the_signers_assignment(org, head, curator):
    order = approve_order(make_order(org, author=curator.user), by=head.user)
    role = head.person.roles.get(kind=Role.Kind.HEAD)
    note = OrderEvent.objects.get(order=order, action=OrderEvent.Action.APPROVED).comment
    assert f"роль «Руководитель» назначена {role.created_at:%d.%m.%Y}" in note


def test_a_head_role_an_administrator_gave_themselves_before_is_found_in_the_audit_log(admin):
    role = Role.objects.create(person=admin.person, kind=Role.Kind.HEAD)
    AuditEvent.objects.create(
        kind=AuditEvent.Kind.ROLES_CHANGED,
        user=admin.user,
        username=admin.user.username,
        organization=admin.org,
        detail=f"работник № {admin.person.pk} ({admin.user.username}): добавлены Руководитель",
    )
    migration = importlib.import_module("people.migrations.0011_role_granted_by_and_order_signer")
    migration.granted_by_from_audit(apps, None)
    role.refresh_from_db()
    assert role.granted_by == admin.user


# --- the acting head ----------------------------------------------------------------------------------------------


@pytest.fixture
def acting(org, admin, persona):
    """A deputy whose head role another administrator gave, named acting head in the settings by the administrator."""
    deputy = persona(org, Role.Kind.CURATOR, surname="Петрова", name="Ольга", patronymic="Игоревна", position="Зам")
    admin.client.post(roles_url(deputy.person), {"roles": [Role.Kind.CURATOR, Role.Kind.HEAD]})
    data = settings_data(
        org,
        order_signer="acting",
        acting_head=deputy.person.pk,
        acting_head_position="И. о. заведующего",
        acting_basis_number="41-к",
        acting_basis_date="2026-11-02",
    )
    response = admin.client.post(reverse("people:org_settings", args=[org.slug]), data)
    assert response.status_code == 302, response.context["form"].errors
    org.refresh_from_db()
    return deputy


def test_the_acting_head_signs_under_the_acting_position(org, head, curator, acting):
    assert org.acting_basis_date == date(2026, 11, 2)
    order = make_order(org, author=curator.user)
    with pytest.raises(ValidationError, match=re.escape("исполняющий обязанности руководителя Петрова О. И.")):
        approve_order(order, by=head.user)
    order = approve_order(order, by=acting.user)
    assert (order.signer_position, order.signer_name) == ("И. о. заведующего", "О. И. Петрова")
    note = OrderEvent.objects.get(order=order, action=OrderEvent.Action.APPROVED).comment
    assert "исполняющий обязанности по приказу от 02.11.2026 № 41-к" in note


def test_the_acting_head_needs_the_head_role_and_is_not_oneself(org, admin, head, mentor):
    url = reverse("people:org_settings", args=[org.slug])
    acting = {"order_signer": "acting", "acting_head_position": "И. о. директора", "acting_basis_number": "5"}
    response = admin.client.post(url, settings_data(org, acting_head=mentor.person.pk, **acting))
    errors = response.context["form"].errors
    assert "нет роли «Руководитель»" in errors["acting_head"][0]
    assert errors["acting_basis_date"] == ["Укажите дату приказа о назначении исполняющего обязанности."]
    response = head.client.post(
        url, settings_data(org, acting_head=head.person.pk, acting_basis_date="2026-11-02", **acting)
    )
    assert "Назначить исполняющим обязанности самого себя нельзя" in response.context["form"].errors["acting_head"][0]
    org.refresh_from_db()
    assert org.order_signer == Organization.OrderSigner.HEAD
