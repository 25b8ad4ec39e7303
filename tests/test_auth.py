"""Logging in and out, passwords, throttling of guessing, and the error pages."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from config import views as mentoring_views
from people.models import Role
from tests.factories import PASSWORD, UserFactory

WRONG = "Неверный логин или пароль. Проверьте раскладку клавиатуры и Caps Lock."


def log_in(client: Client, username: str, password: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": password, **extra})


def test_login_page_is_in_russian(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="ru"' in response.text
    for text in ("Вход в систему", "Логин", "Пароль", "Войти", "Забыли пароль?"):
        assert text in response.text


def test_wrong_password_and_unknown_login_get_the_same_answer(client, mentor):
    wrong_password = log_in(client, mentor.user.username, "not-the-password")
    unknown_login = log_in(client, "no-such-login", PASSWORD)
    for response in (wrong_password, unknown_login):
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [WRONG]
        assert WRONG in response.text
    assert "_auth_user_id" not in client.session


def test_disabled_account_gets_the_same_answer_as_a_wrong_password(client, mentor):
    mentor.user.is_active = False
    mentor.user.save()
    response = log_in(client, mentor.user.username, PASSWORD)
    assert response.context["form"].non_field_errors() == [WRONG]


def test_login_goes_to_the_site_root_and_on_to_the_role_home(client, curator):
    response = log_in(client, curator.user.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == "/"
    home = client.get("/")
    assert home.url == reverse("role_home", args=[curator.org.slug, Role.Kind.CURATOR])
    assert "Рабочий стол куратора" in client.get(home.url).text


def test_login_returns_to_the_page_asked_for(client, curator):
    staff = reverse("people:staff_list", args=[curator.org.slug])
    assert client.get(staff).url == f"{reverse('login')}?next={staff}"
    response = log_in(client, curator.user.username, PASSWORD, next=staff)
    assert response.url == staff


def test_login_does_not_send_the_user_to_another_site(client, curator):
    response = log_in(client, curator.user.username, PASSWORD, next="https://evil.example.com/")
    assert response.url == "/"


def test_a_locked_login_does_not_lock_out_colleagues(client, mentor, mentee):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, mentor.user.username, "guess")
    assert log_in(client, mentor.user.username, PASSWORD).status_code == 429
    assert log_in(client, mentee.user.username, PASSWORD).status_code == 302


def test_successful_login_forgets_earlier_failures(client, mentor):
    username = mentor.user.username
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, username, "guess")
    assert log_in(client, username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, username, "guess")
    assert log_in(client, username, PASSWORD).status_code == 302


def test_logout_is_a_post(curator):
    assert curator.client.get(reverse("logout")).status_code == 405
    assert curator.client.get("/").status_code == 302  # still logged in: to the role home
    response = curator.client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert curator.client.get("/").url == f"{reverse('login')}?next=/"


def test_password_change_keeps_the_user_logged_in(head, client):
    url = reverse("password_change")
    page = head.client.get(url)
    assert "Смена пароля" in page.text
    new = "Osen-2026-direktor"
    response = head.client.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    head.user.refresh_from_db()
    assert head.user.check_password(new)
    assert head.client.get("/").url == reverse("role_home", args=[head.org.slug, Role.Kind.HEAD])
    assert log_in(client, head.user.username, new).status_code == 302


def test_password_change_explains_mistakes_in_russian(head):
    response = head.client.post(
        reverse("password_change"), {"old_password": "wrong", "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert response.status_code == 200
    assert "Ваш старый пароль введен неправильно" in response.text
    head.user.refresh_from_db()
    assert head.user.check_password(PASSWORD)


def test_password_reset_sends_a_russian_letter(client, db):
    user = UserFactory(username="ivanova", email="ivanova@school.example.ru", first_name="Мария")
    response = client.post(reverse("password_reset"), {"email": "IVANOVA@school.example.ru"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["ivanova@school.example.ru"]
    assert letter.subject == "Восстановление пароля — Наставничество"
    assert letter.body.startswith("Здравствуйте, Мария!")
    assert "Ваш логин: ivanova" in letter.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", letter.body)[1]
    set_password = client.get(link, follow=True)
    assert "Установите пароль" in set_password.text
    new = "Zima-2026-uchitel"
    client.post(set_password.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    user.refresh_from_db()
    assert user.check_password(new)


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@school.example.ru"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []
    assert "Проверьте почту" in client.get(response.url).text


def test_used_or_forged_reset_link_is_explained(client, db):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "forged-token"]))
    assert response.status_code == 200
    assert "Ссылка недействительна" in response.text


def test_missing_page_shows_the_russian_404(curator):
    response = curator.client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.text
    assert "404.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("role", ["astronaut", "Head", "head-", "admin2"])
def test_unknown_role_in_the_address_is_404_not_500(curator, role):
    response = curator.client.get(f"/o/{curator.org.slug}/home/{role}/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.text


def test_unknown_organisation_is_404(curator):
    assert curator.client.get("/o/no-such-org/").status_code == 404
    assert curator.client.get("/o/no-such-org/home/curator/").status_code == 404


def test_server_error_shows_the_russian_500(mentor, monkeypatch):
    def broken(access):
        raise RuntimeError("boom")

    monkeypatch.setitem(mentoring_views.HOME_CONTEXT, Role.Kind.MENTOR, broken)
    client = Client(raise_request_exception=False)
    client.force_login(mentor.user)
    response = client.get(reverse("role_home", args=[mentor.org.slug, Role.Kind.MENTOR]))
    assert response.status_code == 500
    assert "Что-то пошло не так" in response.text
