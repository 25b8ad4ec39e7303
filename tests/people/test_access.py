"""Who may open which page of their own organisation; everyone else gets 404, never 403."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from people.models import MentoringForm, Role


def staff_url(org) -> str:
    return reverse("people:staff_list", args=[org.slug])


def person_url(name: str, person) -> str:
    return reverse(f"people:{name}", args=[person.organization.slug, person.pk])


@pytest.fixture
def council(org, persona):
    return persona(org, Role.Kind.COUNCIL, surname="Захарова", name="Ольга", patronymic="Николаевна")


@pytest.mark.parametrize("who", ["head", "curator", "admin", "council"])
def test_managing_roles_see_the_staff_list(request, who, mentor):
    actor = request.getfixturevalue(who)
    response = actor.client.get(staff_url(actor.org))
    assert response.status_code == 200
    assert "Фролова Г. П." in response.text


@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_mentor_and_mentee_get_404_for_the_staff_list(request, who):
    actor = request.getfixturevalue(who)
    assert actor.client.get(staff_url(actor.org)).status_code == 404


def test_outsider_gets_404_for_the_staff_list(org, outsider):
    assert outsider.client.get(staff_url(org)).status_code == 404


def test_mentor_sees_own_card(mentor):
    response = mentor.client.get(person_url("person_detail", mentor.person))
    assert response.status_code == 200
    assert "Фролова Галина Петровна" in response.text


def test_mentor_gets_404_for_a_colleagues_card(mentor, mentee):
    assert mentor.client.get(person_url("person_detail", mentee.person)).status_code == 404


def test_head_sees_any_card_of_the_organisation(head, mentee):
    response = head.client.get(person_url("person_detail", mentee.person))
    assert response.status_code == 200
    assert "Смирнова Дарья Андреевна" in response.text


def test_my_card_opens_the_users_own_card(mentee):
    response = mentee.client.get(reverse("people:my_card", args=[mentee.org.slug]))
    assert response.status_code == 302
    assert response.url == mentee.person.get_absolute_url()


@pytest.mark.parametrize("who", ["curator", "admin"])
def test_curator_and_admin_may_edit_a_card(request, who, mentee):
    actor = request.getfixturevalue(who)
    assert actor.client.get(person_url("person_edit", mentee.person)).status_code == 200
    assert actor.client.get(reverse("people:person_create", args=[actor.org.slug])).status_code == 200


@pytest.mark.parametrize("who", ["head", "council", "mentor", "mentee"])
def test_other_roles_get_404_for_editing(request, who, mentee):
    actor = request.getfixturevalue(who)
    response = actor.client.post(person_url("person_edit", mentee.person), {"surname": "Изменённая"})
    assert response.status_code == 404
    assert actor.client.get(reverse("people:person_create", args=[actor.org.slug])).status_code == 404
    mentee.person.refresh_from_db()
    assert mentee.person.surname == "Смирнова"


def test_edit_buttons_show_only_to_those_who_may_edit(head, curator, admin, mentee):
    url = person_url("person_detail", mentee.person)
    edit_url = person_url("person_edit", mentee.person)
    roles_url = person_url("person_roles", mentee.person)
    assert edit_url not in head.client.get(url).text
    curator_page = curator.client.get(url).text
    assert edit_url in curator_page
    assert roles_url not in curator_page
    assert roles_url in admin.client.get(url).text


def test_roles_page_is_for_the_admin_only(head, curator, admin, mentee):
    url = person_url("person_roles", mentee.person)
    assert admin.client.get(url).status_code == 200
    for actor in (head, curator, mentee):
        assert actor.client.post(url, {"roles": [Role.Kind.ADMIN]}).status_code == 404
    assert not Role.objects.filter(person=mentee.person, kind=Role.Kind.ADMIN).exists()


def test_account_pages_are_for_the_admin_only(curator, admin, mentor):
    for name in ("person_account_toggle", "person_account_invite"):
        assert curator.client.post(person_url(name, mentor.person)).status_code == 404
    assert curator.client.get(person_url("person_account", mentor.person)).status_code == 404
    assert admin.client.get(person_url("person_account", mentor.person)).status_code == 200
    mentor.user.refresh_from_db()
    assert mentor.user.is_active


def reference_url(org, key: str = "forms") -> str:
    return reverse("people:reference_list", args=[org.slug, key])


def test_curator_sees_reference_lists_without_the_add_form(curator):
    response = curator.client.get(reference_url(curator.org))
    assert response.status_code == 200
    assert "Педагог – педагог" in response.text
    assert "Добавить запись" not in response.text


def test_curator_cannot_add_to_a_reference_list(curator):
    response = curator.client.post(reference_url(curator.org), {"name": "Педагог – родитель", "position": 50})
    assert response.status_code == 404
    assert not MentoringForm.objects.filter(name="Педагог – родитель").exists()


def test_curator_cannot_edit_a_reference_entry(curator):
    item = MentoringForm.objects.get(organization=curator.org, code="teacher-teacher")
    url = reverse("people:reference_edit", args=[curator.org.slug, "forms", item.pk])
    assert curator.client.post(url, {"name": "Другое", "position": 1, "is_active": "on"}).status_code == 404
    item.refresh_from_db()
    assert item.name == "Педагог – педагог"


def test_admin_adds_to_a_reference_list(admin):
    response = admin.client.post(reference_url(admin.org), {"name": "Педагог – родитель", "position": 50})
    assert response.status_code == 302
    assert MentoringForm.objects.filter(organization=admin.org, name="Педагог – родитель", code="").exists()


@pytest.mark.parametrize("who", ["head", "mentor", "mentee", "council"])
def test_reference_lists_are_closed_to_other_roles(request, who):
    actor = request.getfixturevalue(who)
    assert actor.client.get(reference_url(actor.org)).status_code == 404
    assert actor.client.get(reverse("people:reference_index", args=[actor.org.slug])).status_code == 404


def test_unknown_reference_list_is_404(admin):
    assert admin.client.get(reference_url(admin.org, "no-such-list")).status_code == 404


def test_reference_entry_of_another_organisation_is_404(admin, other_org):
    foreign = MentoringForm.objects.get(organization=other_org, code="teacher-teacher")
    url = reverse("people:reference_edit", args=[admin.org.slug, "forms", foreign.pk])
    assert admin.client.get(url).status_code == 404


@pytest.mark.time_machine("2026-11-20 10:00 +03:00")
@pytest.mark.parametrize("who", ["head", "admin"])
def test_head_and_admin_edit_the_organisation(request, who):
    actor = request.getfixturevalue(who)
    url = reverse("people:org_settings", args=[actor.org.slug])
    data = {
        "full_name": "МБОУ «Средняя школа № 1 имени А. С. Пушкина»",
        "short_name": "МБОУ «СОШ № 1»",
        "kind": "school",
        "order_number_format": "{n}-од",
        "programme_approver": "curator",
        "order_signer": "head",
        "meeting_gap_weeks": 3,
    }
    response = actor.client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    actor.org.refresh_from_db()
    assert actor.org.full_name == "МБОУ «Средняя школа № 1 имени А. С. Пушкина»"


@pytest.mark.parametrize("who", ["curator", "council", "mentor", "mentee"])
def test_other_roles_get_404_for_organisation_settings(request, who):
    actor = request.getfixturevalue(who)
    assert actor.client.get(reverse("people:org_settings", args=[actor.org.slug])).status_code == 404


def role_home(org, role: str) -> str:
    return reverse("role_home", args=[org.slug, role])


def test_role_home_of_a_role_the_user_lacks_is_404(mentor):
    for role in (Role.Kind.HEAD, Role.Kind.CURATOR, Role.Kind.ADMIN, Role.Kind.COUNCIL, Role.Kind.MENTEE):
        assert mentor.client.get(role_home(mentor.org, role)).status_code == 404
    assert mentor.client.get(role_home(mentor.org, Role.Kind.MENTOR)).status_code == 200


@pytest.mark.parametrize(
    ("who", "title"),
    [
        ("head", "Рабочий стол руководителя"),
        ("curator", "Рабочий стол куратора"),
        ("admin", "Рабочий стол администратора"),
        ("council", "Методический совет"),
        ("mentor", "Рабочий стол наставника"),
        ("mentee", "Рабочий стол наставляемого"),
    ],
)
def test_login_lands_on_the_home_of_the_users_role(request, who, title):
    actor = request.getfixturevalue(who)
    response = actor.client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == role_home(actor.org, who)
    assert response.context["access"].role == who
    assert title in response.text


def nav_labels(response) -> list[str]:
    return [item["label"] for item in response.context["nav_items"]]


def test_visiting_a_role_home_makes_that_role_active(org, persona):
    both = persona(org, Role.Kind.CURATOR, Role.Kind.MENTOR)
    # The curator comes first by priority.
    assert both.client.get("/").url == role_home(org, Role.Kind.CURATOR)

    response = both.client.get(role_home(org, Role.Kind.MENTOR))
    mentor_menu = ["Главная", "Анкета наставника", "Опросы", "Методическая копилка", "Календарь"]
    assert nav_labels(response) == mentor_menu
    # Remembered for the next visit of the site's root, and the menu stays the mentor's on other pages.
    assert both.client.get("/").url == role_home(org, Role.Kind.MENTOR)
    card = both.client.get(reverse("people:my_card", args=[org.slug]), follow=True)
    assert nav_labels(card) == mentor_menu

    response = both.client.get(role_home(org, Role.Kind.CURATOR))
    assert nav_labels(response) == ["Главная", "Работники", "Банки", "Пары и группы", "Мониторинг", "Документы"]
    assert both.client.get("/").url == role_home(org, Role.Kind.CURATOR)


def test_page_for_another_role_uses_that_roles_menu(org, persona):
    both = persona(org, Role.Kind.CURATOR, Role.Kind.MENTOR)
    both.client.get(role_home(org, Role.Kind.MENTOR))
    # The staff list is a curator's page: while there, the user acts as curator.
    response = both.client.get(staff_url(org))
    assert response.context["access"].role == Role.Kind.CURATOR
    assert "Работники" in nav_labels(response)


def test_switcher_lists_both_roles_and_switches(org, persona):
    both = persona(org, Role.Kind.MENTOR, Role.Kind.MENTEE, surname="Яковлева")
    response = both.client.get("/", follow=True)
    switcher = {r["label"]: r for r in response.context["nav_roles"]}
    assert set(switcher) == {"Наставник", "Наставляемый"}
    assert switcher["Наставник"]["active"]
    assert not switcher["Наставляемый"]["active"]
    assert f'href="{role_home(org, Role.Kind.MENTEE)}"' in response.text

    response = both.client.get(switcher["Наставляемый"]["url"])
    assert response.status_code == 200
    assert "Рабочий стол наставляемого" in response.text
    switcher = {r["label"]: r for r in response.context["nav_roles"]}
    assert switcher["Наставляемый"]["active"]
    assert not switcher["Наставник"]["active"]


def test_switcher_names_the_organisation_when_the_user_works_in_two(org, other_org, persona):
    person = persona(org, Role.Kind.MENTOR)
    # The same account holds a role in a second organisation (a part-time teacher).
    second = persona(other_org, Role.Kind.CURATOR)
    second.person.user = person.user
    second.person.save(update_fields=["user"])
    response = person.client.get("/", follow=True)
    roles = {(r["org"], r["label"]) for r in response.context["nav_roles"]}
    assert roles == {(org.short_name, "Наставник"), (other_org.short_name, "Куратор")}
    assert response.context["nav_many_orgs"]
    assert person.client.get(role_home(other_org, Role.Kind.CURATOR)).status_code == 200
    assert person.client.get(staff_url(other_org)).status_code == 200
    assert person.client.get(staff_url(org)).status_code == 404


def test_user_without_roles_sees_an_explanation(org, persona):
    nobody = persona(org)
    response = nobody.client.get("/")
    assert response.status_code == 200
    assert "У вашей учётной записи пока нет ролей" in response.text
    assert nobody.client.get(reverse("org_home", args=[org.slug])).status_code == 404


def test_staff_member_who_left_loses_access(head):
    head.person.left_on = date.today()
    head.person.save()
    assert head.client.get(staff_url(head.org)).status_code == 404
    assert "У вашей учётной записи пока нет ролей" in head.client.get("/").text
