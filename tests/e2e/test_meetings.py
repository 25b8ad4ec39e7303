"""The meeting log in Chromium: the mentor records a meeting that closes a plan row, the mentee rates it, and the
curator sees the pairs' health on the list and finds the one that has gone quiet."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from mentoring.models import Meeting, MeetingFeedback, Mentorship, PlanActivity
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def both_widths(page, shot, name: str) -> None:
    page.set_viewport_size(LAPTOP)
    shot(f"{name}-1366")
    page.set_viewport_size(PHONE)
    shot(f"{name}-390")
    page.set_viewport_size(LAPTOP)


def test_mentor_logs_a_meeting_mentee_rates_it_curator_sees_the_health(demo, live_server, page, shot):
    pair = Mentorship.objects.get(mentor__surname="Фролова", mentees__surname="Смирнова")
    pair_url = live_server.url + reverse("mentoring:mentorship_detail", args=["ds-solnyshko", pair.pk])
    row = PlanActivity.objects.open().filter(programme__mentorship=pair).order_by("deadline").first()
    before = Meeting.objects.filter(mentorship=pair).count()

    login(page, live_server, "mentor")
    page.goto(pair_url)
    log = page.get_by_test_id("meeting-log")
    expect(log).to_contain_text("Журнал встреч")
    log.get_by_test_id("meeting-new").click()
    form = page.get_by_test_id("meeting-form")
    form.get_by_label("Тема").fill("Разбор занятия по ознакомлению с окружающим миром")
    form.get_by_role("button", name="Сохранить").click()
    expect(form.get_by_text("Опишите, что сделано на встрече.")).to_be_visible()  # the error beside the field
    form.get_by_label("Формат").select_option(label="Наблюдение урока (занятия)")
    form.get_by_label("Что сделано на встрече").fill("Посетила занятие, разобрали его структуру и смену видов работы.")
    form.get_by_label("О чём договорились (следующие шаги)").fill("Подготовить конспект занятия с подвижной паузой.")
    form.get_by_label(row.activity, exact=False).first.check()
    both_widths(page, shot, "meeting-form")
    form.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("alert").filter(has_text="записана в журнал")).to_contain_text("Отмечено выполненными")
    expect(log.get_by_test_id("meeting").first).to_contain_text("Разбор занятия по ознакомлению с окружающим миром")
    assert Meeting.objects.filter(mentorship=pair).count() == before + 1
    row.refresh_from_db()
    assert row.status == PlanActivity.Status.DONE
    both_widths(page, shot, "meeting-log-mentor")

    page.context.clear_cookies()
    login(page, live_server, "mentee")
    page.goto(pair_url)
    newest = page.get_by_test_id("meeting").first
    newest.get_by_test_id("feedback-link").click()
    feedback = page.get_by_test_id("feedback-form")
    feedback.get_by_role("button", name="Сохранить").click()
    expect(feedback.get_by_text("Поставьте оценку от 1 до 5.")).to_be_visible()
    feedback.get_by_label("5 — очень полезная встреча").check()
    feedback.get_by_label("Комментарий").fill("Разбор по шагам очень помог, попробую на следующей неделе.")
    both_widths(page, shot, "meeting-feedback")
    feedback.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("alert").filter(has_text="Ваш отзыв о встрече сохранён")).to_be_visible()
    expect(page.get_by_test_id("meeting").first.get_by_test_id("feedback")).to_contain_text("★ 5 из 5")
    assert MeetingFeedback.objects.filter(meeting__mentorship=pair, rating=5, comment__startswith="Разбор").exists()

    page.context.clear_cookies()
    login(page, live_server, "curator")
    page.goto(live_server.url + reverse("mentoring:pairs", args=["ds-solnyshko"]))
    table = page.get_by_test_id("pairs-table")
    expect(table.get_by_test_id("gap-flag")).to_have_count(1)
    quiet = table.get_by_role("row").filter(has=page.get_by_test_id("gap-flag"))
    expect(quiet).to_contain_text("Павлова Л.")
    expect(quiet.get_by_test_id("meetings-cell")).to_contain_text("нет встреч 5 нед.")
    both_widths(page, shot, "pairs-meetings")
    page.get_by_label("Без встреч 3 нед. и дольше").check()
    page.get_by_role("button", name="Найти").click()
    expect(table.get_by_role("row")).to_have_count(2)  # the header and the quiet pair
    expect(table).to_contain_text("Павлова Л.")
    quiet.get_by_role("link", name="Фролова Г. П.").click()
    expect(page.get_by_test_id("gap-flag")).to_contain_text("Последняя встреча — 5 нед. назад")
    expect(page.get_by_test_id("pair-health")).to_contain_text("оценки снижаются")
    both_widths(page, shot, "pair-health-curator")
