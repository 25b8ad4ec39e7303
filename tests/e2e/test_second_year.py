"""Issue 14's second academic year, start to finish on the demo kindergarten, in Chromium.

Seeded in late August 2027 (the first year, 2026–2027, approved and under way), the curator drafts the next
year's roadmap as a copy and imports another from an Excel file, forms the order approving the copy, and the head
approves it: the new roadmap carries its own stamp while the first year's keeps its stamp and content. From
6 September 2027 the new roadmap is the current one. The curator then forms a pair from the bank, the pairs order
is approved, the invited mentee sets a password and sees the pair; the programme goes draft → acknowledged →
approved → extended by agreement. Every PDF along the way is read back (pypdf) and its first page rendered with
pdftoppm into test-artifacts/ for a look.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from mentoring.models import Mentorship
from mentoring.programmes import add_months
from people.models import Person
from roadmap.models import Order, OrderKind, Roadmap
from tests.e2e.conftest import ARTIFACTS, login
from tests.roadmap.test_roadmap_import import xlsx_bytes

ORG = "ds-solnyshko"
MSK = ZoneInfo("Europe/Moscow")
MENTOR, MENTEE = ("Медведева", "Светлана"), ("Романова", "Евгения")  # a mentor with places, a waiting mentee
NEXT_LABEL = "2027–2028 учебный год"
IMPORTED_LABEL = "2027–2028 учебный год (вариант из Excel)"
DEMO_CSV = ARTIFACTS.parent / "fixtures" / "demo_roadmap_school.csv"


@pytest.fixture
def order_media(settings, tmp_path):
    """Stored PDFs go to a temporary folder, not to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def switch(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username)


def pdf_from_link(page, link, name: str) -> str:
    """Fetch the PDF behind the page's download link, keep it and its first page as PNG, return its text."""
    href = link.get_attribute("href")
    response = page.request.get(page.url.split("/o/")[0] + href if href.startswith("/") else href)
    assert response.ok and response.headers["content-type"] == "application/pdf", href
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"second-year-{name}.pdf"
    path.write_bytes(response.body())
    args = ["-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(path), str(ARTIFACTS / f"second-year-{name}")]
    subprocess.run(["pdftoppm", *args], check=True)  # noqa: S603, S607 — fixed arguments, our own file
    assert (ARTIFACTS / f"second-year-{name}.png").stat().st_size > 3_000
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(response.body())).pages)


def dashboard_overdue_dates(page, org_url: str) -> list[date]:
    """The deadlines in the curator dashboard's «Просроченные мероприятия дорожной карты» (the current roadmap's)."""
    page.goto(f"{org_url}/home/curator/")
    badges = page.get_by_test_id("roadmap-overdue").locator(".list-group-item .badge").all_inner_texts()
    return [datetime.strptime(b.strip(), "%d.%m.%Y").date() for b in badges]


def roadmap_rows(page) -> list[str]:
    return [" ".join(t.split()) for t in page.get_by_test_id("activity").all_inner_texts()]


# --- step 1: the next year's roadmap ---------------------------------------------------------------------------


def draft_next_roadmap_as_copy(page, org_url: str, first: Roadmap) -> Roadmap:
    page.goto(f"{org_url}/roadmap/")
    page.get_by_test_id("roadmap-create").click()
    page.get_by_label("Копия дорожной карты прошлого периода").check()
    page.get_by_label("Какую дорожную карту копировать").select_option(str(first.pk))
    expect(page.locator("#id_period_label")).to_have_value(NEXT_LABEL)
    expect(page.locator("#id_period_start")).to_have_value("2027-09-01")
    expect(page.locator("#id_period_end")).to_have_value("2028-08-31")
    page.get_by_test_id("save").click()
    expect(page.get_by_text("Дорожная карта создана как проект")).to_be_visible()
    expect(page.get_by_test_id("roadmap-draft")).to_be_visible()
    return Roadmap.objects.get(organization__slug=ORG, period_label=NEXT_LABEL, source=Roadmap.Source.COPY)


def import_another_roadmap(page, org_url: str, tmp_path) -> Roadmap:
    rows = list(csv.reader(DEMO_CSV.read_text(encoding="utf-8").splitlines(), delimiter=";"))
    path = tmp_path / "Дорожная карта 2027-2028.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    page.goto(f"{org_url}/roadmap/")
    page.get_by_test_id("roadmap-import").click()
    page.get_by_label("Файл с дорожной картой").set_input_files(str(path))
    page.locator("#id_period_label").fill(IMPORTED_LABEL)
    page.locator("#id_period_start").fill("2027-09-01")
    page.locator("#id_period_end").fill("2028-08-31")
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.get_by_test_id("import-state")).to_contain_text("этапов — 7, мероприятий — 19")
    page.get_by_role("button", name="Подтвердить импорт").click()
    expect(page.get_by_text("Дорожная карта загружена: этапов — 7, мероприятий — 19.")).to_be_visible()
    return Roadmap.objects.get(organization__slug=ORG, period_label=IMPORTED_LABEL)


def form_roadmap_order(page, org_url: str, roadmap: Roadmap) -> Order:
    page.goto(f"{org_url}/roadmap/{roadmap.pk}/")
    page.get_by_test_id("roadmap-order").click()
    expect(page.get_by_role("heading", name="Проект приказа")).to_be_visible()
    expect(page.get_by_test_id("order-text")).to_contain_text("Об утверждении дорожной карты")
    order = Order.objects.get(organization__slug=ORG, kind=OrderKind.ROADMAP, roadmap=roadmap)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("order-status")).to_have_text("На утверждении")
    return order


def head_approves_in_inbox(page, live_server, org_url: str, order: Order) -> Order:
    switch(page, live_server, "head")
    page.goto(f"{org_url}/orders/inbox/")
    page.get_by_test_id("inbox-order").filter(has_text=order.heading).get_by_test_id("approve").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Утверждён")
    order.refresh_from_db()
    assert order.status == Order.Status.APPROVED and order.reg_number
    return order


# --- step 2: a new pair, approved by order; the people invited --------------------------------------------------


def person(surname: str) -> Person:
    return Person.objects.get(organization__slug=ORG, surname=surname)


def form_pair_from_bank(page, org_url: str, start: date) -> Mentorship:
    mentor, mentee = person(MENTOR[0]), person(MENTEE[0])
    page.goto(f"{org_url}/pairs/")
    expect(page.get_by_test_id("waiting-list")).to_contain_text(mentee.short_name)
    page.get_by_test_id("create-pair").click()
    choice = page.get_by_label("Наставник").locator("option", has_text=mentor.full_name)
    expect(choice).to_contain_text("свободных мест")
    page.get_by_label("Наставник").select_option(choice.get_attribute("value"))
    page.get_by_label("Форма наставничества").select_option(label="Педагог – педагог")
    page.get_by_label("Планируемое начало").fill(start.isoformat())
    page.get_by_label("Планируемое окончание").fill(add_months(start, 9).isoformat())
    page.get_by_label("Ситуационное наставничество").check()
    page.get_by_label(mentee.full_name).check()
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("сохранена как черновик")).to_be_visible()
    expect(page.get_by_test_id("missing-duties")).to_have_count(0)
    pair = Mentorship.objects.get(mentor=mentor, mentees=mentee, state=Mentorship.State.DRAFT)
    # Both agreed to the pair (choosing each other is walked through in tests/e2e/test_coauthor.py).
    Mentorship.objects.filter(pk=pair.pk).update(consent=Mentorship.Consent.CONFIRMED)
    return pair


def send_pairs_order(page, org_url: str, pair: Mentorship, due: date) -> Order:
    page.goto(f"{org_url}/pairs/?state=draft")
    row = page.get_by_test_id("pairs-table").get_by_role("row").filter(has_text=person(MENTOR[0]).short_name)
    row.get_by_test_id("pick-pair").check()
    page.get_by_test_id("order-from-pairs-submit").click()
    expect(page.get_by_role("heading", name="Проект приказа")).to_be_visible()
    order = Order.objects.get(kind=OrderKind.PAIRS, status=Order.Status.DRAFT, mentorships=pair)
    assert list(order.mentorships.all()) == [pair]
    text = page.get_by_test_id("order-text")
    expect(text).to_contain_text(person(MENTOR[0]).full_name)
    expect(text).to_contain_text(person(MENTEE[0]).full_name)
    expect(page.get_by_test_id("missing")).to_contain_text("Срок исполнения")
    page.get_by_test_id("order-edit").click()
    page.get_by_label("Срок исполнения").fill(due.isoformat())
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("order-text")).to_contain_text(f"в срок до {due:%d.%m.%Y} разработать")
    expect(page.get_by_test_id("missing")).to_have_count(0)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("order-status")).to_have_text("На утверждении")
    order.refresh_from_db()
    return order


def accept_invitation(page, live_server, someone: Person, password: str) -> str:
    """Follow the e-mailed link, set a password, log in; return the username."""
    [letter] = [m for m in mail.outbox if someone.email in m.to and "Учётная запись" in m.subject]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", letter.body)[1]
    page.context.clear_cookies()
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", name="Установите пароль")).to_be_visible()
    page.locator("input[name=new_password1]").fill(password)
    page.locator("input[name=new_password2]").fill(password)
    page.get_by_role("button", name="Сохранить").click()
    someone.refresh_from_db()
    login(page, live_server, someone.user.username, password)
    return someone.user.username


# --- step 3: the programme chain ------------------------------------------------------------------------------

PASSWORDS = {MENTOR[0]: "Osen-2027-nastavnik", MENTEE[0]: "Osen-2027-defektolog"}


def as_participant(page, live_server, surname: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, person(surname).user.username, PASSWORDS[surname])


def add_row(page, activity: str, deadline: date, result: str) -> None:
    page.get_by_test_id("add-row").click()
    form = page.get_by_test_id("plan-row-form").last
    form.get_by_label("Мероприятие").fill(activity)
    form.get_by_label("Направление").select_option(label="Методическое")
    form.get_by_label("Срок").fill(deadline.isoformat())
    form.get_by_label("Ожидаемый результат").fill(result)
    form.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("plan-row").filter(has_text=activity)).to_be_visible()


def mentor_drafts_programme(page, programme_url: str, start: date, end: date) -> None:
    page.goto(programme_url)
    page.get_by_label("С чистого листа").check()
    page.get_by_label("Начало").fill(start.isoformat())
    page.get_by_label("Окончание").fill(end.isoformat())
    page.get_by_role("button", name="Составить программу").click()
    expect(page.get_by_role("heading", name="Пояснительная записка")).to_be_visible()
    page.get_by_label("Название").fill("Первый год учителя-дефектолога")
    page.get_by_label("Описание проблемы").fill("Педагог перешла в дефектологи из воспитателей.")
    page.get_by_label("Цель").fill("Освоить диагностику и индивидуальные занятия.")
    page.get_by_label("Задачи").fill("Освоить методики диагностики; провести открытое занятие.")
    page.get_by_label("Содержание деятельности").fill("Консультации, взаимопосещения, разбор занятий.")
    page.get_by_label("Планируемые результаты").fill("Педагог самостоятельно ведёт индивидуальные занятия.")
    page.get_by_label("Расписание встреч").fill("Еженедельно по вторникам в 15:00")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Пояснительная записка сохранена.")).to_be_visible()
    add_row(page, "Изучение методик диагностики", start + timedelta(days=21), "Методики освоены")
    add_row(page, "Открытое индивидуальное занятие", start + timedelta(days=90), "Занятие проведено")


@pytest.mark.time_machine(datetime(2027, 8, 23, 10, 0, tzinfo=MSK), tick=True)
def test_second_year_start_to_finish(order_media, demo, live_server, page, shot, time_machine, tmp_path):
    org_url = f"{live_server.url}/o/{ORG}"
    first = Roadmap.objects.current_for(Person.objects.get(user__username="curator").organization)
    assert first.status == Roadmap.Status.APPROVED and first.period_start == date(2026, 9, 1)
    first_order = first.approved_by_order
    first_stamp = f"приказом от {first_order.date:%d.%m.%Y} № {first_order.reg_number}"

    # 1. The curator drafts the next year's roadmap and imports another; neither replaces the current one.
    login(page, live_server, "curator")
    page.goto(f"{org_url}/roadmap/{first.pk}/")
    first_rows = roadmap_rows(page)
    first_pdf = pdf_from_link(page, page.get_by_test_id("roadmap-pdf"), "roadmap-first-before")
    new = draft_next_roadmap_as_copy(page, org_url, first)
    imported = import_another_roadmap(page, org_url, tmp_path)
    assert Roadmap.objects.current_for(first.organization) == first
    order = form_roadmap_order(page, org_url, new)
    order = head_approves_in_inbox(page, live_server, org_url, order)
    stamp = f"приказом от {order.date:%d.%m.%Y} № {order.reg_number}"

    switch(page, live_server, "curator")
    page.goto(f"{org_url}/roadmap/{new.pk}/")
    expect(page.get_by_test_id("roadmap-stamp")).to_have_text(f"Утверждена {stamp}")
    shot("second-year-roadmap-approved")
    new_pdf = pdf_from_link(page, page.get_by_test_id("roadmap-pdf"), "roadmap-new")
    assert f"УТВЕРЖДЕНА {stamp}" in new_pdf and NEXT_LABEL in new_pdf
    assert first_stamp not in new_pdf

    page.goto(f"{org_url}/orders/{order.pk}/")
    order_pdf = pdf_from_link(page, page.get_by_test_id("order-pdf"), "roadmap-order")
    assert f"№ {order.reg_number}" in order_pdf and f"{order.date:%d.%m.%Y}" in order_pdf
    assert "Об утверждении дорожной карты" in order_pdf and NEXT_LABEL in order_pdf
    appendix = order_pdf[order_pdf.index("Приложение № 1 к приказу") :]
    assert f"к приказу от {order.date:%d.%m.%Y} № {order.reg_number}" in appendix and NEXT_LABEL in appendix
    assert all(" ".join(a.content.split())[:40] in appendix for a in new.activities.all()[:5])

    page.goto(f"{org_url}/roadmap/{first.pk}/")
    expect(page.get_by_test_id("roadmap-stamp")).to_have_text(f"Утверждена {first_stamp}")
    assert roadmap_rows(page) == first_rows
    first_after = pdf_from_link(page, page.get_by_test_id("roadmap-pdf"), "roadmap-first-after")
    assert f"УТВЕРЖДЕНА {first_stamp}" in first_after
    assert first_after == first_pdf

    page.goto(f"{org_url}/roadmap/{imported.pk}/")
    expect(page.get_by_test_id("roadmap-draft")).to_be_visible()

    # Until 1 September the first year's roadmap is the current one; from 6 September it is the new one.
    assert Roadmap.objects.current_for(first.organization) == first
    before = dashboard_overdue_dates(page, org_url)
    assert before and all(first.period_start <= d <= first.period_end for d in before)
    time_machine.move_to(datetime(2027, 9, 6, 9, 0, tzinfo=MSK), tick=True)
    assert Roadmap.objects.current_for(first.organization) == new
    after = dashboard_overdue_dates(page, org_url)
    assert all(new.period_start <= d <= new.period_end for d in after), after

    # 2. The curator forms a pair from the bank and sends the pairs order; the head approves it.
    switch(page, live_server, "curator")
    start = date(2027, 9, 13)
    pair = form_pair_from_bank(page, org_url, start)
    mail.outbox.clear()
    pairs_order = send_pairs_order(page, org_url, pair, due=start + timedelta(days=30))
    switch(page, live_server, "head")
    page.goto(f"{org_url}/orders/{pairs_order.pk}/")
    expect(page.get_by_test_id("order-consequences")).to_contain_text("наставляемые — «Наставляемый»")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Утверждён")
    pairs_order.refresh_from_db()
    pair.refresh_from_db()
    assert pair.state == Mentorship.State.ACTIVE and pair.started_on == start
    pairs_pdf = pdf_from_link(page, page.get_by_test_id("order-pdf"), "pairs-order")
    assert f"№ {pairs_order.reg_number}" in pairs_pdf and f"{pairs_order.date:%d.%m.%Y}" in pairs_pdf
    assert person(MENTOR[0]).full_name in pairs_pdf and person(MENTEE[0]).full_name in pairs_pdf
    assert f"начинают работу с {start:%d.%m.%Y}" in pairs_pdf and "__.__.____" not in pairs_pdf
    assert f"в срок до {start + timedelta(days=30):%d.%m.%Y}" in pairs_pdf  # the programmes' deadline
    assert f"с {start:%d.%m.%Y} по {add_months(start, 9):%d.%m.%Y}" in pairs_pdf  # the appendix's pair

    # The invited mentee and mentor set their passwords and find the pair on their homes.
    accept_invitation(page, live_server, person(MENTEE[0]), "Osen-2027-defektolog")
    expect(page.get_by_test_id("home-title")).to_have_text("Рабочий стол наставляемого")
    expect(page.get_by_test_id("my-pairs")).to_contain_text(person(MENTOR[0]).full_name)
    shot("second-year-mentee-home")
    accept_invitation(page, live_server, person(MENTOR[0]), "Osen-2027-nastavnik")
    expect(page.get_by_test_id("home-title")).to_have_text("Рабочий стол наставника")
    expect(page.get_by_test_id("my-pairs")).to_contain_text(person(MENTEE[0]).short_name)

    # 3. The mentor drafts the programme (its PDF says ПРОЕКТ) and sends it; the mentee acknowledges.
    programme_url = f"{org_url}/pairs/{pair.pk}/programme/"
    p_start, p_end = start, add_months(start, 9)
    mentor_drafts_programme(page, programme_url, p_start, p_end)
    draft_pdf = pdf_from_link(page, page.get_by_test_id("pdf"), "programme-draft")
    assert "ПРОЕКТ" in draft_pdf and "УТВЕРЖДЕНА" not in draft_pdf
    assert person(MENTOR[0]).full_name in draft_pdf and person(MENTEE[0]).full_name in draft_pdf
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("chain-state")).to_have_text("На ознакомлении у наставляемого")

    as_participant(page, live_server, MENTEE[0])
    page.goto(programme_url)
    expect(page.get_by_test_id("plan")).to_contain_text("Открытое индивидуальное занятие")
    page.get_by_test_id("acknowledge").click()
    expect(page.get_by_test_id("chain-state")).to_have_text("Ждёт утверждения")

    # The curator (the kindergarten's approver) approves.
    switch(page, live_server, "curator")
    page.goto(programme_url)
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("chain-state")).to_have_text("Утверждена")
    approved_pdf = pdf_from_link(page, page.get_by_test_id("pdf"), "programme-approved")
    assert "УТВЕРЖДЕНА" in approved_pdf and "ПРОЕКТ" not in approved_pdf
    assert f"по {p_end:%d.%m.%Y}" in approved_pdf and "Наставляемый ознакомлен" in approved_pdf

    # The mentor proposes an extension, the mentee agrees, the curator approves: a second version.
    as_participant(page, live_server, MENTOR[0])
    page.goto(programme_url)
    page.get_by_role("link", name="Продлить программу").click()
    new_end = add_months(p_start, 11)
    page.get_by_label("Новая дата окончания").fill(new_end.isoformat())
    page.get_by_label("Основание продления").fill("Перенос открытого занятия на весну.")
    page.get_by_role("button", name="Предложить продление").click()
    expect(page.get_by_test_id("pending-change")).to_contain_text("Ждёт согласия наставляемого")
    as_participant(page, live_server, MENTEE[0])
    page.goto(programme_url)
    page.get_by_test_id("change-agree").click()
    expect(page.get_by_test_id("pending-change")).to_contain_text("Ждёт утверждения")
    switch(page, live_server, "curator")
    page.goto(programme_url)
    page.get_by_test_id("change-approve").click()
    expect(page.get_by_test_id("pending-change")).to_have_count(0)
    expect(page.get_by_test_id("version").first).to_contain_text("Редакция 2: продление")
    shot("second-year-programme-changed")
    changed_pdf = pdf_from_link(page, page.get_by_test_id("pdf"), "programme-changed")
    assert "УТВЕРЖДЕНА" in changed_pdf and "ПРОЕКТ" not in changed_pdf
    assert f"по {new_end:%d.%m.%Y}" in changed_pdf
