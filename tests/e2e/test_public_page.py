"""The public page journey of issue 7: on the demo, an anonymous visitor opens the kindergarten's mentoring page
from the login page and sees exactly what the curator published (names only with a publication consent); the
school's page is closed; the compact version may be framed by the school's own site; the curator finds the page
among the monitoring pages."""

import pytest
from playwright.sync_api import expect

from monitoring.models import NewsItem, ProgrammeResult
from monitoring.publishing import current_figures
from people.models import Organization
from tests.e2e.conftest import ARTIFACTS, login

ORG = "ds-solnyshko"


@pytest.fixture
def publishing_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_an_anonymous_visitor_sees_exactly_the_published_items(publishing_media, demo, live_server, page, shot):
    published = list(NewsItem.objects.filter(organization__slug=ORG, is_published=True).values_list("title", flat=True))
    drafts = list(NewsItem.objects.filter(organization__slug=ORG, is_published=False).values_list("title", flat=True))
    hidden_result = ProgrammeResult.objects.get(organization__slug=ORG, is_published=False)
    assert len(published) == 3 and len(drafts) == 1

    page.goto(f"{live_server.url}/accounts/login/")
    links = page.get_by_test_id("public-pages")
    expect(links).to_contain_text("Детский сад № 12")
    expect(links).not_to_contain_text("СОШ № 7")
    shot("public-login")
    links.get_by_role("link", name="МБДОУ «Детский сад № 12»").click()
    expect(page.get_by_test_id("public-title")).to_have_text("Система наставничества педагогических работников")
    assert page.url == f"{live_server.url}/p/{ORG}/"

    expect(page.get_by_test_id("news-item")).to_have_count(3)
    for title in published:
        expect(page.get_by_test_id("public-news")).to_contain_text(title)
    content = page.content()
    assert drafts[0] not in content
    assert hidden_result.summary not in content
    # The completed programme: the mentor gave a publication consent and is named, the mentee did not.
    results = page.get_by_test_id("result-item")
    expect(results).to_have_count(1)
    expect(results).to_contain_text("Захарова Ольга")
    expect(results).to_contain_text("Наставляемый")
    assert "Киселёва" not in content
    expect(page.get_by_test_id("regulation-link")).to_be_visible()
    expect(page.get_by_test_id("roadmap-link")).to_be_visible()
    # The figures are those of the reports for the current school year.
    figures, _ = current_figures(Organization.objects.get(slug=ORG))
    expect(page.get_by_test_id("figure-pairs")).to_have_text(str(figures["pairs"]))
    expect(page.get_by_test_id("figure-mentors")).to_have_text(str(figures["mentors"]))
    shot("public-page")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("public-page-390")

    # The approved regulation opens as a PDF from the page.
    response = page.request.get(live_server.url + page.get_by_test_id("regulation-link").get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"

    # The school keeps its page closed.
    response = page.goto(f"{live_server.url}/p/school-7/")
    assert response.status == 404
    assert "Школа начинает работу" not in page.content()


@pytest.fixture
def framing_page(browser_type, browser_type_launch_args):
    """A browser that lets a page of one local origin frame another: Chromium's local network access checks would
    block it here (both sites are on this machine), which is unrelated to the framing policy under test."""
    args = [*browser_type_launch_args.get("args", []), "--disable-features=LocalNetworkAccessChecks"]
    browser = browser_type.launch(**{**browser_type_launch_args, "args": args})
    yield browser.new_page()
    browser.close()


def test_the_school_site_embeds_the_compact_page_only(publishing_media, demo, live_server, framing_page):
    page = framing_page
    host = live_server.url.replace("localhost", "127.0.0.1")  # another origin: the kindergarten's own site
    site = (
        '<meta charset="utf-8"><h1>Сайт детского сада</h1>'
        f'<iframe id="embed" src="{live_server.url}/p/{ORG}/embed/" width="100%" height="700"></iframe>'
        f'<iframe id="full" src="{live_server.url}/p/{ORG}/" width="100%" height="200"></iframe>'
    )
    page.route(f"{host}/school-site/", lambda route: route.fulfill(body=site, content_type="text/html"))
    page.goto(f"{host}/school-site/")
    embedded = page.frame_locator("#embed")
    expect(embedded.get_by_test_id("public-title")).to_have_text("Система наставничества педагогических работников")
    expect(embedded.get_by_test_id("news-item")).to_have_count(3)
    # The full page keeps X-Frame-Options DENY: the browser refuses to show it inside another site.
    page.wait_for_load_state("load")
    full = page.frame_locator("#full").owner.element_handle().content_frame()
    assert full.url.startswith("chrome-error://"), full.url
    expect(page.frame_locator("#full").get_by_test_id("public-title")).to_have_count(0)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "public-embed.png"), full_page=True)


def test_the_curator_finds_the_publishing_page(publishing_media, demo, live_server, page, shot):
    login(page, live_server, "curator")
    menu = page.get_by_role("navigation", name="Основное меню")
    menu.get_by_role("button", name="Мониторинг").or_(menu.get_by_role("link", name="Мониторинг")).first.click()
    menu.get_by_role("link", name="Публикация на сайте").click()
    expect(page.get_by_test_id("page-state")).to_have_text("Открыта")
    expect(page.get_by_test_id("embed-code")).to_contain_text(f'<iframe src="{live_server.url}/p/{ORG}/embed/"')
    shot("publishing-settings")
    page.get_by_test_id("results-tab").click()
    expect(page.get_by_test_id("result-row")).to_have_count(2)
    shot("publishing-results")
