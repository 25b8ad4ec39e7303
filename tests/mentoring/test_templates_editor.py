"""Programme templates kept by the curator in the product: list, create, edit rows, copy, archive, preview; who
may see them; Russian errors; constant queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.models import ProgrammeTemplate, TemplateActivity
from mentoring.programmes import create_programme, preview_plan
from people.models import Role
from tests.mentoring.programme_fixtures import active_pair

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine("2026-11-20 10:00 +03:00", tick=True)]


def url(name: str, org, *args) -> str:
    return reverse(f"mentoring:{name}", args=[org.slug, *args])


def note(**fields) -> dict:
    return {
        "title": "Адаптация воспитателя",
        "description": "Для молодых воспитателей первого года.",
        "duration_months": "6",
        "problem": "Трудности в режимных моментах.",
        "goals": "Освоиться в группе.",
        "tasks": "",
        "content": "",
        "results_planned": "",
        "meeting_schedule": "По средам",
        **fields,
    }


def rows_data(*rows: dict, initial: int = 0, ids: list[int] | None = None) -> dict:
    data = {"rows-TOTAL_FORMS": str(len(rows)), "rows-INITIAL_FORMS": str(initial), "rows-MIN_NUM_FORMS": "0"}
    data["rows-MAX_NUM_FORMS"] = "1000"
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"rows-{n}-{key}"] = value
        if ids and n < len(ids):
            data[f"rows-{n}-id"] = str(ids[n])
    return data


def test_curator_creates_a_template_with_rows_and_previews_it(org, curator):
    r = curator.client.post(
        url("template_new", org),
        {
            **note(),
            **rows_data(
                {"month": "3", "activity": "Открытое занятие", "form": "Показ"},
                {"month": "1", "activity": "Знакомство с группой", "form": "Беседа"},
            ),
        },
    )
    assert r.status_code == 302
    template = ProgrammeTemplate.objects.get(organization=org, title="Адаптация воспитателя")
    assert [a.activity for a in template.activities.all()] == ["Знакомство с группой", "Открытое занятие"]

    page = curator.client.get(url("template_preview", org, template.pk) + "?start=2027-01-01")
    body = page.content.decode()
    assert "01.01.2027 — 30.06.2027" in body
    assert "31.01.2027" in body and "31.03.2027" in body  # each row at the end of its month
    assert page.context["rows"][0].row.activity == "Знакомство с группой"


def test_preview_gives_the_same_deadlines_as_a_programme_made_from_it(org, mentor, mentee):
    template = ProgrammeTemplate.objects.filter(organization=org, is_active=True).first()
    start = date(2026, 1, 15)
    end, preview = preview_plan(template, start)
    programme = create_programme(active_pair(mentor.person, mentee.person), start=start, template=template)
    assert programme.end == end
    assert [r.deadline for r in preview] == list(programme.activities.values_list("deadline", flat=True))


def test_edit_rows_delete_and_errors_in_russian(org, curator):
    template = ProgrammeTemplate.objects.create(organization=org, title="Черновик", duration_months=4)
    a = TemplateActivity.objects.create(template=template, position=1, month=1, activity="Первое")
    b = TemplateActivity.objects.create(template=template, position=2, month=2, activity="Второе")
    data = {
        **note(title="Черновик", duration_months="4"),
        **rows_data(
            {"month": "1", "activity": "Первое"},
            {"month": "9", "activity": "Второе"},
            {"month": "2", "activity": ""},
            initial=2,
            ids=[a.pk, b.pk],
        ),
    }
    r = curator.client.post(url("template_edit", org, template.pk), data)
    body = r.content.decode()
    assert r.status_code == 400
    assert "Месяц должен быть от 1 до 4 — длительности программы." in body
    assert "Опишите мероприятие." in body

    r = curator.client.post(url("template_edit", org, template.pk), {**data, "duration_months": "15"})
    assert "Программа длится от 3 до 12 месяцев" in r.content.decode()

    fixed = {**data, "rows-1-month": "4", "rows-1-DELETE": "on", "rows-2-activity": "Третье", "title": ""}
    r = curator.client.post(url("template_edit", org, template.pk), fixed)
    assert "Назовите шаблон" in r.content.decode()
    fixed["title"] = "Адаптация"
    assert curator.client.post(url("template_edit", org, template.pk), fixed).status_code == 302
    assert [x.activity for x in template.activities.all()] == ["Первое", "Третье"]


def test_copy_and_archive(org, curator):
    template = ProgrammeTemplate.objects.filter(organization=org, is_active=True).exclude(code="").first()
    rows = template.activities.count()
    r = curator.client.post(url("template_copy", org, template.pk))
    copy = ProgrammeTemplate.objects.get(organization=org, title=f"{template.title} (копия)")
    assert r.url == url("template_edit", org, copy.pk)
    assert copy.code == "" and copy.activities.count() == rows

    curator.client.post(url("template_archive", org, template.pk))
    template.refresh_from_db()
    assert not template.is_active
    page = curator.client.get(url("templates", org))
    assert template in page.context["archived"] and copy in page.context["active"]
    # An archived template is no longer offered when a programme is started.
    assert template not in org.programmetemplate_set.filter(is_active=True)


def test_only_the_curator_and_admin_of_the_organisation(org, curator, admin, mentor, mentee, head, persona, other_org):
    template = ProgrammeTemplate.objects.filter(organization=org).first()
    foreign = persona(other_org, Role.Kind.CURATOR, surname="Чужая")
    assert admin.client.get(url("templates", org)).status_code == 200
    for who in (mentor, mentee, head, foreign):
        assert who.client.get(url("templates", org)).status_code == 404
        assert who.client.get(url("template_edit", org, template.pk)).status_code == 404
        assert who.client.get(url("template_preview", org, template.pk)).status_code == 404
        assert who.client.post(url("template_copy", org, template.pk)).status_code == 404
        assert who.client.post(url("template_archive", org, template.pk)).status_code == 404
    # The other organisation's curator cannot reach this one's template through their own address either.
    assert foreign.client.get(url("template_edit", other_org, template.pk)).status_code == 404
    assert ProgrammeTemplate.objects.filter(organization=org, is_active=True).count() >= 1


def test_preview_with_an_unreadable_date_says_so(org, curator):
    template = ProgrammeTemplate.objects.filter(organization=org).first()
    r = curator.client.get(url("template_preview", org, template.pk) + "?start=31.02.2027")
    assert r.status_code == 200 and "Введите дату начала" in r.content.decode()


def test_list_and_preview_queries_do_not_grow(org, curator):
    def count(address: str) -> int:
        curator.client.get(address)
        with CaptureQueriesContext(connection) as captured:
            assert curator.client.get(address).status_code == 200
        return len(captured)

    template = ProgrammeTemplate.objects.filter(organization=org).first()
    small = count(url("templates", org)), count(url("template_preview", org, template.pk))
    for n in range(40):
        t = ProgrammeTemplate.objects.create(organization=org, title=f"Шаблон {n}", is_active=n % 3 > 0)
        TemplateActivity.objects.bulk_create(
            TemplateActivity(template=t, position=k, month=1 + k % 9, activity=f"Мероприятие {k}") for k in range(5)
        )
    direction = template.activities.exclude(direction=None).first().direction
    TemplateActivity.objects.bulk_create(
        TemplateActivity(template=template, position=100 + k, month=2, activity=f"Ещё {k}", direction=direction)
        for k in range(30)
    )
    assert (count(url("templates", org)), count(url("template_preview", org, template.pk))) == small
