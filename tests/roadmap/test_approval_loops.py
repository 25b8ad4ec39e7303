"""Approvals close their loops (issue 14, point 4): roles, invitations and notices that follow an approved order."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from mentoring.models import Mentorship
from people.models import AuditEvent, Notice, Role
from roadmap import regulation as regulation_service
from roadmap.models import OrderKind, Regulation
from roadmap.services import approve_order
from tests.factories import PersonFactory
from tests.mentoring.pair_fixtures import make_pair
from tests.roadmap.approval_fixtures import make_order

pytestmark = [pytest.mark.usefixtures("media"), pytest.mark.time_machine("2026-12-03 10:00 +03:00")]


def kinds(person) -> set[str]:
    return set(person.roles.values_list("kind", flat=True))


def proposed(mentor, *mentees) -> Mentorship:
    return make_pair(mentor, *mentees, state=Mentorship.State.PROPOSED)


def letters_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


# --- a pairs order ------------------------------------------------------------------------------------------


def test_a_pairs_order_gives_the_mentor_and_the_mentees_their_roles(org, head, curator, settings, capture):
    settings.SITE_URL = "https://nastavnik.example.ru"
    mentor = PersonFactory(organization=org, with_account=True, email="frolova@school.example.ru")
    first = PersonFactory(organization=org, with_account=True, email="smirnova@school.example.ru")
    second = PersonFactory(organization=org, with_account=True, email="orlova@school.example.ru")
    pair = proposed(mentor, first, second)
    order = make_order(org, OrderKind.PAIRS, author=curator.user, mentorships=[pair])

    with capture(execute=True):
        approve_order(order, by=head.user)

    assert kinds(mentor) == {Role.Kind.MENTOR}
    assert kinds(first) == kinds(second) == {Role.Kind.MENTEE}
    audit = list(AuditEvent.objects.filter(kind=AuditEvent.Kind.ROLES_CHANGED).values_list("detail", flat=True))
    assert len(audit) == 3 and all(f"приказ от 03.12.2026 № {order.reg_number}" in d for d in audit)
    assert all(mentor.surname not in d for d in audit)  # the log names people by number, not by name
    note = Notice.objects.get(person=first, kind=Notice.Kind.PAIR)
    assert note.text.startswith(f"Вы закреплены наставляемым, ваш наставник — {mentor.full_name}")
    assert f"приказом от 03.12.2026 № {order.reg_number}" in note.text
    assert "Ваша программа: составить до" in note.text
    assert note.link == reverse("mentoring:programme", args=[org.slug, pair.pk])
    [to_mentor] = letters_to("frolova@school.example.ru")
    assert "вы закреплены наставником" in to_mentor.subject
    assert f"https://nastavnik.example.ru/o/{org.slug}/pairs/{pair.pk}/" in to_mentor.body
    assert len(letters_to("smirnova@school.example.ru")) == 1


def test_participants_without_an_account_are_invited_once(org, head, curator, capture):
    mentor = PersonFactory(organization=org, email="Frolova.G@school.example.ru")
    mentee = PersonFactory(organization=org, email="smirnova@school.example.ru")
    first = proposed(mentor, mentee)
    with capture(execute=True):
        approve_order(make_order(org, OrderKind.PAIRS, mentorships=[first]), by=head.user)

    mentor.refresh_from_db()
    mentee.refresh_from_db()
    assert mentor.user.username == "frolova-g" and mentee.user.username == "smirnova"
    assert not mentee.user.has_usable_password()  # they set it from the invitation
    invitations = [m for m in mail.outbox if m.subject == "Учётная запись в системе «Наставничество»"]
    assert sorted(m.to[0] for m in invitations) == ["Frolova.G@school.example.ru", "smirnova@school.example.ru"]
    assert "Ваш логин: smirnova" in letters_to("smirnova@school.example.ru")[0].body + "".join(
        m.body for m in invitations
    )

    # A second order naming the same mentee (the first pair completed: one pair at a time) sends no second invitation.
    first.refresh_from_db()
    first.complete(by=None, on=first.started_on)
    mail.outbox.clear()
    other = PersonFactory(organization=org, with_account=True)
    with capture(execute=True):
        approve_order(make_order(org, OrderKind.PAIRS, mentorships=[proposed(other, mentee)]), by=head.user)
    assert not [m for m in mail.outbox if m.subject == "Учётная запись в системе «Наставничество»"]
    assert len(letters_to("smirnova@school.example.ru")) == 1  # the notice of the new pair only


def test_a_participant_without_an_address_is_shown_to_the_curator(org, head, curator, capture):
    mentor = PersonFactory(organization=org, with_account=True)
    mentee = PersonFactory(organization=org, email="")
    pair = proposed(mentor, mentee)
    with capture(execute=True):
        approve_order(make_order(org, OrderKind.PAIRS, mentorships=[pair]), by=head.user)

    mentee.refresh_from_db()
    assert mentee.user_id is None and kinds(mentee) == {Role.Kind.MENTEE}
    home = curator.client.get(reverse("role_home", args=[org.slug, "curator"]))
    assert home.context["pairs"]["without_account"] == 1
    assert "Участников действующих пар без учётной записи: 1 — пригласите их" in home.content.decode()
    page = curator.client.get(reverse("mentoring:mentorship_detail", args=[org.slug, pair.pk])).content.decode()
    assert page.count('data-testid="no-account"') == 1 and "нет учётной записи — пригласите" in page
    listed = curator.client.get(reverse("people:staff_list", args=[org.slug]) + "?account=none")
    assert [p.pk for p in listed.context["page"]] == [mentee.pk]


# --- an early end -------------------------------------------------------------------------------------------


def test_an_early_end_withdraws_only_the_roles_nothing_else_holds(org, head, mentor, mentee, persona, capture):
    other_mentee = persona(org, Role.Kind.MENTEE)
    ending = make_pair(mentor.person, mentee.person, other_mentee.person, state=Mentorship.State.ACTIVE)
    # The mentor keeps mentoring another pair; the second mentee is still a mentee in another group.
    make_pair(mentor.person, PersonFactory(organization=org), state=Mentorship.State.ACTIVE)
    make_pair(PersonFactory(organization=org), other_mentee.person, state=Mentorship.State.PROPOSED)
    mail.outbox.clear()
    order = make_order(org, OrderKind.EARLY_END, mentorships=[ending], end_reason=Mentorship.EndReason.MUTUAL)

    with capture(execute=True):
        approve_order(order, by=head.user)

    assert kinds(mentor.person) == {Role.Kind.MENTOR}
    assert kinds(other_mentee.person) == {Role.Kind.MENTEE}
    assert kinds(mentee.person) == set()
    ending.refresh_from_db()
    assert ending.state == Mentorship.State.ENDED_EARLY and ending.mentees.count() == 2  # history stays
    [note] = Notice.objects.filter(person=mentee.person, kind=Notice.Kind.ROLE)
    assert note.text.startswith("Роль «Наставляемый» снята: группа наставника")
    assert f"приказ от 03.12.2026 № {order.reg_number}" in note.text
    assert "МБОУ «СОШ № 1»: снята роль «Наставляемый»" in [m.subject for m in letters_to(mentee.person.email)]
    assert not Notice.objects.filter(person__in=[mentor.person, other_mentee.person], kind=Notice.Kind.ROLE).exists()
    # Everyone in the group hears that it ended (issue 16), whatever happens to their roles.
    for person in (mentor.person, mentee.person, other_mentee.person):
        [ended] = Notice.objects.filter(person=person, kind=Notice.Kind.PAIR)
        assert ended.text.startswith(f"Группа наставника {mentor.person.short_name} завершена досрочно")
    # Their last role gone, the mentee still learns why on the page they land on.
    page = mentee.client.get("/")
    assert "У вашей учётной записи пока нет ролей" in page.content.decode()
    assert "Роль «Наставляемый» снята" in page.content.decode()


def test_a_draft_pair_keeps_the_role_but_does_not_grant_it(org, head, mentor, capture):
    mentee = PersonFactory(organization=org)
    ending = make_pair(mentor.person, mentee, state=Mentorship.State.ACTIVE)
    newcomer = PersonFactory(organization=org)
    make_pair(mentor.person, newcomer)  # a draft for the next year
    order = make_order(org, OrderKind.EARLY_END, mentorships=[ending], end_reason=Mentorship.EndReason.MENTEE)
    with capture(execute=True):
        approve_order(order, by=head.user)
    assert kinds(mentor.person) == {Role.Kind.MENTOR}
    assert kinds(newcomer) == set()


# --- a curator order ----------------------------------------------------------------------------------------


def regulation_naming(org, person) -> Regulation:
    reg = regulation_service.generate(org, by=None)
    assert regulation_service.named_curator(reg.body).startswith(person.full_name)
    return reg


def test_a_curator_order_moves_the_role_and_audits_it(org, head, curator, mentor, settings, capture):
    settings.SITE_URL = "https://nastavnik.example.ru/"
    regulation_naming(org, curator.person)
    order = make_order(org, OrderKind.CURATOR, appointee=mentor.person)

    with capture(execute=True):
        approve_order(order, by=head.user)

    assert kinds(mentor.person) == {Role.Kind.MENTOR, Role.Kind.CURATOR}
    assert kinds(curator.person) == set()
    details = list(AuditEvent.objects.filter(kind=AuditEvent.Kind.ROLES_CHANGED).values_list("detail", flat=True))
    ground = f"приказ от 03.12.2026 № {order.reg_number}"
    assert sorted(details) == sorted(
        [
            f"работник № {mentor.person.pk} ({mentor.user.username}): добавлена роль «Куратор» — {ground}",
            f"работник № {curator.person.pk} ({curator.user.username}): снята роль «Куратор» — {ground}",
        ]
    )
    [to_new] = Notice.objects.filter(person=mentor.person, kind=Notice.Kind.ROLE)
    assert to_new.text.startswith("Вы назначены куратором реализации программ наставничества приказом от 03.12.2026")
    assert f"называет куратором: {curator.person.full_name}" in to_new.text
    assert "Подготовьте новую версию положения" in to_new.text or "Исправьте проект" in to_new.text
    assert to_new.link == reverse("roadmap:regulation", args=[org.slug])
    [to_old] = Notice.objects.filter(person=curator.person, kind=Notice.Kind.ROLE)
    assert to_old.text.startswith(f"Обязанности куратора переданы: {mentor.person.short_name}")
    assert f"МБОУ «СОШ № 1»: обязанности куратора переданы приказом от 03.12.2026 № {order.reg_number}" in [
        m.subject for m in letters_to(curator.person.email)
    ]
    [letter] = letters_to(mentor.person.email)
    assert f"https://nastavnik.example.ru/o/{org.slug}/regulation/" in letter.body


def test_a_curator_appointed_additionally_keeps_the_previous_one(org, head, curator, mentor, capture):
    order = make_order(
        org,
        OrderKind.CURATOR,
        appointee=mentor.person,
        items=["Назначить дополнительно куратором реализации программ наставничества Фролову Г. П."],
    )
    with capture(execute=True):
        approve_order(order, by=head.user)
    assert Role.Kind.CURATOR in kinds(curator.person) and Role.Kind.CURATOR in kinds(mentor.person)
    [note] = Notice.objects.filter(person=curator.person, kind=Notice.Kind.ROLE)
    assert "ваша роль куратора сохранена" in note.text


def test_the_previous_curator_no_longer_reaches_curator_pages(org, head, curator, mentor, capture):
    pages = [
        reverse("role_home", args=[org.slug, "curator"]),
        reverse("mentoring:pairs", args=[org.slug]),
        reverse("roadmap:regulation", args=[org.slug]),
    ]
    assert all(curator.client.get(url).status_code == 200 for url in pages)
    with capture(execute=True):
        approve_order(make_order(org, OrderKind.CURATOR, appointee=mentor.person), by=head.user)
    assert [curator.client.get(url).status_code for url in pages] == [404, 404, 404]
    mentor.client.get(reverse("role_home", args=[org.slug, "mentor"]))
    assert mentor.client.get(reverse("role_home", args=[org.slug, "curator"])).status_code == 200


def test_the_regulation_page_shows_that_it_names_the_previous_curator(org, head, curator, mentor, capture):
    regulation_naming(org, curator.person)
    url = reverse("roadmap:regulation", args=[org.slug])
    assert 'data-testid="curator-mismatch"' not in curator.client.get(url).content.decode()
    with capture(execute=True):
        approve_order(make_order(org, OrderKind.CURATOR, appointee=mentor.person), by=head.user)

    page = mentor.client.get(url).content.decode()
    assert 'data-testid="curator-mismatch"' in page
    assert f"называет куратором: {curator.person.full_name}" in page
    assert f"куратор сейчас — {mentor.person.full_name}" in page
    home = mentor.client.get(reverse("role_home", args=[org.slug, "curator"])).content.decode()
    assert 'data-testid="notice"' in home and "Открыть положение" in home
    # The text itself is not rewritten by the order.
    assert regulation_service.named_curator(regulation_service.current(org).body).startswith(curator.person.full_name)
