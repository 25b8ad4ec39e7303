"""Orders on the common ГОСТ page (issue 15, point 2): every kind rendered to PDF with its requisites, the page
numbers at the top centre from page 2, the executor's mark, the appendices with «Приложение № N к приказу от … №
…» — the regulation and the roadmap an order approves attached in the same PDF — and the signature never alone on
a page, with the proof that the check catches a document built so that its signature would fall alone."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from core.pdf import pdf_bytes
from people.models import Role
from roadmap import regulation as regulations
from roadmap.documents import acknowledgement_sheet_pdf, order_context, order_pdf_bytes
from roadmap.models import OrderKind
from roadmap.services import approve_order, submit_order
from tests.document_checks import (
    assert_gost_pages,
    beside_signature,
    pages_text,
    render_pngs,
    signature_alone,
    unkept_pdf,
)
from tests.factories import PersonFactory
from tests.roadmap.order_document_fixtures import approved_order
from tests.roadmap.roadmap_fixtures import approve_roadmap, make_roadmap

pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)

SIGNER = "А. П. Сорокина"
REFERENCE = "от 05.06.2026 № 15-од"


@pytest.fixture
def author(org, curator):
    curator.person.phone = "+7 (912) 345-67-89"
    curator.person.save(update_fields=["phone"])
    return curator


def order_of(org, author, kind, **fields):
    return approved_order(org, kind, created_by=author.user, **fields)


def signature_markers(order) -> list[str]:
    return [SIGNER, "Директор", "Н. С. Белова", "+7 (912) 345-67-89"]


@pytest.mark.parametrize("kind", [k for k in OrderKind.values if k not in (OrderKind.REGULATION, OrderKind.ROADMAP)])
def test_every_order_kind_has_its_requisites_numbers_and_executor(org, head, author, kind):
    order = order_of(org, author, kind, heading=f"Приказ вида «{OrderKind(kind).label}»")
    pdf = order_pdf_bytes(order)
    assert_gost_pages(pdf)
    first = pages_text(pdf)[0]
    assert first.startswith(org.full_name)
    assert "ПРИКАЗ" in first and "05.06.2026" in first and "№ 15-од" in first
    assert "ПРИКАЗЫВАЮ:" in first
    text = " ".join(pages_text(pdf))
    # The signature: position on the left, «И. О. Фамилия» on the right; the executor's mark under it.
    assert re.search(rf"Директор {SIGNER} Н\. С\. Белова \+7 \(912\) 345-67-89", text)
    assert not signature_alone(pdf, signature_markers(order))
    # The acknowledgement sheet on a page of its own.
    assert f"Лист ознакомления с приказом {REFERENCE}" in text


def test_the_executor_without_a_phone_is_named_alone_and_an_unknown_author_leaves_no_mark(org, head, curator):
    text = " ".join(pages_text(order_pdf_bytes(approved_order(org, created_by=curator.user))))
    assert f"{SIGNER} Н. С. Белова" in text
    assert "Н. С. Белова +7" not in text
    anonymous = " ".join(pages_text(order_pdf_bytes(approved_order(org, number=16, reg_number="16-од"))))
    assert "Белова" not in anonymous


def test_the_order_approving_the_regulation_carries_it_and_the_roadmap_as_appendices(org, head, author, tmp_path):
    reg = regulations.generate(org, by=author.user)
    regulations.adopt(reg, council_date=timezone.localdate(), council_number="1")
    roadmap = make_roadmap(org, 12)
    order = order_of(org, author, OrderKind.REGULATION, regulation=reg, roadmap=roadmap, heading="Об утверждении")
    pdf = order_pdf_bytes(order)
    assert_gost_pages(pdf)
    pages = pages_text(pdf)
    signed = next(i for i, page in enumerate(pages) if SIGNER in page)
    # The regulation starts on its own page, the mark top right, then its title and sections.
    appendix = pages[signed + 1]
    assert appendix.startswith(f"Приложение № 1 к приказу {REFERENCE}"), appendix[:300]
    assert reg.title.upper()[:40] in appendix
    body = " ".join(pages[signed + 1 :])
    heading = next(line[3:] for line in reg.body.splitlines() if line.startswith("## "))
    assert heading.strip() in body
    assert f"Приложение № 2 к приказу {REFERENCE}" in body
    assert "Мероприятие номер 12" in body
    render_pngs(pdf, "order-regulation", first=signed + 1, last=signed + 2)


def test_the_order_approving_the_roadmap_carries_it(org, head, author):
    roadmap = make_roadmap(org, 5)
    pdf = order_pdf_bytes(order_of(org, author, OrderKind.ROADMAP, roadmap=roadmap, heading="Об утверждении"))
    assert_gost_pages(pdf)
    text = " ".join(pages_text(pdf))
    assert f"Приложение № 1 к приказу {REFERENCE}" in text and "Мероприятие номер 5" in text


def test_the_acknowledgement_sheet_alone_is_on_the_same_page(org, head, author):
    people = [PersonFactory(organization=org, roles=[Role.Kind.MENTOR]) for _ in range(45)]
    order = order_of(org, author, OrderKind.PAIRS, acknowledgers=people, acknowledged=people[:3])
    pdf = acknowledgement_sheet_pdf(order)
    assert_gost_pages(pdf)
    pages = pages_text(pdf)
    assert len(pages) >= 2
    assert pages[0].startswith(org.full_name) and f"Лист ознакомления с приказом {REFERENCE}" in pages[0]
    assert "08.06.2026" in pages[0]
    render_pngs(pdf, "acknowledgement-sheet")


def long_order(org, author, items: int, number: int):
    text = [f"Поручение номер {n} исполнителю в срок до конца месяца." for n in range(1, items + 1)]
    return order_of(org, author, OrderKind.FREE, items=text, number=number, reg_number=f"{number}-од")


def test_a_long_order_keeps_its_signature_with_the_last_items_and_the_check_would_see_it_alone(org, head, author):
    """Orders built around a page break: without the keep rule the signature falls alone (the check sees it);
    with it, the last items go with the signature."""
    probe = long_order(org, author, 80, 100)
    first_page = pages_text(order_pdf_bytes(probe))[0]
    last_on_first = max(int(n) for n in re.findall(r"Поручение номер (\d+)", first_page))
    caught = 0
    for items in range(last_on_first - 3, last_on_first + 1):
        order = long_order(org, author, items, 200 + items)
        markers = signature_markers(order)
        if signature_alone(unkept_pdf("documents/order.html", order_context(order)), markers):
            caught += 1
            pdf = order_pdf_bytes(order)
            assert not signature_alone(pdf, markers), beside_signature(pdf, markers)
            page = next(p for p in pages_text(pdf) if SIGNER in p)
            assert "Контроль за исполнением" in page
            assert_gost_pages(pdf)
            render_pngs(pdf, "order-long", first=1, last=2)
    assert caught, "no length put the signature alone without the rule: the check proves nothing"


# --- the regulation and the roadmap as documents of their own ---


def test_the_regulation_is_on_the_common_page_with_both_stamps(org, head, author):
    reg = regulations.generate(org, by=author.user)
    regulations.adopt(reg, council_date=timezone.localdate(), council_number="1")
    reg.approved_by_order = order_of(org, author, OrderKind.REGULATION, regulation=reg)
    reg.status = reg.Status.APPROVED
    reg.save(update_fields=["approved_by_order", "status"])
    pdf = pdf_bytes("documents/regulation.html", regulations.document_context(reg))
    assert_gost_pages(pdf)
    pages = pages_text(pdf)
    assert len(pages) >= 3
    first = pages[0]
    assert f"ПРИНЯТО на заседании педагогического совета {org.short_name} протокол от 20.11.2026 № 1" in first
    assert f"УТВЕРЖДЕНО приказом {REFERENCE}" in first
    assert reg.title.upper()[:40] in first
    render_pngs(pdf, "regulation", first=1, last=2)


def test_the_roadmap_is_landscape_on_the_common_page_with_its_stamp(org, head, persona):
    roadmap = make_roadmap(org, 60)
    approve_roadmap(roadmap, "15-од")
    response = persona(org, "curator").client.get(reverse("roadmap:roadmap_pdf", args=[org.slug, roadmap.pk]))
    pdf = response.content
    assert_gost_pages(pdf, landscape=True)
    pages = pages_text(pdf)
    assert len(pages) >= 2
    assert "УТВЕРЖДЕНА приказом от 20.09.2026 № 15-од" in pages[0]
    assert "Срок исполнения" in pages[1]  # the header repeats
    render_pngs(pdf, "roadmap", first=1, last=2)


def test_the_stored_signed_order_carries_the_regulation_and_roadmap_as_pdf_a(org, head, author, tmp_path):
    """The head approves the order: the stored PDF/A holds the order with the mark of the electronic signature and
    the executor, then the regulation and the roadmap as appendices № 1 and № 2 with their marks."""
    reg = regulations.generate(org, by=author.user)
    regulations.adopt(reg, council_date=timezone.localdate(), council_number="1")
    order = regulations.draft_approval_order(reg, by=author.user, roadmap=make_roadmap(org, 8))
    submit_order(order, by=author.user)
    approve_order(order, by=head.user)
    order.refresh_from_db()
    stored = order.pdf.read()
    assert_gost_pages(stored)
    pages = pages_text(stored)
    reference = f"от {order.date:%d.%m.%Y} № {order.reg_number}"
    signed = next(i for i, page in enumerate(pages) if "Документ подписан простой электронной подписью" in page)
    assert "Н. С. Белова +7 (912) 345-67-89" in pages[signed]
    assert pages[signed + 1].startswith(f"Приложение № 1 к приказу {reference}")
    assert any(page.startswith(f"Приложение № 2 к приказу {reference}") for page in pages[signed + 2 :])
    path = tmp_path / "signed.pdf"
    path.write_bytes(stored)
    info = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    assert "pdfaid:part" in info  # PDF/A identification in the XMP metadata
    render_pngs(stored, "order-signed", first=signed + 1, last=signed + 2)
