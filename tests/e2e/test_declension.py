"""Issue 15, «Russian that reads right»: the curator corrects how a person's name is declined on the person's
card and the next order naming him reads with the correction, in the order's preview."""

from playwright.sync_api import expect

from people.models import Person
from roadmap.models import Order, OrderKind
from tests.e2e.conftest import login

ORG = "ds-solnyshko"


def test_curator_corrects_a_declension_and_the_order_preview_uses_it(demo, live_server, page, shot):
    # The card as it was before anyone corrected it: the rules alone decline «Соловей» as «Соловея».
    soloviy = Person.objects.get(organization__slug=ORG, surname="Соловей")
    Person.objects.filter(pk=soloviy.pk).update(
        name_genitive="", name_dative="", name_accusative="", name_instrumental=""
    )
    Order.objects.filter(kind=OrderKind.CURATOR, appointee=soloviy).delete()
    login(page, live_server, "curator")
    page.goto(f"{live_server.url}/o/{ORG}/staff/{soloviy.pk}/edit/")

    section = page.get_by_role("group", name="Склонение ФИО")
    expect(section).to_be_visible()
    accusative = page.get_by_label("ФИО в винительном падеже (кого?)")
    expect(accusative).to_have_attribute("placeholder", "Соловея Игоря Петровича")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("declension-person-form-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    shot("declension-person-form-1366")

    # A form that is not the whole name is refused beside the field, in Russian.
    accusative.fill("Соловья")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator("#error_1_id_name_accusative")).to_contain_text("столько же слов")
    page.get_by_label("ФИО в винительном падеже (кого?)").fill("Соловья Игоря Петровича")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Изменения сохранены.")).to_be_visible()

    page.get_by_test_id("appoint-curator").get_by_role("button").click()
    text = page.get_by_test_id("order-text")
    expect(text).to_contain_text(
        "Назначить инструктора по физической культуре Соловья Игоря Петровича куратором реализации программ"
    )
    expect(text).to_contain_text("Возложить на куратора Соловья И. П.")
    expect(text).not_to_contain_text("Соловея")
    shot("declension-order-preview-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("declension-order-preview-390")
