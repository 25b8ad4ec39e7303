"""Sending, returning and approving orders: numbers, effects, the stored PDF, acknowledgements and e-mails."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from mentoring.models import Mentorship
from monitoring.progress import SYNC_NOTE
from people.models import ConsentRequired, MenteeEntry, Purpose, Role
from roadmap import services
from roadmap.models import (
    Acknowledgement,
    ActivityStatus,
    Order,
    OrderCounter,
    OrderEvent,
    OrderKind,
    RoadmapActivity,
    RoadmapStage,
)
from roadmap.services import (
    acknowledge_order,
    approve_order,
    default_acknowledgers,
    return_order,
    submit_order,
)
from tests.mentoring.pair_fixtures import make_pair
from tests.monitoring.test_progress import approve, roadmap
from tests.roadmap.approval_fixtures import make_order, names, pairs_order

pytestmark = pytest.mark.usefixtures("media")


def actions(order: Order) -> list[str]:
    return list(order.events.values_list("action", flat=True))


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- sending and returning ----------------------------------------------------------------------------------


def test_submitting_a_draft_puts_it_before_the_head_and_mails_them(org, head, curator):
    order = make_order(org, author=curator.user, status=Order.Status.DRAFT)

    submit_order(order, by=curator.user)

    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED
    assert actions(order) == [OrderEvent.Action.CREATED, OrderEvent.Action.SUBMITTED]
    assert list(Order.objects.for_org(org).awaiting()) == [order]
    [letter] = mail.outbox
    assert letter.to == [head.person.email]
    assert letter.subject.startswith("МБОУ «СОШ № 1»: приказ на утверждение")
    assert "О проведении методического дня наставников" in letter.body
    assert "утвердить или вернуть на доработку" in letter.body


def test_an_order_without_items_is_not_sent(org, head, curator):
    order = make_order(org, author=curator.user, status=Order.Status.DRAFT, items=["  "], heading="")

    with pytest.raises(ValidationError) as error:
        submit_order(order, by=curator.user)

    assert "Укажите заголовок приказа («О …»)." in error.value.messages
    assert "В приказе нет ни одного пункта распорядительной части." in error.value.messages
    order.refresh_from_db()
    assert order.status == Order.Status.DRAFT
    assert mail.outbox == []


def test_a_submitted_order_cannot_be_sent_again(org, head, curator):
    order = make_order(org, author=curator.user)

    with pytest.raises(ValidationError, match="только черновик или возвращённый"):
        submit_order(order, by=curator.user)


def test_the_head_returns_with_a_comment_and_the_author_resends(org, head, curator):
    order = make_order(org, author=curator.user)

    with pytest.raises(ValidationError, match="Напишите, что нужно исправить"):
        return_order(order, by=head.user, comment="   ")
    return_order(order, by=head.user, comment="Уточните срок в пункте 2.")

    assert order.status == Order.Status.RETURNED  # the caller's instance follows
    event = order.events.get(action=OrderEvent.Action.RETURNED)
    assert (event.actor, event.comment) == (head.user, "Уточните срок в пункте 2.")
    [letter] = mail.outbox
    assert letter.to == [curator.person.email]  # the address of the staff record, as for every notice
    assert "возвращён на доработку" in letter.subject
    assert "Уточните срок в пункте 2." in letter.body

    submit_order(order, by=curator.user)
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED
    assert actions(order)[-3:] == ["submitted", "returned", "submitted"]


def test_only_the_head_of_the_organisation_returns_or_approves(org, head, curator, outsider):
    order = make_order(org, author=curator.user)

    for user in (curator.user, outsider.user):
        with pytest.raises(ValidationError, match="только руководитель организации"):
            return_order(order, by=user, comment="Нет.")
        with pytest.raises(ValidationError, match="только руководитель организации"):
            approve_order(order, by=user)

    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED
    assert not OrderCounter.objects.exists()


# --- approval -----------------------------------------------------------------------------------------------


def test_approving_pairs_registers_the_order_activates_the_pairs_and_stores_the_pdf(org, head, curator, media):
    org.city = "г. Верхнеречинск"
    org.save()
    order = pairs_order(org, 3, author=curator.user)
    pairs = list(order.mentorships.all())
    today = timezone.localdate()

    approved = approve_order(order, by=head.user)

    approved.refresh_from_db()
    assert approved.status == Order.Status.APPROVED
    assert (approved.year, approved.number, approved.reg_number, approved.date) == (today.year, 1, "1-од", today)
    assert (approved.signer_position, approved.signer_name) == ("Директор", "А. П. Сорокина")
    assert approved.approved_by == head.user
    assert order.status == Order.Status.APPROVED and order.reg_number == "1-од"  # the caller's instance too

    for m in Mentorship.objects.filter(pk__in=[p.pk for p in pairs]):
        assert (m.state, m.started_on) == (Mentorship.State.ACTIVE, today)
        assert m.events.last().note == f"Приказ от {today:%d.%m.%Y} № 1-од"
        assert MenteeEntry.objects.get(person__in=m.mentees.all()).status == MenteeEntry.Status.IN_PAIR

    data = approved.pdf.read()
    assert hashlib.sha256(data).hexdigest() == approved.pdf_sha256
    assert len(stored_files(media)) == 1
    text = "\n".join(page.extract_text() for page in PdfReader(approved.pdf.path).pages)
    assert "1-од" in text and f"{today:%d.%m.%Y}" in text
    assert "ПРОЕКТ" not in text

    event = approved.events.get(action=OrderEvent.Action.APPROVED)
    assert event.actor == head.user
    [letter] = mail.outbox
    assert letter.to == [curator.person.email]  # the address of the staff record, as for every notice
    assert letter.subject == f"МБОУ «СОШ № 1»: приказ утверждён, № 1-од от {today:%d.%m.%Y}"
    assert "1-од" in letter.body


def test_numbers_follow_one_another_in_the_organisations_format_and_restart_each_year(org, other_org, head, persona):
    org.order_number_format = "{n}/к{x}"
    org.save()
    OrderCounter.objects.create(organization=org, year=timezone.localdate().year - 1, last_number=41)

    first = approve_order(make_order(org), by=head.user)
    second = approve_order(make_order(org), by=head.user)
    elsewhere = approve_order(make_order(other_org), by=persona(other_org, Role.Kind.HEAD).user)

    assert [first.reg_number, second.reg_number] == ["1/к{x}", "2/к{x}"]
    assert elsewhere.reg_number == "1-од"
    counters = dict(OrderCounter.objects.filter(organization=org).values_list("year", "last_number"))
    assert counters == {timezone.localdate().year - 1: 41, timezone.localdate().year: 2}


def test_an_order_is_approved_once(org, head):
    order = make_order(org)
    approve_order(order, by=head.user)

    with pytest.raises(ValidationError, match="только приказ на утверждении"):
        approve_order(order, by=head.user)
    with pytest.raises(ValidationError, match="только приказ на утверждении"):
        return_order(order, by=head.user, comment="Поздно.")
    assert OrderCounter.objects.get().last_number == 1


def test_a_draft_or_returned_order_cannot_be_approved(org, head):
    for status in (Order.Status.DRAFT, Order.Status.RETURNED, Order.Status.CANCELLED):
        with pytest.raises(ValidationError, match="только приказ на утверждении"):
            approve_order(make_order(org, status=status), by=head.user)


def test_appointing_a_curator_gives_the_role_once(org, head, mentor):
    order = make_order(org, OrderKind.CURATOR, appointee=mentor.person)

    approve_order(order, by=head.user)

    assert set(mentor.person.roles.values_list("kind", flat=True)) == {Role.Kind.MENTOR, Role.Kind.CURATOR}
    # A second appointment of someone who already is a curator changes nothing and does not fail.
    approve_order(make_order(org, OrderKind.CURATOR, appointee=mentor.person), by=head.user)
    assert mentor.person.roles.filter(kind=Role.Kind.CURATOR).count() == 1


def test_the_appointment_completes_the_roadmap_activity_once_committed(
    org, head, mentor, django_capture_on_commit_callbacks
):
    rm = roadmap(org)
    stage = RoadmapStage.objects.create(roadmap=rm, number="1", model_stage=1, title="Подготовка")
    activity = RoadmapActivity.objects.create(
        roadmap=rm, stage=stage, content="Назначить куратора", check_code="curator_appointed"
    )
    approve(rm)
    with django_capture_on_commit_callbacks(execute=True) as run:
        approve_order(make_order(org, OrderKind.CURATOR, appointee=mentor.person), by=head.user)
        activity.refresh_from_db()
        assert activity.status == ActivityStatus.PLANNED  # not before the commit
    assert run  # the roadmap's handler (settings.ORGANIZATION_CHANGED)
    activity.refresh_from_db()
    assert (activity.status, activity.note) == (ActivityStatus.DONE, SYNC_NOTE)


def test_ending_early_closes_the_active_pairs(org, head, mentor, mentee):
    pair = make_pair(mentor.person, mentee.person, state=Mentorship.State.ACTIVE)
    order = make_order(org, OrderKind.EARLY_END, mentorships=[pair], end_reason=Mentorship.EndReason.MUTUAL)

    approve_order(order, by=head.user)

    pair.refresh_from_db()
    assert (pair.state, pair.ended_on, pair.end_reason) == (
        Mentorship.State.ENDED_EARLY,
        timezone.localdate(),
        Mentorship.EndReason.MUTUAL,
    )
    assert MenteeEntry.objects.get(person=mentee.person).status == MenteeEntry.Status.WAITING


@pytest.mark.parametrize("kind", [OrderKind.PROGRAMME_CHANGE, OrderKind.FINAL_EVENT, OrderKind.FREE])
def test_orders_that_record_a_decision_change_no_pair(org, head, mentor, mentee, kind):
    pair = make_pair(mentor.person, mentee.person, state=Mentorship.State.ACTIVE)
    before = pair.events.count()

    event = {"event_date": date(2099, 5, 20), "event_place": "актовый зал"} if kind == OrderKind.FINAL_EVENT else {}
    approve_order(make_order(org, kind, mentorships=[pair], **event), by=head.user)

    pair.refresh_from_db()
    assert pair.state == Mentorship.State.ACTIVE and pair.events.count() == before


EFFECTS = {
    OrderKind.REGULATION: "_approve_regulation",
    OrderKind.ROADMAP: "_approve_roadmap",
    OrderKind.ROADMAP_CHANGE: "_approve_roadmap",
    OrderKind.CURATOR: "_appoint_curator",
    OrderKind.PAIRS: "_fix_pairs",
    OrderKind.EARLY_END: "_end_early",
}


@pytest.mark.parametrize("kind", OrderKind.values)
def test_every_kind_has_its_effect(kind, monkeypatch):
    reached = []
    for name in EFFECTS.values():
        monkeypatch.setattr(services, name, lambda order, by, name=name: reached.append(name))
    services.apply_effects(Order(kind=kind), None)
    assert reached == ([EFFECTS[kind]] if kind in EFFECTS else [])  # the others record a decision only


def test_an_order_of_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="неизвестного вида"):
        services.apply_effects(Order(kind="new-kind"), None)


def test_an_order_approved_earlier_is_registered_on_its_day_without_effects_or_mail(org, head, mentor, mentee):
    pair = make_pair(mentor.person, mentee.person, state=Mentorship.State.ACTIVE)
    order = make_order(org, OrderKind.EARLY_END, mentorships=[pair], end_reason=Mentorship.EndReason.MENTEE)
    day = timezone.localdate() - timedelta(days=400)
    mail.outbox.clear()

    order = approve_order(order, by=head.user, on=day, effects=False, notify=False)

    assert (order.status, order.date, order.year) == (Order.Status.APPROVED, day, day.year)
    assert OrderCounter.objects.get(organization=org).year == day.year
    pair.refresh_from_db()
    assert pair.state == Mentorship.State.ACTIVE  # its effects happened already (or are another story)
    assert mail.outbox == []


def test_an_approval_cannot_be_dated_tomorrow(org, head):
    order = make_order(org)
    with pytest.raises(ValidationError, match="не может быть позже"):
        approve_order(order, by=head.user, on=timezone.localdate() + timedelta(days=1))
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED


def test_submit_and_return_without_mail(org, head, curator):
    order = make_order(org, status=Order.Status.DRAFT, author=curator.user)
    mail.outbox.clear()
    submit_order(order, by=curator.user, notify=False)
    return_order(order, by=head.user, comment="Исправьте пункт 2.", notify=False)
    assert order.status == Order.Status.RETURNED and mail.outbox == []


def test_a_withdrawn_consent_rolls_the_whole_approval_back(org, head, curator, media):
    order = pairs_order(org, 3, author=curator.user)
    last = order.mentorships.order_by("id").last()
    mentee = last.mentees.get()
    mentee.consents.get(purpose=Purpose.DUTIES).withdraw(on=timezone.localdate())

    with pytest.raises(ConsentRequired) as error:
        approve_order(order, by=head.user)

    assert mentee.short_name in error.value.messages[0]
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED
    assert (order.number, order.reg_number, order.date, order.pdf_sha256, order.pdf.name) == (None, "", None, "", "")
    assert not OrderCounter.objects.filter(last_number__gt=0).exists()
    assert set(order.mentorships.values_list("state", flat=True)) == {Mentorship.State.PROPOSED}
    assert not Acknowledgement.objects.exists()
    assert OrderEvent.Action.APPROVED not in actions(order)
    assert stored_files(media) == []
    assert mail.outbox == []
    # The next approval that succeeds takes number 1: the failed one left no gap.
    assert approve_order(make_order(org), by=head.user).number == 1


def test_a_failure_after_the_pdf_is_written_removes_the_file(org, head, media, monkeypatch):
    order = make_order(org)

    def broken(**kwargs):
        raise RuntimeError("сбой базы данных")

    monkeypatch.setattr(services.OrderEvent.objects, "create", broken)
    with pytest.raises(RuntimeError):
        approve_order(order, by=head.user)

    assert stored_files(media) == []
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED


def test_a_pair_that_left_the_draft_stops_the_approval(org, head, curator):
    order = pairs_order(org, 2, author=curator.user)
    order.mentorships.first().withdraw_proposal(by=curator.user)

    with pytest.raises(ValidationError, match="Черновик"):
        approve_order(order, by=head.user)
    assert set(order.mentorships.values_list("state", flat=True)) == {
        Mentorship.State.DRAFT,
        Mentorship.State.PROPOSED,
    }


# --- acknowledgement ----------------------------------------------------------------------------------------


def test_by_default_the_people_named_and_the_curators_acknowledge(org, head, curator, mentor, persona):
    left = persona(org, Role.Kind.MENTOR, surname="Ушедшая")
    left.person.left_on = timezone.localdate() - timedelta(days=1)
    left.person.save()
    group = make_pair(mentor.person, *[persona(org, Role.Kind.MENTEE).person for _ in range(2)])
    order = make_order(org, OrderKind.FREE, mentorships=[group], rewarded=[left.person])

    expected = [curator.person, mentor.person, *group.mentees.all()]
    assert names(default_acknowledgers(order)) == names(expected)

    approve_order(order, by=head.user)
    assert names([a.person for a in order.acknowledgements.all()]) == names(expected)


def test_a_list_made_on_the_draft_is_kept(org, head, mentor, curator):
    order = make_order(org)
    Acknowledgement.objects.create(order=order, person=mentor.person)

    approve_order(order, by=head.user)

    assert [a.person for a in order.acknowledgements.all()] == [mentor.person]


def test_acknowledging_records_the_date_once(org, head, mentor, curator):
    order = make_order(org, OrderKind.CURATOR, appointee=mentor.person)
    approve_order(order, by=head.user)

    acknowledge_order(order, mentor.person)

    ack = order.acknowledgements.get(person=mentor.person)
    assert ack.acknowledged_at is not None
    event = order.events.get(action=OrderEvent.Action.ACKNOWLEDGED)
    assert event.actor == mentor.user
    with pytest.raises(ValidationError, match="уже ознакомились"):
        acknowledge_order(order, mentor.person)
    with pytest.raises(ValidationError, match="нет в листе ознакомления"):
        acknowledge_order(order, head.person)


def test_a_draft_is_not_acknowledged(org, mentor):
    order = make_order(org, OrderKind.CURATOR, appointee=mentor.person, status=Order.Status.DRAFT)
    Acknowledgement.objects.create(order=order, person=mentor.person)

    with pytest.raises(ValidationError, match="только с утверждённым"):
        acknowledge_order(order, mentor.person)


def test_the_stored_pdf_lists_the_acknowledgers(org, head, mentor, curator):
    order = make_order(org, OrderKind.CURATOR, appointee=mentor.person)

    approve_order(order, by=head.user)

    text = "\n".join(page.extract_text() for page in PdfReader(order.pdf.path).pages)
    assert mentor.person.full_name in " ".join(text.split())  # the typography joins names with non-breaking spaces


# --- cancelling ---------------------------------------------------------------------------------------------


def test_cancelling_a_pairs_draft_returns_its_pairs_to_drafts(org, curator):
    order = pairs_order(org, 2, author=curator.user)

    services.cancel_order(order, by=curator.user, comment="Состав пар пересмотрен.")

    assert order.status == Order.Status.CANCELLED
    assert set(order.mentorships.values_list("state", flat=True)) == {Mentorship.State.DRAFT}
    event = order.events.get(action=OrderEvent.Action.CANCELLED)
    assert (event.actor, event.comment) == (curator.user, "Состав пар пересмотрен.")


def test_a_pair_in_another_live_draft_stays_proposed_when_one_draft_is_cancelled(org, curator):
    first = pairs_order(org, 1, author=curator.user)
    pair = first.mentorships.get()
    second = make_order(org, OrderKind.PAIRS, status=Order.Status.DRAFT, mentorships=[pair])

    services.cancel_order(first, by=curator.user)

    pair.refresh_from_db()
    assert pair.state == Mentorship.State.PROPOSED
    services.cancel_order(second, by=curator.user)
    pair.refresh_from_db()
    assert pair.state == Mentorship.State.DRAFT


def test_an_approved_order_is_not_cancelled(org, head):
    order = approve_order(make_order(org), by=head.user)

    with pytest.raises(ValidationError, match="Отменить нельзя"):
        services.cancel_order(order, by=head.user)
    order.refresh_from_db()
    assert order.status == Order.Status.APPROVED
