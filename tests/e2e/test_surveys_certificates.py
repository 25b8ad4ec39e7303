"""Issue 17, points 7, 8 and 10 in Chromium: a mentee answers the staff survey and the curator takes the answer into
the bank; a certificate is issued from a person's card and downloaded; the coordinator sets a target and reads the
status of the organisations. Screenshots at 1366 and 390 px go to test-artifacts/."""

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from monitoring.models import NeedsAnswer
from people.models import MenteeEntry, Person
from tests.e2e.conftest import login

ORG = "ds-solnyshko"
TITLE = "Затруднения воспитателей — декабрь"
DIFFICULTY = "Не получается спокойно провести утренний приём, когда родители задают много вопросов."


def relogin(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username)


def test_needs_survey_to_bank_and_certificate_from_card(demo, page, live_server, shot):
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "curator")
    page.goto(f"{live_server.url}/o/{ORG}/staff-surveys/new/")
    page.get_by_label("Название").fill(TITLE)
    page.get_by_label("Должность или предмет содержит").fill("воспитатель")
    page.get_by_label("Стаж до, лет").fill("3")
    shot("needs-launch")
    page.get_by_test_id("needs-launch-submit").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()

    # The mentee finds the invitation among the staff surveys and answers.
    relogin(page, live_server, "mentee")
    page.goto(f"{live_server.url}/o/{ORG}/my/staff-surveys/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_test_id("needs-submit").click()  # empty: told what to write, beside the field
    expect(page.get_by_text("Опишите хотя бы одно затруднение")).to_be_visible()
    page.locator("input[name=directions]").first.check()
    page.get_by_label("Опишите затруднения своими словами").fill(DIFFICULTY)
    shot("needs-answer")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("needs-answer-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_test_id("needs-submit").click()
    expect(page.get_by_text("Спасибо! Ответ отправлен куратору.")).to_be_visible()

    # The curator reviews and accepts: the request is in the bank of mentees.
    relogin(page, live_server, "curator")
    page.goto(f"{live_server.url}/o/{ORG}/staff-surveys/")
    page.get_by_role("link", name=TITLE).click()
    answer = page.get_by_test_id("needs-answer").filter(has_text="Смирнова")
    expect(answer).to_contain_text(DIFFICULTY)
    shot("needs-review")
    answer.get_by_test_id("review-accept").click()
    expect(page.get_by_text("принят в банк").first).to_be_visible()
    mentee = Person.objects.get(organization__slug=ORG, surname="Смирнова", name="Дарья")
    reviewed = NeedsAnswer.objects.get(survey__title=TITLE, person=mentee)
    assert reviewed.review == "accepted" and reviewed.mentee_entry is not None
    assert DIFFICULTY in MenteeEntry.objects.get(pk=reviewed.mentee_entry_id).difficulties
    page.get_by_text("запрос в банке").first.click()
    expect(page.locator("body")).to_contain_text(DIFFICULTY)

    # A certificate from the mentor's card, downloaded as PDF.
    mentor = Person.objects.get(organization__slug=ORG, surname="Фролова", name="Галина")
    page.goto(f"{live_server.url}/o/{ORG}/staff/{mentor.pk}/")
    page.get_by_test_id("person-certificates").click()
    page.get_by_test_id("issue-form").locator("input[name=ground]").first.check()
    page.get_by_test_id("issue").click()
    expect(page.get_by_text("Зарегистрирован документ №")).to_be_visible()
    shot("certificates-person")
    with page.expect_download() as download:
        page.get_by_test_id("certificate-pdf").first.click()
    data = download.value.path().read_bytes()
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "Фроловой Галине Петровне" in text or "Уважаемая Галина Петровна" in text
    page.set_viewport_size({"width": 390, "height": 844})
    shot("certificates-person-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/o/{ORG}/certificates/")
    expect(page.get_by_test_id("certificate-row").first).to_be_visible()
    shot("certificates-register")


def test_coordinator_sets_a_target_and_reads_the_status(demo, page, live_server, shot):
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "municipal")
    page.get_by_role("link", name="Целевые показатели").first.click()
    field = page.get_by_label("Охват молодых специалистов наставничеством, %")
    field.fill("сто")
    page.get_by_test_id("targets-save").click()
    expect(page.get_by_text("Введите число, например 75 или 62,5.")).to_be_visible()
    page.get_by_label("Охват молодых специалистов наставничеством, %").fill("95,5")
    page.get_by_test_id("targets-save").click()
    expect(page.get_by_text("сохранены")).to_be_visible()
    row = page.locator('[data-testid=target-row][data-key="young_share"]')
    expect(row.locator("input")).to_have_value("95,5")
    expect(row.get_by_test_id("target-state")).not_to_have_text("цель не задана")
    shot("municipal-targets")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("municipal-targets-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("link", name="Статус организаций").first.click()
    rows = page.get_by_test_id("status-row")
    expect(rows).to_have_count(2)
    kindergarten = page.locator('[data-testid=status-row][data-org="ds-solnyshko"]')
    expect(kindergarten.locator('[data-key="regulation"] .bi-check-circle-fill')).to_have_count(1)
    # The whole table fits a 1366 px screen: no horizontal scrolling.
    table = page.get_by_test_id("status-table")
    assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    shot("municipal-status")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("municipal-status-390")
