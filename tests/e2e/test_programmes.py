"""A programme's journey in a real browser: the mentor writes it and adds plan rows in place, sends it (a
half-written one is refused with the list of what to fill), the mentee acknowledges, an edit withdraws the
acknowledgement, the curator approves, an extension is proposed, agreed and approved, the old version stays
readable, and the PDF says ПРОЕКТ while a draft and carries the approval and the real chain afterwards."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from mentoring.models import Mentorship, Programme, recount_places
from mentoring.programmes import add_months
from people.models import Consent, MentoringForm, Person, Purpose
from tests.e2e.conftest import login
from tests.people.consent_fixtures import give


def demo_pair() -> Mentorship:
    mentor = Person.objects.get(user__username="mentor")
    mentee = Person.objects.get(user__username="mentee")
    for person in (mentor, mentee):  # the demo may already hold the duties consent
        if not Consent.objects.active().filter(person=person, purpose=Purpose.DUTIES).exists():
            give(person, Purpose.DUTIES, given_on=timezone.localdate())
    pair = Mentorship.objects.create(
        organization=mentor.organization,
        mentor=mentor,
        form=MentoringForm.objects.filter(organization=mentor.organization).first(),
        state=Mentorship.State.ACTIVE,
        started_on=timezone.localdate(),
    )
    pair.mentees.set([mentee])
    recount_places(mentor_ids=[mentor.pk])
    return pair


def switch_user(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username)


def add_row(page, activity: str, deadline, result: str) -> None:
    page.get_by_test_id("add-row").click()
    form = page.get_by_test_id("plan-row-form").last
    form.get_by_label("Мероприятие").fill(activity)
    form.get_by_label("Направление").select_option(label="Методическое")
    form.get_by_label("Срок").fill(deadline.isoformat())
    form.get_by_label("Ожидаемый результат").fill(result)
    form.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("plan-row").filter(has_text=activity)).to_be_visible()


def pdf_text(page) -> str:
    with page.expect_download() as download_info:
        page.get_by_test_id("pdf").click()
    content = Path(download_info.value.path()).read_bytes()
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.time_machine("2026-03-02 10:00 +03:00", tick=True)
def test_programme_chain_draft_sent_acknowledged_approved_changed_by_agreement(demo, live_server, page, shot):
    pair = demo_pair()
    today = timezone.localdate()
    programme_url = f"{live_server.url}/o/{pair.organization.slug}/pairs/{pair.pk}/programme/"

    # The mentor starts a blank programme; a two-month programme is refused with the reason beside the date.
    login(page, live_server, "mentor")
    page.goto(programme_url)
    page.get_by_label("С чистого листа").check()
    page.get_by_label("Начало").fill(today.isoformat())
    page.get_by_label("Окончание").fill(add_months(today, 2).isoformat())
    page.get_by_role("button", name="Составить программу").click()
    expect(page.locator("#id_end_error, .invalid-feedback").first).to_contain_text("от 3 до 12 месяцев")
    page.get_by_label("Окончание").fill(add_months(today, 9).isoformat())
    page.get_by_role("button", name="Составить программу").click()

    expect(page.get_by_role("heading", name="Пояснительная записка")).to_be_visible()
    page.get_by_label("Название").fill("Первый год в детском саду")
    page.get_by_label("Описание проблемы").fill(
        "Воспитатель впервые ведёт группу и затрудняется в общении с родителями."
    )
    page.get_by_label("Цель").fill("Помочь освоиться в должности.")
    page.get_by_label("Расписание встреч").fill("Еженедельно по средам в 14:00")
    shot("programme-note-form")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Пояснительная записка сохранена.")).to_be_visible()

    # Plan rows are added in place: the page is never reloaded, so a marker on window survives.
    page.evaluate("window.__noReload = 'still here'")
    page.get_by_test_id("add-row").click()
    page.get_by_test_id("plan-row-form").last.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("plan-row-form").last).to_contain_text("Опишите мероприятие.")
    shot("programme-row-error")
    page.get_by_test_id("plan-row-form").last.get_by_role("button", name="Отмена").click()
    expect(page.get_by_test_id("plan-row-form")).to_have_count(0)
    add_row(page, "Изучение режима дня и документации группы", today + timedelta(days=14), "Документы освоены")
    add_row(page, "Подготовка к родительскому собранию", today + timedelta(days=45), "Собрание проведено")
    expect(page.get_by_test_id("plan-row")).to_have_count(2)
    expect(page.get_by_test_id("plan-summary")).to_contain_text("выполнено 0 из 2")
    assert page.evaluate("window.__noReload") == "still here"

    # The draft prints as a project, with no approval stamp.
    text = pdf_text(page)
    assert "ПРОЕКТ" in text and "УТВЕРЖДЕНА" not in text

    # The mentee has nothing to acknowledge yet.
    switch_user(page, live_server, "mentee")
    page.goto(programme_url)
    expect(page.get_by_test_id("chain-state")).to_have_text("Проект")
    expect(page.get_by_test_id("acknowledge")).to_have_count(0)

    # Sending a half-written programme is refused with the list of what to fill.
    switch_user(page, live_server, "mentor")
    page.goto(programme_url)
    page.get_by_test_id("send").click()
    problems = page.get_by_test_id("send-problems")
    expect(problems).to_contain_text("раздел «Задачи» пояснительной записки")
    expect(problems).to_contain_text("раздел «Планируемые результаты» пояснительной записки")
    shot("programme-send-refused")
    page.get_by_role("link", name="Изменить записку").click()
    page.get_by_label("Задачи").fill("Освоить режим дня; подготовить первое родительское собрание.")
    page.get_by_label("Содержание деятельности").fill("Консультации, совместная подготовка собрания.")
    page.get_by_label("Планируемые результаты").fill("Воспитатель уверенно ведёт группу и собрания.")
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("chain-state")).to_have_text("На ознакомлении у наставляемого")
    expect(page.get_by_test_id("sent")).to_contain_text("Фролова Г. П.")
    shot("programme-sent")

    # The mentee acknowledges that version.
    switch_user(page, live_server, "mentee")
    page.goto(f"{live_server.url}/o/{pair.organization.slug}/home/mentee/")
    page.get_by_role("link", name="Ознакомьтесь с программой").first.click()
    expect(page.get_by_test_id("plan")).to_contain_text("Подготовка к родительскому собранию")
    page.get_by_test_id("acknowledge").click()
    expect(page.get_by_test_id("acknowledged")).to_contain_text("Смирнова Д. А.")

    # An edit after acknowledgement withdraws it, with a note saying so; the mentor sends again.
    switch_user(page, live_server, "mentor")
    page.goto(programme_url)
    page.get_by_role("link", name="Изменить записку").click()
    page.get_by_label("Цель").fill("Помочь освоиться в должности воспитателя.")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("remark")).to_contain_text("ознакомление снято")
    expect(page.get_by_test_id("chain-state")).to_have_text("Проект")
    shot("programme-reset-after-edit")
    page.get_by_test_id("send").click()
    switch_user(page, live_server, "mentee")
    page.goto(programme_url)
    page.get_by_test_id("acknowledge").click()
    expect(page.get_by_test_id("chain-state")).to_have_text("Ждёт утверждения")

    # The curator (the approver in this kindergarten) approves.
    switch_user(page, live_server, "curator")
    page.goto(programme_url)
    shot("programme-acknowledged")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("approved")).to_contain_text("Белоусова Н. С.")
    expect(page.get_by_test_id("chain-state")).to_have_text("Утверждена")
    shot("programme-approved")

    # The mentor proposes an extension: nothing changes until the mentee agrees and the curator approves.
    switch_user(page, live_server, "mentor")
    page.goto(programme_url)
    expect(page.get_by_test_id("add-row")).to_have_count(0)
    page.get_by_role("link", name="Продлить программу").click()
    old_end = Programme.objects.get(mentorship=pair).end
    new_end = add_months(today, 11)
    page.get_by_label("Новая дата окончания").fill(new_end.isoformat())
    page.get_by_label("Основание продления").fill("Наставляемая была на больничном: перенос открытого занятия.")
    page.get_by_role("button", name="Предложить продление").click()
    expect(page.get_by_test_id("pending-change")).to_contain_text("Ждёт согласия наставляемого")
    assert Programme.objects.get(mentorship=pair).end == old_end
    shot("programme-change-proposed")

    switch_user(page, live_server, "mentee")
    page.goto(programme_url)
    page.get_by_test_id("change-agree").click()
    expect(page.get_by_test_id("pending-change")).to_contain_text("Ждёт утверждения")
    assert Programme.objects.get(mentorship=pair).end == old_end

    switch_user(page, live_server, "curator")
    page.goto(programme_url)
    shot("programme-change-agreed")
    page.get_by_test_id("change-approve").click()
    expect(page.get_by_test_id("pending-change")).to_have_count(0)
    version = page.get_by_test_id("version").first
    expect(version).to_contain_text("Редакция 2: продление")
    expect(version).to_contain_text(f"→ {new_end:%d.%m.%Y}")
    shot("programme-changed")
    assert Programme.objects.get(mentorship=pair).end == new_end

    # The first version stays readable as it was approved.
    page.get_by_role("link", name="Редакция 1").click()
    expect(page.get_by_test_id("version-note")).to_contain_text(f"{old_end:%d.%m.%Y}")

    # The document is approved, in its current wording, with the real chain.
    page.goto(programme_url)
    text = pdf_text(page)
    assert "Фролова Галина Петровна" in text and "Смирнова Дарья Андреевна" in text
    assert "Подготовка к родительскому собранию" in text and "УТВЕРЖДЕНА" in text and "ПРОЕКТ" not in text
    assert f"по {new_end:%d.%m.%Y}" in text and "Наставляемый ознакомлен" in text
