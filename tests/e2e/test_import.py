"""The curator imports a messy staff list in a real browser: reads what is flagged, fixes the file, imports it."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.people.import_fixtures import NBSP, xlsx_bytes

TITLE = ["Список педагогических работников МБДОУ «Детский сад № 12» на 01.09.2025"]
HEADER = [
    "№",
    "Фамилия Имя Отчество",
    "Должность",
    "Квалификационная категория",
    "Педагогический стаж",
    "E-mail",
    "Телефон",
]


def messy() -> list[list]:
    """Rows 4–9 are people; 6, 7, 8 and 9 are faulty; row 10 is the total."""
    return [
        TITLE,
        [],
        HEADER,
        [1, f"ВОРОБЬЁВА  ДАРЬЯ{NBSP}СЕРГЕЕВНА", "воспитатель", "первая", "3 года", "vorobyova@ds12.ru", 89005550101],
        [2, "Медведева Светлана Ивановна", "Старший воспитатель", None, None, None, None],
        [3, "Белкина", "Воспитатель", "б/к", 1, None, None],
        [4, "Журавлёва Инна Олеговна", "Учитель-логопед", "заслуженная", 12, None, None],
        [5, "Воробьева Дарья Сергеевна", "Воспитатель", "первая", 3, None, None],
        [6, "Кошкина Алла Игоревна", "Воспитатель", "б/к", "пять", None, None],
        ["Итого: 6"],
    ]


def fixed() -> list[list]:
    rows = messy()
    rows[5][1] = "Белкина Ольга Петровна"
    rows[6][3] = "высшая"
    rows[8][4] = "5 лет"
    del rows[7]  # the repeated Воробьёва
    return rows


def upload(page, path) -> None:
    page.get_by_label("Файл со списком работников").set_input_files(str(path))
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.get_by_role("heading", name="Проверка списка работников")).to_be_visible()


def test_curator_imports_a_messy_staff_list_after_fixing_it(demo, live_server, page, shot, tmp_path):
    messy_file = tmp_path / "Педагоги.xlsx"
    messy_file.write_bytes(xlsx_bytes(messy()))
    fixed_file = tmp_path / "Педагоги исправленный.xlsx"
    fixed_file.write_bytes(xlsx_bytes(fixed()))

    login(page, live_server, "curator")
    page.get_by_role("link", name="Работники").first.click()
    page.get_by_role("link", name="Импорт").click()
    expect(page.get_by_role("heading", name="Импорт работников")).to_be_visible()
    expect(page.get_by_role("link", name="Скачать шаблон XLSX")).to_be_visible()
    shot("import-upload")

    # A wrong file first: the form says what is wrong and nothing else happens.
    wrong = tmp_path / "приказ.pdf"
    wrong.write_bytes(b"%PDF-1.4")
    page.get_by_label("Файл со списком работников").set_input_files(str(wrong))
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("XLSX (Excel), CSV или DOCX (Word)")

    upload(page, messy_file)
    expect(page.get_by_test_id("import-state")).to_contain_text("В 2 строках есть замечания")
    loading = re.compile("Загрузить 4 работников, пропустить 2 строки")
    expect(page.get_by_test_id("confirm-import")).to_have_text(loading)
    rows = page.get_by_test_id("import-rows")
    expect(page.get_by_test_id("row-4")).to_contain_text("Воробьёва Дарья Сергеевна")
    expect(page.get_by_test_id("row-4")).to_contain_text("Новый")
    expect(page.get_by_test_id("row-5")).to_contain_text("Изменится")
    expect(page.get_by_test_id("row-5")).to_contain_text("Воспитатель → Старший воспитатель")
    expect(page.get_by_test_id("row-6")).to_contain_text("«Фамилия Имя Отчество»: указано одно слово")
    expect(page.get_by_test_id("row-7")).to_contain_text("«Квалификационная категория»: Категории «заслуженная» нет")
    expect(page.get_by_test_id("row-8")).to_contain_text("этот работник уже есть в строке 4, сведения объединены")
    expect(page.get_by_test_id("row-9")).to_contain_text("«Педагогический стаж»: Не удалось прочитать «пять»")
    expect(page.get_by_test_id("row-10")).to_contain_text("Итоговая строка")
    expect(rows.locator("tbody tr")).to_have_count(7)
    shot("import-preview-errors")

    # Only the flagged rows, as the curator would look at them while fixing the file.
    page.get_by_role("link", name=re.compile("^С замечаниями")).click()
    expect(rows.locator("tbody tr")).to_have_count(2)

    page.get_by_role("link", name="Загрузить другой файл").click()
    upload(page, fixed_file)
    expect(page.get_by_test_id("count-flagged")).to_contain_text("0")
    expect(page.get_by_test_id("count-new")).to_contain_text("4")
    expect(page.get_by_test_id("count-update")).to_contain_text("1")
    expect(page.get_by_test_id("confirm-import")).to_be_enabled()
    shot("import-preview-ok")
    page.get_by_test_id("confirm-import").click()

    expect(page.get_by_role("heading", name="Итог загрузки списка работников")).to_be_visible()
    page.get_by_role("link", name="К списку работников").click()
    expect(page.get_by_role("heading", name="Работники")).to_be_visible()
    page.get_by_label("Поиск по ФИО").fill("журавлева")
    page.get_by_role("button", name="Найти").click()
    expect(page.get_by_role("link", name="Журавлёва И. О.")).to_be_visible()
    page.get_by_label("Поиск по ФИО").fill("воробьева")
    page.get_by_role("button", name="Найти").click()
    expect(page.get_by_role("link", name="Воробьёва Д. С.")).to_have_count(1)
    shot("import-done-staff-list")
