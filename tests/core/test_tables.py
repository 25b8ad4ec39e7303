"""The one table reader of every import: XLSX, CSV in UTF-8 or Windows-1251, Word tables; one error type."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from docx import Document
from openpyxl import Workbook

from core.tables import Accepts, TableError, read_grids, read_table

ALL = Accepts(kinds=("xlsx", "csv", "docx"), max_bytes=5 * 2**20, holds="только таблицу", merged=True)
SPREADSHEETS = Accepts(kinds=("xlsx", "csv"), max_bytes=5 * 2**20, holds="только список", max_rows=3)
HEADER = ["ФИО", "Должность"]


def by_known_columns(cells: list, line: int):
    """A test header: the row naming ФИО, scored by how many of our two columns it names."""
    texts = [str(c or "").strip() for c in cells]
    return (texts, sum(t in HEADER for t in texts)) if "ФИО" in texts else None


def xlsx(sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for block in (merges or {}).get(title, []):
            sheet.merge_cells(block)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(rows: list[list[str]], delimiter: str = ";") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def docx(*tables: list[list[str]], merge_down: tuple[int, int, int] | None = None) -> bytes:
    """Word tables; `merge_down` (table, first row, last row) merges the first column over those rows."""
    document = Document()
    document.add_paragraph("Дорожная карта")
    for rows in tables:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    if merge_down:
        number, first, last = merge_down
        table = document.tables[number - 1]
        text = table.cell(first, 0).text
        table.cell(first, 0).merge(table.cell(last, 0)).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- CSV ----------------------------------------------------------------------------------------------------------

ROWS = [["Список работников", ""], HEADER, ["Ёлкина Вера", "Воспитатель, музыкальный руководитель"]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_in_utf8_with_or_without_bom_or_cp1251_with_any_usual_separator(encoding, delimiter):
    data = csv_text(ROWS, delimiter).encode(encoding)
    table = read_table(data, "список.csv", ALL, by_known_columns)
    assert table.header == HEADER and table.header_line == 2
    assert table.rows == [(3, ["Ёлкина Вера", "Воспитатель, музыкальный руководитель"])]
    assert table.where == ""


def test_blank_rows_are_left_out_but_lines_keep_their_numbers_and_rows_take_the_header_width():
    data = "ФИО;Должность\n;\n\u200b; \nЁлкина Вера;Учитель;лишнее\nВолкова Анна\n".encode()
    table = read_table(data, "a.csv", ALL, by_known_columns)
    assert table.rows == [(4, ["Ёлкина Вера", "Учитель"]), (5, ["Волкова Анна", None])]


# --- XLSX ---------------------------------------------------------------------------------------------------------


def test_the_best_header_of_any_sheet_wins_and_ties_go_to_the_first():
    data = xlsx(
        {
            "Пояснения": [["Заполните лист «Педагоги»"]],
            "Черновик": [["ФИО"], ["Иванова"]],
            "Педагоги": [["Приказ № 5"], HEADER, ["Ёлкина Вера", "Учитель"], [datetime(2026, 9, 1), 5]],
            "Копия": [HEADER, ["Волкова Анна", "Учитель"]],
        }
    )
    table = read_table(data, "список.xlsx", ALL, by_known_columns)
    assert (table.sheet, table.where, table.header_line) == ("Педагоги", "лист «Педагоги»", 2)
    assert table.rows == [(3, ["Ёлкина Вера", "Учитель"]), (4, [datetime(2026, 9, 1), 5])]  # values as Excel has them


def test_no_header_is_none_for_the_importer_to_word():
    assert read_table(xlsx({"Лист1": [["Название", "Количество"]]}), "a.xlsx", ALL, by_known_columns) is None


def test_merged_cells_carry_their_value_down_the_first_column_only():
    rows = [[*HEADER, "Срок"], ["Этап 1", "Учитель", "сентябрь"], ["", "Куратор", ""], ["", "", ""]]
    data = xlsx({"Лист1": rows}, {"Лист1": ["A2:A4", "B3:C3"]})
    table = read_table(data, "a.xlsx", ALL, by_known_columns)
    assert table.rows == [
        (2, ["Этап 1", "Учитель", "сентябрь"]),
        (3, ["Этап 1", "Куратор", None]),
        (4, ["Этап 1", None, None]),
    ]
    assert table.is_merged(3, 0) and table.is_merged(4, 0)
    assert not table.is_merged(2, 0) and not table.is_merged(3, 1) and not table.is_merged(3, 2)


def test_a_streamed_workbook_knows_no_merged_cells():
    data = xlsx({"Лист1": [HEADER, ["Ёлкина Вера", "Учитель"], ["", "Куратор"]]}, {"Лист1": ["A2:A3"]})
    table = read_table(data, "a.xlsx", SPREADSHEETS, by_known_columns)
    assert table.rows == [(2, ["Ёлкина Вера", "Учитель"]), (3, [None, "Куратор"])] and not table.merged


def test_an_office_file_is_checked_before_any_reader_unpacks_it(monkeypatch):
    asked = []

    def refuse(data: bytes, what: str, holds: str) -> str:
        asked.append((what, holds))
        return "Файл слишком велик внутри."

    def never(*args, **kwargs):
        raise AssertionError("the reader was given a file that should have been refused before")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    monkeypatch.setattr("docx.Document", never)
    accepts = Accepts(kinds=("xlsx", "docx"), max_bytes=5 * 2**20, holds="только таблицу", package_check=refuse)
    for name, data in (("a.xlsx", xlsx({"Лист1": [HEADER]})), ("a.docx", docx([HEADER]))):
        with pytest.raises(TableError, match="слишком велик"):
            read_grids(data, name, accepts)
    assert asked == [("Файл XLSX", "только таблицу"), ("Файл DOCX", "только таблицу")]


# --- DOCX ---------------------------------------------------------------------------------------------------------


def test_word_tables_are_numbered_and_merged_cells_marked():
    first = [["Согласовано", "Утверждаю"], ["", ""]]
    second = [["ФИО", "Должность"], ["Этап 1", "Учитель"], ["", "Куратор"]]
    table = read_table(docx(first, second, merge_down=(2, 1, 2)), "карта.docx", ALL, by_known_columns)
    assert (table.number, table.where) == (2, "таблица 2")
    assert table.rows == [(2, ["Этап 1", "Учитель"]), (3, ["Этап 1", "Куратор"])]
    assert table.is_merged(3, 0) and not table.is_merged(2, 0)


# --- refusals -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "accepts", "message"),
    [
        (b"", "a.csv", ALL, "Файл пустой"),
        (b"x" * (5 * 2**20 + 1), "a.csv", ALL, "Файл больше 5 МБ. Оставьте в нём только таблицу"),
        (b"%PDF-1.4", "a.pdf", ALL, "загрузите файл в формате XLSX \\(Excel\\), CSV или DOCX \\(Word\\)"),
        (b"x", "a.docx", SPREADSHEETS, "загрузите файл в формате XLSX \\(Excel\\) или CSV\\."),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 50, "a.xls", ALL, "старого формата Excel \\(XLS\\)"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 50, "a.doc", ALL, "старого формата Word \\(DOC\\)"),
        (b"not a zip", "a.xlsx", ALL, "не открывается как таблица Excel"),
        (b"PK\x03\x04broken", "a.xlsx", ALL, "не открывается как таблица Excel"),
        (b"not a zip", "a.docx", ALL, "не открывается как документ Word"),
        (b"\x00\x01binary", "a.csv", ALL, "двоичные данные"),
        (b"\n;;\n\n", "a.csv", ALL, "Файл пустой: в нём нет ни одной заполненной строки"),
        (xlsx({"Лист1": []}), "a.xlsx", ALL, "Файл пустой"),
        (docx([["", ""]]), "a.docx", ALL, "нет таблицы"),
        ("\n".join(["ФИО;Должность"] + ["Иванова;Учитель"] * 24).encode(), "a.csv", SPREADSHEETS, "больше 3 строк"),
    ],
)
def test_a_file_that_cannot_be_used_is_one_error_with_a_russian_message(data, name, accepts, message):
    with pytest.raises(TableError, match=message):
        read_table(data, name, accepts, by_known_columns)
