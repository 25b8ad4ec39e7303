"""Issue 17 points 4–6 in Chromium: a council member returns a programme with remarks and agrees the reworked one
before the head approves it; the curator records a speed-mentoring session; the curator holds an event linked to
a roadmap activity, which becomes done, publishes it, and the public page shows it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from mentoring.models import Programme, ShortMentoring
from monitoring.models import Event
from roadmap.models import RoadmapActivity
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def both_widths(page, shot, name: str) -> None:
    page.set_viewport_size(LAPTOP)
    shot(f"{name}-1366")
    page.set_viewport_size(PHONE)
    shot(f"{name}-390")
    page.set_viewport_size(LAPTOP)


def test_council_returns_with_remarks_then_agrees_and_the_head_approves(demo, live_server, page, shot):
    programme = Programme.objects.get(mentorship__organization__slug="school-7", status=Programme.Status.ACKNOWLEDGED)
    url = live_server.url + reverse("mentoring:programme", args=["school-7", programme.mentorship_id])

    login(page, live_server, "council2")
    reviews = page.get_by_test_id("council-reviews")
    expect(reviews).to_contain_text(programme.title)
    both_widths(page, shot, "council-home")
    reviews.get_by_role("link", name=programme.title).click()
    status = page.get_by_test_id("programme-status")
    expect(status).to_contain_text("Согласование методическим советом")
    status.get_by_text("Есть замечания").click()
    status.get_by_role("button", name="Вернуть наставнику с замечаниями").click()
    expect(page.get_by_text("Напишите, что нужно изменить.")).to_be_visible()
    # The remarks form stays open after the error.
    page.get_by_label("Что нужно изменить").fill("Добавьте в план посещение уроков наставника в первой четверти.")
    page.get_by_role("button", name="Вернуть наставнику с замечаниями").click()
    expect(page.get_by_role("alert").filter(has_text="Замечания переданы наставнику")).to_be_visible()
    programme.refresh_from_db()
    assert programme.status == Programme.Status.DRAFT
    assert programme.remark.startswith("Добавьте в план посещение уроков")

    # The mentor reworks and sends it again, the mentee acknowledges (their own pages are tested elsewhere).
    programme.send(programme.mentorship.created_by)
    programme.acknowledge(programme.mentorship.mentees.get())
    page.goto(url)
    page.get_by_test_id("council-agree").click()
    expect(page.get_by_test_id("council-agreed")).to_contain_text("Ширяева И. А.")
    both_widths(page, shot, "council-agreed")

    # The school's regulation has the head approve programmes.
    page.context.clear_cookies()
    login(page, live_server, "head2")
    page.goto(url)
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("approved")).to_be_visible()
    programme.refresh_from_db()
    assert programme.status == Programme.Status.APPROVED and programme.council_agreed_by.surname == "Ширяева"


def test_curator_records_a_speed_mentoring_session(demo, live_server, page, shot):
    login(page, live_server, "curator")
    page.goto(live_server.url + reverse("mentoring:short_list", args=["ds-solnyshko"]))
    both_widths(page, shot, "short-list")
    page.get_by_test_id("short-create").click()
    form = page.get_by_test_id("short-form")
    form.get_by_label("Скоростное наставничество").check()
    form.locator("#id_date").fill("2026-11-19")
    form.get_by_role("button", name="Сохранить").click()
    expect(form.get_by_text("Опишите запрос: с какой ситуацией обратились.")).to_be_visible()
    expect(form.get_by_text("Отметьте хотя бы одного: наставники.")).to_be_visible()
    form.get_by_label("Орлова М. Ю.", exact=False).first.check()
    form.locator("#id_mentees").get_by_label("Волкова", exact=False).check()
    form.get_by_label("Запрос").fill("Игры на развитие дыхания перед занятием по звукопроизношению.")
    form.get_by_label("Результат").fill("Показаны три игры, воспитатель проведёт их на неделе.")
    both_widths(page, shot, "short-form")
    form.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("short-title")).to_have_text("Скоростное наставничество")
    expect(page.get_by_test_id("short-request")).to_contain_text("Игры на развитие дыхания")
    both_widths(page, shot, "short-detail")
    record = ShortMentoring.objects.get(request__startswith="Игры на развитие дыхания")
    assert record.kind == "speed" and [p.surname for p in record.mentees.all()] == ["Волкова"]


def test_curator_holds_an_event_which_completes_the_roadmap_activity_and_publishes_it(demo, live_server, page, shot):
    activity = RoadmapActivity.objects.get(
        roadmap__organization__slug="ds-solnyshko", content__startswith="Подвести итоги выполнения"
    )
    assert activity.status != "done"
    login(page, live_server, "curator")
    page.goto(live_server.url + reverse("monitoring:events", args=["ds-solnyshko"]))
    both_widths(page, shot, "events-list")
    page.get_by_test_id("event-create").click()
    form = page.get_by_test_id("event-form")
    form.get_by_label("Вид").select_option(label="Семинар")
    form.get_by_role("button", name="Сохранить").click()
    expect(form.get_by_text("Укажите тему мероприятия.")).to_be_visible()
    form.get_by_label("Тема").fill("Семинар «Итоги программ наставничества за полугодие»")
    form.locator("#id_date").fill(timezone.localdate().isoformat())
    form.get_by_label("Место проведения").fill("Методический кабинет")
    form.get_by_test_id("event-activities").get_by_label("Подвести итоги выполнения", exact=False).check()
    both_widths(page, shot, "event-form")
    form.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("event-status")).to_have_text("Запланировано")
    page.get_by_test_id("event-hold").click()
    expect(page.get_by_text("Опишите итоги: что сделали участники, что получилось.")).to_be_visible()
    page.get_by_label("Что сделали участники, что получилось").fill(
        "Пары рассказали о выполнении планов; две программы предложено продлить, лучшие практики — в копилку."
    )
    page.get_by_test_id("event-hold").click()
    expect(page.get_by_role("alert").filter(has_text="отмечено проведённым")).to_contain_text("выполненными: 1")
    activity.refresh_from_db()
    assert activity.status == "done" and activity.done_on == timezone.localdate()
    page.get_by_test_id("event-publish").click()
    expect(page.get_by_test_id("event-published")).to_be_visible()
    both_widths(page, shot, "event-detail")
    event = Event.objects.get(title__startswith="Семинар «Итоги программ")
    assert event.is_held and event.is_published

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/p/ds-solnyshko/")
    events = page.get_by_test_id("public-events")
    expect(events).to_contain_text("Семинар «Итоги программ наставничества за полугодие»")
    expect(events).to_contain_text("две программы предложено продлить")
    both_widths(page, shot, "public-events")
