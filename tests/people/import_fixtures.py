"""Staff-list files for the import tests, built in code: a messy one as real schools send them, and its fix.

Not committed as binaries: openpyxl writes the XLSX, the csv module the CSV, at test time.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Iterable

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

NBSP = "\xa0"


def xlsx_bytes(rows: list[list], *, title: str = "Лист1", sheets: dict[str, list[list]] | None = None) -> bytes:
    """An XLSX whose first sheet holds `rows` (None — an empty cell); `sheets` go after it."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, extra in (sheets or {}).items():
        other = workbook.create_sheet(name)
        for row in extra:
            other.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def padded(package: bytes, member: str, padding: Iterable[bytes]) -> bytes:
    """The Office file `package` (XLSX, DOCX) with `padding` — XML whitespace — written into `member` before its
    closing tag: still a valid file that a reader would unpack and parse in full. Written in chunks, so a padding
    of many megabytes never sits in memory whole."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != member:
                target.writestr(info.filename, data)
                continue
            cut = data.rindex(b"</")
            with target.open(member, "w", force_zip64=True) as stream:
                stream.write(data[:cut])
                for chunk in padding:
                    stream.write(chunk)
                stream.write(data[cut:])
    return out.getvalue()


def spaces(megabytes: int) -> Iterable[bytes]:
    """Padding that packs about a thousand times: megabytes of spaces."""
    return (b" " * 2**20 for _ in range(megabytes))


def mixed_whitespace(megabytes: int) -> Iterable[bytes]:
    """Padding that packs only about four times, like ordinary content: random spaces, tabs and line breaks."""
    table = bytes(b" \t\r\n"[i % 4] for i in range(256))
    return (os.urandom(2**20).translate(table) for _ in range(megabytes))


def csv_bytes(rows: list[list], *, delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue().encode(encoding)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


TITLE = ["Список педагогических работников МБОУ «СОШ № 1» на 01.09.2025", None, None, None]
MESSY_HEADER = ["№ п/п", "Ф.И.О.", "Должность", "Категория", "Стаж работы", "Эл. почта", "Телефон (моб.)"]


def messy_rows() -> list[list]:
    """A list as a school keeps it: a title above the header, capitals, ё, odd spacing, and six faulty rows.

    Spreadsheet rows: 1 title, 2 empty, 3 header, data from 4. Faulty: 7 (one word), 8 (e-mail), 9 (category),
    10 (experience), 12 (repeats 4), 13 (phone). Row 14 is the total.
    """
    return [
        TITLE,
        [],
        MESSY_HEADER,
        [
            1,
            f"ИВАНОВА  МАРИЯ{NBSP}ПЕТРОВНА",
            "учитель начальных классов",
            "Высшая квалификационная категория",
            "12 лет 3 мес.",
            " ivanova@school1.ru ",
            89001234567,
        ],
        [2, "петрова-водкина анна сергеевна", "Учитель математики", "1 категория", "5,5", "", "+7 (900) 765-43-21"],
        [3, "Семёнов Олег", "Учитель физической культуры", "СЗД", "5", "semenov@school1.ru", None],
        [4, "Сидорова", "Педагог-психолог", "первая", 7, None, None],
        [5, "Кузнецова Ольга Викторовна", "Учитель русского языка", "высшая", 20, "kuznetsova@", None],
        [6, "Орлова Нина Андреевна", "Учитель химии", "заслуженная", 3, None, None],
        [7, "Зайцева Инна Павловна", "Учитель биологии", "б/к", "много", None, None],
        [None, None, None, None, None, None, None],
        [8, "Иванова Мария Петровна", "Учитель начальных классов", "высшая", 12, None, None],
        [9, "Лебедева Алла Игоревна", "Учитель музыки", "соответствие", 2, None, "звонить после 15:00"],
        ["Итого: 10", None, None, None, None, None, None],
    ]


def fixed_rows() -> list[list]:
    """The same list after the curator fixed every faulty row (and dropped the repeat)."""
    rows = messy_rows()
    rows[6] = [4, "Сидорова Алла Петровна", "Педагог-психолог", "первая", 7, None, None]
    rows[7][5] = "kuznetsova@school1.ru"
    rows[8][3] = "высшая"
    rows[9][4] = "3 года"
    rows[12][6] = "8 (4922) 33-44-55"
    del rows[11]  # the repeat of Иванова
    return rows


MESSY_ERRORS = {7: "Ф.И.О.", 8: "Эл. почта", 9: "Категория", 10: "Стаж работы", 12: "Ф.И.О.", 13: "Телефон (моб.)"}
