"""Small files that are expensive to read are refused before a reader builds them, in Russian, saying what to do.

Issue 20: a 5 KB workbook declaring A1:XFD20000 kept the staff import busy 71 s; a merged range A3:ZZ3000 kept
the roadmap import 58 s and took 0.8 GB; a roadmap in Word with a DTD ended in a server error. The times and
memory of the refusals are printed by bench/expensive_files.py.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import bounds
from core.tables import TableError
from people.importing.reading import MAX_DATA_ROWS, read_staff_file
from people.models import BackgroundJob, Person, StaffImport
from roadmap import importing
from roadmap.models import Roadmap
from tests.core import expensive_files as files

REFUSED = [
    (lambda: files.with_dimension("A1:XFD20000"), "a.xlsx", "объявляет 16 384 столбца — допускается не больше 200"),
    (lambda: files.with_dimension("A1:E200000"), "a.xlsx", "Лист объявляет 200 000 строк — допускается не больше"),
    (lambda: files.with_dimension("A1:GR30000"), "a.xlsx", "Лист объявляет область 30 000 × 200 столбцов — больше"),
    (lambda: files.with_cell_at("AD25000"), "a.xlsx", "Лист занимает область 25 000 × 30 столбцов — больше"),
    (lambda: files.with_merged("A3:ZZ3000"), "a.xlsx", "Объединённые ячейки покрывают больше 50 000 клеток"),
    (lambda: files.with_merged("A1:XFD1048576"), "a.xlsx", "одна из них — 1 048 576 × 16 384"),
    (lambda: files.with_merged("A:B"), "a.xlsx", "одна из них — 1 048 576 × 2"),
    (files.many_tiny_merges, "a.xlsx", "больше 5 000 объединённых ячеек"),
    (lambda: files.with_cell_at("XFD1048576"), "a.xlsx", "Лист доходит до 1 048 576 строк"),
    (lambda: files.with_cell_at("ZZZ5"), "a.xlsx", "Лист занимает 18 278 столбцов"),
    (files.many_cells, "a.xlsx", "В файле больше 200 000 ячеек"),
    (files.workbook_with_dtd, "a.xlsx", "Файл XLSX содержит объявление DTD"),
    (files.document_with_dtd, "a.docx", "Файл DOCX содержит объявление DTD"),
    (files.document_with_external_entity, "a.docx", "Файл DOCX содержит объявление DTD"),
    (lambda: files.document_with_span(16_000), "a.docx", "Строка таблицы в документе занимает 16 000 столбцов"),
    (files.document_with_vertical_merge, "a.docx", "одна ячейка объединена больше чем на 300 строк"),
    (files.csv_huge_line, "a.csv", "ячейка длиннее 100 000 знаков"),
    (files.csv_many_rows, "a.csv", "В файле 500 002 строк — допускается не больше 30 000"),
    (files.csv_many_columns, "a.csv", "В строке 1 файла 100 001 столбец — допускается не больше 200"),
]
IDS = [
    "dimension-XFD20000", "dimension-200000-rows", "dimension-6-million-cells", "cells-spanning-750000",
    "merged-A3-ZZ3000", "merged-whole-sheet", "merged-whole-columns", "many-tiny-merges", "cell-in-the-last-row",
    "cell-in-column-ZZZ", "millions-of-cells", "xlsx-dtd", "docx-dtd", "docx-external-entity", "docx-span",
    "docx-vertical-merge", "csv-huge-line", "csv-many-rows", "csv-many-columns",
]  # fmt: skip


@pytest.mark.parametrize(("build", "name", "message"), REFUSED, ids=IDS)
def test_the_roadmap_import_refuses_an_expensive_file_before_reading_it(build, name, message):
    with pytest.raises(TableError, match=message):
        importing.read_table(build(), name)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: files.with_dimension("A1:XFD20000"), "Сохраните таблицу заново только с нужными столбцами"),
        (lambda: files.with_cell_at("A1048576"), "Удалите пустые строки под таблицей"),
        (files.workbook_with_dtd, "содержит объявление DTD"),
    ],
    ids=["dimension", "last-row", "dtd"],
)
def test_the_staff_import_refuses_an_expensive_workbook_before_reading_it(build, message):
    with pytest.raises(TableError, match=message):
        read_staff_file(build(), "Список.xlsx")


def test_files_within_the_bounds_are_read_as_before():
    merged = files.with_merged("B2:E2", "D3:D40")  # a stage title across the row, a deadline down a column
    assert importing.read_table(merged, "a.xlsx").header[:2] == ["№", "Наименование этапа"]
    assert importing.read_table(files.with_dimension("A1:T30000"), "a.xlsx").rows  # 20 columns, 30 000 rows
    assert importing.read_table(files.with_dimension("A1:GR3000"), "a.xlsx").rows  # 200 columns, 3 000 rows
    assert importing.read_table(files.document(), "a.docx").rows
    assert importing.read_table(files.document_with_vertical_merge(150), "a.docx").rows


def test_a_lowered_bound_is_read_at_call_time(monkeypatch):
    monkeypatch.setattr(bounds, "MAX_COLUMNS", 4)
    with pytest.raises(TableError, match="Лист объявляет 5 столбцов — допускается не больше 4"):
        importing.read_table(files.workbook(), "a.xlsx")


def test_references_and_ranges_are_measured_as_excel_writes_them():
    assert bounds.cell_position("XFD1048576") == (1_048_576, 16_384)
    assert bounds.cell_position("$B$7") == (7, 2)
    assert bounds.range_size("A3:ZZ3000") == (2_998, 702)
    assert bounds.range_size("C5") == (1, 1)
    assert bounds.range_size("3:5") == (3, 16_384)
    assert bounds.columns_word(16_384) == "16 384 столбца" and bounds.columns_word(201) == "201 столбец"


# --- the pages --------------------------------------------------------------------------------------------------


def test_a_roadmap_in_word_with_a_dtd_is_refused_on_the_page_not_with_a_server_error(curator, org):
    data = {
        "file": SimpleUploadedFile("карта.docx", files.document_with_dtd()),
        "title": "Дорожная карта",
        "period_label": "2026–2027 учебный год",
        "period_start": "2026-09-01",
        "period_end": "2027-08-31",
    }
    response = curator.client.post(reverse("roadmap:roadmap_import", args=[org.slug]), data)
    assert response.status_code == 200
    assert "Файл DOCX содержит объявление DTD" in response.content.decode()
    assert not Roadmap.objects.exists() and "roadmap_import" not in curator.client.session


def test_a_staff_list_declaring_16384_columns_is_refused_on_the_page(curator, org):
    data = {"file": SimpleUploadedFile("Список.xlsx", files.with_dimension("A1:XFD20000"))}
    response = curator.client.post(reverse("people:staff_import", args=[org.slug]), data)
    assert response.status_code == 200
    assert "Лист объявляет 16 384 столбца — допускается не больше 200" in response.content.decode()
    assert not StaffImport.objects.exists()


STAFF_REFUSED = [case for case, case_id in zip(REFUSED, IDS, strict=True) if not case_id.startswith("docx")]
STAFF_IDS = [case_id for case_id in IDS if not case_id.startswith("docx")]


@pytest.mark.parametrize(("build", "name", "message"), STAFF_REFUSED, ids=STAFF_IDS)
def test_the_staff_upload_refuses_every_expensive_file_on_the_form_or_in_its_check(curator, org, build, name, message):
    """The upload form takes a first look at the file (its beginning: core.tables, peek) and the check job reads it
    all: whichever refuses, the curator reads why, and nothing stays open to confirm. These files hold no staff
    header, so the first look may refuse them for that before the full read would name their size."""
    data = {"file": SimpleUploadedFile(name.replace("a.", "Список."), build())}
    response = curator.client.post(reverse("people:staff_import", args=[org.slug]), data, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    first_look = ("Не найдена строка с заголовками столбцов", "Не удалось прочитать файл. Откройте его в Excel")
    assert message in html or any(refusal in html for refusal in first_look)
    assert not StaffImport.objects.filter(status=StaffImport.Status.PREVIEW).exists()


def test_a_staff_list_too_long_for_the_import_is_refused_by_its_check_with_the_reason(curator, org):
    """A list of more rows than an import takes passes the form's first look (its beginning is a good list) and is
    refused by the check job, which reads it all: the job says why, the upload is cancelled, nobody is written."""
    lines = ["ФИО;Должность", *(f"Иванова-{n} Мария Петровна;Учитель" for n in range(MAX_DATA_ROWS + 25))]
    data = {"file": SimpleUploadedFile("Список.csv", "\n".join(lines).encode())}
    response = curator.client.post(reverse("people:staff_import", args=[org.slug]), data, follow=True)
    assert "Файл не загружен. В файле больше 20 000 строк" in response.content.decode()
    job = BackgroundJob.objects.get(organization=org)
    assert job.state == BackgroundJob.State.FAILED and job.result_url == reverse("people:staff_import", args=[org.slug])
    assert StaffImport.objects.get().status == StaffImport.Status.CANCELLED
    assert not Person.objects.filter(organization=org, surname__startswith="Иванова-").exists()


def test_a_first_look_reads_the_beginning_and_says_whether_it_saw_the_end():
    header = "ФИО;Должность"
    short = "\n".join([header, "Иванова Мария Петровна;Учитель"]).encode()
    table = read_staff_file(short, "Список.csv", peek=True)
    assert table.complete and len(table.rows) == 1
    # Blank lines, then the people: the look stops short of them, and does not call the list empty.
    far = "\n".join([header, *[";"] * 300, "Иванова Мария Петровна;Учитель"]).encode()
    look = read_staff_file(far, "Список.csv", peek=True)
    assert not look.complete and look.rows == []
    assert len(read_staff_file(far, "Список.csv").rows) == 1
    with pytest.raises(TableError, match="нет ни одного работника"):
        read_staff_file(header.encode(), "Список.csv", peek=True)  # the whole file seen: it is empty
