"""Issue 19's measurements, each checked in Chromium at the size where it broke: the mentor's «Отметить» on a phone,
the appendix's «Форма» and «Сроки» in the head's inbox on a phone, the head's menu on a school laptop, and the
municipal table's columns (a cue that it scrolls, a chooser that makes it fit)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from mentoring.models import Mentorship
from tests.e2e.conftest import login

ORG = "ds-solnyshko"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def page_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def inside_window(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


def test_the_mentor_marks_a_row_on_a_phone(demo, live_server, page, shot):
    errors: list[str] = []  # htmx's swaps must not trip the Content-Security-Policy (no inline styles)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size(PHONE)
    login(page, live_server, "mentor")
    pair = Mentorship.objects.filter(organization__slug=ORG, mentor__user__username="mentor", programme__isnull=False)
    page.goto(f"{live_server.url}{reverse('mentoring:programme', args=[ORG, pair.order_by('pk').first().pk])}")
    assert page_width(page) <= 390
    planned = page.get_by_test_id("plan-row").filter(has_text="Запланировано").first
    row_id = planned.get_attribute("id")
    mark = planned.get_by_role("button", name="Отметить")
    mark.scroll_into_view_if_needed()
    assert inside_window(page, mark)
    # Each card names its fields: the deadline and the status are readable without the table's header.
    first = page.get_by_test_id("plan-row").first
    expect(first.locator("td[data-label='Срок']")).to_be_visible()
    expect(first.locator("td[data-label='Статус']")).to_be_visible()
    shot("phone-programme")
    mark.click()
    form = page.get_by_test_id("plan-row-form")
    expect(form).to_be_visible()
    form.get_by_label("Статус").select_option(label="Выполнено")
    form.get_by_role("button", name="Сохранить").click()
    done = page.locator(f"#{row_id}")
    expect(done).to_contain_text("Выполнено")
    expect(done).to_contain_text(timezone.localdate().strftime("%d.%m.%Y"))  # «Выполнено» without a date: today
    assert errors == [], errors


def test_the_head_reads_the_appendix_on_a_phone(demo, live_server, page, shot):
    page.set_viewport_size(PHONE)
    login(page, live_server, "head")
    page.goto(f"{live_server.url}{reverse('roadmap:inbox', args=[ORG])}")
    assert page_width(page) <= 390
    form_cell = page.locator("td[data-label^='Форма']").first
    terms_cell = page.locator("td[data-label^='Срок']").first
    expect(form_cell).to_be_visible()
    expect(terms_cell).to_be_visible()
    assert inside_window(page, form_cell) and inside_window(page, terms_cell)
    shot("phone-inbox")


def test_the_heads_menu_fits_a_school_laptop(demo, live_server, page, shot):
    page.set_viewport_size(LAPTOP)
    login(page, live_server, "head")
    assert page_width(page) <= 1366
    account = page.get_by_role("button", name="Учётная запись").or_(page.get_by_label("Учётная запись", exact=False))
    assert inside_window(page, account.first)
    expect(page.get_by_test_id("head-inbox")).to_be_visible()
    shot("laptop-head-home")


def test_the_municipal_table_says_it_scrolls_and_its_columns_can_be_chosen(demo, live_server, page, shot):
    page.set_viewport_size(LAPTOP)
    login(page, live_server, "municipal")
    table = page.get_by_test_id("comparison-table")
    expect(page.get_by_test_id("scroll-cue")).to_be_visible()
    header = table.locator("th[data-key]")
    count = header.count()
    assert count >= 15
    page.get_by_test_id("columns-toggle").click()
    menu = page.get_by_test_id("columns-menu")
    boxes = menu.locator("input[type=checkbox]")
    for n in range(6, count):  # keep the first six figures
        boxes.nth(n).uncheck()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("scroll-cue")).to_be_hidden()
    expect(table.locator("th[data-key]:visible")).to_have_count(6)
    frame = table.locator("xpath=..")
    assert frame.evaluate("e => e.scrollWidth <= e.clientWidth + 2")
    shot("laptop-municipal-columns")
    # The choice is kept in this browser: the next visit shows the same columns.
    page.reload()
    expect(table.locator("th[data-key]:visible")).to_have_count(6)
    page.get_by_test_id("columns-toggle").click()
    menu.get_by_role("button", name="Показать все").click()
    expect(table.locator("th[data-key]:visible")).to_have_count(count)
