"""Faults: the database going away in the middle of a real request.

The connection is cut at a chosen statement (tests/security/fault_fixtures.py) of a real POST. The user gets
the 503 page; whatever was saved before stays; the interrupted change leaves nothing behind — no half of an
import, no registration number used up, no stray PDF, no half of a questionnaire answer — and the same action
succeeds once the database is back.

tests/people/test_import.py, tests/roadmap/test_approval.py and tests/roadmap/test_roadmap_import.py already
show the services rolling back when a Python-level call fails; these cut the connection under the whole request
instead, so the middleware, the views' own transactions and the error page are tested together.
"""

from __future__ import annotations

from datetime import date
from itertools import product
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from config.faults import DatabaseUnavailableMiddleware, database_unavailable, server_error
from mentoring.models import Mentorship
from monitoring.models import Answer, Response
from people import importing
from people.models import AuditEvent, Person, Role, StaffImport
from roadmap.models import Order, OrderCounter, Roadmap, RoadmapActivity, RoadmapStage
from tests.factories import PASSWORD, PersonFactory
from tests.monitoring.questionnaire_fixtures import active_programme, launch, small_set, valid_answers
from tests.people.import_fixtures import upload, xlsx_bytes
from tests.roadmap.approval_fixtures import make_order, pairs_order
from tests.security.fault_fixtures import GONE, database_goes_away, tolerant

HEADING = "База данных временно недоступна"


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def assert_503_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    html = response.content.decode()
    assert HEADING in html
    assert "не потеряно" in html and "повторите действие" in html
    assert "Traceback" not in html and GONE not in html


# --- the page ---------------------------------------------------------------------------------------------------


def test_the_503_page_is_rendered_without_the_database(rf, django_assert_num_queries):
    request = rf.post("/o/school-1/staff/new/")
    from django.db.utils import InterfaceError, OperationalError

    with django_assert_num_queries(0):
        assert_503_page(database_unavailable())
        assert_503_page(DatabaseUnavailableMiddleware(lambda r: None).process_exception(request, OperationalError()))
        assert_503_page(DatabaseUnavailableMiddleware(lambda r: None).process_exception(request, InterfaceError()))
        try:
            raise OperationalError(GONE)
        except OperationalError:
            assert_503_page(server_error(request))
    assert DatabaseUnavailableMiddleware(lambda r: None).process_exception(request, ValueError()) is None


def test_any_other_fault_still_gets_the_plain_500_page(rf):
    try:
        raise RuntimeError("сбой")
    except RuntimeError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500 and HEADING not in response.content.decode()


# --- a real POST cut off ----------------------------------------------------------------------------------------


def test_roles_cut_off_between_removing_and_adding_keep_the_old_roles(admin, mentor):
    earlier = admin.client.post(
        reverse("people:person_create", args=[admin.org.slug]),
        {"surname": "Лаптева", "name": "Ирина", "position": "Воспитатель", "qualification_category": "first"},
    )
    assert earlier.status_code == 302
    url = reverse("people:person_roles", args=[admin.org.slug, mentor.person.pk])
    with database_goes_away(table="people_role", verbs=("INSERT",)) as outage:
        response = tolerant(admin.client).post(url, {"roles": [Role.Kind.CURATOR]})
    assert_503_page(response)
    assert "people_role" in outage.failed[0]
    # The DELETE of the old role ran before the failed INSERT: the transaction took it back.
    assert set(mentor.person.roles.values_list("kind", flat=True)) == {Role.Kind.MENTOR}
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.ROLES_CHANGED).exists()
    assert Person.objects.filter(organization=admin.org, surname="Лаптева").count() == 1  # saved before: kept
    # With the database back the same form goes through.
    assert admin.client.post(url, {"roles": [Role.Kind.CURATOR]}).status_code == 302
    assert set(mentor.person.roles.values_list("kind", flat=True)) == {Role.Kind.CURATOR}


def test_a_signed_in_page_with_the_database_down_is_the_503_page(curator):
    """The session is read in the middleware, before any view: handler500 turns that fault into the page."""
    client = tolerant(Client())
    client.force_login(curator.user)
    with database_goes_away():
        response = client.get(reverse("people:staff_list", args=[curator.org.slug]))
    assert_503_page(response)


def test_signing_in_with_the_database_down_is_the_503_page(curator):
    client = tolerant(Client())
    with database_goes_away():
        # The login page lists the organisations' public pages: it needs the database too.
        assert_503_page(client.get(reverse("login")))
        response = client.post(reverse("login"), {"username": curator.user.username, "password": PASSWORD})
    assert_503_page(response)
    assert "_auth_user_id" not in client.session


# --- staff import -----------------------------------------------------------------------------------------------

SURNAMES = [
    "Абрамова", "Белова", "Васильева", "Громова", "Данилова", "Егорова", "Жукова", "Зуева", "Ильина", "Козлова",
    "Лебедева", "Морозова", "Новикова", "Орлова", "Павлова", "Романова", "Соколова", "Титова", "Уварова", "Фёдорова",
    "Хохлова", "Цветкова", "Чернова", "Шилова", "Щукина",
]  # fmt: skip
NAMES = ["Анна", "Вера", "Галина", "Дарья", "Елена", "Жанна", "Зоя", "Инна", "Лидия", "Мария", "Нина", "Ольга"]
PATRONYMICS = ["Ивановна", "Петровна", "Сергеевна"]
BATCH = 250  # PersonResource.Meta.batch_size: new people are inserted this many at a time


def staff_file(count: int, *extra: list) -> bytes:
    header = list(importing.COLUMNS.values())
    names = list(product(SURNAMES, NAMES, PATRONYMICS))[:count]
    rows = [[surname, name, patronymic, "Учитель"] for surname, name, patronymic in names]
    return xlsx_bytes([header, *rows, *extra])


@pytest.mark.parametrize(
    ("verb", "nth"),
    [("INSERT", 2), ("UPDATE", 1)],
    ids=["after-the-first-batch-of-new-people", "at-the-update-after-every-insert"],
)
def test_a_staff_import_cut_off_halfway_writes_nobody_and_stays_confirmable(curator, verb, nth):
    existing = PersonFactory(organization=curator.org, surname="Попова", name="Анна", patronymic="", position="Учитель")
    url = reverse("people:staff_import", args=[curator.org.slug])
    data = staff_file(2 * BATCH + 20, ["Попова", "Анна", "", "Учитель химии"])
    assert curator.client.post(url, {"file": upload("Список.xlsx", data)}).status_code == 302
    staff_import = StaffImport.objects.get()
    assert staff_import.summary["counts"]["new"] == 2 * BATCH + 20
    before = set(Person.objects.values_list("pk", "surname", "name", "position"))

    confirm = reverse("people:staff_import_confirm", args=[curator.org.slug, staff_import.pk])
    with database_goes_away(table="people_person", verbs=(verb,), nth=nth) as outage:
        response = tolerant(curator.client).post(confirm)

    assert_503_page(response)
    assert outage.failed[0].lstrip().upper().startswith(verb)
    assert set(Person.objects.values_list("pk", "surname", "name", "position")) == before
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.PREVIEW and staff_import.file
    # The database is back: the same import is confirmed in full.
    assert curator.client.post(confirm).status_code == 302
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.APPLIED
    assert Person.objects.count() == len(before) + 2 * BATCH + 20
    existing.refresh_from_db()
    assert existing.position == "Учитель химии"


# --- order approval ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "verb"),
    [("mentoring_mentorship", "UPDATE"), ("people_auditevent", "INSERT")],
    ids=["inside-the-effect-on-the-second-pair", "at-the-last-write-after-the-pdf"],
)
def test_an_approval_cut_off_uses_no_number_activates_no_pair_and_leaves_no_pdf(org, head, curator, table, verb):
    first = make_order(org)
    approve = "roadmap:order_approve"
    assert head.client.post(reverse(approve, args=[org.slug, first.pk])).status_code == 302
    first.refresh_from_db()
    assert first.number == 1
    kept = media_files()
    assert len(kept) == 1

    order = pairs_order(org, 3, author=curator.user)
    nth = 2 if table == "mentoring_mentorship" else 1
    with database_goes_away(table=table, verbs=(verb,), nth=nth):
        response = tolerant(head.client).post(reverse(approve, args=[org.slug, order.pk]))

    assert_503_page(response)
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED
    assert (order.number, order.reg_number, order.pdf.name, order.pdf_sha256) == (None, "", "", "")
    assert set(order.mentorships.values_list("state", flat=True)) == {Mentorship.State.PROPOSED}
    assert OrderCounter.objects.get(organization=org).last_number == 1
    assert media_files() == kept  # the first order's PDF stays, the interrupted one's is gone
    first.refresh_from_db()
    assert (first.status, first.number) == (Order.Status.APPROVED, 1)

    assert head.client.post(reverse(approve, args=[org.slug, order.pk])).status_code == 302
    order.refresh_from_db()
    assert (order.status, order.number) == (Order.Status.APPROVED, 2)  # no gap
    assert set(order.mentorships.values_list("state", flat=True)) == {Mentorship.State.ACTIVE}


# --- roadmap import ---------------------------------------------------------------------------------------------


def test_a_roadmap_import_cut_off_writes_no_stage_and_can_be_confirmed_again(curator, org):
    rows = [["№", "Мероприятие", "Срок"], ["1", "Условия", ""]]
    rows += [[f"1.{n}", f"Мероприятие {n}", "Сентябрь"] for n in range(1, 6)]
    rows += [["2", "Работа пар", ""], ["2.1", "Встречи", "Ежемесячно"]]
    client = curator.client
    response = client.post(
        reverse("roadmap:roadmap_import", args=[org.slug]),
        {
            "file": upload("карта.xlsx", xlsx_bytes(rows)),
            "title": "Дорожная карта",
            "period_label": "2026–2027 учебный год",
            "period_start": date(2026, 9, 1).isoformat(),
            "period_end": date(2027, 8, 31).isoformat(),
        },
    )
    assert response.status_code == 302
    confirm = reverse("roadmap:roadmap_import_confirm", args=[org.slug])
    with database_goes_away(table="roadmap_roadmapactivity", verbs=("INSERT",)):
        response = tolerant(client).post(confirm)
    assert_503_page(response)
    assert not Roadmap.objects.exists() and not RoadmapStage.objects.exists()
    assert not RoadmapActivity.objects.exists()
    assert client.post(confirm).status_code == 302  # the upload waited: nothing to send again
    roadmap = Roadmap.objects.get()
    assert (roadmap.stages.count(), roadmap.activities.count()) == (2, 6)


# --- a questionnaire answer -------------------------------------------------------------------------------------


def test_an_answer_cut_off_stores_no_half_of_it(org, mentor, mentee):
    active_programme(mentor.person, mentee.person)
    survey = launch(org, small_set(org), anonymous=True)
    invitation = survey.invitations.get(person=mentee.person)
    url = reverse("monitoring:my_questionnaire", args=[org.slug, invitation.pk])
    answers = valid_answers(survey.question_set)
    # The answers are written, then the invitation is marked answered: the connection goes at that last step.
    with database_goes_away(table="monitoring_invitation", verbs=("UPDATE",)):
        response = tolerant(mentee.client).post(url, answers)
    assert_503_page(response)
    assert not Response.objects.exists() and not Answer.objects.exists()
    invitation.refresh_from_db()
    assert invitation.answered_at is None
    assert mentee.client.post(url, answers).status_code == 302
    assert Answer.objects.filter(response__invitation=invitation).count() == 4
