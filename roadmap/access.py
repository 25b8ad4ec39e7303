"""Who may see and act on orders, and the one way views reach an order.

The head, the curator and the administrator see every order of their organisation. Anybody else sees only the
approved orders that name them: in the acknowledgement list, as the appointee, as a participant of a pair or
group the order fixes, or among the rewarded mentors. Everything else answers 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from people.access import OrgAccess
from people.models import Person, Role
from roadmap.models import Order

# See the whole order book of the organisation.
ORDER_VIEWERS = (Role.Kind.HEAD, Role.Kind.CURATOR, Role.Kind.ADMIN)
# Draft, edit, send for approval, cancel, prepare a correction.
ORDER_EDITORS = (Role.Kind.CURATOR, Role.Kind.ADMIN)
# Approve or return.
ORDER_APPROVERS = (Role.Kind.HEAD,)


def naming_q(person: Person) -> Q:
    """Orders that name `person` anywhere (use on a queryset of Order; may repeat rows — filter by pk__in)."""
    return (
        Q(acknowledgements__person=person)
        | Q(appointee=person)
        | Q(mentorships__mentor=person)
        | Q(mentorships__mentees=person)
        | Q(rewarded=person)
    )


def orders_for_user(access: OrgAccess) -> QuerySet[Order]:
    """The orders of the organisation this user may read."""
    qs = Order.objects.for_org(access.org)
    if access.has(*ORDER_VIEWERS):
        return qs
    named = Order.objects.for_org(access.org).filter(naming_q(access.person)).values("pk")
    return qs.filter(status=Order.Status.APPROVED, pk__in=named)


def get_order_for_user(access: OrgAccess, pk: int, *, editing: bool = False, approving: bool = False) -> Order:
    """An order of the organisation the user may read; `editing` and `approving` narrow it to those roles."""
    if editing and not access.has(*ORDER_EDITORS):
        raise Http404
    if approving and not access.has(*ORDER_APPROVERS):
        raise Http404
    qs = orders_for_user(access).select_related("organization", "appointee", "refers_to", "created_by")
    return get_object_or_404(qs, pk=pk)


def can_edit(access: OrgAccess) -> bool:
    return access.has(*ORDER_EDITORS)


def can_approve(access: OrgAccess) -> bool:
    return access.has(*ORDER_APPROVERS)
