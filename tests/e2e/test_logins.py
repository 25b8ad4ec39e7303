"""Every demo login reaches its own home page in a real browser; roles switch; other organisations stay closed."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

HOME_TITLES = {
    "head": "Рабочий стол руководителя",
    "curator": "Рабочий стол куратора",
    "mentor": "Рабочий стол наставника",
    "mentee": "Рабочий стол наставляемого",
    "admin": "Рабочий стол администратора",
}
ORGS = {"": "МБДОУ «Детский сад № 12»", "2": "МБОУ «СОШ № 7»"}


@pytest.mark.parametrize("suffix", ["", "2"])
@pytest.mark.parametrize("role", list(HOME_TITLES))
def test_demo_login_lands_on_role_home(demo, live_server, page, shot, role, suffix):
    username = f"{role}{suffix}"
    login(page, live_server, username)
    expect(page.get_by_test_id("home-title")).to_have_text(HOME_TITLES[role])
    expect(page.get_by_test_id("org-name")).to_have_text(ORGS[suffix])
    assert "/home/" in page.url
    shot(f"home-{username}")


def test_wrong_password_is_refused_without_saying_which_half(demo, live_server, page, shot):
    login(page, live_server, "curator", "wrong-password")
    expect(page.get_by_test_id("login-error")).to_contain_text("Неверный логин или пароль")
    login(page, live_server, "nobody-here", "demo12345")
    expect(page.get_by_test_id("login-error")).to_contain_text("Неверный логин или пароль")
    shot("login-error")


def test_person_with_two_roles_switches_between_homes(demo, live_server, page, shot):
    login(page, live_server, "mentor2")
    expect(page.get_by_test_id("home-title")).to_have_text(HOME_TITLES["mentor"])
    page.get_by_test_id("role-switcher").click()
    page.get_by_role("link", name="Наставляемый").click()
    expect(page.get_by_test_id("home-title")).to_have_text(HOME_TITLES["mentee"])
    # The choice is remembered: the site's root now opens the mentee's home.
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("home-title")).to_have_text(HOME_TITLES["mentee"])
    shot("role-switch-mentee2")


def test_staff_of_one_organisation_get_404_in_another(demo, live_server, page, shot):
    login(page, live_server, "curator2")
    response = page.goto(f"{live_server.url}/o/ds-solnyshko/staff/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Страница не найдена")).to_be_visible()
    shot("outsider-404")


def test_curator_home_is_usable_on_a_phone(demo, live_server, page, shot):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "curator")
    expect(page.get_by_test_id("home-title")).to_be_visible()
    menu = page.get_by_role("button", name="Показать меню")
    expect(menu).to_be_visible()
    menu.click()
    page.get_by_role("link", name="Работники").click()
    expect(page.get_by_role("heading", name="Работники")).to_be_visible()
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot("phone-curator-staff")


def test_admin_adds_a_staff_member_and_sees_field_errors(demo, live_server, page, shot):
    login(page, live_server, "admin")
    page.get_by_role("link", name="Работники").first.click()
    page.get_by_role("link", name="Добавить работника").click()
    page.get_by_label("Фамилия").fill("Ёлкина")
    page.get_by_label("Имя").fill("Вера")
    page.get_by_label("Должность").fill("воспитатель")
    page.get_by_label("Телефон").fill("звоните вечером")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("Телефон")
    shot("person-form-error")
    page.get_by_label("Телефон").fill("+7 900 000-00-00")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", name="Ёлкина Вера")).to_be_visible()
    page.goto(f"{live_server.url}/o/ds-solnyshko/staff/?q=елкина")
    expect(page.get_by_role("link", name="Ёлкина В.")).to_be_visible()
