"""Issue 18: a roadmap imported from Word, its section mapping corrected after import on «Этапы и проверки», and one
of its activities completing by itself when the data changes (a practice enters the методическая копилка).

A fresh organisation (not the demo, whose data already completes most checks) so the change is the test's own.
"""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from roadmap.models import ActivityStatus, Roadmap, TrackingChange
from tests.e2e.conftest import login
from tests.factories import PASSWORD, OrganizationFactory, PersonFactory
from tests.roadmap.roadmap_fixtures import approve_roadmap
from tests.roadmap.test_roadmap_import_trust import word_roadmap


@pytest.fixture
def school(transactional_db):
    org = OrganizationFactory(slug="school-links", short_name="МБОУ «СОШ № 7»", set_up=True)
    curator = PersonFactory(organization=org, roles=["curator"], with_account=True)
    return org, curator.user


# The imported roadmap's period is the academic year of this pinned day; its deadlines fall within it.
@pytest.mark.time_machine("2026-10-15 10:00 +03:00", tick=True)
def test_imported_roadmap_mapping_corrected_after_import_and_an_activity_completes_from_data(
    school, live_server, page, shot, tmp_path
):
    org, user = school
    path = tmp_path / "Дорожная карта СОШ № 7.docx"
    path.write_bytes(word_roadmap())
    year = 2026

    login(page, live_server, user.username, PASSWORD)
    page.goto(f"{live_server.url}/o/{org.slug}/roadmap/import/")
    page.get_by_label("Файл с дорожной картой").set_input_files(str(path))
    page.locator("#id_period_label").fill(f"{year}–{year + 1} учебный год")
    page.locator("#id_period_start").fill(f"{year}-09-01")
    page.locator("#id_period_end").fill(f"{year + 1}-08-31")
    page.get_by_role("button", name="Проверить файл").click()

    mapping = page.get_by_test_id("stage-mapping")
    expect(mapping).to_contain_text("по названию")
    expect(mapping).to_contain_text("не подобран — выберите")
    expect(page.get_by_test_id("stage-select-1")).to_have_value("7")
    expect(page.get_by_test_id("stage-select-3")).to_have_value("")
    shot("roadmap-import-links-preview")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("roadmap-import-links-preview-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_test_id("confirm-import").click()

    expect(page.get_by_role("heading", name="Результат импорта")).to_be_visible()
    expect(page.get_by_test_id("import-created")).to_contain_text("этапов — 3, мероприятий — 6")
    shot("roadmap-import-result")
    page.get_by_test_id("open-links").click()

    # After import: the section «Работа с кадрами» is about completion; its activity fills the копилка.
    expect(page.get_by_role("heading", name="Этапы и проверки")).to_be_visible()
    stage = page.get_by_test_id("links-stage-3")
    stage.get_by_label("Этап целевой модели").select_option("6")
    stage.get_by_test_id("links-activity-3.1").get_by_role("combobox").select_option("practices_saved")
    page.get_by_test_id("links-save").click()
    expect(page.get_by_text("Связи сохранены (2)")).to_be_visible()
    expect(page.get_by_test_id("links-log")).to_contain_text("Лучшие практики внесены в методическую копилку")
    shot("roadmap-links")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("roadmap-links-390")
    page.set_viewport_size({"width": 1366, "height": 900})

    roadmap = Roadmap.objects.get(organization=org)
    assert list(roadmap.stages.order_by("position").values_list("model_stage", flat=True)) == [7, 1, 6]
    assert TrackingChange.objects.filter(roadmap=roadmap).count() == 2
    activity = roadmap.activities.get(number="3.1")
    assert (activity.check_code, activity.status) == ("practices_saved", ActivityStatus.PLANNED)

    # The head approves it (the approval journey is the orders' own test); then the data changes.
    approve_roadmap(roadmap, on=date(year, 9, 20))
    page.goto(f"{live_server.url}/o/{org.slug}/practices/new/")
    page.get_by_label("Название практики").fill("Мастерская молодого учителя")
    page.get_by_label("Описание").fill("Серия открытых уроков наставника и наставляемого с разбором.")
    page.get_by_test_id("practice-save").click()

    page.goto(f"{live_server.url}/o/{org.slug}/roadmap/{roadmap.pk}/")
    expect(page.locator("#activity-" + str(activity.pk))).to_contain_text("Выполнено")
    shot("roadmap-import-links-completed")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.DONE
