"""The orders part of the demo: an order in every state, consistent with the demo's pairs.

Approved: the curator's appointment, the orders fixing the active pairs (one per start date, dated that day)
and the early end of the pair that ended early — each approved through roadmap.services.approve_order by the
head, so numbers, PDFs and hashes are real. The pairs were already moved by the pairs part of the demo and the
curator holds her role from the staff list, so these approvals are dated from the pairs (`on=`) and registered
without their effects (`effects=False`: they happened on the orders' dates, and nobody is told of them again).
No e-mail goes to the demo's addresses (`notify=False`).
Submitted: the proposed pair waits in the head's inbox, to start in two weeks. Returned with the head's comment:
the final event, its date and place filled.
Draft: the reward of mentors. Some acknowledgements are done; the demo mentee's are not, so her home shows
«Ознакомлен(а)». Every order is looked for before it is made: a second run adds nothing and approves nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from config.demo.esign import confirmation_for
from mentoring.models import Mentorship
from people.models import Organization, Person, Role
from roadmap import services
from roadmap.drafting import (
    draft_order,
    fill,
    order_templates_for,
    placeholder_values,
    programme_items,
    rewardable_mentors,
)
from roadmap.models import Order, OrderEvent, OrderKind

S = Mentorship.State


def _new_order(org: Organization, kind: str, user, mentorships=(), appointee=None, end_reason="", **dates) -> Order:
    """A draft from the organisation's model text without touching the pairs (they are already where they are).

    `dates` are the values only a person gives (starts_on, due_on): the text refers to them by placeholders.
    """
    mentorships = list(mentorships)
    template = order_templates_for(org)[kind]
    values = placeholder_values(
        org, kind, user=user, mentorships=mentorships, appointee=appointee, end_reason=end_reason
    )
    items = [text for text in (fill(item, values) for item in template.items) if text]
    if kind == OrderKind.PAIRS:
        items = programme_items(items, mentorships)
    order = Order.objects.create(
        organization=org,
        kind=kind,
        heading=fill(template.heading, values),
        preamble=fill(template.preamble, values),
        items=items,
        control_item=fill(template.control_item, values),
        appointee=appointee,
        end_reason=end_reason,
        created_by=user,
        **dates,
    )
    order.mentorships.set(mentorships)
    OrderEvent.objects.create(order=order, actor=user, action=OrderEvent.Action.CREATED)
    return order


def _approve(order: Order, head_user, curator_user, day: date, *, effects: bool = True) -> Order:
    """Approve on `day` (today at the latest); `effects=False` when the demo has already moved what the order names."""
    day = min(day, timezone.localdate())  # early in September the regulation's council may be ahead of today
    # The history tells when it happened, not when the demo was installed (the draft may still be backdated).
    when = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())) + timedelta(hours=9)
    Order.objects.filter(pk=order.pk).update(created_at=when - timedelta(days=2))
    services.submit_order(order, by=curator_user, notify=False, on=day)
    # Where the organisation asks for a one-time code, the history is signed with the head's authenticator.
    confirmation = confirmation_for(order.organization, head_user)
    order = services.approve_order(
        order, by=head_user, on=day, effects=effects, notify=False, confirmation=confirmation
    )
    events = list(order.events.order_by("id"))
    for n, event in enumerate(events):
        OrderEvent.objects.filter(pk=event.pk).update(created_at=when - timedelta(days=len(events) - 1 - n))
    return order


def _acknowledge_all_but(order: Order, keep_open: set[int], day: date) -> None:
    when = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())) + timedelta(hours=14)
    order.acknowledgements.exclude(person_id__in=keep_open).update(acknowledged_at=when)


def seed_orders(org: Organization, people: dict[str, Person]) -> int:
    """Create the demo's orders of `org`; return how many were added. No e-mail goes to the demo's addresses."""
    head = Person.objects.for_org(org).filter(roles__kind=Role.Kind.HEAD, user__isnull=False).first()
    curator = Person.objects.for_org(org).filter(roles__kind=Role.Kind.CURATOR, user__isnull=False).first()
    if head is None or curator is None:
        return 0
    hu, cu = head.user, curator.user
    today = timezone.localdate()
    pairs = Mentorship.objects.for_org(org).prefetch_related("mentees")
    mentee_logins = set(
        Person.objects.for_org(org)
        .filter(roles__kind=Role.Kind.MENTEE, user__isnull=False)
        .exclude(roles__kind=Role.Kind.CURATOR)
        .values_list("pk", flat=True)
    )
    worked = pairs.filter(state__in=[S.ACTIVE, S.COMPLETED, S.ENDED_EARLY])
    first_start = min((m.started_on for m in worked if m.started_on), default=today - timedelta(days=60))
    added = 0
    ordered = Order.objects.for_org(org).exclude(source=Order.Source.PAPER)  # paper ones: demo.paper_orders

    if not ordered.filter(kind=OrderKind.CURATOR, appointee=curator).exists():
        order = _new_order(org, OrderKind.CURATOR, cu, appointee=curator)
        # The curator already holds the role the demo gives her: the order registers it (effects happened then).
        order = _approve(order, hu, cu, first_start - timedelta(days=30), effects=False)
        _acknowledge_all_but(order, set(), first_start - timedelta(days=29))
        added += 1

    active = list(pairs.filter(state=S.ACTIVE).order_by("started_on", "id"))
    # One order per start date: each states the day its pairs began, as the signed text must.
    by_start: dict[date, list[Mentorship]] = {}
    for m in active:
        by_start.setdefault(min(m.started_on, today), []).append(m)
    for day, group in by_start.items():
        if ordered.filter(kind=OrderKind.PAIRS, mentorships__in=group).exists():
            continue
        order = _new_order(org, OrderKind.PAIRS, cu, mentorships=group, starts_on=day, due_on=day + timedelta(days=30))
        order = _approve(order, hu, cu, day, effects=False)
        _acknowledge_all_but(order, mentee_logins, day + timedelta(days=2))
        added += 1

    ended = pairs.filter(state=S.ENDED_EARLY).order_by("ended_on", "id").first()
    if ended is not None and not ordered.filter(kind=OrderKind.EARLY_END, mentorships=ended).exists():
        order = _new_order(org, OrderKind.EARLY_END, cu, mentorships=[ended], end_reason=ended.end_reason)
        order = _approve(order, hu, cu, ended.ended_on, effects=False)
        _acknowledge_all_but(order, set(), ended.ended_on + timedelta(days=1))
        added += 1

    proposed = list(pairs.filter(state=S.PROPOSED))
    if proposed and not ordered.filter(kind=OrderKind.PAIRS, mentorships__in=proposed).exists():
        # Waiting for the head: the pairs are to start in two weeks, with programmes a month after that.
        start = today + timedelta(days=14)
        order = _new_order(
            org, OrderKind.PAIRS, cu, mentorships=proposed, starts_on=start, due_on=start + timedelta(days=30)
        )
        services.submit_order(order, by=cu, notify=False)
        added += 1

    if not ordered.filter(kind=OrderKind.FINAL_EVENT).exists():
        order = draft_order(org, OrderKind.FINAL_EVENT, by=cu)
        event = today + timedelta(days=45)
        order.event_date, order.event_place, order.due_on = event, "актовый зал", event - timedelta(days=10)
        order.save(update_fields=["event_date", "event_place", "due_on"])
        services.submit_order(order, by=cu, notify=False)
        services.return_order(
            order,
            by=hu,
            comment="Добавьте пункт о том, кто из наставников выступает с опытом работы, и пригласите родителей.",
            notify=False,
        )
        added += 1

    # A draft naming a person whose card corrects the declension: the order reads «Назначить инструктора …
    # Соловья Игоря Петровича куратором…», not what the rules alone would write.
    corrected = Person.objects.for_org(org).working().exclude(name_accusative="").order_by("surname", "id").first()
    if corrected is not None and not ordered.filter(kind=OrderKind.CURATOR, appointee=corrected).exists():
        draft_order(org, OrderKind.CURATOR, by=cu, appointee=corrected)
        added += 1

    if not ordered.filter(kind=OrderKind.REWARD).exists():
        mentors = rewardable_mentors(org)
        if mentors:
            draft_order(org, OrderKind.REWARD, by=cu, rewarded=mentors)
        else:
            draft_order(org, OrderKind.FREE, by=cu)
        added += 1
    return added
