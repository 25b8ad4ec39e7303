"""Issue 18, the roadmap import a school trusts: deadlines in every form schools write, numbering kept as written
and reported, every column mapped or listed, sections mapped to the model's stages by meaning (correctable in the
preview and after import), activities linked to data checks, the result page and the page «Этапы и проверки».

Files are built here: XLSX, CSV in cp1251 with «;», Word tables with merged cells. Each assertion on a file reads
both what the preview shows and what is stored after confirmation.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.progress import stage_checks
from roadmap import roadmaps, tracking
from roadmap.models import ActivityStatus, Roadmap, RoadmapActivity, RoadmapImport, TrackingChange
from tests.roadmap.roadmap_fixtures import approve_roadmap
from tests.roadmap.test_roadmap_import import docx_bytes, xlsx_bytes

pytestmark = pytest.mark.time_machine("2025-10-15 10:00 +03:00", tick=False)

START, END = date(2025, 9, 1), date(2026, 8, 31)
HEADER = ["№ п/п", "Содержание мероприятия", "Сроки", "Ответственный", "Ожидаемый результат"]

DEADLINES = [
    ("2026", date(2026, 8, 31)),  # a bare year: by its end, or the period's end when the period ends within it
    ("2027 г.", date(2027, 12, 31)),
    ("2025–2026 гг.", END),  # this very academic year
    ("2025/2026 уч. год", END),
    ("2026/2027 учебный год", date(2027, 8, 31)),
    ("2025–2027 гг.", date(2027, 12, 31)),  # calendar years: by the last of them
    ("до апреля 2026", date(2026, 3, 31)),  # before April: the end of March
    ("до апреля", date(2026, 3, 31)),
    ("до февраля", date(2026, 1, 31)),
    ("до 1 апреля", date(2026, 4, 1)),  # a date is a date
    ("до конца апреля", date(2026, 4, 30)),
    ("с октября по декабрь 2025–2026 гг.", date(2025, 12, 31)),  # the right year of the academic year
    ("ежеквартально", END),  # recurring work: by its last time, the period's end
    ("ежемесячно", END),
    ("Еженедельно", END),
    ("в течение года", END),
    ("в течение учебного года", END),
    ("I четверть", date(2025, 10, 31)),
    ("2 четверть", date(2025, 12, 31)),
    ("в конце третьей четверти", date(2026, 3, 31)),
    ("IV четверть", date(2026, 5, 31)),
    ("до конца года", date(2025, 12, 31)),  # the calendar year the period opens in
    ("до конца учебного года", END),
    ("май 2026", date(2026, 5, 31)),
    ("Май 2026 г.", date(2026, 5, 31)),
    ("сентябрь–октябрь", date(2025, 10, 31)),
    ("январь", date(2026, 1, 31)),
    ("II квартал", date(2026, 6, 30)),
    ("по мере необходимости", None),
]


@pytest.mark.parametrize(("text", "expected"), DEADLINES)
def test_every_deadline_form_gets_the_date_a_school_means(text, expected):
    assert roadmaps.parse_deadline(text, START, END) == expected


# --- helpers ------------------------------------------------------------------------------------------------


def upload(client, org, content: bytes, name: str):
    data = {
        "file": SimpleUploadedFile(name, content),
        "title": "Дорожная карта школы",
        "period_label": "2025–2026 учебный год",
        "period_start": START.isoformat(),
        "period_end": END.isoformat(),
    }
    response = client.post(reverse("roadmap:roadmap_import", args=[org.slug]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(reverse("roadmap:roadmap_import_preview", args=[org.slug]))


def confirm(client, org, **stages) -> RoadmapImport:
    response = client.post(reverse("roadmap:roadmap_import_confirm", args=[org.slug]), stages)
    assert response.status_code == 302
    record = RoadmapImport.objects.get(organization=org)
    assert response["Location"] == reverse("roadmap:roadmap_import_result", args=[org.slug, record.pk])
    return record


def selected(body: str, name: str) -> str:
    """The value of the option selected in the select `name` of the page."""
    select = re.search(rf'name="{name}".*?</select>', body, re.S).group(0)
    return re.search(r'<option value="([^"]*)" selected>', select).group(1)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def stored(roadmap: Roadmap) -> list[tuple[str, str]]:
    return list(roadmap.activities.order_by("position").values_list("number", "content"))


# --- a whole file of deadlines ------------------------------------------------------------------------------


def test_a_file_with_every_deadline_form_shows_and_stores_each_date(curator, org):
    rows = [HEADER, ["1", "Подготовка условий", "", "", ""]]
    rows += [[f"1.{i}", f"Мероприятие {i}", text, "Куратор", ""] for i, (text, _) in enumerate(DEADLINES, 1)]
    page = upload(curator.client, org, xlsx_bytes(rows), "Сроки.xlsx")
    shown = [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r'data-testid="deadline-date">(.*?)</td>', page.content.decode(), re.S)
    ]
    assert shown == [f"{d:%d.%m.%Y}" if d else "не определён" for _, d in DEADLINES]
    record = confirm(curator.client, org)
    dates = list(record.roadmap.activities.order_by("position").values_list("deadline_text", "deadline_date"))
    assert dates == DEADLINES
    assert record.report["undated"] == [
        {"line": len(DEADLINES) + 2, "number": f"1.{len(DEADLINES)}", "deadline": "по мере необходимости"}
    ]


# --- numbering ----------------------------------------------------------------------------------------------


def test_one_level_numbering_in_cp1251_csv_numbers_activities_by_order_and_says_so(curator, org):
    text = (
        "№;Мероприятие;Срок исполнения;Исполнитель\n"
        "1;Подготовка условий для наставничества;;\n"
        ";Разработать положение о наставничестве;сентябрь;Директор\n"
        ";Подготовить шаблон персонализированной программы;октябрь;Куратор\n"
        "2;Формирование банка наставляемых;;\n"
        ";Выявить профессиональные затруднения педагогов;октябрь;Куратор\n"
    )
    body = text_of(upload(curator.client, org, text.encode("cp1251"), "карта.csv"))
    assert "Будет загружено этапов — 2, мероприятий — 3." in body
    assert "мероприятия в файле без номеров: номера даны по порядку внутри этапа" in body
    record = confirm(curator.client, org)
    assert stored(record.roadmap) == [
        ("1.1", "Разработать положение о наставничестве"),
        ("1.2", "Подготовить шаблон персонализированной программы"),
        ("2.1", "Выявить профессиональные затруднения педагогов"),
    ]
    assert [n["reason"] for n in record.report["notes"]] == [
        "мероприятия в файле без номеров: номера даны по порядку внутри этапа"
    ]


def test_two_level_numbering_keeps_repeated_and_missing_numbers_and_reports_them(curator, org):
    rows = [
        HEADER,
        ["1", "Подготовка условий", "", "", ""],
        ["1.1", "Издать приказ о назначении куратора", "сентябрь", "Директор", "Приказ"],
        ["1.1", "Утвердить положение о наставничестве", "сентябрь", "Директор", "Положение"],
        ["1.3", "Подготовить шаблон программы", "октябрь", "Куратор", "Шаблон"],
        ["2", "Формирование банка наставляемых", "", "", ""],
        ["2.1", "Собрать запросы педагогов", "октябрь", "Куратор", ""],
        ["2", "Формирование банка наставников", "", "", ""],
        ["3.1", "Провести собеседования с наставниками", "ноябрь", "Директор", ""],
    ]
    body = text_of(upload(curator.client, org, xlsx_bytes(rows), "карта.xlsx"))
    assert (
        "Строка 4 («1.1 Утвердить положение о наставничестве»): номер 1.1 повторяется (уже был в строке 3), "
        "оставлен как в файле." in body
    )
    assert "Строка 5 («1.3 Подготовить шаблон программы»): номера 1.2 в файле нет." in body
    assert "Строка 8 («Формирование банка наставников»): номер этапа 2 повторяется (уже был в строке 6)." in body
    assert "Строка 9 («3.1 Провести собеседования с наставниками»): номер 3.1 не из этапа 2." in body
    record = confirm(curator.client, org)
    assert [a for a, _ in stored(record.roadmap)] == ["1.1", "1.1", "1.3", "2.1", "3.1"]  # as the school wrote them
    assert list(record.roadmap.stages.values_list("number", flat=True)) == ["1", "2", "2"]
    assert len(record.report["notes"]) == 4 and record.flagged_count == 4


def test_three_level_numbering_sets_sub_sections_apart_and_joins_continuation_rows(curator, org):
    rows = [
        HEADER,
        ["1", "Подготовка условий", "", "", ""],
        ["1.1", "Нормативное обеспечение", "", "", ""],
        ["1.1.1", "Разработать положение о системе наставничества", "сентябрь", "Директор", ""],
        ["", "и согласовать его с педагогическим советом", "", "", ""],
        ["1.1.2", "Утвердить дорожную карту приказом", "до 20.09.2025", "Директор", ""],
        ["1.2", "Назначить куратора наставничества", "сентябрь", "Директор", "Приказ"],
    ]
    body = text_of(upload(curator.client, org, xlsx_bytes(rows), "карта.xlsx"))
    assert "подраздел этапа 1, не мероприятие: его мероприятия 1.1.1–1.1.2 загружены в этап" in body
    assert "Будет загружено этапов — 1, мероприятий — 3." in body
    record = confirm(curator.client, org)
    assert stored(record.roadmap) == [
        ("1.1.1", "Разработать положение о системе наставничества\nи согласовать его с педагогическим советом"),
        ("1.1.2", "Утвердить дорожную карту приказом"),
        ("1.2", "Назначить куратора наставничества"),
    ]
    codes = list(record.roadmap.activities.order_by("position").values_list("check_code", flat=True))
    assert codes == ["regulation_approved", "roadmap_approved", "curator_appointed"]


# --- columns ------------------------------------------------------------------------------------------------


def test_renamed_columns_are_listed_as_unused_until_the_curator_maps_them(curator, org):
    rows = [
        ["№", "Мероприятие", "Когда", "Кто отвечает", "Отметка"],
        ["1", "Подготовка условий", "", "", ""],
        ["1.1", "Назначить куратора наставничества", "сентябрь 2025", "Директор", "выполнено"],
    ]
    body = text_of(upload(curator.client, org, xlsx_bytes(rows), "карта.xlsx"))
    assert "Не загружаются столбцы: «Когда», «Кто отвечает», «Отметка»." in body
    columns = {"number": "0", "content": "1", "deadline": "2", "responsible": "3", "stage": "", "result": ""}
    curator.client.post(reverse("roadmap:roadmap_import_preview", args=[org.slug]), columns)
    body = text_of(curator.client.get(reverse("roadmap:roadmap_import_preview", args=[org.slug])))
    assert "Не загружаются столбцы: «Отметка»." in body and "30.09.2025" in body
    record = confirm(curator.client, org)
    activity = record.roadmap.activities.get()
    assert (activity.deadline_date, activity.responsible_position) == (date(2025, 9, 30), "Директор")
    assert record.report["unused"] == ["Отметка"]


def test_confirming_an_import_with_no_activities_is_refused(curator, org):
    rows = [HEADER, ["1", "Подготовка условий", "", "", ""], ["2", "Банк наставляемых", "", "", ""]]
    body = text_of(upload(curator.client, org, xlsx_bytes(rows), "карта.xlsx"))
    assert "ни одного мероприятия" in body
    response = curator.client.post(reverse("roadmap:roadmap_import_confirm", args=[org.slug]), follow=True)
    assert "В таблице не найдено ни одного мероприятия" in text_of(response)
    assert not Roadmap.objects.exists() and not RoadmapImport.objects.exists()


# --- sections → stages of the model -------------------------------------------------------------------------


def word_roadmap() -> bytes:
    """Sections in an order of their own, one of them titled so that only its activities tell what it is about."""
    return docx_bytes(
        [
            ["№", "Наименование этапа", "Содержание деятельности", "Сроки", "Ответственный"],
            [
                "1",
                "Информационное сопровождение",
                "Публиковать новости наставничества на сайте",
                "ежемесячно",
                "Куратор",
            ],
            ["", "", "Разместить положение на сайте школы", "октябрь", "Куратор"],
            ["2", "Организационный раздел", "Назначить куратора наставничества приказом", "сентябрь", "Директор"],
            ["", "", "Утвердить дорожную карту приказом", "сентябрь", "Директор"],
            ["3", "Работа с кадрами", "Пополнить методическую копилку практиками", "май 2026", "Куратор"],
            ["", "", "Провести семинар для наставников", "ноябрь", "Куратор"],
        ]
    )


def test_sections_are_mapped_by_meaning_not_position_and_corrected_in_the_preview(curator, org):
    page = upload(curator.client, org, word_roadmap(), "карта.docx")
    preview = page.context["preview"]
    assert [(s.title, s.model_stage, s.guessed_by) for s in preview.stages] == [
        ("Информационное сопровождение", 7, "по названию"),
        ("Организационный раздел", 1, "по мероприятиям"),
        ("Работа с кадрами", None, ""),  # one activity of stage 6, one of stage 4: the curator chooses
    ]
    body = text_of(page)
    assert [selected(body, f"stage-{i}") for i in (1, 2, 3)] == ["7", "1", ""]
    assert "не подобран — выберите" in body
    assert "проверка: Материалы опубликованы на сайте организации" in body
    # «Применить» keeps the choice in the preview; the links are guessed again within the chosen stage.
    curator.client.post(
        reverse("roadmap:roadmap_import_preview", args=[org.slug]), {"action": "stages", "stage-3": "6"}
    )
    body = text_of(curator.client.get(reverse("roadmap:roadmap_import_preview", args=[org.slug])))
    assert selected(body, "stage-3") == "6"
    assert "проверка: Лучшие практики внесены в методическую копилку" in body
    record = confirm(curator.client, org, **{"stage-1": "7", "stage-2": "1", "stage-3": "6"})
    stages = list(record.roadmap.stages.order_by("position").values_list("title", "model_stage"))
    assert stages == [("Информационное сопровождение", 7), ("Организационный раздел", 1), ("Работа с кадрами", 6)]
    links = dict(record.roadmap.activities.values_list("content", "check_code"))
    assert links == {
        "Публиковать новости наставничества на сайте": "items_published",
        "Разместить положение на сайте школы": "items_published",
        "Назначить куратора наставничества приказом": "curator_appointed",
        "Утвердить дорожную карту приказом": "roadmap_approved",
        "Пополнить методическую копилку практиками": "practices_saved",
        "Провести семинар для наставников": "",
    }
    result = text_of(curator.client.get(reverse("roadmap:roadmap_import_result", args=[org.slug, record.pk])))
    assert "Создано: этапов — 3, мероприятий — 6; связано с проверками по данным — 5." in result
    assert "7. Информационная поддержка" in result and "(выбрано вручную)" in result
    history = text_of(curator.client.get(reverse("roadmap:roadmap_import", args=[org.slug])))
    assert "«карта.docx»</a>: этапов — 3, мероприятий — 6" in history


def test_the_check_catalogue_is_the_one_monitoring_computes():
    codes = {c.code: n for n, checks in stage_checks(_zero_figures()).items() for c in checks}
    assert {c.code: c.stage for c in tracking.CHECKS} == codes


def _zero_figures() -> dict:
    class Zero(dict):
        def __missing__(self, key):
            return 0

    return Zero()


# --- after import: «Этапы и проверки» -----------------------------------------------------------------------


def imported(curator, org) -> Roadmap:
    upload(curator.client, org, word_roadmap(), "карта.docx")
    return confirm(curator.client, org).roadmap


def test_links_page_corrects_the_mapping_after_approval_logs_it_and_the_activity_completes(
    curator, org, django_capture_on_commit_callbacks
):
    roadmap = imported(curator, org)
    approve_roadmap(roadmap, on=date(2025, 9, 20))
    stage = roadmap.stages.get(title="Работа с кадрами")
    copilka = roadmap.activities.get(content__startswith="Пополнить")
    assert (stage.model_stage, copilka.check_code) == (None, "")
    url = reverse("roadmap:roadmap_links", args=[org.slug, roadmap.pk])
    page = curator.client.get(url)
    assert page.status_code == 200 and "Связи не менялись." in text_of(page)
    data = {
        name: field.value() or "" for name, field in ((n, page.context["form"][n]) for n in page.context["form"].fields)
    }
    data |= {f"stage-{stage.pk}": "6", f"check-{copilka.pk}": "practices_saved"}
    with django_capture_on_commit_callbacks(execute=True):
        response = curator.client.post(url, data, follow=True)
    body = text_of(response)
    assert "Связи сохранены (2)" in body and "после утверждения" in body
    changes = list(
        TrackingChange.objects.order_by("id").values_list("field", "old_value", "new_value", "after_approval")
    )
    assert changes == [("model_stage", "", "6", True), ("check_code", "", "practices_saved", True)]
    stage.refresh_from_db()
    copilka.refresh_from_db()
    assert (stage.model_stage, copilka.check_code, copilka.status) == (6, "practices_saved", ActivityStatus.PLANNED)
    # The same choice again changes nothing and logs nothing.
    assert "Связи не изменились." in text_of(curator.client.post(url, data, follow=True))
    assert TrackingChange.objects.count() == 2
    # The data changes: a practice enters the методическая копилка, and the activity is done.
    with django_capture_on_commit_callbacks(execute=True):
        create = reverse("monitoring:practice_create", args=[org.slug])
        assert curator.client.post(create, {"title": "Практика", "description": "Описание"}).status_code == 302
    copilka.refresh_from_db()
    assert copilka.status == ActivityStatus.DONE


def test_a_wrong_choice_on_the_links_page_is_refused_beside_the_field(curator, org):
    roadmap = imported(curator, org)
    activity = roadmap.activities.first()
    url = reverse("roadmap:roadmap_links", args=[org.slug, roadmap.pk])
    response = curator.client.post(url, {f"check-{activity.pk}": "no_such_check"})
    assert response.status_code == 200 and 'class="invalid-feedback d-block">Выберите корректный вариант' in text_of(
        response
    )
    assert "Выбрано значение не из списка" in text_of(response)
    assert not TrackingChange.objects.exists()


def test_links_page_is_for_the_curator_and_the_administrator_of_the_organisation(
    curator, admin, mentor, head, outsider, org
):
    roadmap = imported(curator, org)
    url = reverse("roadmap:roadmap_links", args=[org.slug, roadmap.pk])
    assert admin.client.get(url).status_code == 200
    for persona in (mentor, head):
        assert persona.client.get(url).status_code == 404
    assert outsider.client.get(url).status_code == 404
    record = RoadmapImport.objects.get()
    result = reverse("roadmap:roadmap_import_result", args=[org.slug, record.pk])
    assert mentor.client.get(result).status_code == 404 and outsider.client.get(result).status_code == 404


@pytest.mark.parametrize("size", [1, 12])
def test_links_page_queries_do_not_grow_with_the_roadmap(curator, org, size, django_assert_num_queries):
    roadmap = roadmaps.create_blank(org, "2025–2026 учебный год", START, END)
    stage_rows = list(roadmap.stages.all())
    RoadmapActivity.objects.bulk_create(
        RoadmapActivity(roadmap=roadmap, stage=stage, number=f"{stage.number}.{i}", position=i, content=f"Дело {i}")
        for stage in stage_rows
        for i in range(1, size + 1)
    )
    TrackingChange.objects.bulk_create(
        TrackingChange(
            roadmap=roadmap, stage=stage, field="model_stage", old_value="", new_value=str(stage.model_stage)
        )
        for stage in stage_rows
    )
    url = reverse("roadmap:roadmap_links", args=[org.slug, roadmap.pk])
    curator.client.get(url)  # the session and the access warm up as on any page
    with django_assert_num_queries(8):
        assert curator.client.get(url).status_code == 200


# --- «Перенумеровать» says what it did ----------------------------------------------------------------------


def test_renumber_reports_exactly_the_numbers_it_changed_or_that_nothing_did(curator, org):
    roadmap = imported(curator, org)
    url = reverse("roadmap:roadmap_renumber", args=[org.slug, roadmap.pk])
    assert "ничего не изменилось" in text_of(curator.client.post(url, follow=True))  # numbered by order at import
    activity = roadmap.activities.get(content__startswith="Утвердить")
    RoadmapActivity.objects.filter(pk=activity.pk).update(number="2.7")
    second = text_of(curator.client.post(url, follow=True))
    assert "Изменено номеров: 1 (2.7 → 2.2)." in second
    assert "ничего не изменилось" in text_of(curator.client.post(url, follow=True))
