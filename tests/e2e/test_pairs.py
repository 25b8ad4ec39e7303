"""Journeys through pairs and groups: the curator forms a pair by hand and puts it into an order draft; a mentor
asks to be released and the curator refuses with a comment."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from mentoring.models import ChangeRequest, Mentorship
from tests.e2e.conftest import login


def test_curator_forms_a_pair_by_hand_and_includes_it_in_an_order_draft(demo, live_server, page, shot):
    login(page, live_server, "curator")
    page.get_by_test_id("pair-counts").get_by_role("link", name="Действующие пары и группы").click()
    expect(page.get_by_role("heading", name="Наставнические пары и группы")).to_be_visible()
    expect(page.get_by_test_id("waiting-list")).to_contain_text("Романова Е. В.")
    shot("pairs-list")

    page.get_by_test_id("create-pair").click()
    start = timezone.localdate() + timedelta(days=14)
    page.get_by_label("Наставник").select_option(label="Медведева Светлана Ивановна, воспитатель (свободных мест: 1)")
    page.get_by_label("Форма наставничества").select_option(label="Педагог – педагог")
    page.get_by_label("Планируемое начало").fill(start.isoformat())
    page.get_by_label("Планируемое окончание").fill((start + timedelta(days=270)).isoformat())
    page.get_by_label("Ситуационное наставничество").check()
    # The first choice lacks the consent to the duties of mentoring: the pair is saved, but cannot be proposed.
    page.get_by_label("Лебедев Кирилл Андреевич").check()
    shot("pair-form")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("сохранена как черновик")).to_be_visible()
    # Both people agreed to the pair (choosing each other is walked through in tests/e2e/test_coauthor.py).
    Mentorship.objects.filter(mentor__surname="Медведева", state="draft").update(consent=Mentorship.Consent.CONFIRMED)
    page.reload()
    expect(page.get_by_test_id("missing-duties")).to_contain_text("Лебедев К. А.")
    # The pair's page offers the order itself, not a state change without one (issue 19: no traps).
    expect(page.get_by_test_id("actions").get_by_role("button", name="Включить в проект приказа")).to_have_count(0)
    page.get_by_test_id("order-from-pair").click()
    expect(page.get_by_role("alert").filter(has_text="Лебедев К. А.")).to_contain_text("нет действующего согласия")
    expect(page.get_by_test_id("order-from-pair")).to_be_visible()  # refused: back on the pair's page
    shot("pair-propose-refused")

    page.get_by_role("link", name="Изменить").click()
    page.get_by_label("Лебедев Кирилл Андреевич").uncheck()
    page.get_by_label("Романова Евгения Викторовна").check()
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Изменения сохранены")).to_be_visible()
    # A new mentee in the pair: it waits for her answer again; she and the mentor agree.
    expect(page.get_by_test_id("awaits-consent")).to_be_visible()
    Mentorship.objects.filter(mentor__surname="Медведева", state="draft").update(consent=Mentorship.Consent.CONFIRMED)
    page.reload()
    page.get_by_test_id("order-from-pair").click()
    # The order's draft opens with the pair in it; the pair's page then names the order.
    expect(page.get_by_text("Проект приказа «", exact=False).first).to_be_visible()
    expect(page.get_by_test_id("order-text")).to_contain_text("Медведева")
    pair = Mentorship.objects.get(mentor__surname="Медведева", mentees__surname="Романова")
    assert pair.orders.count() == 1
    page.goto(f"{live_server.url}{reverse('mentoring:mentorship_detail', args=['ds-solnyshko', pair.pk])}")
    expect(page.get_by_test_id("state-badge")).to_have_text("Включена в проект приказа")
    expect(page.get_by_test_id("actions").get_by_role("link", name=str(pair.orders.get())).first).to_be_visible()
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("Черновик → Включена в проект приказа")
    expect(history).to_contain_text("Белоусова Н.")
    shot("pair-proposed-history")
    assert Mentorship.objects.get(mentor__surname="Медведева", mentees__surname="Романова").state == "proposed"


def test_mentor_asks_to_be_released_and_the_curator_refuses(demo, live_server, page, shot):
    login(page, live_server, "mentor")
    pairs = page.get_by_test_id("my-pairs")
    expect(pairs).to_contain_text("Смирнова Д. А.")
    expect(page.get_by_test_id("overdue-list")).to_be_visible()
    shot("mentor-home")
    first = pairs.get_by_role("listitem").filter(has_text="Смирнова Д. А.")
    first.locator("summary", has_text="Попросить освободить от наставничества").click()
    first.get_by_label("Почему вы просите освободить вас").fill(
        "С февраля веду вторую группу и не успеваю встречаться с наставляемой еженедельно."
    )
    first.get_by_test_id("ask-submit").click()
    expect(page.get_by_role("alert").filter(has_text="Просьба передана куратору")).to_be_visible()
    expect(first).to_contain_text("ждёт решения")

    page.context.clear_cookies()
    login(page, live_server, "curator")
    expect(page.get_by_test_id("count-open-requests")).to_have_text("2")
    page.get_by_role("link", name="Просьбы участников ждут решения").click()
    item = page.get_by_test_id("request-list").get_by_role("listitem").filter(has_text="Фролова Г. П.")
    expect(item).to_contain_text("Наставник просит освободить его")
    item.get_by_role("button", name="Отклонить").click()
    expect(page.get_by_role("alert").filter(has_text="Объясните")).to_be_visible()
    item = page.get_by_test_id("request-list").get_by_role("listitem").filter(has_text="Фролова Г. П.")
    item.get_by_label("Комментарий куратора").fill(
        "Предлагаю перенести встречи на дневное время; вернёмся к вопросу после аттестации."
    )
    shot("requests-decide")
    item.get_by_role("button", name="Отклонить").click()
    expect(page.get_by_text("Просьба отклонена")).to_be_visible()
    change = ChangeRequest.objects.get(requested_by__surname="Фролова")
    assert change.status == ChangeRequest.Status.REFUSED

    page.context.clear_cookies()
    login(page, live_server, "mentor")
    page.get_by_test_id("my-pairs").get_by_role("link", name="Пара").first.click()
    expect(page.get_by_test_id("requests")).to_contain_text("вернёмся к вопросу после аттестации")
    shot("mentor-sees-refusal")
