"""The orders journey of issue 5: the curator forms an order fixing three pairs from the pairs page and sends it;
the head returns it with a comment; the curator revises and resends; the head approves; the pairs are active;
a named mentee acknowledges from her home; the PDF carries every requisite."""

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from mentoring.models import Mentorship
from people.models import Person
from roadmap.models import Acknowledgement, Order
from tests.e2e.conftest import ARTIFACTS, login
from tests.mentoring.pair_fixtures import make_pair, with_duties

ORG = "ds-solnyshko"
# The demo's draft pair, and two more drafts made here: three pairs for one order.
PAIRS = [("Захарова", "Никитина"), ("Кузьмина", "Лебедев"), ("Медведева", "Романова")]


@pytest.fixture
def order_media(settings, tmp_path):
    """Stored PDFs (the demo's approved orders and ours) go to a temporary folder, not to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def person(surname: str) -> Person:
    return Person.objects.get(organization__slug=ORG, surname=surname)


def three_draft_pairs() -> list[Mentorship]:
    pairs = []
    for mentor, mentee in PAIRS:
        found = Mentorship.objects.filter(mentor=person(mentor), mentees=person(mentee), state="draft").first()
        pairs.append(found or make_pair(person(mentor), person(mentee)))
        with_duties(person(mentor), person(mentee))
    # Both people of each pair agreed to it (choosing each other is walked through in tests/e2e/test_coauthor.py).
    Mentorship.objects.filter(pk__in=[m.pk for m in pairs]).update(consent=Mentorship.Consent.CONFIRMED)
    return pairs


def give_login(surname: str, username: str) -> None:
    user = get_user_model().objects.create_user(username, password="demo12345", last_name=surname)
    Person.objects.filter(pk=person(surname).pk).update(user=user)


def switch(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username)


def test_curator_drafts_head_returns_then_approves_and_a_mentee_acknowledges(
    order_media, demo, live_server, page, shot
):
    pairs = three_draft_pairs()
    give_login("Лебедев", "lebedev")
    org_url = f"{live_server.url}/o/{ORG}"

    # The curator ticks the three drafts on the pairs page and forms the order.
    login(page, live_server, "curator")
    page.goto(f"{org_url}/pairs/?state=draft")
    table = page.get_by_test_id("pairs-table")
    for mentor, _ in PAIRS:
        table.get_by_role("row").filter(has_text=person(mentor).short_name).get_by_test_id("pick-pair").check()
    page.get_by_test_id("order-from-pairs-submit").click()
    expect(page.get_by_role("heading", name="Проект приказа")).to_be_visible()
    order = Order.objects.get(kind="pairs", status="draft")
    assert {m.pk for m in order.mentorships.all()} == {m.pk for m in pairs}
    text = page.get_by_test_id("order-text")
    for mentor, mentee in PAIRS:
        expect(text).to_contain_text(person(mentor).full_name)
        expect(text).to_contain_text(person(mentee).full_name)
    expect(text).to_contain_text(f"начинают работу с {order.starts_on:%d.%m.%Y}")
    # The programmes do not exist yet: the order asks for them by a date only the curator can give.
    expect(text).to_contain_text("в срок до __.__.____ разработать")
    expect(page.get_by_test_id("missing")).to_contain_text("Срок исполнения")
    page.get_by_test_id("submit").click()
    expect(page.get_by_role("alert").filter(has_text="Срок исполнения")).to_be_visible()
    expect(page.get_by_test_id("order-status")).to_have_text("Черновик")
    page.get_by_test_id("order-edit").click()
    expect(page.get_by_test_id("missing")).to_contain_text("Срок исполнения")
    due = order.starts_on + timedelta(days=30)
    page.get_by_label("Срок исполнения").fill(f"{due:%Y-%m-%d}")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("order-text")).to_contain_text(f"в срок до {due:%d.%m.%Y} разработать")
    expect(page.get_by_test_id("missing")).to_have_count(0)
    page.get_by_test_id("submit").click()
    expect(page.get_by_role("alert").filter(has_text="отправлен на утверждение")).to_be_visible()
    expect(page.get_by_test_id("order-status")).to_have_text("На утверждении")

    # The head sees two orders waiting (the demo's and ours) and returns ours with a comment.
    switch(page, live_server, "head")
    expect(page.get_by_test_id("head-inbox").locator(".badge")).to_have_text("2")
    page.get_by_test_id("head-inbox").click()
    expect(page.get_by_test_id("inbox-count")).to_have_text("2")
    ours = page.get_by_test_id("inbox-order").filter(has_text=person("Кузьмина").full_name)
    expect(ours.get_by_test_id("inbox-preview")).to_contain_text(person("Романова").full_name)
    shot("orders-inbox")
    ours.get_by_test_id("return").click()
    expect(page.get_by_test_id("return-error")).to_contain_text("Напишите, что нужно исправить")
    ours = page.get_by_test_id("inbox-order").filter(has_text=person("Кузьмина").full_name)
    ours.get_by_label("Что доработать").fill("Добавьте пункт о назначении ответственного за мониторинг программ.")
    ours.get_by_test_id("return").click()
    expect(page.get_by_role("alert").filter(has_text="возвращён на доработку")).to_be_visible()
    expect(page.get_by_test_id("inbox-count")).to_have_text("1")

    # The curator finds it on her home, revises and resends.
    switch(page, live_server, "curator")
    page.get_by_test_id("home-orders-returned").get_by_role("link", name="О закреплении").click()
    expect(page.get_by_test_id("return-comment")).to_contain_text("ответственного за мониторинг")
    page.get_by_test_id("order-edit").click()
    page.get_by_test_id("item-add").click()
    added = "Назначить ответственным за мониторинг программ наставничества куратора."
    page.get_by_test_id("item-text").last.fill(added)
    page.get_by_test_id("save").click()
    expect(page.get_by_role("alert").filter(has_text="Проект приказа сохранён")).to_be_visible()
    expect(page.get_by_test_id("order-text")).to_contain_text("ответственным за мониторинг")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("order-status")).to_have_text("На утверждении")

    # The head approves from the inbox: the order gets its number and date.
    switch(page, live_server, "head")
    page.goto(f"{org_url}/orders/inbox/")
    page.get_by_test_id("inbox-order").filter(has_text=person("Кузьмина").full_name).get_by_test_id("approve").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Утверждён")
    order.refresh_from_db()
    assert order.status == Order.Status.APPROVED and order.reg_number
    expect(page.get_by_role("heading", name=f"Приказ от {order.date:%d.%m.%Y} № {order.reg_number}")).to_be_visible()
    expect(page.get_by_test_id("sha256")).to_contain_text(order.pdf_sha256)
    expect(page.get_by_test_id("order-edit")).to_have_count(0)
    expect(page.get_by_test_id("history")).to_contain_text("Возвращён на доработку")
    shot("order-approved")

    # The pairs are active, as the pairs page shows.
    switch(page, live_server, "curator")
    page.goto(f"{org_url}/pairs/?state=active")
    table = page.get_by_test_id("pairs-table")
    for mentor, _ in PAIRS:
        expect(table).to_contain_text(person(mentor).short_name)
    assert {m.state for m in order.mentorships.all()} == {Mentorship.State.ACTIVE}

    # A named mentee acknowledges from his home.
    switch(page, live_server, "lebedev")
    box = page.get_by_test_id("home-orders-acknowledge")
    expect(box).to_contain_text(f"№ {order.reg_number}")
    box.get_by_role("listitem").filter(has_text=f"№ {order.reg_number}").get_by_test_id("acknowledge").click()
    expect(page.get_by_role("alert").filter(has_text="вы ознакомлены с приказом")).to_be_visible()
    assert Acknowledgement.objects.get(order=order, person=person("Лебедев")).acknowledged_at is not None

    # The PDF: exactly the stored bytes, with the requisites; its first page rendered for a look.
    page.goto(f"{org_url}/orders/{order.pk}/")
    with page.expect_download() as info:
        page.get_by_test_id("order-pdf").click()
    download = info.value
    assert download.suggested_filename == f"Приказ № {order.reg_number} от {order.date:%d.%m.%Y}.pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / "order-approved.pdf"
    download.save_as(pdf_path)
    assert pdf_path.read_bytes() == order.pdf.open("rb").read()
    text = " ".join((p.extract_text() or "") for p in PdfReader(pdf_path).pages)
    text = " ".join(text.split())
    for needle in (f"{order.date:%d.%m.%Y}", f"№ {order.reg_number}", "ПРИКАЗ", "ПРИКАЗЫВАЮ", "г. Верхнеречинск"):
        assert needle in text, needle
    assert " ".join(order.heading.split()) in text
    for mentor, mentee in PAIRS:
        assert person(mentor).full_name in text and person(mentee).full_name in text
    # What was signed is what was sent: the stored start and deadline, nothing unfilled.
    assert f"начинают работу с {order.starts_on:%d.%m.%Y}" in text and "__.__.____" not in text
    assert {m.started_on for m in order.mentorships.all()} == {order.starts_on}

    # The acknowledgement sheet: Лебедев's online date, blank lines for the rest.
    with page.expect_download() as info:
        page.get_by_test_id("acknowledgements-pdf").click()
    sheet = " ".join((p.extract_text() or "") for p in PdfReader(info.value.path()).pages)
    sheet = " ".join(sheet.split())
    ack = Acknowledgement.objects.get(order=order, person=person("Лебедев")).acknowledged_at
    assert "Лист ознакомления" in sheet and person("Лебедев").full_name in sheet
    assert f"{timezone.localtime(ack):%d.%m.%Y}" in sheet
    page1 = ARTIFACTS / "order-approved-page1"
    args = ["-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf_path), str(page1)]
    subprocess.run(["pdftoppm", *args], check=True)  # noqa: S603, S607 — fixed arguments, our own file
    assert Path(ARTIFACTS / "order-approved-page1.png").stat().st_size > 10_000


def test_the_head_meets_a_past_start_date_and_approves_the_wording_they_see(
    order_media, demo, live_server, page, shot, time_machine
):
    """The demo's waiting pairs order starts in two weeks; three weeks later that date has passed."""
    order = Order.objects.get(organization__slug=ORG, kind="pairs", status="submitted")
    stated = order.starts_on
    time_machine.move_to(timezone.localtime() + timedelta(days=21))
    signing_day = timezone.localdate()
    login(page, live_server, "head")
    page.goto(f"{live_server.url}/o/{ORG}/orders/{order.pk}/")
    conflict = page.get_by_test_id("date-conflict")
    expect(conflict).to_contain_text(f"начинают работу с {stated:%d.%m.%Y}")
    expect(conflict).to_contain_text("эта дата уже прошла")
    expect(page.get_by_test_id("alternative")).to_contain_text("начинают работу со дня подписания настоящего приказа")
    expect(page.get_by_test_id("approve")).to_have_count(0)
    shot("order-date-conflict")
    page.get_by_test_id("approve-from-signing").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Утверждён")
    expect(page.get_by_test_id("order-text")).to_contain_text("начинают работу со дня подписания настоящего приказа")
    order.refresh_from_db()
    assert order.date == signing_day and order.start_rule == Order.StartRule.SIGNING
    assert {m.started_on for m in order.mentorships.all()} == {signing_day}
    expect(page.get_by_test_id("history")).to_contain_text("руководитель утвердил приказ с началом работы пар")
