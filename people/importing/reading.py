"""Reading an uploaded staff list: XLSX or CSV, the header row wherever it stands, the rows under it."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass

from people import uploads
from people.importing.cells import COLUMNS, FIO, NAME_FIELDS, cell_text, is_blank

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_DATA_ROWS = 10_000
# A title, the organisation's name or an approval stamp may stand above the header; this many rows are searched.
HEADER_SEARCH_ROWS = 20
TOO_MANY_ROWS = "В файле больше 10 000 строк: разделите список на части и загрузите их по очереди."


class ImportFileError(Exception):
    """A file that cannot be imported at all. The message is shown on the upload form as it is."""


# --- headers ----------------------------------------------------------------------------------------------------


def header_key(value) -> str:
    """Only the letters and digits of a header, lower case, ё→е: «Ф.И.О.» and «ф и о» both become «фио»."""
    return re.sub(r"[^0-9a-zа-я]", "", cell_text(value).lower().replace("ё", "е"))


def recognise_header(value) -> tuple[str, int] | None:
    """The field a header names and how sure we are (2 — exact, 1 — loose); None for a column we do not use."""
    key = header_key(value)
    if not key or key.startswith("дата") or key in ("нпп", "н", "пп"):
        return None
    exact = {
        "фио": FIO,
        "фамилияимяотчество": FIO,
        "фамилия": "surname",
        "имя": "name",
        "отчество": "patronymic",
        "должность": "position",
        "квалификационнаякатегория": "qualification_category",
        "категория": "qualification_category",
        "стаж": "experience_years",
        "стажлет": "experience_years",
        "педагогическийстаж": "experience_years",
        "педагогическийстажлет": "experience_years",
        "email": "email",
        "телефон": "phone",
    }
    if key in exact:
        return exact[key], 2
    rules = (
        (FIO, key.startswith(("фио", "фамилияимя", "фамилияио", "фамилияиинициалы"))),
        ("surname", key.startswith("фамилия")),
        ("patronymic", key.startswith("отчество")),
        ("experience_years", "стаж" in key),
        ("qualification_category", "категори" in key or key.startswith("квалификац")),
        ("email", "mail" in key or "почт" in key or key in ("емейл", "имейл", "емаил", "мейл")),
        ("phone", "телефон" in key or key.startswith(("тел", "моб", "сотов", "контактныйтел", "номертел"))),
        ("position", "должност" in key),
    )
    for name, matches in rules:
        if matches:
            # Of two «стаж» columns the pedagogical one is the one we keep.
            return name, 2 if name == "experience_years" and "пед" in key else 1
    return None


@dataclass
class Header:
    line: int
    index: dict[str, int]  # field (or FIO) → column index
    titles: dict[str, str]  # field (or FIO) → the header as written in the file
    ignored: list[str]

    @property
    def fio_mode(self) -> bool:
        return FIO in self.index

    def column_label(self, field_name: str) -> str:
        """The header of the column a field came from, as the user wrote it."""
        if field_name in NAME_FIELDS and self.fio_mode:
            return self.titles[FIO]
        return self.titles.get(field_name) or COLUMNS.get(field_name, field_name)


def map_header(cells: list, line: int) -> Header | None:
    """The header of a row, if the row is one: it names the full name (one ФИО column, or Фамилия and Имя)."""
    best: dict[str, tuple[int, int]] = {}
    titles: dict[int, str] = {}
    for column, value in enumerate(cells):
        title = cell_text(value)
        if not title:
            continue
        titles[column] = title
        found = recognise_header(value)
        if found is None:
            continue
        name, score = found
        if name not in best or score > best[name][1]:
            best[name] = (column, score)
    index = {name: column for name, (column, _score) in best.items()}
    if {"surname", "name"} <= index.keys():
        index.pop(FIO, None)
    elif FIO in index:
        for part in NAME_FIELDS:
            index.pop(part, None)
    else:
        return None
    used = set(index.values())
    return Header(
        line=line,
        index=index,
        titles={name: titles[column] for name, column in index.items()},
        ignored=[title for column, title in sorted(titles.items()) if column not in used],
    )


# --- reading files ----------------------------------------------------------------------------------------------


@dataclass
class Table:
    """What a file holds under its header: (spreadsheet row number, cells) for every row after the header."""

    header: Header
    rows: list[tuple[int, list]]
    sheet: str = ""


def read_staff_file(data: bytes, filename: str) -> Table:
    """Parse an uploaded staff list; raise ImportFileError with a message for the user when it cannot be used."""
    if not data:
        raise ImportFileError("Файл пустой: в нём нет ни одной строки.")
    if len(data) > MAX_FILE_SIZE:
        raise ImportFileError("Файл больше 5 МБ. Удалите лишние листы и оформление или разделите список на части.")
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "Это файл старого формата Excel (XLS). Откройте его в Excel или LibreOffice и сохраните как XLSX."
        )
    if suffix == "xlsx":
        return _read_xlsx(data)
    if suffix == "csv":
        return _read_csv(data)
    raise ImportFileError("Загрузите файл в формате XLSX (Excel) или CSV.")


def _read_xlsx(data: bytes) -> Table:
    import openpyxl  # imported here: only uploads need it, and it is not light

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError("Файл не открывается как XLSX: возможно, он повреждён или это файл другого формата.")
    problem = uploads.swelling_problem(data, "Файл XLSX", "только лист со списком работников")
    if problem:
        raise ImportFileError(problem)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ImportFileError(
            "Файл не открывается как XLSX: возможно, он повреждён или защищён паролем. "
            "Откройте его в Excel и сохраните заново."
        ) from None
    try:
        # The first sheet with a usable header wins: a workbook may open with a cover or instructions sheet.
        return _pick_table((_sheet_rows(sheet), sheet.title) for sheet in workbook.worksheets)
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError("Не удалось прочитать файл. Откройте его в Excel и сохраните заново.") from None
    finally:
        workbook.close()


def _sheet_rows(sheet) -> list[tuple[int, list]]:
    rows = []
    for line, cells in enumerate(sheet.iter_rows(values_only=True), 1):
        if any(not is_blank(value) for value in cells):
            rows.append((line, list(cells)))
            if len(rows) > MAX_DATA_ROWS + HEADER_SEARCH_ROWS:
                raise ImportFileError(TOO_MANY_ROWS)
    return rows


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ImportFileError("Файл не похож на CSV: в нём двоичные данные. Загрузите XLSX или CSV.")
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("Не удалось определить кодировку CSV. Сохраните файл в кодировке UTF-8.")


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    if not re.search(r"\w", text):
        _no_header(any_content=False)  # only separators and line breaks
    candidates = []
    for delimiter in (";", ",", "\t"):
        try:
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        rows = [(line, cells) for line, cells in enumerate(records, 1) if any(not is_blank(c) for c in cells)]
        if len(rows) > MAX_DATA_ROWS + HEADER_SEARCH_ROWS:
            raise ImportFileError(TOO_MANY_ROWS)
        candidates.append((rows, ""))
    # The separator that splits the header into the most known columns is the file's own.
    return _pick_table(candidates, best_of_all=True)


def _pick_table(candidates, *, best_of_all: bool = False) -> Table:
    """The table of the first (or the richest) candidate with a usable header; else the clearest complaint."""
    best: Table | None = None
    complaint: ImportFileError | None = None
    any_content = False
    for rows, sheet in candidates:
        any_content = any_content or bool(rows)
        try:
            table = _table_from_rows(rows, sheet)
        except ImportFileError as exc:
            complaint = complaint or exc
            continue
        if table is not None and (best is None or len(table.header.index) > len(best.header.index)):
            best = table
            if not best_of_all:
                break
    if best is not None:
        return best
    if complaint is not None:
        raise complaint
    _no_header(any_content)


def _table_from_rows(rows: list[tuple[int, list]], sheet: str) -> Table | None:
    for position, (line, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        header = map_header(cells, line)
        if header is None:
            continue
        if "position" not in header.index:
            raise ImportFileError(
                "В файле нет столбца «Должность»: без него нельзя добавить новых работников. "
                "Добавьте столбец или возьмите за основу шаблон."
            )
        data_rows = rows[position + 1 :]
        if not data_rows:
            raise ImportFileError(f"Под строкой заголовков (строка {line}) нет ни одного работника.")
        return Table(header=header, rows=data_rows, sheet=sheet)
    return None


def _no_header(any_content: bool):
    if not any_content:
        raise ImportFileError("Файл пустой: в нём нет ни одной заполненной строки.")
    raise ImportFileError(
        "Не найдена строка с заголовками столбцов. В первых 20 строках должны быть столбцы «ФИО» "
        "(или «Фамилия» и «Имя») и «Должность». Скачайте шаблон и сверьте названия."
    )
