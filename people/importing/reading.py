"""Reading an uploaded staff list: XLSX or CSV (read by core.tables), the header row wherever it stands and
however it is worded, the rows under it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core import uploads
from core.tables import Accepts, Table, TableError, read_table
from people.importing.cells import COLUMNS, FIO, NAME_FIELDS, cell_text

MAX_FILE_SIZE = 5 * 1024 * 1024
# A regional staff list: the writing runs in the task worker (people.tasks.confirm_staff_import), not in a request.
MAX_DATA_ROWS = 20_000


# --- headers ----------------------------------------------------------------------------------------------------


def header_key(value) -> str:
    """Only the letters and digits of a header, lower case, ё→е: «Ф.И.О.» and «ф и о» both become «фио»."""
    return re.sub(r"[^0-9a-zа-я]", "", cell_text(value).lower().replace("ё", "е"))


# «Дата приёма», «Дата приема на работу», «Дата поступления на работу», «Принят на работу», «Дата трудоустройства».
HIRE_DATE_STARTS = ("датаприем", "датапоступл", "датазачисл", "дататрудоустр", "принят", "датаназначениянадолжн")


def recognise_header(value) -> tuple[str, int] | None:
    """The field a header names and how sure we are (2 — exact, 1 — loose); None for a column we do not use."""
    key = header_key(value)
    if key.startswith(HIRE_DATE_STARTS):
        return "hired_on", 2
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
    row: list[str] = field(default_factory=list)  # every header cell as written, by column

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
        row=[cell_text(value) for value in cells],
    )


# --- reading files ----------------------------------------------------------------------------------------------

STAFF_FILES = Accepts(
    kinds=("xlsx", "csv", "docx"),
    max_bytes=MAX_FILE_SIZE,
    holds="только лист со списком работников",
    max_rows=MAX_DATA_ROWS,
    package_check=uploads.swelling_problem,
)


def _recognise(cells: list, line: int) -> tuple[Header, tuple[bool, int]] | None:
    """A row that names the full name is a header; of several, the one with «Должность» and most known columns."""
    header = map_header(cells, line)
    return None if header is None else (header, ("position" in header.index, len(header.index)))


def read_staff_file(data: bytes, filename: str, *, peek: bool = False) -> Table[Header]:
    """Parse an uploaded staff list; raise TableError with a message for the user when it cannot be used.
    `peek`: a first look at its beginning (core.tables.read_table), for the upload form."""
    table = read_table(data, filename, STAFF_FILES, _recognise, peek=peek)
    if table is None:
        raise TableError(
            "Не найдена строка с заголовками столбцов. В первых 20 строках должны быть столбцы «ФИО» "
            "(или «Фамилия» и «Имя») и «Должность». Скачайте шаблон и сверьте названия."
        )
    if "position" not in table.header.index:
        raise TableError(
            "В файле нет столбца «Должность»: без него нельзя добавить новых работников. "
            "Добавьте столбец или возьмите за основу шаблон."
        )
    if not table.rows and table.complete:  # a first look may stop short of rows further down: the full read says
        raise TableError(f"Под строкой заголовков (строка {table.header_line}) нет ни одного работника.")
    return table
