"""Staff import: messy cells cleaned, every row previewed, all rows written in one go or none, files let go."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core import uploads
from people import importing
from people.models import Person, Role, StaffImport
from tests.factories import PersonFactory
from tests.people.import_fixtures import (
    MESSY_ERRORS,
    NBSP,
    csv_bytes,
    fixed_rows,
    messy_rows,
    mixed_whitespace,
    padded,
    spaces,
    upload,
    xlsx_bytes,
)

HEADER = list(importing.COLUMNS.values())


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post_file(persona, data: bytes, name: str = "Список.xlsx"):
    return persona.client.post(reverse("people:staff_import", args=[persona.org.slug]), {"file": upload(name, data)})


def upload_ok(persona, data: bytes, name: str = "Список.xlsx") -> StaffImport:
    response = post_file(persona, data, name)
    assert response.status_code == 302, response.context["form"].errors
    staff_import = StaffImport.objects.latest("pk")
    assert response.url == reverse("people:staff_import_preview", args=[persona.org.slug, staff_import.pk])
    return staff_import


def rows_by_line(staff_import: StaffImport) -> dict[int, dict]:
    staff_import.refresh_from_db()
    return {row["line"]: row for row in staff_import.summary["rows"]}


def confirm(persona, staff_import: StaffImport):
    url = reverse("people:staff_import_confirm", args=[persona.org.slug, staff_import.pk])
    return persona.client.post(url)


def preview(persona, staff_import: StaffImport, query: str = ""):
    url = reverse("people:staff_import_preview", args=[persona.org.slug, staff_import.pk]) + query
    return persona.client.get(url)


def simple_file(*people: list, header: list | None = None) -> bytes:
    return xlsx_bytes([header or HEADER, *people])


# --- cleaning cells -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "years"),
    [
        ("5", 5),
        (5, 5),
        (5.0, 5),
        ("5 лет", 5),
        ("5,5", 5),
        ("5.5", 5),
        ("12 лет 3 мес.", 12),
        ("1 год 11 месяцев", 1),
        ("3 г.", 3),
        ("8 мес.", 0),
        (f"12{NBSP}лет", 12),
        ("нет", 0),
        ("менее года", 0),
        ("", None),
        (None, None),
    ],
)
def test_experience_is_read_from_numbers_and_words(cell, years):
    assert importing.parse_experience(cell) == years


@pytest.mark.parametrize(
    ("cell", "hint"),
    [
        ("много", "Не удалось прочитать «много»"),
        (datetime(2025, 5, 5), "дата"),
        ("2010", "похоже на год"),
        (150, "больше 70"),
        (-3, "Не удалось прочитать"),
        ("5 недель", "Не удалось прочитать"),
    ],
)
def test_experience_that_cannot_be_read_is_explained(cell, hint):
    with pytest.raises(ValueError, match=hint):
        importing.parse_experience(cell)


@pytest.mark.parametrize(
    ("cell", "category"),
    [
        ("высшая", Person.Category.HIGHEST),
        ("Высшая квалификационная категория", Person.Category.HIGHEST),
        ("ВЫСШАЯ", Person.Category.HIGHEST),
        ("1 категория", Person.Category.FIRST),
        ("первая", Person.Category.FIRST),
        ("I кв. категория", Person.Category.FIRST),
        (1, Person.Category.FIRST),
        ("СЗД", Person.Category.CONFORMITY),
        ("соответствие", Person.Category.CONFORMITY),
        ("Соответствие занимаемой должности", Person.Category.CONFORMITY),
        ("б/к", Person.Category.NONE),
        ("без категории", Person.Category.NONE),
        ("", Person.Category.NONE),
        ("Педагог-методист", Person.Category.METHODIST),
        ("педагог-наставник", Person.Category.MENTOR),
    ],
)
def test_category_is_recognised_however_written(cell, category):
    assert importing.parse_category(cell) == category


@pytest.mark.parametrize(
    ("cell", "hint"), [("заслуженная", "Категории «заслуженная» нет"), ("вторая", "Вторая категория")]
)
def test_unknown_category_is_explained(cell, hint):
    with pytest.raises(ValueError, match=hint):
        importing.parse_category(cell)


@pytest.mark.parametrize(
    ("cell", "clean"),
    [
        ("ИВАНОВА", "Иванова"),
        ("иванова", "Иванова"),
        ("ПЕТРОВА-ВОДКИНА", "Петрова-Водкина"),
        ("петрова-водкина", "Петрова-Водкина"),
        (f"  Семёнова{NBSP} ", "Семёнова"),
        ("МакКензи", "МакКензи"),
    ],
)
def test_names_in_capitals_are_written_properly(cell, clean):
    assert importing.clean_name_part(cell, "фамилия") == clean


def test_patronymic_of_two_words_keeps_its_particle_in_lower_case():
    assert importing.clean_name_part("ГУСЕЙН ОГЛЫ", "отчество") == "Гусейн оглы"


@pytest.mark.parametrize(("cell", "hint"), [("М.", "инициалом"), ("Анна2", "цифры"), ("Анна!", "только буквы")])
def test_faulty_name_is_explained(cell, hint):
    with pytest.raises(ValueError, match=hint):
        importing.clean_name_part(cell, "имя")


@pytest.mark.parametrize(
    ("cell", "phone"),
    [
        (89001234567, "8 (900) 123-45-67"),
        (79001234567.0, "+7 (900) 123-45-67"),
        ("9001234567", "+7 (900) 123-45-67"),
        ("+7 (900) 123–45–67", "+7 (900) 123-45-67"),
        ("8 (4922) 33-44-55", "8 (4922) 33-44-55"),
        ("тел. 33-44-55", "33-44-55"),
    ],
)
def test_phone_is_kept_readable(cell, phone):
    assert importing.clean_phone(cell) == phone


def test_phone_that_is_not_a_number_is_explained():
    with pytest.raises(ValueError, match="не номер телефона"):
        importing.clean_phone("звонить вечером")


@pytest.mark.parametrize(("cell", "email"), [(" Ivanova@School.ru ", "Ivanova@School.ru"), ("mailto:a@b.ru", "a@b.ru")])
def test_email_is_tidied(cell, email):
    assert importing.clean_email(cell) == email


@pytest.mark.parametrize("cell", ["ivanova@", "ivanova school.ru", "a@b.ru, c@d.ru"])
def test_wrong_email_is_explained(cell):
    with pytest.raises(ValueError, match=r"Адрес|один адрес"):
        importing.clean_email(cell)


@pytest.mark.parametrize(
    ("title", "field"),
    [
        ("ФИО", importing.FIO),
        ("Ф.И.О.", importing.FIO),
        ("Фамилия Имя Отчество", importing.FIO),
        ("фамилия, имя, отчество", importing.FIO),
        ("ФИО педагога", importing.FIO),
        (" ФАМИЛИЯ ", "surname"),
        ("Имя", "name"),
        ("Отчество (при наличии)", "patronymic"),
        ("Должность", "position"),
        ("Занимаемая должность", "position"),
        ("Квалификационная категория", "qualification_category"),
        ("Категория", "qualification_category"),
        ("Педагогический стаж", "experience_years"),
        ("Стаж работы", "experience_years"),
        ("Стаж работы в должности", "experience_years"),
        ("Эл. почта", "email"),
        ("Email", "email"),
        ("E-mail", "email"),
        ("Адрес электронной почты", "email"),
        ("Телефон (моб.)", "phone"),
        ("Контактный телефон", "phone"),
        ("Дата присвоения категории", None),
        ("№ п/п", None),
        ("Примечание", None),
    ],
)
def test_headers_are_matched_loosely(title, field):
    found = importing.recognise_header(title)
    assert (found[0] if found else None) == field


# --- reading files ------------------------------------------------------------------------------------------------


def test_header_below_a_title_is_found_and_rows_keep_their_spreadsheet_numbers():
    table = importing.read_staff_file(xlsx_bytes(messy_rows()), "Список.xlsx")
    assert table.header.line == 3
    assert table.header.fio_mode
    assert table.header.ignored == ["№ п/п"]
    assert table.rows[0][0] == 4


def test_csv_from_excel_in_windows_1251_with_semicolons_is_read():
    data = csv_bytes(
        [["Фамилия", "Имя", "Отчество", "Должность"], ["Ёлкина", "Вера", "", "Воспитатель"]], encoding="cp1251"
    )
    table = importing.read_staff_file(data, "staff.csv")
    assert table.rows == [(2, ["Ёлкина", "Вера", "", "Воспитатель"])]


def test_csv_with_commas_is_read():
    data = csv_bytes([["ФИО", "Должность"], ["Ёлкина Вера", "Воспитатель, музыкальный руководитель"]], delimiter=",")
    table = importing.read_staff_file(data, "staff.csv")
    assert table.header.index == {importing.FIO: 0, "position": 1}


def test_header_is_found_on_a_later_sheet():
    data = xlsx_bytes([["Пояснения к списку"]], sheets={"Педагоги": [HEADER, ["Ёлкина", "Вера", "", "Воспитатель"]]})
    assert importing.read_staff_file(data, "staff.xlsx").sheet == "Педагоги"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("staff.pdf", b"%PDF-1.4 something", "XLSX (Excel), CSV или DOCX (Word)"),
        ("staff.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "старого формата"),
        ("staff.xlsx", b"this is not a spreadsheet at all", "не открывается как таблица Excel"),
        ("staff.xlsx", b"PK\x03\x04broken zip", "не открывается как таблица Excel"),
        ("staff.csv", b"\x00\x01\x02binary", "двоичные данные"),
        ("staff.csv", b"\n;;\n\n", "Файл пустой"),
        ("staff.xlsx", xlsx_bytes([]), "Файл пустой"),
        ("staff.xlsx", xlsx_bytes([["Название", "Количество"], ["Мел", 5]]), "Не найдена строка с заголовками"),
        ("staff.xlsx", xlsx_bytes([["ФИО", "Стаж"], ["Ёлкина Вера", 5]]), "нет столбца «Должность»"),
        ("staff.xlsx", xlsx_bytes([HEADER]), "нет ни одного работника"),
    ],
)
def test_unusable_file_is_refused_on_the_form_and_nothing_is_stored(curator, settings, name, data, message):
    response = post_file(curator, data, name)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert message in response.content.decode()
    assert not StaffImport.objects.exists()
    assert stored_files(settings) == []


def test_empty_upload_and_no_file_are_refused(curator):
    response = post_file(curator, b"", "staff.xlsx")
    assert "Файл пустой" in " ".join(response.context["form"].errors["file"])
    response = curator.client.post(reverse("people:staff_import", args=[curator.org.slug]), {})
    assert "Выберите файл" in " ".join(response.context["form"].errors["file"])
    assert not StaffImport.objects.exists()


def test_file_over_5_mb_is_refused(curator, settings):
    big = xlsx_bytes([HEADER]) + b"\0" * (importing.MAX_FILE_SIZE + 1)
    response = post_file(curator, big, "staff.xlsx")
    assert "больше 5 МБ" in " ".join(response.context["form"].errors["file"])
    assert not StaffImport.objects.exists()
    assert stored_files(settings) == []


# --- a workbook that swells when unpacked ----------------------------------------------------------------------

SHEET = "xl/worksheets/sheet1.xml"


def refuse_to_unpack(*args, **kwargs):
    raise AssertionError("openpyxl was given a workbook that should have been refused before")


def test_a_real_workbook_unpacking_past_the_limit_is_refused_before_openpyxl_reads_it(curator, settings, monkeypatch):
    swollen = padded(xlsx_bytes(fixed_rows()), SHEET, mixed_whitespace(3))  # packs ~4×, like real content
    assert len(swollen) < importing.MAX_FILE_SIZE
    assert importing.read_staff_file(swollen, "Список.xlsx").rows  # a real workbook: under 50 MB it is read

    monkeypatch.setattr(uploads, "OFFICE_MAX_UNPACKED", 2 * 2**20)
    monkeypatch.setattr("openpyxl.load_workbook", refuse_to_unpack)
    response = post_file(curator, swollen)
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["file"])
    assert "при открытии занимает 3,0 МБ, а можно не больше 2 МБ" in message
    assert not StaffImport.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("megabytes", "message"),
    [(60, "при открытии занимает 60,0 МБ, а можно не больше 50 МБ"), (5, "сжаты в сотни раз")],
    ids=["past-50-mb", "packed-a-thousand-times"],
)
def test_a_workbook_full_of_spaces_is_refused_at_the_real_limits(curator, settings, monkeypatch, megabytes, message):
    """No limit lowered: 60 MB of spaces in the sheet pack into some 60 KB; 5 MB of them are under the size limit
    but packed far beyond any real workbook."""
    bomb = padded(xlsx_bytes(fixed_rows()), SHEET, spaces(megabytes))
    assert len(bomb) < 200 * 1024
    monkeypatch.setattr("openpyxl.load_workbook", refuse_to_unpack)
    response = post_file(curator, bomb)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not StaffImport.objects.exists()
    assert stored_files(settings) == []


# --- the preview --------------------------------------------------------------------------------------------------


def test_preview_lists_every_row_with_its_outcome_and_writes_nothing(curator, settings):
    before = Person.objects.count()
    staff_import = upload_ok(curator, xlsx_bytes(messy_rows()))
    rows = rows_by_line(staff_import)
    # Every non-empty data row is there, under its spreadsheet number; the empty row 11 is not.
    assert sorted(rows) == [4, 5, 6, 7, 8, 9, 10, 12, 13, 14]
    # A faulty optional value flags its row; the person is loaded all the same.
    assert {line for line, row in rows.items() if row.get("flags")} == set(MESSY_ERRORS) - {7, 12}
    for line, column in MESSY_ERRORS.items():
        problems = rows[line].get("flags") or rows[line].get("errors") or []
        assert [c for c, _message in problems] == ([column] if line != 12 else []), line
    assert rows[7]["status"] == "skipped"
    assert "одно слово" in rows[7]["errors"][0][1]
    assert rows[12]["status"] == "merged"
    assert "уже есть в строке 4" in rows[12]["note"]
    assert rows[14] == {"line": 14, "name": "Итого: 10", "status": "skipped", "errors": [["", "Итоговая строка."]]}
    # Clean rows are tidied for the preview as they would be written.
    assert rows[4]["status"] == "new"
    assert rows[4]["name"] == "Иванова Мария Петровна"
    assert rows[4]["position"] == "Учитель начальных классов"
    assert ["Телефон", "8 (900) 123-45-67"] in rows[4]["fields"]
    assert rows[5]["name"] == "Петрова-Водкина Анна Сергеевна"
    assert rows[6]["name"] == "Семёнов Олег"
    assert staff_import.summary["counts"] == {
        "new": 7,
        "update": 0,
        "unchanged": 0,
        "merged": 1,
        "skipped": 2,
        "flagged": 4,
    }
    # Nothing written yet; the file waits in storage for the confirmation.
    assert Person.objects.count() == before
    assert len(stored_files(settings)) == 1


def test_preview_page_explains_each_flagged_row_and_offers_to_load_the_rest(curator):
    staff_import = upload_ok(curator, xlsx_bytes(messy_rows()))
    response = preview(curator, staff_import, "?show=flagged")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Загрузить 7 работников, пропустить 2 строки" in html
    assert 'aria-disabled="true" data-testid="confirm-import"' not in html
    assert "Импорт никого не удаляет" in html
    assert "«Эл. почта»:</span> Адрес «kuznetsova@» записан с ошибкой" in html
    assert [row["line"] for row in response.context["page"].object_list] == [8, 9, 10, 13]


def test_confirming_a_file_with_faulty_values_loads_the_people_without_them(curator, settings):
    before = Person.objects.count()
    staff_import = upload_ok(curator, xlsx_bytes(messy_rows()))
    response = confirm(curator, staff_import)
    assert response.url == reverse("people:staff_import_result", args=[curator.org.slug, staff_import.pk])
    assert Person.objects.count() == before + 7
    kuznetsova = Person.objects.get(organization=curator.org, surname="Кузнецова")
    assert (kuznetsova.email, kuznetsova.experience_years) == ("", 20)
    assert Person.objects.get(surname="Зайцева").experience_years is None
    assert not Person.objects.filter(surname="Сидорова").exists()
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.APPLIED


def test_file_where_every_row_fails_still_gets_a_preview(curator):
    data = simple_file(["Сидорова", "", "", ""], ["", "", "", "Учитель"], ["Ива2нова", "Анна", "", "Учитель"])
    staff_import = upload_ok(curator, data)
    response = preview(curator, staff_import)
    assert response.status_code == 200
    assert staff_import.summary["counts"]["skipped"] == 3
    assert not response.context["can_apply"]
    assert 'disabled aria-disabled="true" data-testid="confirm-import"' in response.content.decode()
    rows = rows_by_line(staff_import)
    assert rows[2]["errors"] == [["Имя", "не заполнено."], ["Должность", "не заполнено."]]
    assert rows[3]["errors"] == [["", "Фамилия и имя не заполнены."]]
    assert rows[4]["errors"][0][0] == "Фамилия"
    assert "цифры" in rows[4]["errors"][0][1]


def test_preview_of_another_organisation_is_not_found(curator, outsider):
    theirs = upload_ok(outsider, simple_file(["Лаптева", "Ирина", "", "Воспитатель"]))
    for name in ("people:staff_import_preview", "people:staff_import_confirm", "people:staff_import_cancel"):
        url = reverse(name, args=[curator.org.slug, theirs.pk])
        assert curator.client.get(url).status_code in (404, 405)
        assert curator.client.post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == StaffImport.Status.PREVIEW
    assert not Person.objects.filter(surname="Лаптева").exists()


@pytest.mark.parametrize("role", [Role.Kind.HEAD, Role.Kind.MENTOR, Role.Kind.MENTEE, Role.Kind.COUNCIL])
def test_only_administrator_and_curator_may_import(org, persona, curator, role):
    other = persona(org, role)
    staff_import = upload_ok(curator, simple_file(["Лаптева", "Ирина", "", "Воспитатель"]))
    urls = [
        reverse("people:staff_import", args=[org.slug]),
        reverse("people:staff_import_template", args=[org.slug]),
        reverse("people:staff_import_preview", args=[org.slug, staff_import.pk]),
    ]
    for url in urls:
        assert other.client.get(url).status_code == 404
    for name in ("people:staff_import_confirm", "people:staff_import_cancel"):
        assert other.client.post(reverse(name, args=[org.slug, staff_import.pk])).status_code == 404
    assert post_file(other, simple_file(["Лаптева", "Ирина", "", "Воспитатель"])).status_code == 404
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.PREVIEW


def test_administrator_imports_too(admin):
    staff_import = upload_ok(admin, simple_file(["Лаптева", "Ирина", "", "Воспитатель"]))
    assert confirm(admin, staff_import).status_code == 302
    assert Person.objects.filter(organization=admin.org, surname="Лаптева").exists()


# --- confirming ---------------------------------------------------------------------------------------------------


def test_confirm_writes_every_row_cleaned_and_lets_the_file_go(curator, settings, django_capture_on_commit_callbacks):
    staff_import = upload_ok(curator, xlsx_bytes(fixed_rows()))
    counts = {"new": 8, "update": 0, "unchanged": 0, "merged": 0, "skipped": 1, "flagged": 0}
    assert staff_import.summary["counts"] == counts
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(curator, staff_import)
    assert response.status_code == 302
    assert response.url == reverse("people:staff_import_result", args=[curator.org.slug, staff_import.pk])
    ivanova = Person.objects.get(organization=curator.org, surname="Иванова")
    assert (ivanova.name, ivanova.patronymic, ivanova.position) == ("Мария", "Петровна", "Учитель начальных классов")
    assert ivanova.qualification_category == Person.Category.HIGHEST
    assert ivanova.experience_years == 12
    assert ivanova.email == "ivanova@school1.ru"
    assert ivanova.phone == "8 (900) 123-45-67"
    assert ivanova.name_key == "иванова мария петровна"
    semenov = Person.objects.get(organization=curator.org, surname="Семёнов")
    assert (semenov.name, semenov.patronymic, semenov.qualification_category) == ("Олег", "", "conformity")
    assert Person.objects.get(surname="Петрова-Водкина").experience_years == 5
    assert Person.objects.get(surname="Зайцева").qualification_category == Person.Category.NONE
    assert Person.objects.filter(organization=curator.org).search("семенов олег").count() == 1
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.APPLIED
    assert staff_import.applied_at is not None
    assert not staff_import.file
    assert "rows" not in staff_import.summary  # names are not kept once the import is closed
    assert staff_import.summary["counts"]["new"] == 8
    assert stored_files(settings) == []
    page = curator.client.get(response.url)
    assert "добавлено 8, обновлено 0, без изменений 0, пропущено строк 1" in page.content.decode()


def test_reimporting_the_same_file_changes_nothing(curator):
    data = xlsx_bytes(fixed_rows())
    confirm(curator, upload_ok(curator, data))
    stamps = dict(Person.objects.values_list("pk", "updated_at"))
    again = upload_ok(curator, data)
    counts = {"new": 0, "update": 0, "unchanged": 8, "merged": 0, "skipped": 1, "flagged": 0}
    assert again.summary["counts"] == counts
    assert {row["status"] for row in again.summary["rows"]} == {"unchanged", "skipped"}
    assert "все работники из файла уже есть" in preview(curator, again).content.decode()
    confirm(curator, again)
    assert dict(Person.objects.values_list("pk", "updated_at")) == stamps


def test_changed_rows_show_old_and_new_values_and_are_updated(curator):
    person = PersonFactory(
        organization=curator.org,
        surname="Ёлкина",
        name="Вера",
        patronymic="Ивановна",
        position="Воспитатель",
        qualification_category=Person.Category.FIRST,
        experience_years=4,
        email="elkina@school1.ru",
        phone="",
    )
    data = simple_file(["ЕЛКИНА", "ВЕРА", "ИВАНОВНА", "Старший воспитатель", "высшая", "5 лет", "", "8 900 111-22-33"])
    staff_import = upload_ok(curator, data)
    row = rows_by_line(staff_import)[2]
    assert row["status"] == "update"
    assert row["changes"] == [
        ["Должность", "Воспитатель", "Старший воспитатель"],
        ["Категория", "Первая", "Высшая"],
        ["Стаж", "4 года", "5 лет"],
        ["Телефон", "—", "8 900 111-22-33"],
    ]
    html = preview(curator, staff_import).content.decode()
    assert "Воспитатель</span> → Старший воспитатель" in html
    confirm(curator, staff_import)
    person.refresh_from_db()
    # Matched despite capitals and е for ё; the ё stays; the empty e-mail cell did not erase the address.
    assert (person.surname, person.position, person.experience_years) == ("Ёлкина", "Старший воспитатель", 5)
    assert person.qualification_category == Person.Category.HIGHEST
    assert person.email == "elkina@school1.ru"
    assert person.phone == "8 900 111-22-33"
    assert Person.objects.filter(organization=curator.org, name_key="елкина вера ивановна").count() == 1


def test_import_does_not_delete_staff_missing_from_the_file(curator, mentor):
    confirm(curator, upload_ok(curator, simple_file(["Лаптева", "Ирина", "", "Воспитатель"])))
    mentor.person.refresh_from_db()
    assert mentor.person.is_working
    assert Person.objects.filter(pk=mentor.person.pk).exists()


def test_people_of_other_organisations_are_never_matched(curator, outsider):
    stranger = outsider.person
    data = simple_file([stranger.surname, stranger.name, stranger.patronymic, "Учитель истории"])
    confirm(curator, upload_ok(curator, data))
    stranger.refresh_from_db()
    assert stranger.position == "Заведующий"
    assert Person.objects.filter(organization=curator.org, surname=stranger.surname).count() == 1


def test_namesakes_in_the_organisation_are_told_apart_by_email(curator):
    first = PersonFactory(
        organization=curator.org,
        surname="Попова",
        name="Анна",
        patronymic="Ивановна",
        email="popova1@school1.ru",
        position="Учитель",
    )
    second = PersonFactory(
        organization=curator.org,
        surname="Попова",
        name="Анна",
        patronymic="Ивановна",
        email="popova2@school1.ru",
        position="Учитель",
    )
    header = [*HEADER[:4], "E-mail"]
    staff_import = upload_ok(
        curator,
        simple_file(
            ["Попова", "Анна", "Ивановна", "Учитель химии", "POPOVA2@school1.ru"],
            ["Попова", "Анна", "Ивановна", "Учитель", ""],
            header=header,
        ),
    )
    rows = rows_by_line(staff_import)
    assert rows[2]["status"] == "update"
    # Without an e-mail the second row is the same person of the file: merged, its other position flagged.
    assert rows[3]["status"] == "merged"
    assert rows[3]["flags"][0][0] == "Должность"
    alone = upload_ok(curator, simple_file(["Попова", "Анна", "Ивановна", "Учитель", ""], header=header))
    row = rows_by_line(alone)[2]
    assert row["status"] == "skipped"
    assert "несколько работников с таким ФИО" in row["errors"][0][1]
    fixed = upload_ok(
        curator, simple_file(["Попова", "Анна", "Ивановна", "Учитель химии", "popova2@school1.ru"], header=header)
    )
    confirm(curator, fixed)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.position, second.position) == ("Учитель", "Учитель химии")


def test_namesakes_within_the_file_with_different_emails_are_two_people(curator):
    header = [*HEADER[:4], "E-mail"]
    data = simple_file(
        ["Попова", "Анна", "", "Учитель", "a1@school1.ru"],
        ["Попова", "Анна", "", "Учитель", "a2@school1.ru"],
        header=header,
    )
    staff_import = upload_ok(curator, data)
    assert staff_import.summary["counts"]["new"] == 2
    confirm(curator, staff_import)
    assert Person.objects.filter(organization=curator.org, surname="Попова").count() == 2


def test_confirmation_is_all_or_nothing_when_the_data_changed_meanwhile(curator):
    data = simple_file(["Лаптева", "Ирина", "", "Воспитатель"], ["Попова", "Анна", "", "Учитель"])
    staff_import = upload_ok(curator, data)
    assert staff_import.summary["counts"]["new"] == 2
    # Meanwhile two namesakes of the second person appear: that row can no longer be matched.
    PersonFactory.create_batch(2, organization=curator.org, surname="Попова", name="Анна", patronymic="", email="")
    response = confirm(curator, staff_import)
    assert response.status_code == 302
    assert response.url == reverse("people:staff_import_preview", args=[curator.org.slug, staff_import.pk])
    assert not Person.objects.filter(surname="Лаптева").exists()
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.PREVIEW
    assert staff_import.summary["counts"]["skipped"] == 1
    assert "Ничего не записано" in curator.client.get(response.url).content.decode()


def test_confirmation_is_all_or_nothing_when_the_database_refuses(curator, monkeypatch):
    existing = PersonFactory(organization=curator.org, surname="Попова", name="Анна", patronymic="", position="Учитель")
    data = simple_file(["Лаптева", "Ирина", "", "Воспитатель"], ["Попова", "Анна", "", "Учитель химии"])
    staff_import = upload_ok(curator, data)

    def refuse(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(type(Person.objects), "bulk_update", refuse)
    confirm(curator, staff_import)
    assert not Person.objects.filter(surname="Лаптева").exists()  # created before the failing update, rolled back
    existing.refresh_from_db()
    assert existing.position == "Учитель"
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.PREVIEW


def test_second_confirmation_does_not_import_twice(curator):
    staff_import = upload_ok(curator, simple_file(["Лаптева", "Ирина", "", "Воспитатель"]))
    confirm(curator, staff_import)
    response = confirm(curator, staff_import)
    assert response.status_code == 302
    assert Person.objects.filter(surname="Лаптева").count() == 1
    assert "уже загружен или загрузка отменена" in curator.client.get(response.url).content.decode()


def test_cancel_writes_nothing_and_lets_the_file_go(curator, settings, django_capture_on_commit_callbacks):
    staff_import = upload_ok(curator, simple_file(["Лаптева", "Ирина", "", "Воспитатель"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = curator.client.post(reverse("people:staff_import_cancel", args=[curator.org.slug, staff_import.pk]))
    assert response.url == reverse("people:staff_import", args=[curator.org.slug])
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.CANCELLED
    assert "rows" not in staff_import.summary
    assert stored_files(settings) == []
    assert not Person.objects.filter(surname="Лаптева").exists()
    assert confirm(curator, staff_import).status_code == 302
    assert not Person.objects.filter(surname="Лаптева").exists()
    assert "Загрузка отменена" in preview(curator, staff_import).content.decode()


def test_new_upload_replaces_the_uploaders_unconfirmed_one(curator, admin, django_capture_on_commit_callbacks):
    theirs = upload_ok(admin, simple_file(["Лаптева", "Ирина", "", "Воспитатель"]))
    first = upload_ok(curator, simple_file(["Лаптева", "Ирина", "", "Воспитатель"]))
    with django_capture_on_commit_callbacks(execute=True):
        second = upload_ok(curator, simple_file(["Лаптева", "Ирина", "", "Учитель"]))
    first.refresh_from_db()
    theirs.refresh_from_db()
    assert first.status == StaffImport.Status.CANCELLED
    assert not first.file
    assert theirs.status == second.status == StaffImport.Status.PREVIEW


def test_missing_stored_file_asks_to_upload_again(curator, settings):
    staff_import = upload_ok(curator, simple_file(["Лаптева", "Ирина", "", "Воспитатель"]))
    for path in stored_files(settings):
        path.unlink()
    response = confirm(curator, staff_import)
    assert response.url == reverse("people:staff_import", args=[curator.org.slug])
    assert "Загрузите его ещё раз" in curator.client.get(response.url).content.decode()
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.CANCELLED
    assert not Person.objects.filter(surname="Лаптева").exists()


def test_csv_file_imports_like_xlsx(curator):
    rows = [["ФИО", "Должность", "Стаж"], ["ЛАПТЕВА ИРИНА ОЛЕГОВНА", "воспитатель", "3,5"], ["Всего: 1", "", ""]]
    staff_import = upload_ok(curator, csv_bytes(rows, encoding="cp1251"), "Список.csv")
    assert staff_import.summary["counts"]["skipped"] == 1
    confirm(curator, staff_import)
    person = Person.objects.get(organization=curator.org, surname="Лаптева")
    assert (person.patronymic, person.position, person.experience_years) == ("Олеговна", "Воспитатель", 3)


# --- pages --------------------------------------------------------------------------------------------------------


def test_upload_page_explains_the_columns_and_offers_the_template(curator):
    response = curator.client.get(reverse("people:staff_import", args=[curator.org.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Квалификационная категория", "Педагогический стаж, лет", "Скачать шаблон XLSX", "никого не удаляет"):
        assert text in html


def test_template_has_the_import_headers_and_imports_back(curator):
    response = curator.client.get(reverse("people:staff_import_template", args=[curator.org.slug]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADER
    sheet.append(["Лаптева", "Ирина", "", "Воспитатель", "Высшая", 3, "", ""])
    out = io.BytesIO()
    workbook.save(out)
    staff_import = upload_ok(curator, out.getvalue())
    assert staff_import.summary["counts"]["new"] == 1


def test_staff_list_offers_import_and_export_to_curator_only(curator, head):
    url = reverse("people:staff_list", args=[curator.org.slug])
    html = curator.client.get(url).content.decode()
    assert reverse("people:staff_import", args=[curator.org.slug]) in html
    assert reverse("people:staff_export", args=[curator.org.slug, "xlsx"]) in html
    assert reverse("people:staff_export", args=[curator.org.slug, "csv"]) in html
    assert reverse("people:staff_import", args=[curator.org.slug]) not in head.client.get(url).content.decode()


def test_upload_page_lists_recent_imports(curator):
    confirm(curator, upload_ok(curator, simple_file(["Лаптева", "Ирина", "", "Воспитатель"]), "Педагоги 2025.xlsx"))
    response = curator.client.get(reverse("people:staff_import", args=[curator.org.slug]))
    html = response.content.decode()
    assert "Педагоги 2025.xlsx" in html
    assert "загружен" in html


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_preview_and_upload_pages_cost_the_same_queries_for_5_and_500_rows(curator):
    small = upload_ok(curator, simple_file(*([f"Лаптева{'а' * n}", "Ирина", "", "Учитель"] for n in range(5))))
    names = [f"Работник{n:03d}".translate(str.maketrans("0123456789", "абвгдежзик")) for n in range(500)]
    large = upload_ok(curator, simple_file(*([name, "Ирина", "", "Учитель"] for name in names)))
    assert large.summary["total"] == 500
    assert _queries(curator.client, reverse("people:staff_import_preview", args=[curator.org.slug, small.pk])) == (
        _queries(curator.client, reverse("people:staff_import_preview", args=[curator.org.slug, large.pk]))
    )
    upload_url = reverse("people:staff_import", args=[curator.org.slug])
    few = _queries(curator.client, upload_url)
    for _ in range(12):
        upload_ok(curator, simple_file(["Лаптева", "Ирина", "", "Учитель"]))
    assert _queries(curator.client, upload_url) == few


def test_import_reads_existing_staff_in_a_constant_number_of_queries(curator):
    def run_queries(count: int) -> int:
        table = importing.read_staff_file(
            simple_file(*([f"Сотрудник{'а' * n}", "Ирина", "", "Учитель"] for n in range(count))), "x.xlsx"
        )
        with CaptureQueriesContext(connection) as captured:
            importing.run(curator.org, table, dry_run=True)
        return len(captured.captured_queries)

    PersonFactory.create_batch(5, organization=curator.org)
    small = run_queries(5)
    PersonFactory.create_batch(100, organization=curator.org)
    assert run_queries(60) == small


def test_dates_in_name_cells_do_not_break_the_preview(curator):
    staff_import = upload_ok(curator, simple_file([date(2020, 1, 1), "Анна", "", "Учитель"]))
    row = rows_by_line(staff_import)[2]
    assert row["status"] == "skipped"
    assert row["errors"][0][0] == "Фамилия"


def test_closed_import_cannot_be_closed_again(curator):
    staff_import = upload_ok(curator, simple_file(["Лаптева", "Ирина", "", "Воспитатель"]))
    staff_import.cancel()
    with pytest.raises(ValueError, match="already cancelled"):
        staff_import.mark_applied({"counts": {}})
    with pytest.raises(ValueError, match="already cancelled"):
        staff_import.cancel()
    assert not importing.cancel_import(staff_import)
