"""The Content-Security-Policy allows no inline CSS or script: the demo's key pages open in Chromium without a
single violation reported on the console, and still look as designed (screenshots in test-artifacts/csp-*.png).

Chromium reports every blocked style="" attribute, <style> block, inline script and handler as a console error
naming the Content Security Policy; listening to the console needs no script in the page (a listener for the
securitypolicyviolation event would itself be inline code).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from mentoring.models import Mentorship
from monitoring.models import SurveyRound
from people.models import Organization
from roadmap.models import Order
from tests.e2e.conftest import login

ORG = "ds-solnyshko"


@pytest.fixture
def csp_messages(page) -> list[str]:
    """Console messages about the policy, from every page the test opens."""
    messages: list[str] = []
    page.on(
        "console", lambda m: messages.append(f"{page.url}: {m.text}") if "Content Security Policy" in m.text else None
    )
    return messages


def visit(page, url: str, shot, name: str) -> None:
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.status == 200, url
    header = response.headers.get("content-security-policy", "")
    assert "style-src 'self';" in header + ";" and "unsafe-inline" not in header, header
    shot(f"csp-{name}")


def test_key_pages_open_without_a_policy_violation(demo, live_server, page, shot, csp_messages):
    org = Organization.objects.get(slug=ORG)
    pair = Mentorship.objects.filter(organization=org, programme__isnull=False).order_by("pk").first()
    survey = SurveyRound.objects.filter(organization=org).order_by("pk").first()
    order = Order.objects.filter(organization=org).order_by("pk").first()
    base = live_server.url

    visit(page, f"{base}{reverse('login')}", shot, "login")
    visit(page, f"{base}{reverse('public_page', args=[ORG])}", shot, "public-page")
    visit(page, f"{base}{reverse('public_embed', args=[ORG])}", shot, "public-embed")

    login(page, live_server, "curator")
    pages = {
        "curator-home": reverse("role_home", args=[ORG, "curator"]),
        "reports": reverse("monitoring:reports", args=[ORG]),
        "questionnaire-round": reverse("monitoring:survey_round", args=[ORG, survey.pk]),
        "pairs": reverse("mentoring:pairs", args=[ORG]),
        "pair": reverse("mentoring:mentorship_detail", args=[ORG, pair.pk]),
        "programme": reverse("mentoring:programme", args=[ORG, pair.pk]),
        "order": reverse("roadmap:order", args=[ORG, order.pk]),
        "mentor-bank": reverse("people:mentor_bank", args=[ORG]),
        "consent-texts": reverse("people:consent_texts", args=[ORG]),
    }
    for name, path in pages.items():
        visit(page, f"{base}{path}", shot, name)

    # The computed widths and the moved styles are in force, not just free of violations.
    page.goto(f"{base}{pages['questionnaire-round']}")
    bar = page.get_by_test_id("answered-total").locator("xpath=..").locator(".progress-bar")
    assert bar.evaluate("e => e.getBoundingClientRect().width") > 0
    page.goto(f"{base}{pages['programme']}")
    first_number = page.get_by_test_id("plan").locator("td.plan-num").first
    assert first_number.evaluate("e => getComputedStyle(e, '::before').content") == "counter(plan-row)"
    page.goto(f"{base}{pages['order']}")
    assert "Liberation Serif" in page.get_by_test_id("order-text").evaluate("e => getComputedStyle(e).fontFamily")

    assert csp_messages == []


def test_deleting_a_draft_pair_still_asks_first(demo, live_server, page, csp_messages, dialogs):
    """The question used to be an inline onsubmit="" handler, which the policy silently dropped."""
    org = Organization.objects.get(slug=ORG)
    draft = Mentorship.objects.filter(organization=org, state=Mentorship.State.DRAFT).order_by("pk").first()
    login(page, live_server, "curator")
    url = f"{live_server.url}{reverse('mentoring:mentorship_detail', args=[ORG, draft.pk])}"
    page.goto(url)
    questions: list[str] = []

    def answer(dialog, accept: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.remove_listener("dialog", dialogs)  # this test answers the question itself
    page.once("dialog", lambda d: answer(d, accept=False))
    page.get_by_test_id("delete-draft").get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    # The question names what would be deleted (issue 19: a confirmation names its object).
    assert len(questions) == 1 and questions[0].startswith("Удалить черновик: пара наставника "), questions
    assert page.url == url
    assert Mentorship.objects.filter(pk=draft.pk).exists()

    page.once("dialog", lambda d: answer(d, accept=True))
    page.get_by_test_id("delete-draft").get_by_role("button").click()
    page.wait_for_url(lambda u: u != url)
    assert not Mentorship.objects.filter(pk=draft.pk).exists()
    assert csp_messages == []


def test_the_municipal_report_opens_without_a_policy_violation(demo, live_server, page, shot, csp_messages):
    login(page, live_server, "municipal")
    expect(page.locator("h1")).to_be_visible()
    shot("csp-municipal")
    # The organisations' names stay in view while the wide table scrolls sideways.
    sticky = page.locator("th.position-sticky")
    assert sticky.count() >= 2
    assert sticky.first.evaluate("e => getComputedStyle(e).position") == "sticky"
    assert page.locator("svg").count() >= 1
    assert csp_messages == []
