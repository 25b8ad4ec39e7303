"""In Chromium: a staff file with problems is previewed, the good rows loaded, the flagged rows downloaded as
to-fix.xlsx, fixed with openpyxl and loaded again (issue 18)."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from people.models import Person
from tests.e2e.conftest import login
from tests.people.import_fixtures import NBSP, xlsx_bytes

pytestmark = pytest.mark.e2e

HEADER = ["№", "ФИО", "Должность", "Стаж", "Эл. почта", "Дата приема на работу"]


def messy() -> list[list]:
    """Rows 3–8 hold people: 5 has a bad e-mail, 6 no name, 7 repeats 3 with another date, 8 odd experience."""
    return [
        ["Педагогические работники на 01.09.2026"],
        HEADER,
        [1, f"ГРАЧЁВА{NBSP}ЕЛЕНА ПАВЛОВНА", "воспитатель", "менее года", "gracheva@ds.ru", "01.09.2026"],
        [2, "Туманов Илья Сергеевич", "Учитель-логопед", "12,5", "", "15.08.2014"],
        [3, "Ласточкина Вера Андреевна", "Воспитатель", "3 г. 4 мес.", "lastochkina@ds", "28.08.2023"],
        [4, "", "Воспитатель", "5", "", ""],
        [5, "Грачева Елена Павловна", "Воспитатель", "", "", "02.09.2026"],
        [6, "Снегирёва Ольга Ивановна", "Музыкальный руководитель", "много", "", "01.09.2020"],
        ["Итого: 6"],
    ]


def test_flagged_rows_are_loaded_downloaded_fixed_and_loaded_again(demo, live_server, page, shot, tmp_path):
    messy_file = tmp_path / "Кадры.xlsx"
    messy_file.write_bytes(xlsx_bytes(messy()))
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "curator")
    page.goto(f"{live_server.url}/o/ds-solnyshko/staff/import/")
    page.get_by_label("Файл со списком работников").set_input_files(str(messy_file))
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.get_by_role("heading", name="Проверка списка работников")).to_be_visible()

    state = page.get_by_test_id("import-state")
    expect(state).to_contain_text("2 строки не станут работниками")
    expect(state).to_contain_text("В 4 строках есть замечания")
    expect(page.get_by_test_id("row-3")).to_contain_text("Грачёва Елена Павловна")
    expect(page.get_by_test_id("row-3")).to_contain_text("«менее года» — записано 0 лет")
    expect(page.get_by_test_id("row-5")).to_contain_text("Адрес «lastochkina@ds» записан с ошибкой")
    expect(page.get_by_test_id("row-6")).to_contain_text("«ФИО»: не заполнено.")
    expect(page.get_by_test_id("row-7")).to_contain_text("Повтор")
    expect(page.get_by_test_id("row-8")).to_contain_text("Не удалось прочитать «много»")
    button = page.get_by_test_id("confirm-import")
    expect(button).to_have_text(re.compile(r"Загрузить 4 работников, пропустить 2 строки"))
    assert not Person.objects.filter(surname__in=["Туманов", "Снегирёва"]).exists()  # nothing written yet
    shot("staff-import-messy-preview-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("staff-import-messy-preview-390")
    page.set_viewport_size({"width": 1366, "height": 900})

    button.click()
    expect(page.get_by_role("heading", name="Итог загрузки списка работников")).to_be_visible()
    expect(page.get_by_test_id("result-counts")).to_contain_text("4")
    expect(page.get_by_test_id("row-6")).to_contain_text("Пропущена")
    expect(page.get_by_test_id("row-5")).to_contain_text("Замечания")
    assert Person.objects.get(surname="Ласточкина").email == ""
    assert Person.objects.get(surname="Снегирёва").experience_years is None
    shot("staff-import-result-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("staff-import-result-390")
    page.set_viewport_size({"width": 1366, "height": 900})

    with page.expect_download() as downloading:
        page.get_by_test_id("download-to-fix").click()
    download = downloading.value
    assert download.suggested_filename == "to-fix.xlsx"
    downloaded = tmp_path / "downloaded.xlsx"
    download.save_as(downloaded)
    workbook = load_workbook(downloaded)
    sheet = workbook.active
    values = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    assert values[0] == [*HEADER, "Что исправить"]
    by_number = {str(row[0]): row for row in values[1:]}
    assert sorted(by_number) == ["1", "3", "4", "5", "6"]
    assert "записан с ошибкой" in by_number["3"][-1]

    # The curator fixes the downloaded file and loads it again.
    by_number["3"][4] = "lastochkina@ds.ru"
    by_number["4"][1] = "Синицына Мария Олеговна"
    by_number["6"][3] = "7 лет"
    by_number["5"][5] = "01.09.2026"
    for row_number, row in enumerate(values[1:], 2):
        for column, value in enumerate(row, 1):
            sheet.cell(row=row_number, column=column, value=value)
    fixed_file = tmp_path / "to-fix.xlsx"
    out = io.BytesIO()
    workbook.save(out)
    fixed_file.write_bytes(out.getvalue())

    page.get_by_role("link", name="Загрузить исправленный файл").click()
    page.get_by_label("Файл со списком работников").set_input_files(str(fixed_file))
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.get_by_role("heading", name="Проверка списка работников")).to_be_visible()
    expect(page.get_by_test_id("count-flagged")).to_contain_text("0")
    expect(page.get_by_test_id("count-skipped")).to_contain_text("0")
    page.get_by_test_id("confirm-import").click()
    expect(page.get_by_role("heading", name="Итог загрузки списка работников")).to_be_visible()
    expect(page.get_by_test_id("to-fix")).to_have_count(0)

    assert Person.objects.get(surname="Ласточкина").email == "lastochkina@ds.ru"
    assert Person.objects.get(surname="Снегирёва").experience_years == 7
    assert Person.objects.get(surname="Синицына").position == "Воспитатель"
    assert Person.objects.filter(surname="Грачёва").count() == 1
    assert Person.objects.filter(surname="Туманов").count() == 1
