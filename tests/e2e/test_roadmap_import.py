"""The curator imports a roadmap from a Word table: checks the columns, reads why one row is skipped, confirms."""

import csv
from pathlib import Path

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from people.models import Role
from roadmap.models import Roadmap
from tests.e2e.conftest import login
from tests.roadmap.test_roadmap_import import docx_bytes

DEMO_CSV = Path(__file__).resolve().parents[2] / "fixtures" / "demo_roadmap_school.csv"


def word_rows() -> list[list[str]]:
    """The demo school's table, with a row whose number cannot be read slipped into stage 3."""
    rows = list(csv.reader(DEMO_CSV.read_text(encoding="utf-8").splitlines(), delimiter=";"))
    at = next(i for i, row in enumerate(rows) if row[0] == "3.2")
    rows.insert(at, ["3.а", "Посещение уроков кандидатов в наставники", "Сентябрь 2026 г.", "Директор", ""])
    return rows


def test_curator_imports_a_word_roadmap(demo, live_server, page, shot, tmp_path):
    path = tmp_path / "Дорожная карта школы.docx"
    path.write_bytes(docx_bytes(word_rows(), merge_stages=False))
    curator = get_user_model().objects.get(username="curator")
    org = Role.objects.filter(person__user=curator, kind=Role.Kind.CURATOR).first().person.organization
    before = Roadmap.objects.filter(organization=org).count()

    login(page, live_server, "curator")
    page.goto(f"{live_server.url}/o/{org.slug}/roadmap/import/")
    page.get_by_label("Файл с дорожной картой").set_input_files(str(path))
    page.locator("#id_period_label").fill("2027–2028 учебный год")
    page.locator("#id_period_start").fill("2027-09-01")
    page.locator("#id_period_end").fill("2028-08-31")
    page.get_by_role("button", name="Проверить файл").click()

    expect(page.get_by_role("heading", name="Проверка дорожной карты")).to_be_visible()
    expect(page.get_by_label("№", exact=True)).to_have_value("0")
    expect(page.get_by_label("Содержание мероприятия")).to_have_value("1")
    expect(page.get_by_label("Наименование этапа")).to_have_value("")
    problems = page.get_by_test_id("import-problems")
    expect(problems).to_contain_text("Не удалось прочитать строк: 1")
    expect(problems).to_contain_text("номер «3.а» не распознан")
    expect(page.get_by_test_id("import-state")).to_contain_text("этапов — 7, мероприятий — 19")
    shot("roadmap-import-preview")

    page.get_by_role("button", name="Подтвердить импорт").click()
    expect(page.get_by_text("Дорожная карта загружена: этапов — 7, мероприятий — 19.")).to_be_visible()
    expect(page.get_by_text("Формирование банка наставников").first).to_be_visible()
    shot("roadmap-import-done")
    assert Roadmap.objects.filter(organization=org).count() == before + 1
    roadmap = Roadmap.objects.filter(organization=org, period_label="2027–2028 учебный год").get()
    assert roadmap.source == Roadmap.Source.IMPORT and roadmap.activities.count() == 19


def test_curator_imports_the_seed_roadmap_from_excel_and_word(demo, live_server, page, shot, tmp_path):
    """The issue's case: the kindergarten roadmap of ../shared/seeds/000 as an XLSX and as a .docx file."""
    from tests.roadmap.test_roadmap_import import SEED_COUNTS, seed_rows, xlsx_bytes

    rows = seed_rows()
    curator = get_user_model().objects.get(username="curator")
    org = Role.objects.filter(person__user=curator, kind=Role.Kind.CURATOR).first().person.organization
    login(page, live_server, "curator")
    files = {"xlsx": xlsx_bytes(rows), "docx": docx_bytes(rows)}
    for n, (suffix, content) in enumerate(files.items()):
        path = tmp_path / f"Дорожная карта Дюймовочка.{suffix}"
        path.write_bytes(content)
        label = f"{2030 + n}–{2031 + n} учебный год"
        page.goto(f"{live_server.url}/o/{org.slug}/roadmap/import/")
        page.get_by_label("Файл с дорожной картой").set_input_files(str(path))
        page.locator("#id_period_label").fill(label)
        page.locator("#id_period_start").fill(f"{2030 + n}-09-01")
        page.locator("#id_period_end").fill(f"{2031 + n}-08-31")
        page.get_by_role("button", name="Проверить файл").click()
        expect(page.get_by_test_id("import-state")).to_contain_text(f"этапов — 7, мероприятий — {sum(SEED_COUNTS)}")
        shot(f"roadmap-import-seed-{suffix}")
        page.get_by_role("button", name="Подтвердить импорт").click()
        expect(
            page.get_by_text(f"Дорожная карта загружена: этапов — 7, мероприятий — {sum(SEED_COUNTS)}.")
        ).to_be_visible()
        roadmap = Roadmap.objects.get(organization=org, period_label=label)
        stages = list(roadmap.stages.order_by("position"))
        assert [s.activities.count() for s in stages] == SEED_COUNTS
        assert roadmap.activities.exclude(deadline_text="").count() == sum(SEED_COUNTS)
