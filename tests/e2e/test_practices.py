"""The methodical collection journey of issue 7: the demo curator saves a practice from the kindergarten's completed
pair (a renamed program is refused beside the field, nothing typed is lost), attaches a real PDF, finds the
practice by its direction and downloads the material; then, on the final event page, drafts the reward order for
the recommended mentor and cannot draft a second one."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from mentoring.models import Mentorship
from monitoring.models import FinalEvent, Practice
from roadmap.models import Order, OrderKind
from tests.e2e.conftest import login
from tests.monitoring.material_fixtures import EXE, pdf

ORG = "ds-solnyshko"
TITLE = "Картотека подвижных игр для молодого воспитателя"


@pytest.fixture
def practice_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_curator_saves_a_practice_from_the_completed_pair_finds_it_and_downloads_the_material(
    practice_media, demo, live_server, page, shot, tmp_path
):
    pair = Mentorship.objects.get(organization__slug=ORG, state=Mentorship.State.COMPLETED)
    real = tmp_path / "Картотека игр.pdf"
    real.write_bytes(pdf())
    fake = tmp_path / "Конспект.pdf"
    fake.write_bytes(EXE)
    org_url = f"{live_server.url}/o/{ORG}"
    login(page, live_server, "curator")

    page.goto(f"{org_url}/pairs/{pair.pk}/")
    page.get_by_test_id("save-practice").click()
    expect(page.get_by_role("heading", name="Сохранить как практику")).to_be_visible()
    # Prefilled from the programme: its title, and the mentor among the checked authors.
    expect(page.get_by_label("Название практики")).to_have_value("Адаптация молодого воспитателя в профессии")
    expect(page.get_by_label("Захарова О. Н. — воспитатель")).to_be_checked()
    page.get_by_label("Название практики").fill(TITLE)
    page.get_by_label("Направление").select_option(label="Здоровьесбережение")
    page.get_by_test_id("materials-input").set_input_files(str(fake))
    page.get_by_test_id("practice-save").click()
    errors = page.get_by_test_id("materials-errors")
    expect(errors).to_contain_text("«Конспект.pdf»: это исполняемый файл")
    expect(page.get_by_label("Название практики")).to_have_value(TITLE)
    shot("practices-upload-refused")
    assert not Practice.objects.filter(title=TITLE).exists()

    page.get_by_test_id("materials-input").set_input_files(str(real))
    page.get_by_test_id("practice-save").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_test_id("practice-direction")).to_have_text("Здоровьесбережение")
    expect(page.get_by_test_id("source-pair")).to_be_visible()
    saved = Practice.objects.get(title=TITLE)
    assert saved.mentorship == pair and saved.files.count() == 1

    page.goto(f"{org_url}/practices/")
    page.get_by_label("Направление").select_option(label="Здоровьесбережение")
    page.get_by_test_id("practice-search").click()
    items = page.get_by_test_id("practice-item")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(TITLE)
    shot("practices-filtered")
    items.first.get_by_role("link", name=TITLE).click()

    with page.expect_download() as info:
        page.get_by_test_id("material-link").click()
    download = info.value
    assert download.suggested_filename == "Картотека игр.pdf"
    assert Path(download.path()).read_bytes() == real.read_bytes()
    shot("practice-detail")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("practice-detail-390")

    # The final event: the demo recommends one mentor; the curator drafts the reward order once.
    event = FinalEvent.objects.get(organization__slug=ORG)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{org_url}/final-event/{event.pk}/")
    shot("final-event")
    page.get_by_test_id("reward-order").click()
    expect(page.get_by_role("heading", name="Проект приказа")).to_be_visible()
    expect(page.get_by_text("Захарова Ольга Николаевна")).to_be_visible()
    event.refresh_from_db()
    order = event.reward_order
    assert order.kind == OrderKind.REWARD and order.status == Order.Status.DRAFT
    assert [p.surname for p in order.rewarded.all()] == ["Захарова"]
    page.goto(f"{org_url}/final-event/{event.pk}/")
    expect(page.get_by_test_id("reward-order")).to_have_count(0)
    expect(page.get_by_test_id("reward-order-link")).to_be_visible()
