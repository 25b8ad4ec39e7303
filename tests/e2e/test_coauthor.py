"""Journeys of issue 17, points 2, 3 and 9 in Chromium: a mentee chooses among proposed mentors, both people
confirm the pair, it goes into an order draft; a mentee comments on a draft programme and proposes a row, the
mentor accepts; the curator edits a template and previews the programme it produces."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from mentoring.models import Mentorship, PlanActivity, Programme, ProgrammeTemplate, RowRemark
from people.models import MenteeEntry, Person
from tests.e2e.conftest import login

ORG = "ds-solnyshko"
pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)


def give_login(person: Person, username: str) -> None:
    user = get_user_model().objects.create_user(username, password="demo12345", last_name=person.surname)
    Person.objects.filter(pk=person.pk).update(user=user)


def switch(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username)


def both_widths(page, shot, name: str) -> None:
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        shot(f"{name}-{width}")
    page.set_viewport_size({"width": 1366, "height": 900})


def test_mentee_chooses_a_mentor_both_confirm_and_the_pair_goes_into_an_order(demo, live_server, page, shot):
    entry = MenteeEntry.objects.get(organization__slug=ORG, person__surname="Григорьева")
    give_login(entry.person, "grigorieva")
    org_url = f"{live_server.url}/o/{ORG}"

    login(page, live_server, "grigorieva")
    page.get_by_test_id("choose-mentor").click()
    cards = page.get_by_test_id("mentor-card")
    expect(cards.first).to_be_visible()
    assert 2 <= cards.count() <= 3
    expect(cards.first).to_contain_text("Компетенции")
    both_widths(page, shot, "coauthor-choose")
    chosen_card = cards.nth(1)  # not the one matching ranks first: the preference must lift it
    chosen_name = chosen_card.locator("h2").inner_text()
    chosen_card.get_by_test_id("prefer").click()
    expect(page.get_by_test_id("preferred")).to_contain_text("Ваш выбор")
    entry.refresh_from_db()
    chosen = entry.preferred_mentor
    assert chosen is not None and chosen.full_name == chosen_name

    # The curator's ranked list for her now puts the chosen mentor first, saying why; the curator forms the pair.
    switch(page, live_server, "curator")
    page.goto(f"{org_url}/matching/mentee/{entry.pk}/")
    first = page.get_by_test_id("ranked-row").first
    expect(first).to_contain_text(chosen.short_name)
    expect(first).to_contain_text("наставляемый выбрал сам")
    value = page.locator("#id_mentor option", has_text=chosen.short_name).first.get_attribute("value")
    page.locator("#id_mentor").select_option(value=value)
    page.get_by_test_id("manual-choose").click()
    expect(page.get_by_text("Создан черновик пары")).to_be_visible()
    pair = Mentorship.objects.get(mentor=chosen, mentees=entry.person, state=Mentorship.State.DRAFT)
    page.goto(f"{org_url}/pairs/{pair.pk}/")
    expect(page.get_by_test_id("awaits-consent")).to_contain_text("ещё не подтвердили")
    expect(page.get_by_test_id("order-from-pair")).to_have_count(0)

    # Both confirm on the pair's page: the mentee first, then the mentor.
    switch(page, live_server, "grigorieva")
    page.goto(f"{org_url}/pairs/{pair.pk}/")
    expect(page.get_by_test_id("sides")).to_contain_text(chosen.short_name)
    both_widths(page, shot, "coauthor-pair-consent")
    page.get_by_test_id("confirm-pair").click()
    expect(page.get_by_text("Вы подтвердили участие")).to_be_visible()
    if chosen.user_id is None:
        give_login(chosen, "chosen-mentor")
        chosen.refresh_from_db()
    switch(page, live_server, chosen.user.username)
    page.goto(f"{org_url}/pairs/{pair.pk}/")
    page.get_by_test_id("confirm-pair").click()
    expect(page.get_by_test_id("consent-state")).to_have_text("Подтверждена участниками")

    # Now the curator can put it into an order draft.
    switch(page, live_server, "curator")
    page.goto(f"{org_url}/pairs/{pair.pk}/")
    page.get_by_test_id("order-from-pair").click()
    expect(page.get_by_role("heading", name="Проект приказа")).to_be_visible()
    expect(page.get_by_test_id("order-text")).to_contain_text(entry.person.full_name)
    pair.refresh_from_db()
    assert pair.state == Mentorship.State.PROPOSED and pair.orders.count() == 1


def test_mentee_comments_and_proposes_a_row_mentor_accepts(demo, live_server, page, shot):
    programme = Programme.objects.filter(mentorship__organization__slug=ORG, status=Programme.Status.DRAFT).first()
    m = programme.mentorship
    mentee = m.mentees.get()
    for person, username in ((mentee, "draft-mentee"), (m.mentor, "draft-mentor")):
        if person.user_id is None:
            give_login(person, username)
    mentee.refresh_from_db()
    m.mentor.refresh_from_db()
    org_url = f"{live_server.url}/o/{ORG}"
    rows_before = programme.activities.count()

    login(page, live_server, mentee.user.username)
    page.goto(f"{org_url}/pairs/{m.pk}/programme/")
    remarks = page.get_by_test_id("remarks")
    expect(remarks).to_contain_text("Учтено")  # the demo's thread: an earlier remark taken into account
    thread = page.get_by_test_id("row-thread").nth(2)
    thread.locator("summary").click()
    thread.get_by_label("Замечание к мероприятию").fill("Прошу добавить разбор видеозаписи занятия.")
    thread.get_by_test_id("send-remark").click()
    expect(page.get_by_text("Замечание передано наставнику")).to_be_visible()

    page.get_by_test_id("proposals").locator("summary", has_text="Предложить мероприятие").click()
    form = page.get_by_test_id("proposal-form")
    form.get_by_test_id("send-proposal").click()  # empty: told what to fill, beside the fields
    expect(page.get_by_text("Опишите мероприятие, которое предлагаете добавить в план.")).to_be_visible()
    form = page.get_by_test_id("proposal-form")
    form.get_by_label("Какое мероприятие добавить").fill("Совместная подготовка к открытому занятию")
    form.get_by_label("Форма (необязательно)").fill("Консультация")
    form.get_by_label("К какому сроку").fill(programme.end.isoformat())
    form.get_by_label("Зачем оно нужно").fill("Хочу подготовиться к аттестации вместе с наставником.")
    form.get_by_test_id("send-proposal").click()
    expect(page.get_by_text("Предложение передано наставнику")).to_be_visible()
    page.get_by_test_id("remarks").scroll_into_view_if_needed()
    both_widths(page, shot, "coauthor-remarks-mentee")

    switch(page, live_server, m.mentor.user.username)
    page.goto(f"{org_url}/pairs/{m.pk}/programme/")
    proposal = page.get_by_test_id("remark").filter(has_text="Совместная подготовка к открытому занятию")
    proposal.get_by_label("Ответ (необязательно, если учитываете)").fill("Хорошая мысль, добавила.")
    proposal.get_by_test_id("accept-remark").click()
    expect(page.get_by_text("Мероприятие добавлено в план")).to_be_visible()
    expect(page.get_by_test_id("plan")).to_contain_text("Совместная подготовка к открытому занятию")
    both_widths(page, shot, "coauthor-remarks-mentor")
    assert programme.activities.count() == rows_before + 1
    assert PlanActivity.objects.filter(programme=programme, activity__startswith="Совместная подготовка").exists()
    assert RowRemark.objects.filter(programme=programme, state=RowRemark.State.OPEN).count() == 2


def test_curator_edits_a_template_and_previews_it(demo, live_server, page, shot):
    login(page, live_server, "curator")
    page.goto(f"{live_server.url}/o/{ORG}/templates/")
    expect(page.get_by_role("heading", name="Шаблоны персонализированных программ")).to_be_visible()
    both_widths(page, shot, "coauthor-templates")
    page.get_by_role("link", name="Воспитатель логопедической группы: первые полгода").click()
    form = page.get_by_test_id("template-form")
    form.get_by_label("Длительность, мес.").fill("20")
    form.get_by_test_id("save-template").click()
    expect(page.get_by_text("Программа длится от 3 до 12 месяцев")).to_be_visible()
    form = page.get_by_test_id("template-form")
    form.get_by_label("Длительность, мес.").fill("6")
    new = page.get_by_test_id("template-row-form").last
    new.get_by_label("Месяц").fill("5")
    new.get_by_label("Мероприятие").fill("Участие в городском методическом объединении воспитателей")
    new.get_by_label("Форма").fill("Семинар")
    both_widths(page, shot, "coauthor-template-form")
    form.get_by_test_id("save-template").click()
    expect(page.get_by_text("Шаблон сохранён")).to_be_visible()

    page.get_by_test_id("preview").click()
    page.get_by_label("Дата начала").fill("2027-01-11")
    page.get_by_role("button", name="Пересчитать сроки").click()
    expect(page.get_by_test_id("preview-dates")).to_contain_text("11.01.2027 — 10.07.2027")
    plan = page.get_by_test_id("preview-plan")
    row = plan.get_by_role("row").filter(has_text="городском методическом объединении")
    expect(row).to_contain_text("10.06.2027")  # the end of the fifth month
    both_widths(page, shot, "coauthor-template-preview")
    template = ProgrammeTemplate.objects.get(organization__slug=ORG, title__startswith="Воспитатель логопедической")
    assert template.activities.count() == 7
