"""The empty staff list offered for download on the upload page."""

from __future__ import annotations

import io

from core.exports import neutralise
from people.importing.cells import COLUMNS
from people.models import Person

# --- the template -----------------------------------------------------------------------------------------------

TEMPLATE_NOTES = (
    ("Столбцы", "Порядок столбцов любой. Вместо «Фамилия», «Имя», «Отчество» можно дать один столбец «ФИО»."),
    ("Обязательно", "Фамилия, имя и должность. Отчество — если оно есть."),
    (
        "Квалификационная категория",
        "Высшая, первая, СЗД (соответствие занимаемой должности), б/к (без категории), "
        "педагог-методист, педагог-наставник.",
    ),
    ("Педагогический стаж, лет", "Число полных лет: 5, «5 лет» или «12 лет 3 мес.»."),
    ("Телефон", "В любом привычном виде, один номер: +7 (900) 123-45-67."),
    ("Дата приёма на работу", "Дата в виде 01.09.2015 или ячейка с датой Excel."),
    (
        "Ошибки в ячейках",
        "Строка без фамилии и имени пропускается. Неверный e-mail, телефон, стаж, категория или дата не мешают "
        "загрузить работника: ячейка остаётся пустой, а строка попадает в список «исправить», который можно "
        "скачать после загрузки, исправить и загрузить снова.",
    ),
    (
        "Повторная загрузка",
        "Работники узнаются по ФИО; совпавшие обновляются, остальные добавляются. Тех, кого нет "
        "в файле, загрузка не удаляет. Пустая ячейка не стирает сведения, уже внесённые в карточку.",
    ),
)
CATEGORY_CHOICES_TEXT = ",".join(label for _value, label in Person.Category.choices)


def template_workbook() -> bytes:
    """An empty staff list with our headers, a category drop-down and a sheet of short instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Работники"
    sheet.append(list(COLUMNS.values()))
    widths = {
        "surname": 18,
        "name": 14,
        "patronymic": 18,
        "position": 32,
        "qualification_category": 30,
        "experience_years": 14,
        "email": 28,
        "phone": 22,
        "hired_on": 16,
    }
    for column, field_name in enumerate(COLUMNS, 1):
        cell = sheet.cell(row=1, column=column)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E9EEF6")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = widths[field_name]
        if field_name in ("phone", "email"):
            # Text cells: Excel must not turn 89001234567 into 8,9E+10.
            for row in range(2, 502):
                sheet.cell(row=row, column=column).number_format = "@"
    sheet.freeze_panes = "A2"
    category_letter = sheet.cell(row=1, column=list(COLUMNS).index("qualification_category") + 1).column_letter
    choices = DataValidation(type="list", formula1=f'"{CATEGORY_CHOICES_TEXT}"', allow_blank=True)
    choices.error = "Выберите категорию из списка."
    choices.add(f"{category_letter}2:{category_letter}1000")
    sheet.add_data_validation(choices)

    notes = workbook.create_sheet("Как заполнить")
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 90
    for title, text in TEMPLATE_NOTES:
        notes.append([title, text])
    for row in notes.iter_rows():
        row[0].font = Font(bold=True)
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
        row[0].alignment = Alignment(vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- the rows to fix --------------------------------------------------------------------------------------------

FIX_COLUMN = "Что исправить"


def to_fix_workbook(columns: list[str], rows: list[tuple[list[str], str]]) -> bytes:
    """The flagged and skipped rows of an import in the file's own columns, with what to fix in a last column.

    The header is the file's header row as it was written, so the file loads again as it is; the last column is
    not one the import reads. Cells are text (a phone must not turn into 8,9E+10) and never run as formulas.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Исправить"
    width = max([len(columns), *(len(cells) for cells, _reason in rows)])
    header = [*(columns + [""] * width)[:width], FIX_COLUMN]
    sheet.append([neutralise(title) for title in header])
    for cells, reason in rows:
        sheet.append([neutralise(value) for value in (cells + [""] * width)[:width]] + [neutralise(reason)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E9EEF6")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")
    for column_cells in sheet.columns:
        longest = max(len(str(cell.value or "")) for cell in column_cells)
        sheet.column_dimensions[column_cells[0].column_letter].width = min(max(longest + 2, 10), 60)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
