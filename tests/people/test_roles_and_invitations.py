"""Roles that follow decisions (people.roles), invitations (people.accounts) and notices (people.notices)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from people import accounts, notices, roles
from people.models import AuditEvent, Notice, Role
from tests.factories import PersonFactory, UserFactory

INVITE_SUBJECT = "Учётная запись в системе «Наставничество»"


def kinds(person) -> set[str]:
    return set(person.roles.values_list("kind", flat=True))


def test_settling_grants_to_those_held_and_withdraws_from_the_others(org, head, django_capture_on_commit_callbacks):
    kept = PersonFactory(organization=org, roles=[Role.Kind.MENTEE], with_account=True)
    newcomer = PersonFactory(organization=org)
    leaving = PersonFactory(organization=org, roles=[Role.Kind.MENTEE, Role.Kind.MENTOR], email="ivanova@example.ru")

    with django_capture_on_commit_callbacks(execute=True):
        changes = roles.settle(
            Role.Kind.MENTEE,
            [kept, newcomer, leaving],
            holding={kept.pk, newcomer.pk},
            ground="приказ от 03.12.2026 № 7-од",
            why="пара наставника Петровой А. Б. завершена",
            by=head.user,
        )

    assert (changes.granted, changes.withdrawn) == ([newcomer], [leaving])
    assert kinds(kept) == kinds(newcomer) == {Role.Kind.MENTEE}
    assert kinds(leaving) == {Role.Kind.MENTOR}  # only the role in question is touched
    audit = AuditEvent.objects.filter(kind=AuditEvent.Kind.ROLES_CHANGED).order_by("id")
    assert [(e.username, e.detail) for e in audit] == [
        (head.user.username, f"работник № {newcomer.pk}: добавлена роль «Наставляемый» — приказ от 03.12.2026 № 7-од"),
        (head.user.username, f"работник № {leaving.pk}: снята роль «Наставляемый» — приказ от 03.12.2026 № 7-од"),
    ]
    [note] = Notice.objects.all()
    assert note.person == leaving
    assert note.text == (
        "Роль «Наставляемый» снята: пара наставника Петровой А. Б. завершена. История ваших пар и программ сохранена."
    )
    [letter] = mail.outbox
    assert letter.to == ["ivanova@example.ru"] and letter.subject == "МБОУ «СОШ № 1»: снята роль «Наставляемый»"


def test_a_letter_waits_for_the_commit_and_a_rollback_sends_nothing(org, django_capture_on_commit_callbacks):
    person = PersonFactory(organization=org)
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        notices.tell(person, notices.Kind.ROLE, "Вы назначены куратором.", subject="вы назначены куратором")
    assert mail.outbox == [] and len(waiting) == 1


def test_silenced_history_tells_nobody(org, django_capture_on_commit_callbacks):
    person = PersonFactory(organization=org)
    with django_capture_on_commit_callbacks(execute=True), notices.silenced():
        assert notices.tell(person, notices.Kind.ROLE, "Роль снята.") == []
    assert not Notice.objects.exists() and mail.outbox == []


def test_inviting_creates_an_account_and_sends_the_link_once(org, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://nastavnik.example.ru"
    UserFactory(username="smirnova")
    person = PersonFactory(organization=org, email="Smirnova@school.example.ru")

    with django_capture_on_commit_callbacks(execute=True):
        assert accounts.invite(person) == accounts.Invitation.CREATED
        assert accounts.invite(person) == accounts.Invitation.HAS_ACCOUNT

    person.refresh_from_db()
    assert person.user.username == "smirnova-2" and person.user.email == "Smirnova@school.example.ru"
    assert (person.user.first_name, person.user.last_name) == (person.name, person.surname)
    [letter] = mail.outbox
    assert letter.subject == INVITE_SUBJECT and letter.to == ["Smirnova@school.example.ru"]
    assert "Ваш логин: smirnova-2" in letter.body
    assert "https://nastavnik.example.ru/accounts/reset/" in letter.body


def test_nobody_is_invited_without_an_address(org, django_capture_on_commit_callbacks):
    person = PersonFactory(organization=org, email="")
    with django_capture_on_commit_callbacks(execute=True):
        assert accounts.invite(person) == accounts.Invitation.NO_EMAIL
    person.refresh_from_db()
    assert person.user_id is None and mail.outbox == []


def test_the_administrator_still_creates_an_account_by_hand(org, admin):
    person = PersonFactory(organization=org, email="")
    url = reverse("people:person_account", args=[org.slug, person.pk])
    response = admin.client.post(url, {"username": "Orlova", "email": "orlova@school.example.ru"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user.username == "orlova" and person.email == "orlova@school.example.ru"
    [letter] = mail.outbox
    assert letter.subject == INVITE_SUBJECT and "Ваш логин: orlova" in letter.body


# --- notices on the home page -------------------------------------------------------------------------------


def test_a_person_hides_their_own_notice_and_no_one_else_s(org, mentee, mentor, outsider):
    [own] = notices.tell(mentee.person, notices.Kind.PAIR, "Вы закреплены наставляемым.")
    [other] = notices.tell(mentor.person, notices.Kind.PAIR, "Вы закреплены наставником.")
    home = reverse("role_home", args=[org.slug, "mentee"])
    assert "Вы закреплены наставляемым." in mentee.client.get(home).content.decode()

    hide = reverse("people:notice_dismiss", args=[org.slug, own.pk])
    assert mentee.client.get(hide).status_code == 405
    assert mentor.client.post(hide).status_code == 404
    assert outsider.client.post(reverse("people:notice_dismiss", args=[org.slug, other.pk])).status_code == 404
    assert mentee.client.post(reverse("people:notice_dismiss", args=[org.slug, other.pk])).status_code == 404

    response = mentee.client.post(hide)
    assert response.status_code == 302
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.read_at is not None and other.read_at is None
    assert "Вы закреплены наставляемым." not in mentee.client.get(home).content.decode()


@pytest.mark.parametrize("role", [kind.value for kind in Role.Kind])
def test_every_home_shows_the_person_s_notices(org, persona, role):
    actor = persona(org, role)
    notices.tell(actor.person, notices.Kind.ORDER, "Приказ касается вас.", link="/o/x/", link_text="Открыть")
    page = actor.client.get(reverse("role_home", args=[org.slug, role])).content.decode()
    assert 'data-testid="notice"' in page and "Приказ касается вас." in page
