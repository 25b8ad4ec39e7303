"""The order approving the regulation shows the regulation as its appendix on the order's page (as the PDF carries
it), at a school laptop's width and a phone's: «Приложение № 1 к приказу …», the title, the sections."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from roadmap import regulation as regulations
from tests.e2e.conftest import login
from tests.factories import PASSWORD


@pytest.mark.parametrize("width", [1366, 390])
def test_the_regulation_order_page_shows_the_regulation_as_its_appendix(
    transactional_db, org, curator, head, live_server, page, shot, width
):
    reg = regulations.generate(org, by=curator.user)
    regulations.adopt(reg, council_date=timezone.localdate(), council_number="1")
    order = regulations.draft_approval_order(reg, by=curator.user)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, curator.user.username, PASSWORD)
    page.goto(f"{live_server.url}/o/{org.slug}/orders/{order.pk}/")
    appendix = page.get_by_test_id("appendix-text")
    expect(appendix).to_contain_text("Приложение № 1")
    expect(appendix).to_contain_text("ПОЛОЖЕНИЕ О СИСТЕМЕ НАСТАВНИЧЕСТВА")
    expect(appendix.get_by_role("heading", name="1. Общие положения")).to_be_visible()
    # Nothing runs off the side of the screen.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    appendix.scroll_into_view_if_needed()
    page.screenshot(path=str(shot(f"regulation-order-appendix-{width}").parent / f"appendix-{width}.png"))
