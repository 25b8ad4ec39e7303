"""Staff lists as schools really keep them: every file is built here (XLSX, CSV in UTF-8 and cp1251 with «;»,
DOCX with merged cells), previewed, confirmed, and checked both in what the preview says and in what is stored.

Rows that cannot become a person are skipped with their reason; a faulty optional value never blocks the person;
a person repeated in the file is one person; the result of a confirmed file stays in the import history with
the rows to fix, downloadable as to-fix.xlsx and loadable again.
"""

from __future__ import annotations

import io
from datetime import date, datetime

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from people import importing
from people.models import BackgroundJob, Person, StaffImport, StaffImportRow
from tests.factories import PersonFactory
from tests.people.import_fixtures import NBSP, csv_bytes, upload, xlsx_bytes

pytestmark = pytest.mark.time_machine("2026-11-20 10:00 +03:00")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload_ok(persona, data: bytes, name: str) -> StaffImport:
    response = persona.client.post(
        reverse("people:staff_import", args=[persona.org.slug]), {"file": upload(name, data)}
    )
    assert response.status_code == 302, response.context["form"].errors
    return StaffImport.objects.latest("pk")


def rows_by_line(staff_import: StaffImport) -> dict[int, dict]:
    staff_import.refresh_from_db()
    return {row["line"]: row for row in staff_import.summary["rows"]}


def confirm(persona, staff_import: StaffImport):
    return persona.client.post(reverse("people:staff_import_confirm", args=[persona.org.slug, staff_import.pk]))


def preview_html(persona, staff_import: StaffImport, query: str = "") -> str:
    url = reverse("people:staff_import_preview", args=[persona.org.slug, staff_import.pk]) + query
    return persona.client.get(url).content.decode()


def person(org, surname: str) -> Person:
    return Person.objects.get(organization=org, surname=surname)


def messages(row: dict, key: str = "flags") -> str:
    return " | ".join(f"{column}: {text}" for column, text in row.get(key, []))


# --- XLSX: one ФИО column, title rows, repeats, free-text experience, dates as dates and as text ----------------

HR_HEADER = ["№", "Ф. И. О.", "Должность", "Стаж педагогической работы", "E-mail", "Дата приема на работу", "Категория"]


def hr_rows() -> list[list]:
    """Spreadsheet rows: 1–2 title, 3 empty, 4 header, data from 5; 10 is blank, 15 the total."""
    return [
        ["МБДОУ «Детский сад № 7»"],
        ["Список педагогических работников на 01.09.2026"],
        [],
        HR_HEADER,
        [
            1,
            f"ЖУКОВА{NBSP}АЛЁНА  ВИКТОРОВНА",
            "ВОСПИТАТЕЛЬ",
            "менее года",
            "zhukova@ds7.ru",
            datetime(2026, 2, 2),
            "б/к",
        ],
        [2, "Соколов Пётр Ильич", "Музыкальный руководитель", "12,5", "sokolov@ds7", "01.09.2014", "высшая"],
        [3, "Морозова Ирина Олеговна", "Старший воспитатель", "3 г. 4 мес.", "", "2023-08-28", "заслуженная"],
        [4, "", "Воспитатель", "5 лет", "", "", ""],
        [5, "Жукова Алена Викторовна", "Воспитатель", "1 год", "", "", ""],
        [None, None, None, None, None, None, None],
        [6, "Белых Ольга Юрьевна", "Учитель-логопед", "пять", "belyh@ds7.ru", "31.02.2020", "первая"],
        [7, "Титова Яна", "Инструктор по физкультуре", 4, "", date(2022, 9, 1), "СЗД"],
        [8, "Кравец", "Педагог-психолог", 2, "", "", ""],
        [9, "Гусева Нина Петровна", "", 7, "", "", ""],
        ["Итого", None, None, None, None, None, None],
    ]


def test_xlsx_preview_skips_what_cannot_be_a_person_flags_bad_values_and_writes_nothing(curator):
    before = Person.objects.count()
    staff_import = upload_ok(curator, xlsx_bytes(hr_rows()), "Кадры.xlsx")
    summary = staff_import.summary
    rows = rows_by_line(staff_import)
    assert summary["header_line"] == 4
    assert ["Дата приема на работу", "Дата приёма на работу"] in summary["columns"]
    assert "Дата приема на работу" not in summary["ignored"]
    assert sorted(rows) == [5, 6, 7, 8, 9, 11, 12, 13, 14, 15]

    # Capitals, NBSP and ё: one tidy name; «менее года» read as 0 and said so; the Excel date read.
    assert rows[5]["status"] == "new"
    assert rows[5]["name"] == "Жукова Алёна Викторовна"
    assert rows[5]["position"] == "Воспитатель"
    assert ["Принят(а)", "02.02.2026"] in rows[5]["fields"]
    assert "«менее года» — записано 0 лет" in messages(rows[5], "notes")
    # Row 9 repeats row 5 (е for ё, no e-mail): one person; its other experience is flagged on both rows.
    assert rows[9]["status"] == "merged"
    assert "уже есть в строке 5" in rows[9]["note"]
    assert "в строке 9 указано «1 год»; оставлено «менее года» из строки 5" in messages(rows[5])
    # A bad e-mail never blocks the person: left out and said so; «12,5» read as 12 full years.
    assert rows[6]["status"] == "new"
    assert "Адрес «sokolov@ds7» записан с ошибкой" in messages(rows[6])
    assert "«12,5» — записано 12 лет" in messages(rows[6], "notes")
    assert ["Принят(а)", "01.09.2014"] in rows[6]["fields"]
    # An unknown category is left out; «3 г. 4 мес.» is 3 years; an ISO date is read.
    assert rows[7]["status"] == "new"
    assert "Категории «заслуженная» нет" in messages(rows[7])
    assert ["Стаж", "3 года"] in rows[7]["fields"]
    assert ["Принят(а)", "28.08.2023"] in rows[7]["fields"]
    # No name: skipped with its reason, like a one-word name and a new person without a position.
    assert rows[8]["status"] == "skipped"
    assert rows[8]["errors"] == [["Ф. И. О.", "не заполнено."]]
    assert rows[13]["status"] == "skipped"
    assert "одно слово" in rows[13]["errors"][0][1]
    assert rows[14]["status"] == "skipped"
    assert rows[14]["errors"] == [["Должность", "не заполнено."]]
    # Experience in words that mean nothing, an impossible date: flagged, never zeroed.
    assert rows[11]["status"] == "new"
    assert "Не удалось прочитать «пять»" in messages(rows[11])
    assert "Не удалось прочитать дату «31.02.2020»" in messages(rows[11])
    assert rows[12]["status"] == "new"
    assert ["Принят(а)", "01.09.2022"] in rows[12]["fields"]
    assert rows[15]["status"] == "skipped"

    counts = summary["counts"]
    assert counts == {"new": 5, "update": 0, "unchanged": 0, "merged": 1, "skipped": 4, "flagged": 5}
    html = preview_html(curator, staff_import)
    assert "Загрузить 5 работников, пропустить 4 строки" in html
    assert "В 5 строках есть замечания" in html
    assert Person.objects.count() == before  # nothing is written before the confirmation
    assert not StaffImportRow.objects.exists()


def test_xlsx_confirmed_stores_the_accepted_values_and_leaves_the_faulty_ones_empty(curator):
    staff_import = upload_ok(curator, xlsx_bytes(hr_rows()), "Кадры.xlsx")
    response = confirm(curator, staff_import)
    assert response.url == reverse("people:staff_import_result", args=[curator.org.slug, staff_import.pk])
    org = curator.org
    zhukova = person(org, "Жукова")
    assert (zhukova.name, zhukova.patronymic, zhukova.position) == ("Алёна", "Викторовна", "Воспитатель")
    assert (zhukova.experience_years, zhukova.hired_on, zhukova.email) == (0, date(2026, 2, 2), "zhukova@ds7.ru")
    assert zhukova.qualification_category == Person.Category.NONE
    assert Person.objects.filter(organization=org, name_key="жукова алена викторовна").count() == 1
    sokolov = person(org, "Соколов")
    assert (sokolov.email, sokolov.experience_years, sokolov.hired_on) == ("", 12, date(2014, 9, 1))
    assert sokolov.qualification_category == Person.Category.HIGHEST
    morozova = person(org, "Морозова")
    # The unknown category was left out: the card keeps its default «без категории».
    assert (morozova.qualification_category, morozova.experience_years) == (Person.Category.NONE, 3)
    assert morozova.hired_on == date(2023, 8, 28)
    belyh = person(org, "Белых")
    assert (belyh.experience_years, belyh.hired_on, belyh.email) == (None, None, "belyh@ds7.ru")
    assert person(org, "Титова").hired_on == date(2022, 9, 1)
    assert not Person.objects.filter(organization=org, surname__in=["Кравец", "Гусева"]).exists()

    stored = {row.line: row for row in StaffImportRow.objects.filter(staff_import=staff_import)}
    assert sorted(stored) == [5, 6, 7, 8, 9, 11, 12, 13, 14, 15]
    assert stored[5].outcome == StaffImportRow.Outcome.CREATED and stored[5].person == zhukova and stored[5].flagged
    assert stored[9].outcome == StaffImportRow.Outcome.MERGED
    assert stored[8].outcome == StaffImportRow.Outcome.SKIPPED and stored[8].person is None
    assert stored[8].notes == [["reason", "Ф. И. О.", "не заполнено."]]
    assert stored[12].outcome == StaffImportRow.Outcome.CREATED and not stored[12].flagged
    assert stored[6].cells == [
        "2",
        "Соколов Пётр Ильич",
        "Музыкальный руководитель",
        "12,5",
        "sokolov@ds7",
        "01.09.2014",
        "высшая",
    ]
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.APPLIED
    assert "rows" not in staff_import.summary


# --- CSV: UTF-8 and cp1251 with «;», three name columns, an existing person matched through ё/е and capitals ----


CSV_ROWS = [
    ["Список работников", "", "", "", "", "", ""],
    ["Фамилия", "Имя", "Отчество", "Должность", "Дата приёма", "Эл. почта", "Стаж"],
    ["ЕЛКИНА", "ВЕРА", "ИВАНОВНА", "Старший воспитатель", "01.09.2019", "elkina@ds7.ru", "7 лет"],
    ["Орлов", "Семён", "", "Учитель", "1.9.21", "orlov@@ds7.ru", "менее года"],
    ["", "", "", "", "", "", ""],
    ["", "", "", "Учитель", "", "", ""],
    ["Орлов", "Семен", "", "учитель", "", "orlov@ds7.ru", ""],
    ["Всего: 3", "", "", "", "", "", ""],
]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1251"])
def test_csv_with_semicolons_in_either_encoding_updates_and_creates(curator, encoding):
    existing = PersonFactory(
        organization=curator.org, surname="Ёлкина", name="Вера", patronymic="Ивановна", position="Воспитатель"
    )
    staff_import = upload_ok(curator, csv_bytes(CSV_ROWS, delimiter=";", encoding=encoding), "Список.csv")
    rows = rows_by_line(staff_import)
    assert rows[3]["status"] == "update"
    assert ["Должность", "Воспитатель", "Старший воспитатель"] in rows[3]["changes"]
    assert ["Принят(а)", "—", "01.09.2019"] in rows[3]["changes"]
    assert rows[4]["status"] == "new"
    assert "Адрес «orlov@@ds7.ru» записан с ошибкой" in messages(rows[4])
    # The repeat brings the e-mail row 4 lacked: one person, the address taken from row 7.
    assert rows[7]["status"] == "merged"
    assert rows[6]["errors"] == [["", "Фамилия и имя не заполнены."]]
    assert staff_import.summary["counts"]["skipped"] == 2  # the nameless row and the total
    assert "Загрузить 2 работников, пропустить 2 строки" in preview_html(curator, staff_import)

    confirm(curator, staff_import)
    existing.refresh_from_db()
    assert (existing.surname, existing.position, existing.hired_on) == (
        "Ёлкина",
        "Старший воспитатель",
        date(2019, 9, 1),
    )
    assert existing.experience_years == 7
    orlov = Person.objects.get(organization=curator.org, surname="Орлов")
    assert (orlov.name, orlov.email, orlov.hired_on, orlov.experience_years) == (
        "Семён",
        "orlov@ds7.ru",
        date(2021, 9, 1),
        0,
    )
    outcomes = dict(StaffImportRow.objects.filter(staff_import=staff_import).values_list("line", "outcome"))
    assert outcomes == {3: "updated", 4: "created", 6: "skipped", 7: "merged", 8: "skipped"}


# --- DOCX with merged cells -------------------------------------------------------------------------------------


def docx_bytes() -> bytes:
    """A Word table: a title paragraph, a header, and «Должность» merged down over two teachers."""
    document = docx.Document()
    document.add_paragraph("Педагогический состав на 2026/2027 учебный год")
    table = document.add_table(rows=5, cols=4)
    data = [
        ["ФИО", "Должность", "Стаж", "Дата приёма"],
        ["Лаптева Ирина Олеговна", "Учитель начальных классов", "15", "25.08.2011"],
        ["Ершова Дарья Андреевна", "", "2 года", "01.09.2024"],
        ["Ершова Дарья Андреевна", "Учитель начальных классов", "2", "01.09.2024"],
        ["Итого: 2", "", "", ""],
    ]
    for r, values in enumerate(data):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    merged = table.cell(1, 1).merge(table.cell(2, 1))  # «Должность» of rows 2 and 3 of the table is one cell
    merged.text = "Учитель начальных классов"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_table_with_merged_cells_gives_each_teacher_the_merged_value(curator):
    staff_import = upload_ok(curator, docx_bytes(), "Состав.docx")
    rows = rows_by_line(staff_import)
    assert rows[2]["status"] == "new"
    assert rows[3]["status"] == "new"
    assert rows[3]["position"] == "Учитель начальных классов"  # carried down the merged cell
    assert rows[4]["status"] == "merged"  # the same teacher again, the same values: no flag
    assert "flags" not in rows[4] and "flags" not in rows[3]
    assert rows[5]["status"] == "skipped"
    confirm(curator, staff_import)
    ershova = person(curator.org, "Ершова")
    assert (ershova.position, ershova.experience_years, ershova.hired_on) == (
        "Учитель начальных классов",
        2,
        date(2024, 9, 1),
    )
    assert person(curator.org, "Лаптева").hired_on == date(2011, 8, 25)


# --- all or nothing ---------------------------------------------------------------------------------------------


def test_confirmation_writes_nothing_when_the_database_refuses(curator, monkeypatch):
    staff_import = upload_ok(curator, xlsx_bytes(hr_rows()), "Кадры.xlsx")

    def refuse(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(type(StaffImportRow.objects), "bulk_create", refuse)
    response = confirm(curator, staff_import)
    # The confirmation runs as a background job (people.jobs): it fails, says why in Russian, and writes nothing.
    job = BackgroundJob.objects.get(subject__startswith="staff_import:")
    assert job.state == BackgroundJob.State.FAILED
    assert "Ничего не записано" in job.error
    assert response.status_code == 302 and response.url == reverse("people:job", args=[curator.org.slug, job.pk])
    assert not Person.objects.filter(surname__in=["Жукова", "Соколов"]).exists()
    assert not StaffImportRow.objects.exists()
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.PREVIEW


# --- cells ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (datetime(2015, 9, 1, 0, 0), date(2015, 9, 1)),
        (date(2015, 9, 1), date(2015, 9, 1)),
        ("01.09.2015", date(2015, 9, 1)),
        ("1.9.2015", date(2015, 9, 1)),
        ("01.09.15", date(2015, 9, 1)),
        ("01.09.2015 г.", date(2015, 9, 1)),
        ("с 01.09.2015", date(2015, 9, 1)),
        ("2015-09-01", date(2015, 9, 1)),
        ("", None),
        (None, None),
    ],
)
def test_hire_date_is_read_from_dates_and_text(cell, expected):
    assert importing.parse_hire_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "hint"),
    [
        ("сентябрь", "Не удалось"),
        ("31.02.2020", "Не удалось"),
        ("01.01.1900", "проверьте год"),
        ("01.01.2030", "проверьте год"),
    ],
)
def test_hire_date_that_cannot_be_right_is_explained(cell, hint):
    with pytest.raises(ValueError, match=hint):
        importing.parse_hire_date(cell)


@pytest.mark.parametrize(
    ("cell", "note"),
    [
        ("менее года", "«менее года» — записано 0 лет (меньше года)."),
        ("12,5", "«12,5» — записано 12 лет: учитываются полные годы."),
        ("3 г. 4 мес.", "«3 г. 4 мес.» — записано 3 года: учитываются полные годы."),
        (12.5, "«12.5» — записано 12 лет: учитываются полные годы."),
        ("5 лет", ""),
        ("5", ""),
        (5, ""),
    ],
)
def test_experience_read_from_words_is_said_in_the_preview(cell, note):
    assert importing.experience_note(cell, importing.parse_experience(cell)) == note


@pytest.mark.parametrize(
    "title", ["Дата приёма", "Дата приема на работу", "Дата поступления на работу", "Принят на работу", "ДАТА ПРИЁМА"]
)
def test_hire_date_is_recognised_by_its_usual_headings(title):
    assert importing.recognise_header(title) == ("hired_on", 2)
    assert importing.recognise_header("Дата рождения") is None


# --- the result page and the rows to fix ------------------------------------------------------------------------


def result_url(persona, staff_import: StaffImport, name: str = "people:staff_import_result") -> str:
    return reverse(name, args=[persona.org.slug, staff_import.pk])


def applied(curator, data: bytes, name: str = "Кадры.xlsx") -> StaffImport:
    staff_import = upload_ok(curator, data, name)
    confirm(curator, staff_import)
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.APPLIED
    return staff_import


def test_result_page_lists_created_merged_skipped_and_flagged_rows_with_reasons(curator):
    staff_import = applied(curator, xlsx_bytes(hr_rows()))
    response = curator.client.get(result_url(curator, staff_import))
    html = response.content.decode()
    assert response.status_code == 200
    assert [row.line for row in response.context["page"].object_list] == [5, 6, 7, 8, 9, 11, 12, 13, 14, 15]
    assert "Адрес «sokolov@ds7» записан с ошибкой" in html
    assert "«менее года» — записано 0 лет" in html
    assert "Скачать строки для исправления" in html
    flagged = curator.client.get(result_url(curator, staff_import) + "?show=flagged").context["page"].object_list
    assert [row.line for row in flagged] == [5, 6, 7, 9, 11]
    skipped = curator.client.get(result_url(curator, staff_import) + "?show=skipped").context["page"].object_list
    assert [row.line for row in skipped] == [8, 13, 14, 15]
    # The history on the upload page leads to the result, with the number of rows to fix.
    upload_page = curator.client.get(reverse("people:staff_import", args=[curator.org.slug])).content.decode()
    assert result_url(curator, staff_import) in upload_page
    assert "исправить: 9" in upload_page


def test_result_and_rows_to_fix_are_not_found_for_others_and_before_confirmation(curator, outsider, mentor):
    staff_import = applied(curator, xlsx_bytes(hr_rows()))
    waiting = upload_ok(curator, xlsx_bytes(hr_rows()), "Кадры.xlsx")
    for name in ("people:staff_import_result", "people:staff_import_to_fix"):
        assert outsider.client.get(reverse(name, args=[outsider.org.slug, staff_import.pk])).status_code == 404
        assert mentor.client.get(result_url(mentor, staff_import, name)).status_code == 404
        assert curator.client.get(result_url(curator, waiting, name)).status_code == 404
        assert curator.client.get(result_url(curator, staff_import, name)).status_code == 200


def test_rows_to_fix_come_back_in_the_files_columns_and_load_again_once_fixed(curator):
    staff_import = applied(curator, xlsx_bytes(hr_rows()))
    response = curator.client.get(result_url(curator, staff_import, "people:staff_import_to_fix"))
    assert response.status_code == 200
    assert "to-fix.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == [*HR_HEADER, "Что исправить"]
    lines = [row[1] for row in values[1:]]
    # Flagged and skipped rows, the total row left out: nothing in it to fix.
    assert lines == [
        "ЖУКОВА АЛЁНА ВИКТОРОВНА",
        "Соколов Пётр Ильич",
        "Морозова Ирина Олеговна",
        None,
        "Жукова Алена Викторовна",
        "Белых Ольга Юрьевна",
        "Кравец",
        "Гусева Нина Петровна",
    ]
    sokolov = values[2]
    assert sokolov[4] == "sokolov@ds7"
    assert "Адрес «sokolov@ds7» записан с ошибкой" in sokolov[-1]
    assert "«Ф. И. О.»: не заполнено." in values[4][-1]

    # The curator fixes the rows in the downloaded file and loads it again.
    sokolov[4] = "sokolov@ds7.ru"
    values[3][6] = "первая"
    values[4][1] = "Ковалёва Нина Сергеевна"
    values = [[value or "" for value in row] for row in values]
    values[6][5] = "28.02.2020"
    values[6][3] = "5"
    values[7][1] = "Кравец Олег Иванович"
    values[8][2] = "Педагог дополнительного образования"
    values[5][3] = "менее года"  # the repeat of Жукова now agrees with her first row
    fixed = upload_ok(curator, xlsx_bytes(values), "to-fix.xlsx")
    rows = rows_by_line(fixed)
    assert fixed.summary["counts"]["flagged"] == 0, [r for r in rows.values() if r.get("flags")]
    assert fixed.summary["counts"]["skipped"] == 0
    assert "Что исправить" in fixed.summary["ignored"]
    confirm(curator, fixed)
    org = curator.org
    assert person(org, "Соколов").email == "sokolov@ds7.ru"
    assert person(org, "Морозова").qualification_category == Person.Category.FIRST
    assert (person(org, "Белых").hired_on, person(org, "Белых").experience_years) == (date(2020, 2, 28), 5)
    assert person(org, "Ковалёва").position == "Воспитатель"
    assert person(org, "Кравец").name == "Олег"
    assert person(org, "Гусева").position == "Педагог дополнительного образования"
    assert Person.objects.filter(organization=org, surname="Жукова").count() == 1
    assert Person.objects.filter(organization=org, surname="Соколов").count() == 1


def _hr_people(count: int) -> bytes:
    letters = str.maketrans("0123456789", "абвгдежзик")
    rows = [HR_HEADER]
    for n in range(count):
        name = f"Работник{n:04d}".translate(letters)
        rows.append([n, f"{name} Анна Петровна", "Воспитатель", "менее года" if n % 2 else 5, "bad@", "", ""])
        rows.append([n, "", "Воспитатель", "", "", "", ""])
    return xlsx_bytes(rows)


def test_result_page_costs_the_same_queries_for_a_small_and_a_large_file(curator, django_assert_max_num_queries):
    small = applied(curator, _hr_people(3))
    large = applied(curator, _hr_people(150))
    assert StaffImportRow.objects.filter(staff_import=large).count() == 300
    curator.client.get(result_url(curator, small))
    counted = []
    for staff_import in (small, large):
        curator.client.get(result_url(curator, staff_import))
        with CaptureQueriesContext(connection) as captured:
            assert curator.client.get(result_url(curator, staff_import)).status_code == 200
        counted.append(len(captured.captured_queries))
    assert counted[0] == counted[1]
    with django_assert_max_num_queries(12):
        curator.client.get(result_url(curator, large) + "?show=flagged&page=3")
    with django_assert_max_num_queries(12):
        curator.client.get(result_url(curator, large, "people:staff_import_to_fix"))
