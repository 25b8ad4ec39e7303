"""The questionnaire journey of issue 7: the curator launches a round for one demo programme, the demo mentee
answers it from her home page (after a first attempt with a required question left out), and the curator's round
page shows one answer of one and the average."""

import re

from playwright.sync_api import expect

from monitoring.models import Answer, SurveyRound
from tests.e2e.conftest import login

ORG = "ds-solnyshko"
TITLE = "Удовлетворённость: проверка в браузере"


def switch(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username)


def test_curator_launches_a_round_the_mentee_answers_and_the_curator_sees_the_average(
    demo, live_server, page, shot, settings
):
    org_url = f"{live_server.url}/o/{ORG}"

    # The curator launches a round for the programme of the pair Фролова → Смирнова (the demo `mentee`).
    login(page, live_server, "curator")
    page.get_by_role("button", name="Мониторинг").click()
    page.get_by_role("link", name="Анкетирование", exact=True).click()
    expect(page.get_by_test_id("rounds-table")).to_contain_text("промежуточный срез")
    page.get_by_test_id("launch-round").click()
    page.get_by_label("Анкета").select_option(label="Удовлетворённость наставляемого программой наставничества")
    page.get_by_label("Название анкетирования").fill(TITLE)
    page.get_by_label("Кого опрашиваем").select_option(label="Наставляемые")
    row = page.get_by_test_id("programmes-table").locator("tr", has_text="Смирнова Д. А.")
    row.get_by_test_id("pick-programme").check()
    shot("questionnaires-launch")
    page.get_by_test_id("launch-submit").click()
    expect(page.get_by_test_id("answered-total")).to_have_text("0 из 1")
    expect(page.locator(".alert-success")).to_contain_text("приглашено 1")

    # The mentee finds it on her home page and answers; a required question left out is pointed at.
    switch(page, live_server, "mentee")
    card = page.get_by_test_id("home-surveys")
    expect(card).to_contain_text(TITLE)
    card.get_by_role("link", name=TITLE).click()
    questions = page.get_by_test_id("question")
    scales = 6
    for n in range(scales - 1):  # the sixth scale is left out on purpose
        questions.nth(n).get_by_text("8", exact=True).click()
    page.get_by_label("Скорее да").check()
    page.get_by_label("Посещение моих занятий и их разбор").check()
    page.get_by_label("Что стоит изменить в программе, чтобы она была полезнее?").fill("Больше совместных занятий")
    page.get_by_test_id("submit-answers").click()
    expect(page.get_by_test_id("field-error")).to_have_count(1)
    expect(questions.nth(scales - 1).get_by_test_id("field-error")).to_contain_text("обязательный")
    expect(page.get_by_label("Скорее да")).to_be_checked()  # nothing typed or chosen was lost
    expect(page.get_by_label("Что стоит изменить в программе, чтобы она была полезнее?")).to_have_value(
        "Больше совместных занятий"
    )
    page.set_viewport_size({"width": 390, "height": 900})
    shot("questionnaires-answer-error-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    questions.nth(scales - 1).get_by_text("6", exact=True).click()
    page.get_by_test_id("submit-answers").click()
    expect(page.get_by_test_id("answered")).to_contain_text("Спасибо")
    expect(page.get_by_test_id("own-answers")).to_contain_text("8 из 10")
    shot("questionnaires-own-answers")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("home-surveys")).not_to_contain_text(TITLE)

    # The curator's round page: one answered of one, the averages, the free text without a name.
    survey = SurveyRound.objects.get(organization__slug=ORG, title=TITLE)
    assert Answer.objects.filter(response__invitation__round=survey).count() == 9
    switch(page, live_server, "curator")
    page.goto(f"{org_url}/questionnaires/rounds/{survey.pk}/")
    expect(page.get_by_test_id("answered-total")).to_have_text("1 из 1")
    expect(page.get_by_test_id("answered-mentees")).to_have_text("1 из 1")
    averages = page.get_by_test_id("scale-avg")
    expect(averages.first).to_have_text("8,0")
    expect(averages.nth(scales - 1)).to_have_text("6,0")
    # One answer of one: the comment would name its author, so it waits for enough answers (issue 19)…
    expect(page.get_by_test_id("texts-withheld")).to_contain_text("Сейчас ответили: 1")
    expect(page.locator("main")).not_to_contain_text("Больше совместных занятий")
    # …and shows, still without a name, where the organisation's minimum allows it.
    settings.ANONYMOUS_TEXTS_MIN_RESPONSES = 1
    page.reload()
    expect(page.get_by_test_id("texts")).to_contain_text("Больше совместных занятий")
    expect(page.locator("main, body").first).not_to_contain_text(re.compile("Смирнова"))
    shot("questionnaires-round")
