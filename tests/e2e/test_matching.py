"""The curator matches mentees with mentors in a real browser: accepts part of the proposal, then chooses by hand."""

import re

from playwright.sync_api import expect

from mentoring.models import Mentorship
from people.models import MenteeEntry, MentorEntry, Purpose
from tests.e2e.conftest import login
from tests.people.bank_fixtures import give_consent

ORG = "ds-solnyshko"


def ensure_duties_consents() -> None:
    """The demo's selected mentors and waiting mentees all have the duties consent (add any that is missing)."""
    people = [e.person for e in MentorEntry.objects.filter(organization__slug=ORG).in_bank().select_related("person")]
    people += [e.person for e in MenteeEntry.objects.filter(organization__slug=ORG).waiting().select_related("person")]
    for person in people:
        if not person.consents.filter(purpose=Purpose.DUTIES, withdrawn_on__isnull=True).exists():
            give_consent(person, Purpose.DUTIES)


def test_curator_accepts_part_of_the_proposal_and_chooses_a_mentor_by_hand(demo, live_server, page, shot):
    ensure_duties_consents()
    before = set(Mentorship.objects.values_list("pk", flat=True))
    login(page, live_server, "curator")
    page.goto(f"{live_server.url}/o/{ORG}/matching/")
    expect(page.get_by_role("heading", name="Подбор наставников")).to_be_visible()
    rows = page.get_by_test_id("proposal-row")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 1
    expect(page.get_by_test_id("proposal-table")).to_contain_text("Покрывает")
    shot("matching-proposal")

    # Accept one row of the proposal only.
    first = rows.first
    mentor_name = first.locator("label").inner_text()
    mentee_names = first.locator("td").nth(2).get_by_role("link").all_inner_texts()
    first.get_by_role("checkbox").check()
    page.get_by_test_id("accept-selected").click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.get_by_text("Создан черновик")).to_contain_text(f"наставник {mentor_name}")
    created = Mentorship.objects.exclude(pk__in=before).prefetch_related("mentees").select_related("mentor")
    assert [p.mentor.short_name for p in created] == [mentor_name]
    assert sorted(p.short_name for p in created[0].mentees.all()) == sorted(mentee_names)
    assert created[0].state == Mentorship.State.DRAFT
    shot("matching-accepted")

    # Another waiting mentee: open the ranked list and pick a mentor other than the top one.
    page.goto(f"{live_server.url}/o/{ORG}/matching/")
    waiting = page.get_by_test_id("waiting-table").get_by_role("row").filter(has_not_text="уже в паре")
    other = waiting.filter(has=page.get_by_role("link", name="Подобрать наставника")).first
    other_name = other.locator("td").first.inner_text().splitlines()[0]
    assert other_name not in mentee_names
    other.get_by_role("link", name="Подобрать наставника").click()
    expect(page.get_by_role("heading", name=f"Подбор наставника: {other_name}")).to_be_visible()
    ranked = page.get_by_test_id("ranked-row")
    expect(ranked.first).to_be_visible()
    page.get_by_test_id("toggle-excluded").click()
    expect(page.locator("#excluded")).to_have_class(re.compile(r"\bshow\b"))
    expect(page.get_by_test_id("excluded-list")).to_contain_text("Выведен(а) из банка наставников")
    shot("matching-mentee")

    choice = ranked.nth(1) if ranked.count() > 1 else ranked.first
    chosen_name = choice.locator("td").nth(1).locator(".fw-semibold").inner_text()
    value = page.locator("#id_mentor option", has_text=chosen_name).first.get_attribute("value")
    page.locator("#id_mentor").select_option(value=value)
    page.get_by_test_id("manual-choose").click()
    page.wait_for_load_state("domcontentloaded")
    expect(page.get_by_text("Создан черновик пары")).to_contain_text(other_name)
    shot("matching-chosen")

    manual = Mentorship.objects.exclude(pk__in=before).filter(mentees__surname=other_name.split()[0]).get()
    assert manual.mentor.short_name == chosen_name
    assert manual.match_reasons[0] == "Наставник выбран куратором."
    assert Mentorship.objects.exclude(pk__in=before).count() == 2
