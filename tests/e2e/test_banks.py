"""Journeys through the banks in a real browser: the curator adds a mentee; a teacher's own request is accepted."""

from playwright.sync_api import expect

from people.models import MenteeEntry
from tests.e2e.conftest import login


def test_curator_adds_a_teacher_with_a_request_to_the_bank(demo, live_server, page, shot):
    login(page, live_server, "curator")
    # Without a mentor: waiting, or supported meanwhile (MenteeEntry.objects.without_mentor()).
    waiting = MenteeEntry.objects.filter(organization__slug="ds-solnyshko").without_mentor().count()
    assert waiting >= 5  # the demo's waiting requests, the surveys' accepted one and the proposed pairs' mentees
    expect(page.get_by_test_id("count-waiting")).to_have_text(str(waiting))
    page.get_by_role("link", name="Добавить наставляемого с запросом").click()
    expect(page.get_by_role("heading", name="Добавление в банк наставляемых")).to_be_visible()
    # Without consent a colleague is listed but cannot be chosen.
    expect(page.locator("#id_person option", has_text="Гусев В. Н.")).to_be_disabled()
    expect(page.locator("#id_person option", has_text="Смирнова Д. А.")).to_be_disabled()  # already in the bank

    # Saving with nothing chosen explains what is missing beside each field.
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator("#id_person_error")).to_contain_text("Обязательное поле")
    shot("bank-mentee-form-errors")

    page.get_by_label("Работник").select_option(label="Макарова Ю. С. — Воспитатель")
    page.get_by_label("Категория").select_option(label="Педагог, меняющий профиль деятельности")
    page.get_by_label("Психолого-педагогическое").check()
    page.get_by_label("Методическое").check()
    page.get_by_label("Профессиональные затруднения и запрос").fill(
        "С нового года веду группу, где есть дети с ОВЗ. Нужна помощь в адаптации занятий и в работе с родителями."
    )
    shot("bank-mentee-form")
    page.get_by_role("button", name="Сохранить").click()

    expect(page.get_by_role("heading", name="Макарова Юлия Сергеевна")).to_be_visible()
    expect(page.get_by_text("Макарова Ю. С. добавлена в банк наставляемых")).to_be_visible()
    expect(page.get_by_test_id("history")).to_contain_text("Запись создана")
    shot("bank-mentee-entry")

    page.get_by_role("link", name="← Банк наставляемых").click()
    row = page.get_by_test_id("mentee-table").get_by_role("row", name="Макарова Ю. С.")
    expect(row).to_contain_text("Ожидает наставника")
    expect(row).to_contain_text("Педагог, меняющий профиль деятельности")
    shot("bank-mentee-list")


def test_teacher_submits_a_request_and_the_curator_accepts_it(demo, live_server, page, shot):
    # The demo's mentee2 already waits in the bank; their earlier request is closed so they can send a new one.
    earlier = MenteeEntry.objects.get(person__user__username="mentee2")
    earlier.change_status(MenteeEntry.Status.LEFT, note="Прежний запрос закрыт: педагог сменила класс.")

    login(page, live_server, "mentee2")
    page.get_by_test_id("submit-request").click()
    expect(page.get_by_role("heading", name="Мой профессиональный запрос")).to_be_visible()
    expect(page.get_by_text("Прежний запрос")).to_be_visible()
    page.get_by_label("К какой категории вы относитесь").select_option(label="Молодой (начинающий) специалист")
    page.get_by_label("ИКТ-компетентность и цифровизация образования").check()
    page.get_by_label("Ваши профессиональные затруднения").fill(
        "Хочу научиться готовить интерактивные задания для уроков в начальной школе и вести электронный журнал."
    )
    page.get_by_role("button", name="Отправить куратору").click()
    expect(page.get_by_text("Запрос отправлен куратору")).to_be_visible()
    expect(page.get_by_test_id("my-request-pending")).to_be_visible()
    shot("bank-my-request-sent")

    page.context.clear_cookies()
    login(page, live_server, "curator2")
    expect(page.get_by_test_id("count-requests")).to_have_text("2")
    shot("bank-curator2-home")
    page.get_by_test_id("bank-counts").get_by_role("link", name="Заявки педагогов на рассмотрении").click()
    table = page.get_by_test_id("mentee-table")
    expect(table.get_by_role("row")).to_have_count(3)  # the header and two requests
    shot("bank-requests-tab")
    table.get_by_role("link", name="Карпова В. Д.").click()
    expect(page.get_by_text("подан педагогом самостоятельно")).to_be_visible()
    page.get_by_role("button", name="Принять в банк").click()
    expect(page.get_by_text("Статус изменён: «Ожидает наставника».")).to_be_visible()
    expect(page.get_by_test_id("history")).to_contain_text("Статус: Ожидает наставника")
    shot("bank-request-accepted")

    page.context.clear_cookies()
    login(page, live_server, "mentee2")
    expect(page.get_by_test_id("home-request")).to_contain_text("Ожидает наставника")
    shot("bank-mentee2-home")
