"""The methodical collection: saving a practice from an ended programme, materials, search, access, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.models import Mentorship
from monitoring.models import Practice, PracticeFile
from people.models import Direction, MentoringForm
from tests.factories import PersonFactory
from tests.mentoring.pair_fixtures import make_pair
from tests.mentoring.programme_fixtures import programme_with_rows
from tests.monitoring.material_fixtures import EXE, attach, docx, pdf, upload
from tests.people.bank_fixtures import bulk_people

S = Mentorship.State


def url(org, name, *args):
    return reverse(f"monitoring:{name}", args=[org.slug, *args])


def ended_pair(org, state=S.COMPLETED):
    mentor, mentee = PersonFactory(organization=org), PersonFactory(organization=org)
    pair = make_pair(mentor, mentee, state=state)
    return pair


def practice(org, title="Наставничество через открытые уроки", **fields) -> Practice:
    fields.setdefault("description", "Наставник и молодой учитель по очереди дают открытые уроки и разбирают их.")
    return Practice.objects.create(organization=org, title=title, **fields)


# --- from a pair (group) -----------------------------------------------------------------------------------------


def test_saving_from_a_completed_pair_prefills_from_its_programme(org, curator):
    pair = ended_pair(org)
    p = programme_with_rows(pair, rows=5, results_planned="Молодой учитель самостоятельно ведёт уроки.")
    directions = list(Direction.objects.filter(organization=org))
    # Three of five rows follow the second direction: it is the practice's direction.
    rows = list(p.activities.order_by("position"))
    for row in rows[:3]:
        row.direction = directions[1]
        row.save(update_fields=["direction"])
    rows[3].direction = directions[0]
    rows[3].save(update_fields=["direction"])
    response = curator.client.get(url(org, "practice_from_pair", pair.pk))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == "Адаптация учителя физики"
    assert form.initial["direction"] == directions[1].pk
    assert form.initial["form"] == pair.form_id
    assert form.initial["authors"] == [pair.mentor_id, *pair.mentees.values_list("pk", flat=True)]
    assert "Молодой учитель самостоятельно ведёт уроки." in form.initial["description"]
    # The authors come checked in the page, not only in the form's data.
    html = response.content.decode()
    assert f'value="{pair.mentor_id}" id="id_authors_' in html and "checked" in html


def test_post_from_pair_creates_the_practice_linked_to_the_pair_with_materials(org, curator):
    pair = ended_pair(org, S.ENDED_EARLY)
    data = {
        "title": "Адаптация через совместное планирование",
        "description": "Еженедельное совместное планирование уроков.",
        "direction": Direction.objects.filter(organization=org).first().pk,
        "form": pair.form_id,
        "authors": [pair.mentor_id],
        "materials": [upload("План.docx", docx()), upload("Конспект.pdf", pdf())],
    }
    response = curator.client.post(url(org, "practice_from_pair", pair.pk), data)
    created = Practice.objects.get()
    assert response.status_code == 302 and response["Location"] == url(org, "practice_detail", created.pk)
    assert created.mentorship == pair and created.created_by == curator.user
    assert list(created.authors.all()) == [pair.mentor]
    files = {f.original_name: f for f in created.files.all()}
    assert set(files) == {"План.docx", "Конспект.pdf"}
    assert files["Конспект.pdf"].content_type == "application/pdf"
    stored = files["План.docx"].file.name
    assert stored.startswith(f"practices/{org.pk}/") and "План" not in stored


@pytest.mark.parametrize("state", [S.DRAFT, S.PROPOSED, S.ACTIVE])
def test_a_practice_from_a_pair_that_has_not_ended_is_refused(org, curator, state):
    pair = ended_pair(org, state)
    page = url(org, "practice_from_pair", pair.pk)
    response = curator.client.get(page, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mentoring:mentorship_detail", args=[org.slug, pair.pk])
    assert "только из завершённой программы" in response.content.decode()
    response = curator.client.post(page, {"title": "Х", "description": "Х"})
    assert response.status_code == 302 and not Practice.objects.exists()


def test_the_pair_page_offers_saving_as_practice_only_once_it_has_ended(org, curator):
    active, completed = ended_pair(org, S.ACTIVE), ended_pair(org)
    assert (
        'data-testid="save-practice"'
        not in curator.client.get(reverse("mentoring:mentorship_detail", args=[org.slug, active.pk])).text
    )
    page = curator.client.get(reverse("mentoring:mentorship_detail", args=[org.slug, completed.pk])).text
    assert url(org, "practice_from_pair", completed.pk) in page


# --- materials: errors beside the field, nothing else lost -------------------------------------------------------


def test_a_bad_material_keeps_everything_else_and_says_why_beside_the_field(org, curator):
    data = {
        "title": "Школа молодого педагога",
        "description": "Цикл встреч для молодых учителей.",
        "materials": [upload("Конспект.pdf", EXE), upload("План.docx", docx())],
    }
    response = curator.client.post(url(org, "practice_create"), data)
    assert response.status_code == 200 and not Practice.objects.exists() and not PracticeFile.objects.exists()
    form = response.context["form"]
    assert "«Конспект.pdf»: это исполняемый файл" in form.errors["materials"][0]
    html = response.content.decode()
    assert 'data-testid="materials-errors"' in html and "Школа молодого педагога" in html
    assert "Цикл встреч для молодых учителей." in html


def test_adding_and_deleting_materials_on_the_practice_page(org, curator, mentor, django_capture_on_commit_callbacks):
    item = practice(org)
    response = curator.client.post(url(org, "material_add", item.pk), {"materials": [upload("Схема.png", pdf())]})
    assert response.status_code == 302
    material = item.files.get()
    assert material.original_name == "Схема.pdf"  # the content is a PDF, whatever it was called
    path = material.file.path
    # A mentor reads the collection but does not change it.
    assert mentor.client.post(url(org, "material_delete", item.pk, material.pk)).status_code == 404
    assert curator.client.get(url(org, "material_delete", item.pk, material.pk)).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert curator.client.post(url(org, "material_delete", item.pk, material.pk)).status_code == 302
    assert not item.files.exists()
    import os

    assert not os.path.exists(path)


def test_materials_form_refuses_an_empty_upload_beside_the_field(org, curator):
    item = practice(org)
    response = curator.client.post(url(org, "material_add", item.pk), {})
    assert response.status_code == 200
    assert "Выберите хотя бы один файл." in response.content.decode()


# --- download access ---------------------------------------------------------------------------------------------


def test_download_gives_the_original_name_and_only_to_staff_of_the_organisation(org, mentee, outsider, client):
    item = practice(org)
    material = attach(item, "Конспект занятия.pdf")
    link = url(org, "material_download", item.pk, material.pk)
    response = mentee.client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''%D0%9A%D0%BE%D0%BD%D1%81%D0%BF%D0%B5%D0%BA%D1%82" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert outsider.client.get(link).status_code == 404
    anonymous = client.get(link)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_a_material_of_another_practice_is_not_reachable_through_this_one(org, curator):
    first, second = practice(org), practice(org, title="Вторая")
    material = attach(second)
    assert curator.client.get(url(org, "material_download", first.pk, material.pk)).status_code == 404


# --- reading, editing, publication -------------------------------------------------------------------------------


def test_every_role_reads_the_collection_only_the_curator_and_admin_edit(org, head, curator, mentor, mentee, admin):
    item = practice(org)
    for persona in (head, curator, mentor, mentee, admin):
        assert persona.client.get(url(org, "practices")).status_code == 200
        assert persona.client.get(url(org, "practice_detail", item.pk)).status_code == 200
    for persona in (head, mentor, mentee):
        assert persona.client.get(url(org, "practice_create")).status_code == 404
        assert persona.client.get(url(org, "practice_edit", item.pk)).status_code == 404
    for persona in (curator, admin):
        assert persona.client.get(url(org, "practice_edit", item.pk)).status_code == 200


def test_source_pair_link_is_shown_only_to_those_who_may_open_the_pair(org, curator, mentee):
    pair = ended_pair(org)
    item = practice(org, mentorship=pair)
    assert 'data-testid="source-pair"' in curator.client.get(url(org, "practice_detail", item.pk)).text
    assert 'data-testid="source-pair"' not in mentee.client.get(url(org, "practice_detail", item.pk)).text


def test_publication_mark_records_the_date_and_is_refused_while_the_pair_works(org, curator):
    item = practice(org, mentorship=ended_pair(org))
    data = {"title": item.title, "description": item.description, "is_published": "on"}
    assert curator.client.post(url(org, "practice_edit", item.pk), data).status_code == 302
    item.refresh_from_db()
    assert item.is_published and item.published_at is not None
    data.pop("is_published")
    curator.client.post(url(org, "practice_edit", item.pk), data)
    item.refresh_from_db()
    assert not item.is_published and item.published_at is None
    # A practice whose pair still works (made before the rule, or by the admin site) cannot be published.
    working = practice(org, title="Из действующей", mentorship=ended_pair(org, S.ACTIVE))
    response = curator.client.post(url(org, "practice_edit", working.pk), {**data, "is_published": "on"})
    working.refresh_from_db()
    assert not working.is_published
    assert response.status_code in (200, 302)


def test_deleting_a_practice_removes_its_materials(org, curator):
    item = practice(org)
    attach(item)
    assert curator.client.post(url(org, "practice_delete", item.pk)).status_code == 302
    assert not Practice.objects.exists() and not PracticeFile.objects.exists()


# --- search and filters ------------------------------------------------------------------------------------------


def test_search_ignores_case_and_yo_and_filters_by_direction_and_form(org, curator):
    d1, d2 = Direction.objects.filter(organization=org)[:2]
    f1, f2 = MentoringForm.objects.filter(organization=org)[:2]
    a = practice(org, "Ёлочка идей: методическая копилка", direction=d1, form=f1)
    b = practice(org, "Работа с родителями", description="Подготовка к РОДИТЕЛЬСКОМУ собранию", direction=d2, form=f1)
    c = practice(org, "Открытые уроки", direction=d2, form=f2)

    def found(**params):
        response = curator.client.get(url(org, "practices"), params)
        return {p.pk for p in response.context["page"].object_list}

    assert found(q="елочка") == {a.pk}
    assert found(q="родительскому собранию") == {b.pk}
    assert found(direction=d2.pk) == {b.pk, c.pk}
    assert found(direction=d2.pk, form=f2.pk) == {c.pk}
    assert found(q="родител", direction=d1.pk) == set()
    assert found(direction="x") == {a.pk, b.pk, c.pk}  # a malformed filter is ignored
    empty = curator.client.get(url(org, "practices"), {"q": "нет такого"}).content.decode()
    assert "По этим условиям практик не найдено" in empty


def test_other_organisation_practices_are_not_listed_and_pages_answer_404(org, other_org, curator):
    theirs = practice(other_org, "Чужая практика")
    material = attach(theirs)
    assert "Чужая практика" not in curator.client.get(url(org, "practices")).content.decode()
    assert curator.client.get(url(org, "practice_detail", theirs.pk)).status_code == 404
    assert curator.client.get(url(org, "material_download", theirs.pk, material.pk)).status_code == 404


# --- query counts ------------------------------------------------------------------------------------------------


def grow(org, count: int, start: int):
    people = bulk_people(org, 3, start=start)
    directions = list(Direction.objects.filter(organization=org))
    for n in range(count):
        item = practice(org, f"Практика {start + n}", direction=directions[n % len(directions)])
        item.authors.set(people)
        attach(item)


def queries(client, link) -> int:
    client.get(link)  # the first visit of a session also saves the chosen role: not the page's cost
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(link).status_code == 200
    return len(ctx)


def test_list_and_detail_cost_the_same_number_of_queries_at_two_sizes(org, curator):
    grow(org, 2, start=100)
    small_list = queries(curator.client, url(org, "practices"))
    first = Practice.objects.first()
    small_detail = queries(curator.client, url(org, "practice_detail", first.pk))
    grow(org, 30, start=200)
    for item in Practice.objects.all()[:5]:
        attach(item, "Ещё.pdf")
    assert queries(curator.client, url(org, "practices")) == small_list
    assert queries(curator.client, url(org, "practices") + "?q=практика") == small_list
    last = Practice.objects.first()
    assert queries(curator.client, url(org, "practice_detail", last.pk)) == small_detail
