"""An approved order is a legal document: no save, bulk update, delete or admin action changes it."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client
from django.urls import reverse

from people.models import Role
from roadmap.models import Order, OrderCounter, OrderKind
from roadmap.services import approve_order, submit_order
from tests.factories import PersonFactory
from tests.roadmap.approval_fixtures import make_order

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def approved(org, head, curator) -> Order:
    return approve_order(
        make_order(org, OrderKind.CURATOR, author=curator.user, appointee=curator.person), by=head.user
    )


@pytest.fixture
def superuser_client() -> Client:
    user = get_user_model().objects.create_superuser("root", "root@example.ru", "x")
    client = Client()
    client.force_login(user)
    return client


def stored_row(order: Order) -> dict:
    return Order.objects.filter(pk=order.pk).values().get()


def another_value(order: Order, field: models.Field, org, other_org):
    """A value different from the stored one, valid for the field's type."""
    current = getattr(order, field.attname)
    if field.name == "organization":
        return other_org.pk
    if field.choices:
        return next(value for value, _ in field.choices if value != current)
    if isinstance(field, models.ForeignKey):
        return PersonFactory(organization=org).pk if field.related_model.__name__ == "Person" else None
    if isinstance(field, models.DateTimeField | models.DateField):
        return date(2001, 1, 1)
    if isinstance(field, models.JSONField):
        return ["Подменённый пункт."]
    if isinstance(field, models.IntegerField):
        return (current or 0) + 100
    if isinstance(field, models.FileField):
        return "orders/chuzhoi.pdf"
    return f"{current}-изменено"


def test_no_field_of_an_approved_order_can_be_saved(approved, org, other_org):
    before = stored_row(approved)
    fields = [f for f in Order._meta.concrete_fields if not f.primary_key]
    assert len(fields) > 20

    for field in fields:
        order = Order.objects.get(pk=approved.pk)
        setattr(order, field.attname, another_value(order, field, org, other_org))
        with pytest.raises(ValidationError, match="Утверждённый приказ изменить нельзя"):
            order.save()
        with pytest.raises(ValidationError, match="Утверждённый приказ изменить нельзя"):
            order.save(update_fields=[field.name])

    assert stored_row(approved) == before


def test_bulk_updates_and_deletes_refuse_approved_orders(approved, org, head):
    draft = make_order(org, status=Order.Status.DRAFT)
    before = stored_row(approved)

    with pytest.raises(ValidationError, match="изменить нельзя"):
        Order.objects.filter(organization=org).update(heading="Подмена")
    with pytest.raises(ValidationError, match="изменить нельзя"):
        Order.objects.filter(pk=approved.pk).update(status=Order.Status.DRAFT)
    with pytest.raises(ValidationError, match="удалить нельзя"):
        Order.objects.filter(organization=org).delete()
    with pytest.raises(ValidationError, match="удалить нельзя"):
        approved.delete()

    assert stored_row(approved) == before
    # Drafts stay workable in bulk.
    assert Order.objects.filter(pk=draft.pk).update(heading="О новом") == 1
    Order.objects.filter(pk=draft.pk).delete()
    assert not Order.objects.filter(pk=draft.pk).exists()


def test_a_submitted_order_is_not_approved_by_a_bulk_update(org):
    order = make_order(org)

    with pytest.raises(Exception):  # noqa: B017 — the database refuses an approval without number, date and hash
        Order.objects.filter(pk=order.pk).update(status=Order.Status.APPROVED)


def test_the_stored_pdf_never_changes(approved, org):
    data = approved.pdf.read()
    approved.pdf.close()
    assert hashlib.sha256(data).hexdigest() == approved.pdf_sha256

    org.short_name = "МАОУ «Лицей № 1»"
    org.full_name = "Муниципальное автономное общеобразовательное учреждение «Лицей № 1»"
    org.save()
    approved.appointee.surname = "Переименованная"
    approved.appointee.save()

    again = Order.objects.get(pk=approved.pk)
    with again.pdf.open("rb") as f:
        assert f.read() == data
    assert again.pdf_sha256 == hashlib.sha256(data).hexdigest()


def test_a_correction_is_a_new_order_that_refers_to_the_approved_one(approved, org, head, curator):
    before = stored_row(approved)

    correction = make_order(
        org,
        OrderKind.FREE,
        author=curator.user,
        status=Order.Status.DRAFT,
        heading=f"О внесении изменений в приказ от {approved.date:%d.%m.%Y} № {approved.reg_number}",
        refers_to=approved,
    )
    submit_order(correction, by=curator.user)
    approve_order(correction, by=head.user)

    assert correction.number == approved.number + 1
    assert list(approved.corrections.all()) == [correction]
    assert stored_row(approved) == before


# --- admin --------------------------------------------------------------------------------------------------


def test_admin_shows_an_approved_order_read_only(approved, superuser_client):
    url = reverse("admin:roadmap_order_change", args=[approved.pk])
    page = superuser_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="heading"' not in html and 'name="items"' not in html
    assert approved.pdf_sha256 in html
    assert 'name="_save"' not in html

    before = stored_row(approved)
    answer = superuser_client.post(url, {"heading": "Подмена", "status": "draft", "items": '["x"]'})
    assert answer.status_code == 403
    assert stored_row(approved) == before


def test_admin_cannot_delete_an_approved_order(approved, superuser_client):
    url = reverse("admin:roadmap_order_delete", args=[approved.pk])
    assert superuser_client.get(url).status_code == 403
    assert superuser_client.post(url, {"post": "yes"}).status_code == 403

    changelist = reverse("admin:roadmap_order_changelist")
    superuser_client.post(changelist, {"action": "delete_selected", "_selected_action": [approved.pk], "post": "yes"})
    assert Order.objects.filter(pk=approved.pk).exists()


def test_admin_edits_a_draft_but_not_its_registration(org, superuser_client):
    draft = make_order(org, status=Order.Status.DRAFT)
    url = reverse("admin:roadmap_order_change", args=[draft.pk])
    html = superuser_client.get(url).content.decode()
    assert 'name="heading"' in html
    for fixed in ("status", "number", "reg_number", "pdf_sha256", "date"):
        assert f'name="{fixed}"' not in html


def test_admin_never_edits_the_numbering(approved, superuser_client):
    counter = OrderCounter.objects.get()
    assert superuser_client.get(reverse("admin:roadmap_ordercounter_changelist")).status_code == 200
    url = reverse("admin:roadmap_ordercounter_change", args=[counter.pk])
    superuser_client.post(url, {"organization": counter.organization_id, "year": counter.year, "last_number": 0})
    counter.refresh_from_db()
    assert counter.last_number == 1
    assert superuser_client.get(reverse("admin:roadmap_ordercounter_add")).status_code == 403


def test_admin_edits_the_model_texts(org, superuser_client):
    assert superuser_client.get(reverse("admin:roadmap_ordertemplate_add")).status_code == 200


def test_outsider_head_cannot_approve_through_services(org, outsider, persona):
    order = make_order(org)
    persona(org, Role.Kind.HEAD)
    with pytest.raises(ValidationError):
        approve_order(order, by=outsider.user)
