"""Staff export: working staff of the organisation, import headers, formulas neutralised, and it imports back."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from people import importing
from people.models import Person, Role, StaffImport
from tests.factories import PersonFactory
from tests.people.import_fixtures import upload

# Who still works is decided against today (left_on), and downloads are named by today's date: one fixed day.
pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00")

HEADER = list(importing.COLUMNS.values())
HYPERLINK = '=HYPERLINK("http://evil.example/","Открыть")'


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def export(persona, fmt: str):
    return persona.client.get(reverse("people:staff_export", args=[persona.org.slug, fmt]))


def table_of(response, fmt: str) -> list[list[str]]:
    """The downloaded file as rows of text, whatever its format."""
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        return [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the BOM to read Cyrillic CSV"
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def staff(curator):
    """A varied staff list: ё, a hyphenated surname, no patronymic, each category, gaps, a formula-like position."""
    org = curator.org
    people = [
        PersonFactory(
            organization=org,
            surname="Ёлкина",
            name="Вера",
            patronymic="Ивановна",
            position="Воспитатель",
            qualification_category=Person.Category.HIGHEST,
            experience_years=12,
            email="Elkina@School1.ru",
            phone="+7 (900) 123-45-67",
            hired_on=date(2013, 9, 2),
        ),
        PersonFactory(
            organization=org,
            surname="Петрова-Водкина",
            name="Анна",
            patronymic="",
            position="Учитель ИЗО",
            qualification_category=Person.Category.FIRST,
            experience_years=None,
            email="",
            phone="",
        ),
        PersonFactory(
            organization=org,
            surname="Мамедов",
            name="Али",
            patronymic="Гусейн оглы",
            position="Учитель физической культуры",
            qualification_category=Person.Category.CONFORMITY,
            experience_years=0,
            email="mamedov@school1.ru",
            phone="89001112233",
        ),
        PersonFactory(
            organization=org,
            surname="Орлова",
            name="Нина",
            patronymic="Андреевна",
            position=HYPERLINK,
            qualification_category=Person.Category.METHODIST,
            experience_years=30,
        ),
        PersonFactory(
            organization=org,
            surname="Гусева",
            name="Алла",
            patronymic="Петровна",
            position="Методист",
            qualification_category=Person.Category.MENTOR,
            experience_years=25,
            phone="33-44-55",
        ),
    ]
    return people


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_lists_working_staff_of_the_organisation_under_import_headers(curator, outsider, staff, fmt):
    org = curator.org
    PersonFactory(organization=org, surname="Уволенная", hired_on=date(2020, 1, 1), left_on=date(2024, 6, 1))
    PersonFactory(organization=org, surname="Обезличено", anonymized_at=timezone.now())
    response = export(curator, fmt)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert f".{fmt}" in response["Content-Disposition"]
    rows = table_of(response, fmt)
    assert rows[0] == HEADER
    surnames = [row[0] for row in rows[1:]]
    assert "Ёлкина" in surnames
    assert "Белова" in surnames  # the curator is staff too
    assert "Уволенная" not in surnames
    assert "Обезличено" not in surnames
    assert outsider.person.surname not in surnames
    assert len(rows) - 1 == Person.objects.filter(organization=org).working().filter(anonymized_at=None).count()
    elkina = next(row for row in rows if row[0] == "Ёлкина")
    assert elkina == [
        "Ёлкина",
        "Вера",
        "Ивановна",
        "Воспитатель",
        "Высшая",
        "12",
        "Elkina@School1.ru",
        "'+7 (900) 123-45-67",  # a leading + is neutralised like any formula start
        "02.09.2013",  # the hire date, as the import reads it back
    ]
    vodkina = next(row for row in rows if row[0] == "Петрова-Водкина")
    assert vodkina[2] == vodkina[5] == vodkina[6] == ""


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formula_like_cells_are_neutralised(curator, staff, fmt):
    response = export(curator, fmt)
    orlova = next(row for row in table_of(response, fmt) if row[0] == "Орлова")
    assert orlova[3] == "'" + HYPERLINK
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        cells = [row[3] for row in sheet.iter_rows(min_row=2) if row[0].value == "Орлова"]
        assert cells[0].data_type == "s"  # text, not a formula a spreadsheet would run


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_exported_file_imports_back_unchanged(curator, staff, fmt):
    response = export(curator, fmt)
    stamps = dict(Person.objects.values_list("pk", "updated_at"))
    url = reverse("people:staff_import", args=[curator.org.slug])
    posted = curator.client.post(url, {"file": upload(f"Работники.{fmt}", response.content)})
    assert posted.status_code == 302, posted.context["form"].errors
    staff_import = StaffImport.objects.latest("pk")
    counts = staff_import.summary["counts"]
    working = Person.objects.filter(organization=curator.org).working().count()
    assert counts == {"new": 0, "update": 0, "unchanged": working, "merged": 0, "skipped": 0, "flagged": 0}, [
        row for row in staff_import.summary["rows"] if row["status"] != "unchanged"
    ]
    curator.client.post(reverse("people:staff_import_confirm", args=[curator.org.slug, staff_import.pk]))
    assert dict(Person.objects.values_list("pk", "updated_at")) == stamps
    assert Person.objects.get(surname="Орлова").position == HYPERLINK


@pytest.mark.parametrize("role", [Role.Kind.HEAD, Role.Kind.MENTOR, Role.Kind.MENTEE, Role.Kind.COUNCIL])
def test_export_is_for_administrator_and_curator_only(org, persona, role):
    assert export(persona(org, role), "xlsx").status_code == 404


def test_outsider_cannot_export_another_organisation(curator, outsider):
    url = reverse("people:staff_export", args=[curator.org.slug, "xlsx"])
    assert outsider.client.get(url).status_code == 404


def test_administrator_exports(admin):
    assert export(admin, "csv").status_code == 200


def test_unknown_format_is_not_found(curator):
    assert export(curator, "pdf").status_code == 404


def test_export_costs_the_same_queries_for_5_and_500_staff(curator):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert export(curator, "xlsx").status_code == 200
        return len(captured.captured_queries)

    PersonFactory.create_batch(4, organization=curator.org)
    count()  # the session's first request records when it started (config.middleware): not the export's cost
    small = count()
    Person.objects.bulk_create(
        Person(organization=curator.org, surname=f"Работник{n}", name="Анна", position="Учитель", name_key=f"р{n}")
        for n in range(495)
    )
    assert count() == small
