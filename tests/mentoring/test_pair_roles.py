"""A pair's participants hold the mentor and mentee roles while it works (Mentorship → people.roles)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Mentorship
from people.models import AuditEvent, Notice, Role
from tests.factories import PersonFactory
from tests.mentoring.pair_fixtures import make_pair

pytestmark = pytest.mark.time_machine("2026-12-03 10:00 +03:00")


def kinds(person) -> set[str]:
    return set(person.roles.values_list("kind", flat=True))


def test_an_active_pair_gives_its_participants_their_roles(org):
    mentor, mentee = PersonFactory(organization=org), PersonFactory(organization=org)
    make_pair(mentor, mentee, state=Mentorship.State.PROPOSED)
    assert kinds(mentor) == kinds(mentee) == set()  # a proposal gives nothing yet

    Mentorship.objects.get(mentor=mentor).activate(by=None, on=timezone.localdate(), note="Приказ от 03.12.2026 № 5")

    assert kinds(mentor) == {Role.Kind.MENTOR} and kinds(mentee) == {Role.Kind.MENTEE}
    details = set(AuditEvent.objects.values_list("detail", flat=True))
    assert details == {
        f"работник № {mentor.pk}: добавлена роль «Наставник» — приказ от 03.12.2026 № 5",
        f"работник № {mentee.pk}: добавлена роль «Наставляемый» — приказ от 03.12.2026 № 5",
    }


def test_completion_withdraws_the_roles_nothing_else_holds(org, django_capture_on_commit_callbacks):
    mentor = PersonFactory(organization=org, email="frolova@school.example.ru")
    reverse_mentee = PersonFactory(organization=org)
    pair = make_pair(mentor, reverse_mentee, state=Mentorship.State.ACTIVE)
    # The mentor is herself a mentee in a reverse pair that goes on.
    make_pair(PersonFactory(organization=org), mentor, state=Mentorship.State.ACTIVE)

    with django_capture_on_commit_callbacks(execute=True):
        pair.complete(by=None, on=timezone.localdate())

    assert kinds(mentor) == {Role.Kind.MENTEE}
    assert kinds(reverse_mentee) == set()
    [note] = Notice.objects.filter(person=mentor, kind=Notice.Kind.ROLE)
    assert note.text == (
        f"Роль «Наставник» снята: пара наставника {mentor.short_name} завершена. "
        "История ваших пар и программ сохранена."
    )
    # Each hears that the pair ended and, the one whose role went, of the role (issue 16).
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["frolova@school.example.ru", reverse_mentee.email, "frolova@school.example.ru", reverse_mentee.email]
    )
    pair.refresh_from_db()
    assert pair.state == Mentorship.State.COMPLETED and list(pair.mentees.all()) == [reverse_mentee]


def test_the_curator_completing_a_pair_withdraws_the_roles_too(org, curator, mentor, mentee):
    pair = make_pair(mentor.person, mentee.person, state=Mentorship.State.ACTIVE)
    url = reverse("mentoring:mentorship_complete", args=[org.slug, pair.pk])

    assert curator.client.post(url, {"on": "2026-12-03"}).status_code == 302

    assert kinds(mentor.person) == kinds(mentee.person) == set()
    assert mentee.client.get(reverse("role_home", args=[org.slug, "mentee"])).status_code == 404
    page = mentee.client.get("/").content.decode()
    assert "Роль «Наставляемый» снята" in page
