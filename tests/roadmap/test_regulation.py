"""The regulation (Положение): generation, versions, adoption, the approval order and the stamps in its PDF."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from roadmap import regulation as service
from roadmap.documents import order_content
from roadmap.models import Order, OrderKind, Regulation, Roadmap
from roadmap.services import approve_order, submit_order


def url(name: str, org, *args) -> str:
    return reverse(f"roadmap:{name}", args=[org.slug, *args])


def pdf_text(data: bytes) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages)


def first_page_text(data: bytes) -> str:
    return " ".join((PdfReader(io.BytesIO(data)).pages[0].extract_text() or "").split())


def make_roadmap(org, year: int = 2025) -> Roadmap:
    return Roadmap.objects.create(
        organization=org,
        title="Дорожная карта внедрения системы наставничества",
        period_label=f"{year}–{year + 1} учебный год",
        period_start=date(year, 9, 1),
        period_end=date(year + 1, 8, 31),
    )


def adopted(org, curator) -> Regulation:
    reg = service.generate(org, by=curator.user)
    service.adopt(reg, council_date=timezone.localdate(), council_number="1")
    return reg


# --- generation and versions ---


def test_generation_fills_the_organisations_data(org, curator):
    reg = service.generate(org, by=curator.user)
    assert reg.version == 1 and reg.status == Regulation.Status.DRAFT
    assert org.full_name in reg.body and org.short_name in reg.body
    assert "Белова Наталья Сергеевна, заместитель директора" in reg.body
    assert "{" not in reg.body
    forms_in_use = org.mentoringform_set.filter(is_active=True).values_list("name", flat=True)
    assert forms_in_use and all(f"«{name}»" in reg.body for name in forms_in_use)
    headings = [b.text for b in service.blocks(reg.body) if b.kind == "heading"]
    assert len(headings) == 9 and headings[0] == "1. Общие положения"


def test_an_inactive_form_is_left_out_and_without_a_curator_the_text_says_so(org):
    form = org.mentoringform_set.first()
    form.is_active = False
    form.save()
    reg = service.generate(org, by=None)
    assert f"«{form.name}»" not in reg.body
    assert "назначается приказом руководителя" in reg.body


def test_a_second_generation_is_refused_and_a_new_version_copies_the_text(org, curator):
    reg = service.generate(org, by=curator.user)
    with pytest.raises(ValidationError):
        service.generate(org, by=curator.user)
    with pytest.raises(ValidationError, match="проект"):
        service.new_version(org, by=curator.user)
    service.save_text(reg, title=reg.title, body=reg.body + "9.3. Дополнительный пункт.")
    service.adopt(reg, council_date=timezone.localdate(), council_number="2")
    second = service.new_version(org, by=curator.user)
    assert second.version == 2 and second.status == Regulation.Status.DRAFT
    assert "9.3. Дополнительный пункт." in second.body
    with pytest.raises(ValidationError):
        service.save_text(reg, title=reg.title, body="иначе")


def test_adoption_refuses_a_future_date(org, curator):
    reg = service.generate(org, by=curator.user)
    with pytest.raises(ValidationError):
        service.adopt(reg, council_date=timezone.localdate() + timedelta(days=1), council_number="3")
    reg.refresh_from_db()
    assert reg.status == Regulation.Status.DRAFT


# --- pages and access ---


def test_curator_generates_edits_and_adopts_through_the_pages(org, curator):
    c = curator.client
    assert "Сформировать по типовому тексту" in c.get(url("regulation", org)).content.decode()
    response = c.post(url("regulation_generate", org))
    reg = Regulation.objects.get(organization=org)
    assert response.url == url("regulation_edit", org, reg.pk)
    body = "## 1. Общие положения\n1.1. Текст пункта."
    c.post(url("regulation_edit", org, reg.pk), {"title": reg.title, "body": body})
    reg.refresh_from_db()
    assert reg.body.strip() == body
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    page = c.post(url("regulation_adopt", org, reg.pk), {"council_date": future, "council_number": "1"})
    assert page.status_code == 400 and "позже сегодняшней" in page.content.decode()
    c.post(url("regulation_adopt", org, reg.pk), {"council_date": timezone.localdate(), "council_number": "1"})
    reg.refresh_from_db()
    assert reg.status == Regulation.Status.ADOPTED and reg.council_number == "1"
    page = c.get(url("regulation_edit", org, reg.pk)).content.decode()
    assert "Сформировать приказ об утверждении" in page and 'data-testid="text-form"' not in page


def test_others_in_the_organisation_read_only_and_outsiders_get_404(org, curator, head, mentor, outsider):
    reg = service.generate(org, by=curator.user)
    for who in (head, mentor):
        assert who.client.get(url("regulation", org)).status_code == 200
        page = who.client.get(url("regulation_edit", org, reg.pk)).content.decode()
        assert "1. Общие положения" in page and 'data-testid="text-form"' not in page
        assert who.client.post(url("regulation_edit", org, reg.pk), {"title": "x", "body": "y"}).status_code == 404
        assert who.client.post(url("regulation_new_version", org)).status_code == 404
        assert who.client.get(url("regulation_pdf", org, reg.pk)).status_code == 200
    for name, args in (("regulation", ()), ("regulation_edit", (reg.pk,)), ("regulation_pdf", (reg.pk,))):
        assert outsider.client.get(url(name, org, *args)).status_code == 404
    # The outsider's own organisation does not reach this one's version either.
    assert outsider.client.get(url("regulation_edit", outsider.org, reg.pk)).status_code == 404


def test_pages_keep_their_query_count(org, curator, django_assert_max_num_queries):
    reg = service.generate(org, by=curator.user)
    for _ in range(5):
        service.adopt(reg, council_date=timezone.localdate(), council_number="1")
        reg = service.new_version(org, by=curator.user)
    with django_assert_max_num_queries(12):
        assert curator.client.get(url("regulation", org)).status_code == 200
    with django_assert_max_num_queries(12):
        assert curator.client.get(url("regulation_edit", org, reg.pk)).status_code == 200


# --- the order and the stamps ---


def test_the_approval_order_names_the_regulation_and_the_roadmap_the_curator_chose(org, curator):
    chosen = make_roadmap(org, 2024)
    make_roadmap(org, 2025)  # later, but not chosen: nothing is picked by itself
    reg = adopted(org, curator)
    assert [r.pk for r in curator.client.get(url("regulation_edit", org, reg.pk)).context["approvable_roadmaps"]]
    response = curator.client.post(url("regulation_order", org, reg.pk), {"roadmap": chosen.pk})
    order = Order.objects.get(kind=OrderKind.REGULATION)
    assert response.url == url("order", org, order.pk)
    assert order.regulation == reg and order.roadmap == chosen
    text = " ".join(item["text"] for item in order.items)
    assert "Утвердить Положение о системе наставничества" in text and "согласно приложению № 1" in text
    assert "согласно приложению № 2" in text and "2024–2025 учебный год" in text
    assert f"протокол от {timezone.localdate():%d.%m.%Y} № 1" in text
    # The appendices are listed under the text (roadmap.documents.appendix_list), not as an item.
    listed = [a["title"] for a in order_content(order)["appendix_list"]]
    assert listed[0].startswith("Положение о системе наставничества") and listed[1].startswith("Дорожная карта")
    assert "2024–2025 учебный год" in listed[1]


def test_without_a_roadmap_the_order_names_only_the_regulation(org, curator):
    reg = adopted(org, curator)
    order = service.draft_approval_order(reg, by=curator.user)
    assert order.roadmap is None
    assert "приложению № 2" not in " ".join(item["text"] for item in order.items)
    assert len(order_content(order)["appendix_list"]) == 1


def test_a_draft_regulation_gets_no_approval_order(org, curator):
    reg = service.generate(org, by=curator.user)
    curator.client.post(url("regulation_order", org, reg.pk))
    assert not Order.objects.exists()


def test_the_head_approves_both_by_one_order_and_the_pdfs_carry_the_stamp(org, curator, head):
    roadmap = make_roadmap(org)
    reg = adopted(org, curator)
    before = curator.client.get(url("regulation_pdf", org, reg.pk)).content
    assert "УТВЕРЖДЕНО приказом от __.__.____ № ___" in first_page_text(before)
    order = service.draft_approval_order(reg, by=curator.user, roadmap=roadmap)
    submit_order(order, by=curator.user)
    approve_order(order, by=head.user)
    reg.refresh_from_db()
    roadmap.refresh_from_db()
    assert reg.status == Regulation.Status.APPROVED and reg.approved_by_order == order
    assert roadmap.status == Roadmap.Status.APPROVED and roadmap.approved_by_order == order
    stamp = f"УТВЕРЖДЕНО приказом от {order.date:%d.%m.%Y} № {order.reg_number}"
    roadmap_stamp = stamp.replace("УТВЕРЖДЕНО", "УТВЕРЖДЕНА")  # дорожная карта: the stamp agrees with its name
    first = first_page_text(curator.client.get(url("regulation_pdf", org, reg.pk)).content)
    assert "ПРИНЯТО на заседании педагогического совета" in first
    assert f"протокол от {reg.council_date:%d.%m.%Y} № 1" in first
    assert stamp in first
    roadmap_pdf = url("roadmap_pdf", org, roadmap.pk)
    assert roadmap_stamp in " ".join(pdf_text(head.client.get(roadmap_pdf).content).split())


def test_approval_is_refused_for_a_regulation_not_adopted(org, curator, head):
    reg = adopted(org, curator)
    order = service.draft_approval_order(reg, by=curator.user)
    submit_order(order, by=curator.user)
    # An adopted version cannot go back to a draft (its text is fixed): point the order at a draft version instead,
    # past the guard that keeps a submitted order unchanged (as a fault in the data would).
    draft = service.new_version(org, by=curator.user)
    QuerySet.update(Order.objects.filter(pk=order.pk), regulation=draft)
    with pytest.raises(ValidationError):
        approve_order(order, by=head.user)
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED
