"""The bank of mentees: who enters it and how, its statuses and history, a teacher's own request, the list."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from people.models import ConsentRequired, MenteeEntry, MentorEntry, Person, Purpose, Role
from people.services import withdraw_consent
from tests.factories import PersonFactory
from tests.people.bank_fixtures import category, direction, give_consent, mentee_entry, mentor_entry, training

Status = MenteeEntry.Status


def url(name: str, org, *args) -> str:
    return reverse(f"people:{name}", args=[org.slug, *args])


def entry_data(org, person=None, **changes) -> dict:
    data = {
        "person": person.pk if person else "",
        "category": category(org).pk,
        "directions": [direction(org, "psychological").pk, direction(org, "methodical").pk],
        "difficulties": "Теряюсь на родительских собраниях, когда родители спорят.",
        "request_date": "2026-09-15",
        "collected_by": "",
    }
    return {**data, **changes}


@pytest.fixture
def teacher(org) -> Person:
    """A staff member with consent to process personal data, not yet in any bank."""
    person = PersonFactory(organization=org, surname="Карпова", name="Валерия", patronymic="Денисовна")
    give_consent(person)
    return person


@pytest.fixture
def stranger(org) -> Person:
    """A staff member who never gave consent."""
    return PersonFactory(organization=org, surname="Гусев", name="Владимир", patronymic="Николаевич")


# --- adding to the bank -----------------------------------------------------------------------------------------


def test_curator_adds_a_teacher_with_a_request_and_sees_them_in_the_list(curator, teacher):
    org = curator.org
    response = curator.client.post(url("mentee_create", org), entry_data(org, teacher, collected_by=curator.person.pk))
    entry = MenteeEntry.objects.get(person=teacher)
    assert response.status_code == 302
    assert response.url == url("mentee_detail", org, entry.pk)
    assert entry.status == Status.WAITING
    assert entry.collected_by == curator.person
    assert entry.request_date == date(2026, 9, 15)
    assert not entry.self_submitted
    assert {d.code for d in entry.directions.all()} == {"psychological", "methodical"}
    listing = curator.client.get(url("mentee_bank", org))
    assert "Карпова В. Д." in listing.text


def test_the_add_form_proposes_the_curator_as_the_collector(curator):
    response = curator.client.get(url("mentee_create", curator.org))
    assert response.context["form"].initial["collected_by"] == curator.person.pk


def test_person_without_consent_is_listed_disabled_with_the_reason(curator, stranger, teacher):
    html = curator.client.get(url("mentee_create", curator.org)).text
    assert (
        f'<option value="{stranger.pk}" disabled>Гусев В. Н. — {stranger.position} (нет согласия на обработку ПД)'
        in html
    )
    assert f'<option value="{teacher.pk}">Карпова В. Д.' in html
    # …and they are listed under the select with a way to register the consent.
    assert "Недоступны для выбора" in html


def test_adding_a_person_without_consent_shows_the_reason_and_saves_nothing(curator, stranger):
    response = curator.client.post(url("mentee_create", curator.org), entry_data(curator.org, stranger))
    assert response.status_code == 200
    assert "нет действующего согласия на обработку персональных данных" in response.text
    assert not MenteeEntry.objects.exists()


def test_the_model_refusal_reaches_the_page_when_the_form_was_passed(curator, stranger, monkeypatch):
    """Even if the form let the person through (a consent withdrawn a moment ago), the model stops the save."""
    from people.forms import MenteeEntryForm

    monkeypatch.setattr(MenteeEntryForm, "clean_person", lambda form: form.cleaned_data["person"])
    response = curator.client.post(url("mentee_create", curator.org), entry_data(curator.org, stranger))
    assert response.status_code == 200
    assert "Сначала зарегистрируйте согласие" in response.context["form"].non_field_errors()[0]
    assert not MenteeEntry.objects.exists()


def test_an_open_entry_cannot_be_saved_without_consent_at_model_level(org, stranger):
    with pytest.raises(ConsentRequired):
        MenteeEntry.objects.create(organization=org, person=stranger, category=category(org))
    assert not MenteeEntry.objects.exists()


def test_a_withdrawn_consent_does_not_count(org, teacher):
    consent = teacher.consents.get()
    withdraw_consent(consent)
    with pytest.raises(ConsentRequired):
        MenteeEntry.objects.create(organization=org, person=teacher, category=category(org))


def test_a_second_open_entry_for_the_same_person_is_refused(curator, teacher):
    mentee_entry(teacher)
    response = curator.client.post(url("mentee_create", curator.org), entry_data(curator.org, teacher))
    assert response.status_code == 200
    assert "уже есть в банке наставляемых" in response.text
    assert MenteeEntry.objects.filter(person=teacher).count() == 1


def test_a_request_needs_a_description_of_difficulties(curator, teacher):
    response = curator.client.post(
        url("mentee_create", curator.org), entry_data(curator.org, teacher, difficulties=" ")
    )
    assert response.status_code == 200
    assert "Обязательное поле" in response.text
    assert not MenteeEntry.objects.exists()


def test_a_category_of_another_organisation_is_refused(curator, teacher, other_org):
    data = entry_data(curator.org, teacher, category=category(other_org).pk)
    response = curator.client.post(url("mentee_create", curator.org), data)
    assert response.status_code == 200
    assert response.context["form"].errors["category"]
    assert not MenteeEntry.objects.exists()


def test_curator_edits_the_request_of_an_open_entry(curator, teacher):
    entry = mentee_entry(teacher)
    data = entry_data(
        curator.org, difficulties="Дисциплина на уроках в 5 классе.", category=category(curator.org, "new-employee").pk
    )
    response = curator.client.post(url("mentee_edit", curator.org, entry.pk), data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.difficulties == "Дисциплина на уроках в 5 классе."
    assert entry.category.code == "new-employee"
    assert entry.person == teacher


def test_a_closed_entry_cannot_be_edited(curator, teacher):
    entry = mentee_entry(teacher)
    entry.change_status(Status.LEFT, note="Уволилась")
    response = curator.client.post(url("mentee_edit", curator.org, entry.pk), entry_data(curator.org, difficulties="x"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.difficulties == "Трудно выстроить работу с родителями."


# --- statuses and history ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.WAITING, Status.FINISHED),
        (Status.WAITING, Status.DECLINED),
        (Status.REQUESTED, Status.SUPPORTED),
        (Status.REQUESTED, Status.IN_PAIR),
    ],
)
def test_illegal_transitions_are_refused_by_the_model(teacher, start, target):
    entry = mentee_entry(teacher, status=start)
    with pytest.raises(ValidationError, match="Нельзя перевести"):
        entry.change_status(target, note="причина", support="поддержка")
    entry.refresh_from_db()
    assert entry.status == start


def test_a_final_status_is_final(teacher):
    entry = mentee_entry(teacher)
    entry.change_status(Status.LEFT, note="Перевелась в другую школу")
    for target in Status:
        with pytest.raises(ValidationError):
            entry.change_status(target, note="x", support="y")


def test_leaving_and_declining_need_a_reason_at_model_level(teacher):
    entry = mentee_entry(teacher)
    with pytest.raises(ValidationError, match="причину выбытия"):
        entry.change_status(Status.LEFT, note="   ")
    request = mentee_entry(PersonFactory(organization=teacher.organization), status=Status.REQUESTED)
    with pytest.raises(ValidationError, match="заявка отклонена"):
        request.change_status(Status.DECLINED)


def test_support_without_a_description_is_refused(curator, teacher):
    entry = mentee_entry(teacher)
    with pytest.raises(ValidationError, match="поддержка"):
        entry.change_status(Status.SUPPORTED, support="")
    response = curator.client.post(url("mentee_status", curator.org, entry.pk), {"status": "supported", "support": ""})
    assert response.status_code == 200
    assert "Опишите, какая поддержка оказывается" in response.text
    entry.refresh_from_db()
    assert entry.status == Status.WAITING


def test_curator_records_support_given_without_a_pair(curator, teacher):
    entry = mentee_entry(teacher)
    support = "Посещает открытые уроки методиста, консультация по пятницам."
    response = curator.client.post(
        url("mentee_status", curator.org, entry.pk), {"status": "supported", "support": support}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.SUPPORTED
    assert entry.support_given == support


def test_leaving_through_the_page_needs_a_reason(curator, teacher):
    entry = mentee_entry(teacher)
    response = curator.client.post(url("mentee_status", curator.org, entry.pk), {"status": "left", "note": ""})
    assert response.status_code == 200
    assert "Укажите причину выбытия из банка." in response.text
    entry.refresh_from_db()
    assert entry.status == Status.WAITING


def test_an_illegal_transition_posted_by_hand_is_refused(curator, teacher):
    entry = mentee_entry(teacher)
    for target in ("finished", "in_pair", "declined", "nonsense"):
        response = curator.client.post(url("mentee_status", curator.org, entry.pk), {"status": target, "note": "x"})
        assert response.status_code == 200, target
        assert "Такой переход для этой записи сейчас невозможен." in response.text
    entry.refresh_from_db()
    assert entry.status == Status.WAITING


def test_the_page_offers_only_the_allowed_transitions(curator, teacher):
    entry = mentee_entry(teacher)
    response = curator.client.get(url("mentee_detail", curator.org, entry.pk))
    offered = {t["value"] for t in response.context["transitions"]}
    assert offered == {"supported", "left"}


def test_history_shows_who_changed_the_status_when_and_why(curator, teacher):
    response = curator.client.post(url("mentee_create", curator.org), entry_data(curator.org, teacher))
    entry = MenteeEntry.objects.get(person=teacher)
    curator.client.post(url("mentee_status", curator.org, entry.pk), {"status": "supported", "support": "Консультации"})
    curator.client.post(
        url("mentee_status", curator.org, entry.pk), {"status": "left", "note": "Перевелась в гимназию"}
    )
    response = curator.client.get(url("mentee_detail", curator.org, entry.pk))
    rows = response.context["history"]
    assert [row.status for row in rows] == ["Ожидает наставника", "Сопровождается без пары", "Выбыл из банка"]
    assert rows[-1].note == "Перевелась в гимназию"
    assert rows[1].support == "Консультации"
    assert {row.who for row in rows} == {"Белова Н."}
    assert "Перевелась в гимназию" in response.text


def test_history_names_the_fields_that_changed(curator, teacher):
    entry = mentee_entry(teacher)
    curator.client.post(url("mentee_edit", curator.org, entry.pk), entry_data(curator.org, difficulties="Новый текст"))
    rows = curator.client.get(url("mentee_detail", curator.org, entry.pk)).context["history"]
    assert "профессиональные затруднения и запрос" in rows[-1].changed


# --- who may see and change the bank ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_teachers_get_404_for_the_bank_and_its_entries(request, who, teacher):
    actor = request.getfixturevalue(who)
    entry = mentee_entry(teacher)
    org = actor.org
    for page in (
        url("mentee_bank", org),
        url("mentee_bank_export", org) + "?fmt=csv",
        url("mentee_create", org),
        url("mentee_detail", org, entry.pk),
        url("mentee_edit", org, entry.pk),
        url("bank_without_consent", org),
    ):
        assert actor.client.get(page).status_code == 404, page
    response = actor.client.post(url("mentee_status", org, entry.pk), {"status": "left", "note": "x"})
    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.status == Status.WAITING


def test_a_mentee_cannot_open_their_own_entry_in_the_bank_either(mentee):
    entry = mentee_entry(mentee.person)
    assert mentee.client.get(url("mentee_detail", mentee.org, entry.pk)).status_code == 404


def test_head_follows_the_bank_but_does_not_change_it(head, teacher):
    entry = mentee_entry(teacher)
    assert head.client.get(url("mentee_bank", head.org)).status_code == 200
    detail = head.client.get(url("mentee_detail", head.org, entry.pk))
    assert detail.status_code == 200
    assert detail.context["transitions"] == []
    assert head.client.get(url("mentee_bank_export", head.org) + "?fmt=xlsx").status_code == 200
    assert head.client.get(url("mentee_create", head.org)).status_code == 404
    assert (
        head.client.post(url("mentee_status", head.org, entry.pk), {"status": "left", "note": "x"}).status_code == 404
    )


def test_council_views_the_bank_but_does_not_export_it(org, persona, teacher):
    council = persona(org, Role.Kind.COUNCIL)
    mentee_entry(teacher)
    assert council.client.get(url("mentee_bank", org)).status_code == 200
    assert council.client.get(url("mentee_bank_export", org) + "?fmt=csv").status_code == 404


def test_admin_keeps_the_bank_like_the_curator(admin, teacher):
    response = admin.client.post(url("mentee_create", admin.org), entry_data(admin.org, teacher))
    assert response.status_code == 302
    assert MenteeEntry.objects.filter(person=teacher).exists()


def test_an_entry_of_another_organisation_is_404(curator, other_org):
    foreign = mentee_entry(PersonFactory(organization=other_org))
    assert curator.client.get(url("mentee_detail", curator.org, foreign.pk)).status_code == 404
    response = curator.client.post(url("mentee_status", curator.org, foreign.pk), {"status": "left", "note": "x"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Status.WAITING


# --- a teacher's own request ------------------------------------------------------------------------------------


def request_data(org, **changes) -> dict:
    data = {
        "category": category(org).pk,
        "directions": [direction(org, "subject").pk],
        "difficulties": "Не удаётся удержать дисциплину в 5 классе на уроках математики.",
    }
    return {**data, **changes}


def test_teacher_without_consent_is_told_to_give_it_first_and_sees_no_form(mentee):
    response = mentee.client.get(url("my_request", mentee.org))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "Сначала нужно согласие на обработку персональных данных" in response.text
    response = mentee.client.post(url("my_request", mentee.org), request_data(mentee.org))
    assert response.status_code == 302
    assert not MenteeEntry.objects.exists()


def test_teacher_submits_a_request_which_waits_for_the_curator(mentee):
    give_consent(mentee.person)
    response = mentee.client.post(url("my_request", mentee.org), request_data(mentee.org))
    assert response.status_code == 302
    entry = MenteeEntry.objects.get(person=mentee.person)
    assert entry.status == Status.REQUESTED
    assert entry.self_submitted
    assert entry.collected_by is None
    page = mentee.client.get(response.url)
    assert "Запрос отправлен куратору" in page.text
    assert page.context["entry"] == entry


def test_teacher_refines_their_request_until_it_is_accepted(mentee, curator):
    give_consent(mentee.person)
    mentee.client.post(url("my_request", mentee.org), request_data(mentee.org))
    mentee.client.post(url("my_request", mentee.org), request_data(mentee.org, difficulties="Уточнённый запрос"))
    entry = MenteeEntry.objects.get(person=mentee.person)
    assert entry.difficulties == "Уточнённый запрос"
    curator.client.post(url("mentee_status", curator.org, entry.pk), {"status": "waiting"})
    response = mentee.client.post(
        url("my_request", mentee.org), request_data(mentee.org, difficulties="Поздняя правка")
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.WAITING
    assert entry.difficulties == "Уточнённый запрос"
    page = mentee.client.get(url("my_request", mentee.org))
    assert page.context["form"] is None
    assert "Ожидает наставника" in page.text


def test_teacher_sees_only_their_own_request(mentee, teacher):
    give_consent(mentee.person)
    other = mentee_entry(teacher, status=Status.REQUESTED, self_submitted=True, difficulties="Чужой запрос")
    page = mentee.client.get(url("my_request", mentee.org))
    assert page.context["entry"] is None
    assert "Чужой запрос" not in page.text
    mentee.client.post(url("my_request", mentee.org), request_data(mentee.org, difficulties="Мой запрос"))
    other.refresh_from_db()
    assert other.difficulties == "Чужой запрос"
    assert MenteeEntry.objects.get(person=mentee.person).difficulties == "Мой запрос"


def test_curator_sees_pending_requests_and_accepts_one(curator, mentee):
    give_consent(mentee.person)
    mentee.client.post(url("my_request", mentee.org), request_data(mentee.org))
    entry = MenteeEntry.objects.get(person=mentee.person)
    # Pending requests are not yet in the bank: they have their own tab.
    assert entry not in curator.client.get(url("mentee_bank", curator.org)).context["page"].object_list
    tab = curator.client.get(url("mentee_bank", curator.org) + "?status=requested")
    assert list(tab.context["page"].object_list) == [entry]
    assert tab.context["counts"]["requests"] == 1
    detail = curator.client.get(url("mentee_detail", curator.org, entry.pk))
    assert [t["label"] for t in detail.context["transitions"]] == ["Принять в банк", "Отклонить заявку"]
    curator.client.post(url("mentee_status", curator.org, entry.pk), {"status": "waiting"})
    entry.refresh_from_db()
    assert entry.status == Status.WAITING


def test_curator_declines_a_request_with_a_reason_the_teacher_then_sees(curator, mentee):
    give_consent(mentee.person)
    mentee.client.post(url("my_request", mentee.org), request_data(mentee.org))
    entry = MenteeEntry.objects.get(person=mentee.person)
    assert curator.client.post(url("mentee_status", curator.org, entry.pk), {"status": "declined"}).status_code == 200
    reason = "Запрос передан в методическое объединение."
    curator.client.post(url("mentee_status", curator.org, entry.pk), {"status": "declined", "note": reason})
    entry.refresh_from_db()
    assert entry.status == Status.DECLINED
    page = mentee.client.get(url("my_request", mentee.org))
    assert reason in page.text
    assert page.context["form"] is not None  # a new request may be submitted


def test_withdrawing_consent_declines_a_pending_request(mentee):
    consent = give_consent(mentee.person)
    mentee.client.post(url("my_request", mentee.org), request_data(mentee.org))
    withdraw_consent(consent)
    entry = MenteeEntry.objects.get(person=mentee.person)
    assert entry.status == Status.DECLINED
    assert mentee.client.get(url("my_request", mentee.org)).context["form"] is None


# --- the list: filters, search, sorting, pages, export ----------------------------------------------------------


@pytest.fixture
def bank(org):
    """Three entries in different statuses, categories and directions."""
    people = [
        PersonFactory(organization=org, surname=s, name=n, patronymic="Ивановна")
        for s, n in (("Алексеева", "Анна"), ("Борисова", "Вера"), ("Ёлкина", "Галина"))
    ]
    return {
        "a": mentee_entry(people[0], directions=("ict",), request_date=date(2026, 9, 1)),
        "b": mentee_entry(
            people[1], category_code="new-employee", directions=("legal",), request_date=date(2026, 10, 1)
        ),
        "c": mentee_entry(people[2], status=Status.REQUESTED, self_submitted=True, request_date=date(2026, 8, 1)),
    }


def listed(actor, query: str = "") -> list[MenteeEntry]:
    return list(actor.client.get(url("mentee_bank", actor.org) + query).context["page"].object_list)


def test_list_filters_by_status_category_and_direction(curator, bank):
    assert listed(curator) == [bank["b"], bank["a"]]  # newest request first; the pending request is apart
    assert listed(curator, "?status=requested") == [bank["c"]]
    assert set(listed(curator, "?status=all")) == set(bank.values())
    assert listed(curator, f"?category={bank['b'].category_id}") == [bank["b"]]
    assert listed(curator, f"?direction={direction(curator.org, 'ict').pk}") == [bank["a"]]


def test_list_searches_by_name_ignoring_case_and_yo(curator, bank):
    assert listed(curator, "?status=all&q=ЕЛКИНА") == [bank["c"]]
    assert listed(curator, "?q=вера борисова") == [bank["b"]]


def test_list_sorts_by_name_date_status_and_category(curator, bank):
    assert listed(curator, "?status=all&sort=name") == [bank["a"], bank["b"], bank["c"]]
    assert listed(curator, "?status=all&sort=-name") == [bank["c"], bank["b"], bank["a"]]
    assert listed(curator, "?status=all&sort=date") == [bank["c"], bank["a"], bank["b"]]
    assert listed(curator, "?status=all&sort=status")[0] == bank["c"]  # «Заявка на рассмотрении» comes first
    assert listed(curator, "?status=all&sort=category")[-1] == bank["b"]


def test_bad_filter_values_are_ignored_not_a_server_error(curator, bank):
    for query in (
        "?status=zzz",
        "?category=abc",
        "?direction=-1",
        "?sort=password",
        "?page=9999",
        "?category=99999999999",
    ):
        assert curator.client.get(url("mentee_bank", curator.org) + query).status_code == 200, query


def test_list_pages_by_25(curator):
    from tests.people.bank_fixtures import grow_mentee_bank

    grow_mentee_bank(curator.org, 60)
    page = curator.client.get(url("mentee_bank", curator.org) + "?status=all").context["page"]
    assert len(page.object_list) == 25
    assert page.paginator.count == 60


def export_rows(response, fmt: str) -> list[list]:
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        return [list(row) for row in book.active.iter_rows(values_only=True)]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_neutralises_cells_that_a_spreadsheet_would_run(curator, teacher, fmt):
    mentee_entry(teacher, difficulties='=HYPERLINK("http://evil.example","нажмите")')
    mentee_entry(PersonFactory(organization=curator.org, surname="+Плюсова"), difficulties="@SUM(A1)")
    response = curator.client.get(url("mentee_bank_export", curator.org) + f"?fmt={fmt}")
    assert response.status_code == 200
    rows = export_rows(response, fmt)
    header, data = rows[0], rows[1:]
    cells = [str(cell) for row in data for cell in row if cell not in (None, "")]
    assert not [cell for cell in cells if cell[0] in "=+-@\t\r"], cells
    difficulties = {row[header.index("Профессиональные затруднения и запрос")] for row in data}
    assert '\'=HYPERLINK("http://evil.example","нажмите")' in difficulties
    assert "'@SUM(A1)" in difficulties


def test_export_follows_the_filters_of_the_list(curator, bank):
    response = curator.client.get(url("mentee_bank_export", curator.org) + "?fmt=csv&status=requested")
    rows = export_rows(response, "csv")
    assert [row[0] for row in rows[1:]] == ["Ёлкина Галина Ивановна"]
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")


def test_export_in_an_unknown_format_returns_to_the_list_with_a_message(curator):
    response = curator.client.get(url("mentee_bank_export", curator.org) + "?fmt=pdf", follow=True)
    assert response.redirect_chain[-1][0] == url("mentee_bank", curator.org)
    assert "Выберите формат выгрузки" in response.text


def test_staff_without_consent_are_listed_for_the_curator(curator, stranger, teacher):
    response = curator.client.get(url("bank_without_consent", curator.org))
    people = list(response.context["page"].object_list)
    assert stranger in people
    assert teacher not in people


def test_consent_purposes_other_than_personal_data_do_not_open_the_bank(org, stranger):
    give_consent(stranger, Purpose.DUTIES)
    with pytest.raises(ConsentRequired):
        MenteeEntry.objects.create(organization=org, person=stranger, category=category(org))


# --- the counts on the role homes -------------------------------------------------------------------------------


@pytest.fixture
def banks_for_counts(org, curator):
    people = [PersonFactory(organization=org) for _ in range(8)]
    mentee_entry(people[0])
    mentee_entry(people[1])
    mentee_entry(people[2], status=Status.REQUESTED, self_submitted=True)
    mentee_entry(people[3], status=Status.SUPPORTED, support_given="Консультации")
    trained = mentor_entry(people[4], status=MentorEntry.Status.SELECTED, capacity=2)
    mentor_entry(people[5], status=MentorEntry.Status.SELECTED)
    mentor_entry(people[6], review=MentorEntry.Review.ON_REVIEW, self_submitted=True)
    released = mentor_entry(people[7])
    released.change_status(MentorEntry.Status.RELEASED, note="Уволился")
    training(org, trained.person)
    # Without consent: the curator persona and one more colleague.
    PersonFactory(organization=org)
    give_consent(curator.person, Purpose.DUTIES)


def test_curator_home_counts_the_banks_and_links_each_count_to_its_list(curator, banks_for_counts):
    response = curator.client.get(reverse("role_home", args=[curator.org.slug, "curator"]))
    # «Без наставника»: waiting for one, supported meanwhile or not (MenteeEntry.WITHOUT_MENTOR_STATUSES).
    assert response.context["mentees"] == {"waiting": 3, "requests": 1, "supported": 1, "in_bank": 3}
    assert response.context["mentors"] == {"available": 2, "untrained": 2, "on_review": 1, "in_bank": 3}
    assert response.context["staff_without_consent"] == 2
    html = response.text
    for link in (
        url("mentee_bank", curator.org) + "?status=without_mentor",
        url("mentee_bank", curator.org) + "?status=requested",
        url("mentor_bank", curator.org) + "?status=selected&amp;capacity=1",
        url("mentor_bank", curator.org) + "?trained=no",
        url("mentor_bank", curator.org) + "?review=on_review",
        url("bank_without_consent", curator.org),
    ):
        assert f'href="{link}"' in html, link
    # Each linked list shows as many rows as its count says.
    assert len(listed(curator, "?status=without_mentor")) == 3
    mentors_page = curator.client.get(url("mentor_bank", curator.org) + "?status=selected&capacity=1")
    assert mentors_page.context["page"].paginator.count == 2
    untrained = curator.client.get(url("mentor_bank", curator.org) + "?trained=no")
    assert untrained.context["page"].paginator.count == 2
    no_consent = curator.client.get(url("bank_without_consent", curator.org))
    assert no_consent.context["page"].paginator.count == 2


@pytest.mark.parametrize("who", ["head", "admin"])
def test_head_and_admin_homes_show_the_compact_counts(request, who, banks_for_counts):
    actor = request.getfixturevalue(who)
    response = actor.client.get(reverse("role_home", args=[actor.org.slug, who]))
    assert 'data-testid="bank-summary"' in response.text
    assert response.context["mentees"]["waiting"] == 3
    assert response.context["mentors"]["available"] == 2


def test_mentee_home_offers_to_submit_a_request_or_shows_its_status(mentee):
    home = reverse("role_home", args=[mentee.org.slug, "mentee"])
    assert "Перейти к согласиям" in mentee.client.get(home).text
    give_consent(mentee.person)
    assert 'data-testid="submit-request"' in mentee.client.get(home).text
    mentee_entry(mentee.person, status=Status.REQUESTED, self_submitted=True)
    response = mentee.client.get(home)
    assert response.context["request"].status == Status.REQUESTED
    assert "Куратор рассматривает ваш запрос" in response.text


# --- the demo ---------------------------------------------------------------------------------------------------


def seed_demo() -> None:
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())


def bank_counts() -> dict:
    from people.models import Consent, TrainingEvent

    return {
        "mentees": sorted(MenteeEntry.objects.values_list("person_id", "status", "status_changed_at")),
        "mentors": sorted(MentorEntry.objects.values_list("person_id", "status", "review", "updated_at")),
        "consents": Consent.objects.count(),
        "withdrawn": Consent.objects.filter(withdrawn_on__isnull=False).count(),
        "trainings": sorted(TrainingEvent.objects.values_list("topic", flat=True)),
        "attendees": TrainingEvent.attendees.through.objects.count(),
        "history": MenteeEntry.history.count() + MentorEntry.history.count(),
    }


def test_demo_fills_both_banks_and_a_second_run_changes_nothing(db):
    from people.services import purge_due

    seed_demo()
    first = bank_counts()
    seed_demo()
    assert bank_counts() == first
    for slug in ("ds-solnyshko", "school-7"):
        mentees = MenteeEntry.objects.filter(organization__slug=slug)
        assert 8 <= mentees.count() <= 16  # the demo pairs' mentees, the proposed pairs' and the surveys' requests
        statuses = set(mentees.values_list("status", flat=True))
        assert {Status.WAITING, Status.SUPPORTED, Status.REQUESTED, Status.LEFT} <= statuses
        assert mentees.filter(status=Status.SUPPORTED).exclude(support_given="").exists()
        assert mentees.filter(status=Status.REQUESTED, self_submitted=True).exists()
        mentors = MentorEntry.objects.filter(organization__slug=slug).with_training()
        assert 5 <= mentors.count() <= 12  # with the mentors of the proposed pairs and the accepted candidate
        assert {"selected", "candidate", "released"} <= set(mentors.values_list("status", flat=True))
        assert mentors.filter(self_submitted=True, review=MentorEntry.Review.ON_REVIEW).exists()
        assert mentors.filter(trained=True).exists()
        assert mentors.filter(trained=False, status__in=["selected", "candidate"]).exists()
        org_people = Person.objects.filter(organization__slug=slug)
        assert org_people.filter(consents__isnull=True).count() >= 2  # a few gave no consent at all
    # One personal-data consent per organisation was withdrawn 40 days ago: the purge has work to do.
    assert purge_due(days=30).count() == 2
    # The demo logins of the journeys: their mentees work in active pairs (pairs issue), so they are in a pair.
    for login in ("mentee", "mentee2", "mentor2"):
        assert MenteeEntry.objects.get(person__user__username=login).status == Status.IN_PAIR, login
    for login in ("mentor", "mentor2"):
        entry = MentorEntry.objects.with_training().get(person__user__username=login)
        assert (entry.status, entry.trained) == (MentorEntry.Status.SELECTED, True), login
