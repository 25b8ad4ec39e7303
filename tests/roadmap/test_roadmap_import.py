"""Roadmap import: reading XLSX, CSV and Word tables, the column guess, the row rules, the pages, all-or-nothing."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import Workbook

from core import uploads
from core.tables import TableError
from roadmap import importing
from roadmap.models import Roadmap, RoadmapActivity, RoadmapImport, RoadmapStage
from tests.people.import_fixtures import mixed_whitespace, padded, spaces

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_b22038fe2d0c993b.txt"
SEED_HEADER = "№\tНаименование этапа"


def seed_rows() -> list[list[str]]:
    """The seed roadmap's table: the header and its rows, five columns, HTML of the source stripped."""
    if not SEED.exists():
        pytest.skip(f"The seed roadmap {SEED} is absent: it lives beside the repository in ../shared/seeds/.")
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(SEED_HEADER))
    rows = []
    for line in lines[start:]:
        if not line.strip():
            continue
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in line.split("\t")]
        rows.append((cells + [""] * 5)[:5])
    return rows


def xlsx_bytes(rows: list[list], merges: list[str] = ()) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx_bytes(rows: list[list[str]], merge_stages: bool = True) -> bytes:
    """A Word table; the number and title of each stage are merged down over its rows, as editors do."""
    document = Document()
    document.add_paragraph("Дорожная карта (план мероприятий)")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    if merge_stages:
        starts = [r for r, row in enumerate(rows) if r and row[0]] + [len(rows)]
        for top, after in itertools.pairwise(starts):
            if after - 1 > top:
                for c in (0, 1):
                    table.cell(top, c).merge(table.cell(after - 1, c))
                    table.cell(top, c).text = rows[top][c]
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def preview_of(content: bytes, name: str) -> importing.Preview:
    table = importing.read_table(content, name)
    return importing.parse(table, importing.guess_mapping(table.header))


SEED_COUNTS = [4, 2, 2, 2, 3, 4, 1]


def assert_seed_structure(preview: importing.Preview) -> None:
    assert preview.problems == []
    assert [s.number for s in preview.stages] == ["1", "2", "3", "4", "5", "6", "7"]
    assert [s.model_stage for s in preview.stages] == [1, 2, 3, 4, 5, 6, 7]
    assert [len(s.activities) for s in preview.stages] == SEED_COUNTS
    first = preview.stages[0].activities[0]
    assert first.deadline == "Ноябрь 2022г." and first.responsible == "Заведующий"
    assert "Дорожная карта (план мероприятий)" in first.content  # the row split off below it is joined
    assert first.content.count("\n") == 1
    split = preview.stages[2].activities[0]
    assert split.content.endswith("\nжелающих принять участие в персонализированных программах наставничества.")
    assert split.deadline == "Ноябрь 2022 в течение 2022-2023 учебного года"
    assert split.responsible == "Старший воспитатель"
    assert preview.stages[3].activities[0].deadline == "Ноябрь 2022 и далее по мере необходимости"
    assert preview.stages[6].activities[0].number == "7.1"


def test_seed_roadmap_from_xlsx_gives_seven_stages_with_activities_and_deadlines():
    assert_seed_structure(preview_of(xlsx_bytes(seed_rows()), "Дорожная карта.xlsx"))


def test_seed_roadmap_from_word_table_with_merged_stage_cells():
    assert_seed_structure(preview_of(docx_bytes(seed_rows()), "Дорожная карта.docx"))


def test_seed_roadmap_from_xlsx_with_merged_stage_cells():
    rows = seed_rows()
    starts = [r for r, row in enumerate(rows) if r and row[0]] + [len(rows)]
    merges = [
        f"{col}{top + 1}:{col}{after}" for top, after in itertools.pairwise(starts) if after - 1 > top for col in "AB"
    ]
    assert_seed_structure(preview_of(xlsx_bytes(rows, merges), "Дорожная карта.xlsx"))


def test_seed_import_writes_the_roadmap(org):
    preview = preview_of(docx_bytes(seed_rows()), "карта.docx")
    roadmap = importing.write_roadmap(
        org,
        preview,
        title="Дорожная карта",
        period_label="2022–2023",
        period_start=_d(2022, 9, 1),
        period_end=_d(2023, 8, 31),
    )
    assert roadmap.source == Roadmap.Source.IMPORT
    assert roadmap.stages.count() == 7
    assert roadmap.activities.count() == sum(SEED_COUNTS)
    deadlines = set(roadmap.activities.values_list("deadline_text", flat=True))
    assert {"Ноябрь 2022г.", "Май 2023 года", "в течение 2022-2023 учебного года"} <= deadlines


def _d(*args):
    from datetime import date

    return date(*args)


HEADER = ["№ п/п", "Мероприятие", "Сроки", "Ответственный", "Ожидаемый результат"]


def test_numbered_rows_make_stages_and_activities_and_unnumbered_rows_continue():
    rows = [
        ["Дорожная карта школы"],
        [],
        HEADER,
        ["I", "Подготовка условий", "", "", ""],
        ["1.1", "Проект положения", "до 01.10.2026", "Заместитель директора", "Проект"],
        ["", "и дорожной карты", "", "", "на совете"],
        ["1.2.", "Приказ", "Октябрь", "Директор", ""],
        ["2.", "Банк наставляемых", "", "", ""],
        ["2.1", "Анкетирование", "Сентябрь", "Куратор", ""],
    ]
    preview = preview_of(xlsx_bytes(rows), "a.xlsx")
    assert [(s.number, s.title) for s in preview.stages] == [("I", "Подготовка условий"), ("2", "Банк наставляемых")]
    first = preview.stages[0].activities[0]
    assert (first.number, first.content, first.result) == (
        "1.1",
        "Проект положения\nи дорожной карты",
        "Проект\nна совете",
    )
    assert preview.stages[0].activities[1].number == "1.2"
    assert preview.problems == []


def test_stage_title_from_a_separate_stage_column_without_stage_rows():
    rows = [
        ["Этап", "№", "Содержание деятельности", "Сроки исполнения"],
        ["Формирование банка наставников", "3.1", "Собеседование", "Сентябрь"],
        ["Формирование банка наставников", "3.2", "Анкеты", "Октябрь"],
        ["Отбор и обучение", "4.1", "Семинар", "Ноябрь"],
    ]
    preview = preview_of(xlsx_bytes(rows), "a.xlsx")
    assert [(s.number, s.title, s.model_stage) for s in preview.stages] == [
        ("3", "Формирование банка наставников", 3),
        ("4", "Отбор и обучение", 4),
    ]
    assert [len(s.activities) for s in preview.stages] == [2, 1]


def test_unreadable_rows_are_reported_with_line_and_reason():
    rows = [
        HEADER,
        ["1.1", "До первого этапа", "", "", ""],
        ["1", "Подготовка условий", "", "", ""],
        ["1.а", "Странный номер", "", "", ""],
        ["1.2", "", "Октябрь", "", ""],
        ["1.3", "Нормальное", "Октябрь", "", ""],
    ]
    preview = preview_of(xlsx_bytes(rows), "a.xlsx")
    assert [(p.line, p.reason) for p in preview.problems] == [
        (2, "мероприятие 1.1 стоит выше первого этапа: неясно, к какому этапу оно относится"),
        (4, "номер «1.а» не распознан: ожидается номер вида 1, 1.1, 2.3.1 или I"),
        (5, "у мероприятия 1.2 не указано содержание"),
    ]
    assert [a.number for a in preview.stages[0].activities] == ["1.3"]


def test_header_guess_reads_the_usual_words():
    header = [
        "№",
        "Наименование этапа",
        "Содержание деятельности",
        "Сроки исполнения",
        "Ответственный исполнитель",
        "Ожидаемый результат",
    ]
    assert importing.guess_mapping(header) == {
        "number": 0,
        "stage": 1,
        "content": 2,
        "deadline": 3,
        "responsible": 4,
        "result": 5,
    }


def test_csv_in_windows_encoding_with_semicolons():
    text = "№;Мероприятие;Сроки\n1;Подготовка условий;\n1.1;Положение;до 01.10.2026\n"
    preview = preview_of(text.encode("cp1251"), "карта.csv")
    assert preview.stages[0].activities[0].deadline == "до 01.10.2026"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "a.xlsx", "Файл пустой"),
        (b"hello", "a.pdf", "Такой файл не подходит"),
        (b"not a zip", "a.xlsx", "не открывается как таблица Excel"),
        (b"not a zip", "a.docx", "не открывается как документ Word"),
        (b"\xd0\xa2\xd0\xb5\xd0\xba\xd1\x81\xd1\x82\n1\n", "a.csv", "Не найдена строка заголовков"),
        (b"x" * (importing.MAX_BYTES + 1), "a.csv", "больше 5 МБ"),
    ],
)
def test_bad_files_are_explained(content, name, message):
    with pytest.raises(TableError, match=message):
        importing.read_table(content, name)


def test_word_document_without_a_table():
    document = Document()
    document.add_paragraph("Текст без таблицы")
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(TableError, match="нет таблицы"):
        importing.read_table(out.getvalue(), "a.docx")


def test_demo_roadmap_is_imported_once(org):
    roadmap = importing.import_demo_roadmap(org)
    assert roadmap.source == Roadmap.Source.IMPORT and roadmap.period_label == importing.DEMO_PERIOD
    assert list(roadmap.stages.values_list("model_stage", flat=True)) == [1, 2, 3, 4, 5, 6, 7]
    counts = [s.activities.count() for s in roadmap.stages.all()]
    assert all(2 <= c <= 4 for c in counts)
    assert importing.import_demo_roadmap(org) == roadmap
    assert Roadmap.objects.filter(organization=org).count() == 1


def test_write_is_all_or_nothing(org):
    preview = preview_of(xlsx_bytes(seed_rows()), "a.xlsx")
    failing = mock.patch.object(RoadmapActivity.objects, "bulk_create", side_effect=RuntimeError("disk full"))
    with failing, pytest.raises(RuntimeError):
        importing.write_roadmap(
            org, preview, title="Т", period_label="П", period_start=_d(2022, 9, 1), period_end=_d(2023, 8, 31)
        )
    assert not Roadmap.objects.exists() and not RoadmapStage.objects.exists()


def test_deadline_date_reads_the_deadline_as_the_roadmap_does():
    year = (_d(2026, 9, 1), _d(2027, 8, 31))
    assert importing.deadline_date("до 01.10.2026", *year) == _d(2026, 10, 1)
    assert importing.deadline_date("до 1 ноября", *year) == _d(2026, 11, 1)
    assert importing.deadline_date("в течение года", *year) == _d(2027, 8, 31)  # the end of the period
    assert importing.deadline_date("", *year) is None


# --- pages ---------------------------------------------------------------------------------------------------


def upload(client, org, content: bytes, name: str, **extra):
    data = {
        "file": SimpleUploadedFile(name, content),
        "title": "Дорожная карта",
        "period_label": "2022–2023 учебный год",
        "period_start": "2022-09-01",
        "period_end": "2023-08-31",
        **extra,
    }
    return client.post(reverse("roadmap:roadmap_import", args=[org.slug]), data)


def test_curator_uploads_previews_and_confirms(curator, org, django_capture_on_commit_callbacks):
    client = curator.client
    response = upload(client, org, docx_bytes(seed_rows()), "карта.docx")
    assert response.status_code == 302
    token = client.session["roadmap_import"]["token"]
    stored = importing._upload_path(token)
    assert stored.exists()
    page = client.get(reverse("roadmap:roadmap_import_preview", args=[org.slug]))
    assert page.status_code == 200
    assert "Будет загружено этапов — 7, мероприятий — 18." in page.content.decode()
    assert not Roadmap.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # the file is let go once the job's writing commits
        response = client.post(reverse("roadmap:roadmap_import_confirm", args=[org.slug]))
    roadmap = Roadmap.objects.get()
    record = RoadmapImport.objects.get(roadmap=roadmap)  # issue 18: the result page, kept in the history
    assert response.status_code == 302 and response["Location"] == reverse(
        "roadmap:roadmap_import_result", args=[org.slug, record.pk]
    )
    assert (roadmap.source, roadmap.period_label) == (Roadmap.Source.IMPORT, "2022–2023 учебный год")
    assert roadmap.stages.count() == 7 and roadmap.activities.count() == 18
    assert not stored.exists() and "roadmap_import" not in client.session


def test_curator_corrects_the_column_mapping(curator, org):
    rows = [["Номер", "Что делаем", "Когда"], ["1", "Условия", ""], ["1.1", "Положение", "Сентябрь"]]
    upload(curator.client, org, xlsx_bytes(rows), "a.xlsx")
    url = reverse("roadmap:roadmap_import_preview", args=[org.slug])
    assert "Укажите столбец" not in curator.client.get(url).content.decode()
    mapping = {"number": "0", "stage": "", "content": "1", "deadline": "2", "responsible": "", "result": ""}
    assert curator.client.post(url, mapping).status_code == 302
    page = curator.client.get(url).content.decode()
    assert "Будет загружено этапов — 1, мероприятий — 1." in page
    same_column = {**mapping, "result": "1"}
    assert "Один столбец файла выбран для двух полей" in curator.client.post(url, same_column).content.decode()


def test_the_preview_names_the_columns_it_leaves_out(curator, org):
    """Issue 18: a column the mapper does not recognise is listed, not silently dropped."""
    rows = [
        ["Номер", "Что делаем", "Когда", "Финансирование"],
        ["1", "Условия", "", ""],
        ["1.1", "Положение", "Сентябрь", "Без затрат"],
    ]
    upload(curator.client, org, xlsx_bytes(rows), "a.xlsx")
    url = reverse("roadmap:roadmap_import_preview", args=[org.slug])
    mapping = {"number": "0", "stage": "", "content": "1", "deadline": "2", "responsible": "", "result": ""}
    curator.client.post(url, mapping)
    page = curator.client.get(url).content.decode()
    assert 'data-testid="unused-columns"' in page and "«Финансирование»" in page
    curator.client.post(url, {**mapping, "result": "3"})
    assert 'data-testid="unused-columns"' not in curator.client.get(url).content.decode()


def test_a_preview_without_activities_cannot_be_confirmed(curator, org):
    """Issue 18: stages alone (the content column points at nothing useful) are refused, on the page and on POST."""
    rows = [["Номер", "Что делаем", "Когда"], ["1", "Условия", ""], ["2", "Банк наставляемых", ""]]
    upload(curator.client, org, xlsx_bytes(rows), "a.xlsx")
    url = reverse("roadmap:roadmap_import_preview", args=[org.slug])
    mapping = {"number": "0", "stage": "", "content": "1", "deadline": "2", "responsible": "", "result": ""}
    curator.client.post(url, mapping)
    page = curator.client.get(url).content.decode()
    assert "ни одного мероприятия" in page
    assert re.search(r'<button[^>]*disabled[^>]*data-testid="confirm-import"', page)
    response = curator.client.post(reverse("roadmap:roadmap_import_confirm", args=[org.slug]), follow=True)
    assert "не найдено ни одного мероприятия" in response.content.decode()
    assert not Roadmap.objects.exists()


def test_bad_file_is_explained_on_the_form(curator, org):
    response = upload(curator.client, org, b"%PDF-1.4", "карта.pdf")
    assert response.status_code == 200
    assert "Такой файл не подходит" in response.content.decode()
    response = upload(curator.client, org, b"", "карта.xlsx")
    assert response.status_code == 200


SMALL_ROADMAP = [
    ["№", "Наименование этапа", "Содержание мероприятия", "Сроки", "Ответственный"],
    ["1", "Подготовка условий", "", "", ""],
    ["1.1", "", "Разработка положения о наставничестве", "до 01.10.2026", "Куратор"],
]


def refuse_to_unpack(*args, **kwargs):
    raise AssertionError("the reader was given a file that should have been refused before")


@pytest.mark.parametrize(
    ("name", "build", "member", "reader"),
    [
        ("карта.xlsx", xlsx_bytes, "xl/worksheets/sheet1.xml", "openpyxl.load_workbook"),
        ("карта.docx", docx_bytes, "word/document.xml", "docx.Document"),
    ],
    ids=["xlsx", "docx"],
)
def test_a_real_file_unpacking_past_the_limit_is_refused_before_it_is_read(monkeypatch, name, build, member, reader):
    swollen = padded(build(SMALL_ROADMAP), member, mixed_whitespace(3))  # packs ~4×, like real content
    assert len(swollen) < importing.MAX_BYTES
    assert importing.read_table(swollen, name).rows  # a real file: under 50 MB it is read in full

    monkeypatch.setattr(uploads, "OFFICE_MAX_UNPACKED", 2 * 2**20)
    monkeypatch.setattr(reader, refuse_to_unpack)
    with pytest.raises(TableError, match=r"при открытии занимает \d,\d МБ, а можно не больше 2 МБ"):
        importing.read_table(swollen, name)


def test_a_workbook_padded_with_spaces_is_refused_on_the_form_at_the_real_limits(
    curator, org, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"  # this test's own: other tests leave their uploads in the shared one
    monkeypatch.setattr("openpyxl.load_workbook", refuse_to_unpack)
    for megabytes, message in ((60, "не больше 50 МБ"), (5, "сжаты в сотни раз")):
        bomb = padded(xlsx_bytes(SMALL_ROADMAP), "xl/worksheets/sheet1.xml", spaces(megabytes))
        response = upload(curator.client, org, bomb, "карта.xlsx")
        assert response.status_code == 200
        assert message in " ".join(response.context["form"].errors["file"])
    assert not Roadmap.objects.exists()
    assert not [p for p in (tmp_path / "media").rglob("*") if p.is_file()]


def test_confirm_without_upload_goes_back_to_the_form(curator, org):
    response = curator.client.post(reverse("roadmap:roadmap_import_confirm", args=[org.slug]))
    assert response.status_code == 302 and response["Location"].endswith("/roadmap/import/")
    assert not Roadmap.objects.exists()


@pytest.mark.parametrize("name", ["roadmap:roadmap_import", "roadmap:roadmap_import_preview"])
def test_other_roles_and_outsiders_get_404(name, mentor, outsider, org):
    url = reverse(name, args=[org.slug])
    assert mentor.client.get(url).status_code == 404
    assert outsider.client.get(url).status_code == 404
    assert outsider.client.post(reverse("roadmap:roadmap_import_confirm", args=[org.slug])).status_code == 404


def test_preview_queries_stay_few(curator, org, django_assert_max_num_queries):
    upload(curator.client, org, xlsx_bytes(seed_rows()), "a.xlsx")
    with django_assert_max_num_queries(8):
        curator.client.get(reverse("roadmap:roadmap_import_preview", args=[org.slug]))
