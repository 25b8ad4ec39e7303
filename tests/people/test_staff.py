"""Keeping the staff list: adding and editing people, finding them, their roles and accounts."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from people.models import AuditEvent, Person, Role
from tests.factories import PASSWORD, PersonFactory, UserFactory

User = get_user_model()


def field_error(html: str, field: str) -> str:
    """The text of the error crispy-forms renders right under the field, or "" when there is none."""
    match = re.search(rf'<div id="id_{field}_error"[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", match[1]).strip() if match else ""


def person_data(**changes) -> dict:
    data = {
        "surname": "Ёлкина",
        "name": "Вера",
        "patronymic": "Степановна",
        "position": "Учитель химии",
        "qualification_category": Person.Category.FIRST,
        "experience_years": "4",
        "email": "elkina.vs@school.example.ru",
        "phone": "+7 (920) 111-22-33",
        "hired_on": "2022-09-01",
        "left_on": "",
    }
    return {**data, **changes}


def create_url(org) -> str:
    return reverse("people:person_create", args=[org.slug])


def test_curator_adds_a_staff_member(curator):
    response = curator.client.post(
        create_url(curator.org), person_data(surname="  Ёлкина\xa0 ", position="Учитель  химии")
    )
    person = Person.objects.get(organization=curator.org, surname="Ёлкина")
    assert response.status_code == 302
    assert response.url == person.get_absolute_url()
    assert person.position == "Учитель химии"
    assert person.hired_on == date(2022, 9, 1)
    assert person.name_key == "елкина вера степановна"
    assert person.user is None
    page = curator.client.get(response.url)
    assert "Работник Ёлкина В. С. добавлен." in page.text


def test_leaving_before_being_hired_is_refused_beside_the_leaving_date(curator):
    response = curator.client.post(create_url(curator.org), person_data(hired_on="2024-09-01", left_on="2024-08-31"))
    assert response.status_code == 200
    assert field_error(response.text, "left_on") == "Дата увольнения не может быть раньше даты приёма."
    assert field_error(response.text, "hired_on") == ""
    assert not Person.objects.filter(surname="Ёлкина").exists()


def test_bad_phone_is_refused_beside_the_phone(curator):
    response = curator.client.post(create_url(curator.org), person_data(phone="звоните вечером"))
    assert response.status_code == 200
    assert field_error(response.text, "phone") == "Телефон: цифры, пробелы, скобки, + и -."
    assert not Person.objects.filter(surname="Ёлкина").exists()


def test_missing_fields_and_wild_experience_are_explained_in_russian(curator):
    response = curator.client.post(create_url(curator.org), person_data(surname="", position="", experience_years="75"))
    assert field_error(response.text, "surname") == "Обязательное поле."
    assert field_error(response.text, "position") == "Обязательное поле."
    assert field_error(response.text, "experience_years") == "Стаж больше 70 лет — проверьте число."


def test_admin_edits_a_card_and_search_follows_the_new_name(admin, mentee):
    url = reverse("people:person_edit", args=[admin.org.slug, mentee.person.pk])
    response = admin.client.post(url, person_data(surname="Семёнова", name="Дарья", patronymic="Андреевна"))
    assert response.status_code == 302
    mentee.person.refresh_from_db()
    assert mentee.person.full_name == "Семёнова Дарья Андреевна"
    assert mentee.person.organization == admin.org
    found = admin.client.get(staff_url(admin.org), {"q": "семенова"})
    assert list(found.context["page"].object_list) == [mentee.person]


def test_edit_form_keeps_dates_in_the_date_inputs(curator, mentee):
    mentee.person.hired_on = date(2021, 9, 1)
    mentee.person.save()
    response = curator.client.get(reverse("people:person_edit", args=[curator.org.slug, mentee.person.pk]))
    assert 'name="hired_on" value="2021-09-01"' in response.text


def test_person_of_another_organisation_cannot_be_edited(admin, outsider):
    url = reverse("people:person_edit", args=[admin.org.slug, outsider.person.pk])
    assert admin.client.post(url, person_data()).status_code == 404
    outsider.person.refresh_from_db()
    assert outsider.person.surname == "Лаптев"


def staff_url(org) -> str:
    return reverse("people:staff_list", args=[org.slug])


def listed(response) -> list[str]:
    return [p.short_name for p in response.context["page"].object_list]


@pytest.mark.parametrize("query", ["семенова", "СЕМЁНОВА", "Семенова", "семёнова ольга", "ольга  семенова", "Ольг"])
def test_search_ignores_case_and_yo(curator, query):
    PersonFactory(organization=curator.org, surname="Семёнова", name="Ольга", patronymic="Ивановна")
    PersonFactory(organization=curator.org, surname="Семенов", name="Пётр", patronymic="Ильич")
    PersonFactory(organization=curator.org, surname="Ёжикова", name="Анна", patronymic="Ивановна")
    response = curator.client.get(staff_url(curator.org), {"q": query})
    assert listed(response) == ["Семёнова О. И."]


def test_search_with_yo_in_the_query_finds_a_name_written_with_e(curator):
    PersonFactory(organization=curator.org, surname="Ежова", name="Алёна", patronymic="")
    response = curator.client.get(staff_url(curator.org), {"q": "Алена ЕЖОВА"})
    assert listed(response) == ["Ежова А."]
    assert listed(curator.client.get(staff_url(curator.org), {"q": "Ёжова"})) == ["Ежова А."]


def test_search_finds_nobody_and_says_so(curator):
    response = curator.client.get(staff_url(curator.org), {"q": "Несуществующая"})
    assert listed(response) == []
    assert "Никого не нашлось" in response.text


def test_search_stays_within_the_organisation(curator, outsider):
    assert listed(curator.client.get(staff_url(curator.org), {"q": "Лаптев"})) == []


def test_staff_list_pages_by_25(curator):
    PersonFactory.create_batch(30, organization=curator.org)  # with the curator: 31 people
    first = curator.client.get(staff_url(curator.org))
    assert first.context["page"].paginator.count == 31
    assert len(first.context["page"].object_list) == 25
    assert "Показаны 1–25 из 31" in first.text
    second = curator.client.get(staff_url(curator.org), {"page": 2})
    assert len(second.context["page"].object_list) == 6
    first_pks = {p.pk for p in first.context["page"].object_list}
    second_pks = {p.pk for p in second.context["page"].object_list}
    assert not first_pks & second_pks
    assert first_pks | second_pks == set(Person.objects.filter(organization=curator.org).values_list("pk", flat=True))
    # A page number out of range shows the last page rather than an error.
    assert curator.client.get(staff_url(curator.org), {"page": 99}).context["page"].number == 2


def test_pagination_links_keep_the_search(curator):
    PersonFactory.create_batch(30, organization=curator.org, surname="Иванова")
    response = curator.client.get(staff_url(curator.org), {"q": "иванова"})
    assert "?q=%D0%B8%D0%B2%D0%B0%D0%BD%D0%BE%D0%B2%D0%B0&amp;page=2" in response.text


def test_staff_list_filters_by_role(curator, mentor, mentee, head):
    PersonFactory(
        organization=curator.org, surname="Яковлева", name="Инна", patronymic="Юрьевна", roles=["mentor", "mentee"]
    )
    response = curator.client.get(staff_url(curator.org), {"role": Role.Kind.MENTOR})
    assert listed(response) == ["Фролова Г. П.", "Яковлева И. Ю."]
    assert listed(curator.client.get(staff_url(curator.org), {"role": Role.Kind.HEAD})) == ["Сорокина А. П."]
    # An unknown role filters nothing out rather than failing.
    assert len(listed(curator.client.get(staff_url(curator.org), {"role": "astronaut"}))) == 5


def test_staff_who_left_are_hidden_unless_asked_for(curator):
    PersonFactory(
        organization=curator.org, surname="Уволенная", name="Анна", patronymic="Павловна", left_on=date(2020, 1, 1)
    )
    assert listed(curator.client.get(staff_url(curator.org))) == ["Белова Н. С."]
    everyone = curator.client.get(staff_url(curator.org), {"show": "all"})
    assert listed(everyone) == ["Белова Н. С.", "Уволенная А. П."]
    assert "уволен</span>" in everyone.text


def roles_url(person) -> str:
    return reverse("people:person_roles", args=[person.organization.slug, person.pk])


def kinds(person) -> set[str]:
    return set(person.roles.values_list("kind", flat=True))


def test_admin_adds_and_removes_roles(admin, mentee):
    response = admin.client.post(roles_url(mentee.person), {"roles": [Role.Kind.MENTOR, Role.Kind.COUNCIL]})
    assert response.status_code == 302
    assert kinds(mentee.person) == {Role.Kind.MENTOR, Role.Kind.COUNCIL}
    admin.client.post(roles_url(mentee.person), {})
    assert kinds(mentee.person) == set()


def test_roles_form_shows_the_current_roles(admin, persona):
    both = persona(admin.org, Role.Kind.MENTOR, Role.Kind.COUNCIL)
    form = admin.client.get(roles_url(both.person)).context["form"]
    assert sorted(form.initial["roles"]) == [Role.Kind.COUNCIL, Role.Kind.MENTOR]


def test_admin_cannot_remove_own_admin_role(admin):
    response = admin.client.post(roles_url(admin.person), {"roles": [Role.Kind.MENTOR]})
    assert response.status_code == 200
    assert "Нельзя снять роль администратора с самого себя" in field_error(response.text, "roles")
    assert kinds(admin.person) == {Role.Kind.ADMIN}


def test_admin_may_take_more_roles_while_keeping_admin(admin):
    admin.client.post(roles_url(admin.person), {"roles": [Role.Kind.ADMIN, Role.Kind.MENTOR]})
    assert kinds(admin.person) == {Role.Kind.ADMIN, Role.Kind.MENTOR}


def test_another_admin_may_remove_an_admin_role(admin, persona):
    second = persona(admin.org, Role.Kind.ADMIN)
    admin.client.post(roles_url(second.person), {"roles": [Role.Kind.MENTOR]})
    assert kinds(second.person) == {Role.Kind.MENTOR}


def account_url(person, name: str = "person_account") -> str:
    return reverse(f"people:{name}", args=[person.organization.slug, person.pk])


def test_account_creation_emails_a_link_to_set_the_password(admin, client):
    person = PersonFactory(organization=admin.org, surname="Ёлкина", name="Вера", email="", roles=["mentee"])
    response = admin.client.post(account_url(person), {"username": "Elkina", "email": "elkina@school.example.ru"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user.username == "elkina"
    assert person.email == "elkina@school.example.ru"
    assert not person.user.has_usable_password()

    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["elkina@school.example.ru"]
    assert letter.subject == "Учётная запись в системе «Наставничество»"
    assert "Ваш логин: elkina" in letter.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", letter.body)
    assert link, letter.body

    # The new member of staff follows the link, sets a password and logs in with it.
    form_page = client.get(link[1], follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Vesna-2026-school", "new_password2": "Vesna-2026-school"}
    )
    assert done.status_code == 302
    login = client.post(reverse("login"), {"username": "elkina", "password": "Vesna-2026-school"})
    assert login.status_code == 302
    assert client.get("/").url == reverse("role_home", args=[admin.org.slug, Role.Kind.MENTEE])


def test_duplicate_login_is_refused_with_a_message(admin, mentee):
    person = PersonFactory(organization=admin.org)
    taken = mentee.user.username.upper()
    response = admin.client.post(account_url(person), {"username": taken, "email": "someone@school.example.ru"})
    assert response.status_code == 200
    assert field_error(response.text, "username") == "Этот логин уже занят — выберите другой."
    person.refresh_from_db()
    assert person.user is None
    assert mail.outbox == []


def test_a_person_with_an_account_gets_no_second_one(admin, mentee):
    response = admin.client.post(account_url(mentee.person), {"username": "second", "email": "second@example.com"})
    assert response.status_code == 200
    assert "уже есть учётная запись" in response.text
    assert not User.objects.filter(username="second").exists()


def test_admin_resends_the_password_link(admin, mentee):
    response = admin.client.post(account_url(mentee.person, "person_account_invite"))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [mentee.user.email]
    assert f"Ваш логин: {mentee.user.username}" in mail.outbox[0].body


def test_resend_to_an_account_that_never_set_a_password(admin):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    person = PersonFactory(organization=admin.org, user=user)
    admin.client.post(account_url(person, "person_account_invite"))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]


def log_in(username: str, password: str = PASSWORD):
    return Client().post(reverse("login"), {"username": username, "password": password})


def test_switching_access_off_shuts_the_organisation_and_a_login_with_nothing_left(admin, mentor):
    url = account_url(mentor.person, "person_account_toggle")
    home = reverse("role_home", args=[mentor.org.slug, Role.Kind.MENTOR])
    assert admin.client.get(url).status_code == 405
    admin.client.post(url)
    mentor.person.refresh_from_db()
    mentor.user.refresh_from_db()
    assert mentor.person.access_disabled_at is not None
    assert mentor.user.is_active  # the login is not the organisation's to switch off
    # The open session reaches nothing of the organisation, and with no organisation left the login is refused.
    assert mentor.client.get(home).status_code == 404
    assert log_in(mentor.user.username).status_code == 200
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ACCESS_CHANGED)
    assert event.detail == f"работник № {mentor.person.pk} ({mentor.user.username}): доступ в организацию отключён"

    admin.client.post(url)
    mentor.person.refresh_from_db()
    assert mentor.person.access_disabled_at is None
    assert mentor.client.get(home).status_code == 200
    assert log_in(mentor.user.username).status_code == 302


def test_an_administrator_switches_off_only_their_own_organisation_for_a_shared_person(admin, outsider, org):
    """The head of another organisation who also teaches in `org` keeps their own organisation."""
    card_here = PersonFactory(organization=org, user=outsider.user, roles=[Role.Kind.MENTOR])
    admin.client.post(account_url(card_here, "person_account_toggle"))
    outsider.user.refresh_from_db()
    assert outsider.user.is_active
    response = log_in(outsider.user.username)
    assert response.status_code == 302
    client = Client()
    client.force_login(outsider.user)
    assert client.get(reverse("role_home", args=[outsider.org.slug, Role.Kind.HEAD])).status_code == 200
    assert client.get(reverse("role_home", args=[org.slug, Role.Kind.MENTOR])).status_code == 404
    assert client.get(reverse("people:staff_list", args=[org.slug])).status_code == 404


def test_admin_cannot_lock_themselves_out(admin):
    response = admin.client.post(account_url(admin.person, "person_account_toggle"), follow=True)
    assert "Нельзя отключить собственный доступ" in response.text
    admin.person.refresh_from_db()
    assert admin.person.access_disabled_at is None


def test_toggling_a_person_without_an_account_is_404(admin):
    person = PersonFactory(organization=admin.org)
    assert admin.client.post(account_url(person, "person_account_toggle")).status_code == 404
