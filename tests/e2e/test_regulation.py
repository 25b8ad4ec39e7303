"""The regulation journey of issue 6: the curator generates the regulation, records its adoption by the
pedagogical council and forms the approval order naming the regulation and the roadmap; the head approves it
from the inbox; the regulation's PDF then carries «УТВЕРЖДЕНО приказом от … № …» and the roadmap is approved."""

import io
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from roadmap.models import Order, Regulation, Roadmap
from tests.e2e.conftest import login
from tests.factories import PASSWORD


def pdf_first_page(page, url: str) -> str:
    data = page.request.get(url).body()
    return " ".join((PdfReader(io.BytesIO(data)).pages[0].extract_text() or "").split())


def pdf_all(page, url: str) -> str:
    data = page.request.get(url).body()
    return " ".join(" ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages).split())


@pytest.fixture
def order_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_curator_prepares_the_regulation_and_the_head_approves_it_with_the_roadmap(
    transactional_db, order_media, org, curator, head, live_server, page, shot
):
    roadmap = Roadmap.objects.create(
        organization=org,
        title="Дорожная карта внедрения системы наставничества",
        period_label="2025–2026 учебный год",
        period_start=date(2025, 9, 1),
        period_end=date(2026, 8, 31),
    )
    org_url = f"{live_server.url}/o/{org.slug}"

    # The curator generates version 1 from the model text: the organisation's name and her own are in it.
    login(page, live_server, curator.user.username, PASSWORD)
    page.goto(f"{org_url}/regulation/")
    page.get_by_test_id("generate").click()
    expect(page.get_by_role("heading", name="Положение, версия 1")).to_be_visible()
    body = page.get_by_label("Текст положения")
    expect(body).to_contain_text(org.short_name)
    expect(body).to_contain_text("Белова Наталья Сергеевна")
    body.fill(body.input_value() + "\n9.3. Положение размещается на официальном сайте.")
    page.get_by_test_id("save").click()
    expect(page.get_by_role("alert").filter(has_text="сохранён")).to_be_visible()

    # The council adopted it today, protocol № 1.
    page.get_by_label("Дата протокола педагогического совета").fill(f"{timezone.localdate():%Y-%m-%d}")
    page.get_by_label("Номер протокола").fill("1")
    page.get_by_test_id("adopt").click()
    expect(page.get_by_test_id("regulation-status")).to_have_text("Принято педагогическим советом")
    expect(page.get_by_test_id("regulation-text")).to_contain_text("9.3. Положение размещается")
    shot("regulation-adopted")

    # The curator chooses the roadmap the order approves with the regulation; the order names both documents.
    page.get_by_test_id("order-roadmap").select_option(str(roadmap.pk))
    page.get_by_test_id("form-order").click()
    expect(page.get_by_role("heading", name="Проект приказа")).to_be_visible()
    text = page.get_by_test_id("order-text")
    # Listed under the text (ГОСТ: «Приложения: …» before the signature) and attached, each with its mark.
    expect(text).to_contain_text("Приложения:")
    expect(text).to_contain_text("1. Положение о системе наставничества педагогических работников в 1 экз.")
    expect(text).to_contain_text("2. Дорожная карта")
    expect(text).to_contain_text("Приложение № 1")
    expect(text).to_contain_text("Приложение № 2")
    expect(text).to_contain_text("ПОЛОЖЕНИЕ О СИСТЕМЕ НАСТАВНИЧЕСТВА ПЕДАГОГИЧЕСКИХ РАБОТНИКОВ")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("order-status")).to_have_text("На утверждении")

    # The head approves it from the inbox.
    page.context.clear_cookies()
    login(page, live_server, head.user.username, PASSWORD)
    page.goto(f"{org_url}/orders/inbox/")
    page.get_by_test_id("inbox-order").first.get_by_test_id("approve").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Утверждён")

    order = Order.objects.get(kind="regulation")
    reg = Regulation.objects.get(organization=org)
    roadmap.refresh_from_db()
    assert reg.status == Regulation.Status.APPROVED and reg.approved_by_order == order
    assert roadmap.status == Roadmap.Status.APPROVED and roadmap.approved_by_order == order

    stamp = f"УТВЕРЖДЕНО приказом от {order.date:%d.%m.%Y} № {order.reg_number}"
    page.goto(f"{org_url}/regulation/{reg.pk}/")
    expect(page.get_by_test_id("stamps")).to_contain_text(f"приказом от {order.date:%d.%m.%Y} № {order.reg_number}")
    first = pdf_first_page(page, f"{org_url}/regulation/{reg.pk}/pdf/")
    assert stamp in first
    assert f"протокол от {timezone.localdate():%d.%m.%Y} № 1" in first
    # The roadmap (дорожная карта) agrees in gender: «УТВЕРЖДЕНА».
    assert stamp.replace("УТВЕРЖДЕНО", "УТВЕРЖДЕНА") in pdf_all(page, f"{org_url}/roadmap/{roadmap.pk}/pdf/")
