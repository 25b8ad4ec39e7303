"""Drafting orders from data: the model texts, draft_order for every kind, and «Сформировать приказ» from the
pairs list, a person's card, a pair's page and the register."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mentoring.models import Mentorship, Programme, ProgrammeRevision
from people.models import ConsentRequired, Role
from roadmap.documents import ORDER_PLACEHOLDERS
from roadmap.drafting import (
    PLACEHOLDERS,
    TEMPLATES_FIXTURE,
    draft_order,
    ensure_order_templates,
    fill,
    load_order_templates,
    rewardable_mentors,
)
from roadmap.models import Order, OrderEvent, OrderKind, OrderTemplate
from roadmap.services import submit_order
from tests.mentoring.pair_fixtures import make_pair
from tests.people.bank_fixtures import bulk_people
from tests.roadmap.order_document_fixtures import approved_order

S = Mentorship.State
CONTROL = "Контроль за исполнением настоящего приказа оставляю за собой."


def texts(items) -> list[str]:
    """The words of an order's items, stored or frozen (roadmap.items), without numbers."""
    return [item["text"] if isinstance(item, dict) else item for item in items]


def url(name: str, org, *args) -> str:
    return reverse(f"roadmap:{name}", args=[org.slug, *args])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def drafts(org, curator):
    """Two draft pairs whose participants all consented to the duties."""
    people = bulk_people(org, 4, start=300)
    return [make_pair(people[0], people[1]), make_pair(people[2], people[3])]


# --- the model texts ---


def test_model_texts_cover_every_kind_in_the_house_style():
    specs = json.loads(TEMPLATES_FIXTURE.read_text(encoding="utf-8"))
    assert set(specs) == set(OrderKind.values)
    for kind, spec in specs.items():
        assert spec["heading"].startswith("О"), kind
        assert spec["preamble"].startswith("В соответствии с"), kind
        assert spec["control_item"] == CONTROL, kind
        for text in [spec["heading"], spec["preamble"], *spec["items"]]:
            assert set(re.findall(r"\{([^{}]+)\}", text)) <= set(PLACEHOLDERS), (kind, text)
    assert specs["pairs"]["preamble"].startswith("В соответствии с {правовые_основания}, Положением")
    assert specs["pairs"]["items"][0] == (
        "Закрепить наставнические пары (группы) согласно {приложение}. Пары (группы) начинают работу {начало_работы}."
    )
    assert specs["free"]["items"] == []


def test_model_texts_are_installed_once_and_the_organisation_keeps_its_edits(bare_org, other_org):
    assert ensure_order_templates(bare_org) == len(OrderKind.values)
    installed = OrderTemplate.objects.filter(organization=bare_org)
    assert set(installed.values_list("kind", flat=True)) == set(OrderKind.values)
    installed.filter(kind=OrderKind.REWARD).update(heading="О награждении наставников")
    installed.filter(kind=OrderKind.FREE).delete()
    assert ensure_order_templates(bare_org) == 1
    assert installed.count() == len(OrderKind.values)
    assert installed.get(kind=OrderKind.REWARD).heading == "О награждении наставников"
    assert OrderTemplate.objects.filter(organization=other_org).count() == len(OrderKind.values)  # its own set


def test_an_organisation_without_model_texts_reads_and_drafts_from_the_fixture(bare_org, persona):
    curator = persona(bare_org, "curator")
    page = curator.client.get(reverse("roadmap:order_templates", args=[bare_org.slug]))
    assert page.status_code == 200 and "типовой текст" in page.text
    edit_url = reverse("roadmap:order_template_edit", args=[bare_org.slug, OrderKind.FREE])
    assert curator.client.get(edit_url).status_code == 200
    order = draft_order(bare_org, OrderKind.FINAL_EVENT, by=curator.user)
    assert order.heading == fill(load_order_templates()[OrderKind.FINAL_EVENT]["heading"], {})
    assert not OrderTemplate.objects.filter(organization=bare_org).exists()  # reading installs nothing

    data = {"heading": "О своём", "preamble": "В соответствии с уставом", "items_text": "Сделать.", "control_item": ""}
    assert curator.client.post(edit_url, data).status_code == 302
    assert OrderTemplate.objects.get(organization=bare_org, kind=OrderKind.FREE).heading == "О своём"


def test_fill_replaces_known_placeholders_and_keeps_the_rest():
    assert fill("Куратору ({куратор}) обеспечить.", {"куратор": "Белова Наталья Сергеевна"}) == (
        "Куратору (Белова Наталья Сергеевна) обеспечить."
    )
    assert fill("Срок — {дата_начала}.", {}) == "Срок — [указать: самая ранняя дата начала среди пар приказа]."
    assert fill("Формула {x+y} и {неизвестно}", {}) == "Формула {x+y} и {неизвестно}"


# --- draft_order for each kind ---


def test_pairs_order_fills_the_text_links_the_pairs_and_proposes_them(org, curator, head, drafts):
    order = draft_order(org, OrderKind.PAIRS, by=curator.user, mentorships=drafts)
    assert order.status == Order.Status.DRAFT
    assert order.heading == "О закреплении наставнических пар (групп)"
    assert order.preamble.startswith("В соответствии с Федеральным законом от 29.12.2012 № 273-ФЗ")
    assert "от 21.12.2021 № АЗ-1128/08" in order.preamble
    assert texts(order.items)[0] == (
        "Закрепить наставнические пары (группы) согласно приложению № 1. Пары (группы) начинают работу {начало_работы}."
    )
    # The programmes do not exist yet: the order sets a deadline for them instead of approving them.
    assert texts(order.items)[1].startswith(
        "Наставникам совместно с наставляемыми в срок до {срок_программ} разработать"
    )
    assert "наставничества Беловой Наталье Сергеевне обеспечить" in texts(order.items)[3]
    assert order.control_item == CONTROL
    assert set(order.mentorships.all()) == set(drafts)
    assert order.created_by == curator.user
    assert {m.state for m in Mentorship.objects.filter(pk__in=[m.pk for m in drafts])} == {S.PROPOSED}
    event = OrderEvent.objects.get(order=order)
    assert (event.action, event.actor) == (OrderEvent.Action.CREATED, curator.user)


def test_pairs_order_is_refused_whole_when_a_participant_lacks_the_duties_consent(org, curator, drafts, persona):
    no_consent = make_pair(
        persona(org, "mentor", surname="Андреева").person, persona(org, "mentee").person, duties=False
    )
    with pytest.raises(ConsentRequired) as refused:
        draft_order(org, OrderKind.PAIRS, by=curator.user, mentorships=[*drafts, no_consent])
    assert "Андреева" in refused.value.messages[0] and "согласия" in refused.value.messages[0]
    assert not Order.objects.exists()
    assert set(Mentorship.objects.values_list("state", flat=True)) == {S.DRAFT}


def test_pairs_order_takes_only_draft_pairs(org, curator, drafts, mentor, mentee):
    active = make_pair(mentor.person, mentee.person, state=S.ACTIVE)
    with pytest.raises(ValidationError, match="только черновики"):
        draft_order(org, OrderKind.PAIRS, by=curator.user, mentorships=[drafts[0], active])
    with pytest.raises(ValidationError, match="Отметьте пары"):
        draft_order(org, OrderKind.PAIRS, by=curator.user)
    assert not Order.objects.exists()


def test_curator_order_names_the_appointee_in_full_with_position(org, admin, mentor):
    order = draft_order(org, OrderKind.CURATOR, by=admin.user, appointee=mentor.person)
    assert order.appointee == mentor.person
    assert texts(order.items)[0] == (
        "Назначить учителя математики Фролову Галину Петровну "
        "куратором реализации программ наставничества педагогических работников."
    )
    assert texts(order.items)[1].startswith("Возложить на куратора Фролову Г. П. формирование")


def test_early_end_order_names_the_pair_the_reason_and_the_fixing_order(org, curator, mentor, mentee):
    pair = make_pair(mentor.person, mentee.person, state=S.ACTIVE)
    fixing = approved_order(org, mentorships=[pair])
    order = draft_order(
        org, OrderKind.EARLY_END, by=curator.user, mentorships=[pair], end_reason=Mentorship.EndReason.MENTEE
    )
    assert order.end_reason == Mentorship.EndReason.MENTEE
    assert "(по инициативе наставляемого)" in order.preamble
    assert (
        "наставничества наставляемой Смирновой Дарьи Андреевны, учителя физики, закреплённой приказом "
        "от 05.06.2026 № 15-од за наставником Фроловой Галиной Петровной, учителем математики."
    ) in texts(order.items)[0]
    assert order.refers_to == fixing
    with pytest.raises(ValidationError, match="основание"):
        draft_order(org, OrderKind.EARLY_END, by=curator.user, mentorships=[pair])


@pytest.mark.time_machine("2026-11-20 10:00 +03:00")
def test_programme_change_order_refers_to_the_latest_revision(org, curator, mentor, mentee):
    pair = make_pair(mentor.person, mentee.person, state=S.ACTIVE)
    programme = Programme.objects.create(
        mentorship=pair, title="Адаптация учителя физики", start=date(2025, 9, 1), end=date(2026, 5, 31)
    )
    ProgrammeRevision.objects.create(
        programme=programme,
        kind=ProgrammeRevision.Kind.EXTENSION,
        reason="Болезнь наставляемого.",
        old_end=date(2026, 5, 31),
        new_end=date(2026, 8, 31),
        status=ProgrammeRevision.Status.APPROVED,
        closed_at=timezone.now(),
    )
    # A later proposal the mentee has not agreed to yet is not a change: the order does not name it.
    ProgrammeRevision.objects.create(
        programme=programme,
        kind=ProgrammeRevision.Kind.EXTENSION,
        reason="Ещё одно продление.",
        old_end=date(2026, 8, 31),
        new_end=date(2026, 10, 31),
        created_at=timezone.now() + timedelta(minutes=1),
    )
    order = draft_order(org, OrderKind.PROGRAMME_CHANGE, by=curator.user, mentorships=[pair])
    assert "«Адаптация учителя физики»" in texts(order.items)[0]
    assert (
        texts(order.items)[1]
        == "Продлить срок реализации программы до 31.08.2026 (прежний срок окончания — 31.05.2026)."
    )
    assert order.preamble.endswith("(основание: Болезнь наставляемого)")


@pytest.mark.time_machine("2026-11-20 10:00 +03:00")
def test_programme_change_order_names_no_change_that_has_not_taken_effect(org, curator, mentor, mentee):
    pair = make_pair(mentor.person, mentee.person, state=S.ACTIVE)
    programme = Programme.objects.create(
        mentorship=pair, title="Адаптация учителя физики", start=date(2025, 9, 1), end=date(2026, 5, 31)
    )
    ProgrammeRevision.objects.create(
        programme=programme,
        kind=ProgrammeRevision.Kind.EXTENSION,
        reason="Болезнь наставляемого.",
        old_end=date(2026, 5, 31),
        new_end=date(2026, 8, 31),
    )
    order = draft_order(org, OrderKind.PROGRAMME_CHANGE, by=curator.user, mentorships=[pair])
    assert "31.08.2026" not in " ".join(texts(order.items))
    with pytest.raises(ValidationError):
        submit_order(order, by=curator.user)  # the blank left for the change must be filled first


def test_programme_change_needs_a_programme(org, curator, mentor, mentee):
    pair = make_pair(mentor.person, mentee.person, state=S.ACTIVE)
    with pytest.raises(ValidationError, match="нет персонализированной программы"):
        draft_order(org, OrderKind.PROGRAMME_CHANGE, by=curator.user, mentorships=[pair])


def test_reward_order_offers_mentors_of_completed_pairs(org, curator, mentor, mentee, persona):
    make_pair(mentor.person, mentee.person, state=S.COMPLETED)
    busy = persona(org, "mentor", surname="Занятая")
    make_pair(busy.person, persona(org, "mentee").person, state=S.ACTIVE)
    assert rewardable_mentors(org) == [mentor.person]
    order = draft_order(org, OrderKind.REWARD, by=curator.user, rewarded=[mentor.person])
    assert list(order.rewarded.all()) == [mentor.person]
    assert texts(order.items)[0] == "Объявить благодарность наставникам согласно приложению № 1."


@pytest.mark.parametrize("kind", [OrderKind.FREE, OrderKind.FINAL_EVENT, OrderKind.REGULATION])
def test_kinds_without_data_start_from_the_model_text(org, curator, kind):
    order = draft_order(org, kind, by=curator.user)
    template = OrderTemplate.objects.get(organization=org, kind=kind)
    assert len(order.items) == len(template.items)
    assert order.control_item == CONTROL
    # Only the values a person gives stay as placeholders; the draft's form fills them.
    left = set(re.findall(r"\{([^{}]+)\}", order.heading + order.preamble + "".join(texts(order.items))))
    assert left <= set(ORDER_PLACEHOLDERS)


def test_the_organisations_edited_text_is_what_a_new_draft_uses(org, curator, drafts):
    OrderTemplate.objects.filter(organization=org, kind=OrderKind.PAIRS).update(
        heading="О составе наставнических пар", items=["Утвердить состав пар согласно {приложение}.", "Второе."]
    )
    order = draft_order(org, OrderKind.PAIRS, by=curator.user, mentorships=drafts)
    assert order.heading == "О составе наставнических пар"
    assert texts(order.items) == ["Утвердить состав пар согласно приложению № 1.", "Второе."]


def test_nothing_of_another_organisation_gets_into_an_order(org, other_org, curator, outsider, persona):
    stranger = persona(other_org, "mentor")
    with pytest.raises(ValidationError):
        draft_order(org, OrderKind.CURATOR, by=curator.user, appointee=stranger.person)
    pair = make_pair(stranger.person, persona(other_org, "mentee").person)
    with pytest.raises(ValidationError):
        draft_order(org, OrderKind.PAIRS, by=curator.user, mentorships=[pair])
    assert not Order.objects.exists()


# --- entry points ---


def test_curator_forms_an_order_from_the_ticked_draft_pairs(org, curator, drafts):
    listing = curator.client.get(reverse("mentoring:pairs", args=[org.slug])).content.decode()
    assert 'data-testid="order-from-pairs"' in listing
    assert listing.count('data-testid="pick-pair"') == 2
    response = curator.client.post(url("order_from_pairs", org), {"mentorships": [m.pk for m in drafts]})
    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("roadmap:order", args=[org.slug, order.pk])
    assert order.kind == OrderKind.PAIRS and order.mentorships.count() == 2


def test_forming_from_pairs_without_consent_tells_what_to_fix(org, curator, persona):
    pair = make_pair(persona(org, "mentor", surname="Андреева").person, persona(org, "mentee").person, duties=False)
    response = curator.client.post(url("order_from_pairs", org), {"mentorships": [pair.pk]}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mentoring:pairs", args=[org.slug])
    (message,) = messages_of(response)
    assert message.startswith("Проект приказа не сформирован.") and "Андреева" in message
    assert not Order.objects.exists()
    response = curator.client.post(url("order_from_pairs", org), {}, follow=True)
    assert "Отметьте в списке черновики" in messages_of(response)[0]


def test_head_and_mentor_cannot_form_orders(org, head, mentor, drafts):
    assert "order-from-pairs" not in head.client.get(reverse("mentoring:pairs", args=[org.slug])).content.decode()
    for persona_ in (head, mentor):
        response = persona_.client.post(url("order_from_pairs", org), {"mentorships": [drafts[0].pk]})
        assert response.status_code == 404
    assert not Order.objects.exists()


def test_outsider_cannot_put_our_pairs_into_their_order(org, outsider, drafts):
    assert outsider.client.post(url("order_from_pairs", org), {"mentorships": [drafts[0].pk]}).status_code == 404
    other = outsider.org.slug
    response = outsider.client.post(reverse("roadmap:order_from_pairs", args=[other]), {"mentorships": [drafts[0].pk]})
    assert response.status_code == 302 and not Order.objects.exists()


def test_person_card_appoints_a_curator_by_order(org, admin, mentor):
    card = admin.client.get(reverse("people:person_detail", args=[org.slug, mentor.person.pk])).content.decode()
    assert "Назначить куратором приказом" in card
    response = admin.client.post(url("order_appoint_curator", org, mentor.person.pk))
    order = Order.objects.get()
    assert response.status_code == 302 and order.appointee == mentor.person and order.kind == OrderKind.CURATOR
    assert mentor.client.post(url("order_appoint_curator", org, mentor.person.pk)).status_code == 404


def test_active_pair_page_offers_early_end_and_programme_change_orders(org, curator, mentor, mentee):
    pair = make_pair(mentor.person, mentee.person, state=S.ACTIVE)
    Programme.objects.create(mentorship=pair, start=date(2025, 9, 1), end=date(2026, 5, 31))
    page = curator.client.get(reverse("mentoring:mentorship_detail", args=[org.slug, pair.pk])).content.decode()
    assert "Приказ о досрочном завершении" in page and "Приказ об изменении программы" in page
    refused = curator.client.post(url("order_from_pair", org, pair.pk, "early_end"), {}, follow=True)
    assert "Укажите основание" in messages_of(refused)[0]
    response = curator.client.post(
        url("order_from_pair", org, pair.pk, "early_end"), {"end_reason": Mentorship.EndReason.MUTUAL}
    )
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.kind == OrderKind.EARLY_END and list(order.mentorships.all()) == [pair]
    curator.client.post(url("order_from_pair", org, pair.pk, "programme_change"))
    assert Order.objects.filter(kind=OrderKind.PROGRAMME_CHANGE).count() == 1
    assert curator.client.post(url("order_from_pair", org, pair.pk, "reward")).status_code == 404
    assert mentor.client.post(url("order_from_pair", org, pair.pk, "early_end")).status_code == 404


@pytest.mark.parametrize("kind", OrderKind.values)
def test_register_new_order_page_shows_each_kind(org, curator, kind):
    response = curator.client.get(url("order_new", org) + f"?kind={kind}")
    assert response.status_code == 200
    assert 'data-testid="new-order-form"' in response.content.decode()


def test_new_reward_order_from_the_register(org, curator, mentor, mentee):
    make_pair(mentor.person, mentee.person, state=S.COMPLETED)
    page = curator.client.get(url("order_new", org) + "?kind=reward").content.decode()
    assert "Фролова Галина Петровна, учитель математики" in page
    empty = curator.client.post(url("order_new", org), {"kind": "reward"})
    assert "Отметьте наставников" in empty.content.decode()
    response = curator.client.post(url("order_new", org), {"kind": "reward", "rewarded": [mentor.person.pk]})
    order = Order.objects.get()
    assert response.status_code == 302 and list(order.rewarded.all()) == [mentor.person]


def test_new_order_form_reports_a_refusal_next_to_the_form(org, curator, persona):
    pair = make_pair(persona(org, "mentor", surname="Андреева").person, persona(org, "mentee").person, duties=False)
    response = curator.client.post(url("order_new", org), {"kind": "pairs", "mentorships": [pair.pk]})
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in response.content.decode()
    assert not Order.objects.exists()


def test_new_order_page_is_for_drafters_only(org, head, mentor):
    assert head.client.get(url("order_new", org)).status_code == 404
    assert mentor.client.get(url("order_new", org)).status_code == 404


def test_new_order_page_queries_do_not_grow_with_pairs(org, curator, django_assert_max_num_queries):
    people = bulk_people(org, 40, start=700)
    for n in range(2):
        make_pair(people[2 * n], people[2 * n + 1])
    with django_assert_max_num_queries(25) as small:
        curator.client.get(url("order_new", org) + "?kind=pairs")
    for n in range(2, 20):
        make_pair(people[2 * n], people[2 * n + 1])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = curator.client.get(url("order_new", org) + "?kind=pairs")
    assert response.content.decode().count('name="mentorships"') == 20


# --- model texts page ---


def test_head_reads_the_model_texts_curator_edits_them(org, head, curator, admin):
    page = head.client.get(url("order_templates", org))
    assert page.status_code == 200 and "О закреплении наставнических пар (групп)" in page.content.decode()
    assert (
        "order_template_edit" not in page.content.decode() and "/orders/templates/pairs/" not in page.content.decode()
    )
    assert head.client.get(url("order_template_edit", org, "pairs")).status_code == 404
    form = curator.client.get(url("order_template_edit", org, "pairs"))
    assert "Закрепить наставнические пары (группы) согласно {приложение}." in form.content.decode()
    response = curator.client.post(
        url("order_template_edit", org, "pairs"),
        {
            "heading": "О закреплении пар",
            "preamble": "В соответствии с Положением",
            "items_text": "Первый пункт.\n\n  Второй пункт.  \n",
            "control_item": CONTROL,
        },
    )
    assert response.status_code == 302
    template = OrderTemplate.objects.get(organization=org, kind="pairs")
    assert (template.heading, template.items) == ("О закреплении пар", ["Первый пункт.", "Второй пункт."])
    assert admin.client.get(url("order_template_edit", org, "no-such-kind")).status_code == 404


def test_model_texts_are_closed_to_other_roles_and_organisations(org, mentor, outsider):
    assert mentor.client.get(url("order_templates", org)).status_code == 404
    assert outsider.client.get(url("order_templates", org)).status_code == 404
    assert outsider.client.post(url("order_template_edit", org, "pairs"), {"heading": "x"}).status_code == 404
    assert not OrderTemplate.objects.filter(organization=org, heading="x").exists()
    assert Role.objects.filter(person=outsider.person, kind=Role.Kind.CURATOR).exists()
