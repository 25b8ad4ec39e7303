"""Orders: the register (the organisation's order book) with its export, and the head's inbox.

The order page, the editing of a draft and the PDF live in order_page.py; the state changes in order_actions.py.
"""

from __future__ import annotations

from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, ExtractYear
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from core.lists import page_of
from mentoring.models import Mentorship
from people.access import OrgAccess, org_view
from people.models import Person, Role
from people.resources import export_list
from roadmap.access import ORDER_APPROVERS, ORDER_EDITORS, ORDER_VIEWERS
from roadmap.filters import OrderFilter
from roadmap.forms import OrderReturnForm
from roadmap.models import Acknowledgement, Order, OrderEvent, OrderKind
from roadmap.resources import OrderBookResource

Status = Order.Status


def with_acknowledgement_counts(qs):
    """Annotate `ack_total` and `ack_done`: the acknowledgement list's length and how many have signed."""
    return qs.annotate(
        ack_total=Count("acknowledgements"),
        ack_done=Count("acknowledgements", filter=Q(acknowledgements__acknowledged_at__isnull=False)),
    )


def register_queryset(request: HttpRequest, access: OrgAccess) -> OrderFilter:
    """The filtered order book, drafts first, then approved orders from the newest."""
    qs = Order.objects.for_org(access.org).annotate(book_year=Coalesce("year", ExtractYear("created_at")))
    qs = with_acknowledgement_counts(qs).order_by(F("date").desc(nulls_first=True), "-number", "-created_at", "-id")
    return OrderFilter(request.GET, queryset=qs)


@org_view(*ORDER_VIEWERS)
def order_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    filters = register_queryset(request, access)
    years = (
        Order.objects.for_org(access.org)
        .annotate(book_year=Coalesce("year", ExtractYear("created_at")))
        .order_by("-book_year")
        .values_list("book_year", flat=True)
        .distinct()
    )
    context = {
        "access": access,
        "page": page_of(request, filters.qs),
        **filters.values,
        "kinds": OrderKind.choices,
        "statuses": Status.choices,
        "years": list(years),
        "filtered": filters.filtered,
        "can_edit": access.has(*ORDER_EDITORS),
        "can_register_paper": access.has(Role.Kind.HEAD, Role.Kind.ADMIN),  # roadmap.views.paper.REGISTRARS
    }
    return render(request, "roadmap/order_list.html", context)


@org_view(*ORDER_VIEWERS)
def order_export(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """The order book as a registry: registered (approved or later cancelled) orders only, oldest first; with
    ?book=drafts the drafts, orders awaiting approval and returned ones, as «Проекты приказов»."""
    acks = Acknowledgement.objects.select_related("person").order_by("person__surname", "person__name", "id")
    card = Person.objects.filter(organization=access.org, user=OuterRef("created_by")).order_by("pk")
    qs = (
        register_queryset(request, access)
        .qs.select_related("created_by")
        .prefetch_related(Prefetch("acknowledgements", queryset=acks))
        .annotate(
            author_surname=Subquery(card.values("surname")[:1]),
            author_name=Subquery(card.values("name")[:1]),
            author_patronymic=Subquery(card.values("patronymic")[:1]),
        )
    )
    back = reverse("roadmap:orders", args=[access.org.slug])
    if request.GET.get("book") == "drafts":
        drafts = qs.filter(number__isnull=True).exclude(status=Order.Status.APPROVED).order_by("created_at", "id")
        return export_list(request, OrderBookResource(), drafts, "Проекты приказов", back)
    registered = qs.filter(number__isnull=False).order_by("date", "number", "id")
    return export_list(request, OrderBookResource(), registered, "Книга приказов", back)


def inbox_orders(access: OrgAccess) -> list[Order]:
    """Orders waiting for the head, the longest waiting first, with what their previews show."""
    mentorships = Mentorship.objects.select_related("mentor", "form").prefetch_related(
        Prefetch("mentees", queryset=Person.objects.order_by("surname", "name", "id"))
    )
    qs = (
        Order.objects.for_org(access.org)
        .awaiting()
        .annotate(submitted_at=Max("events__created_at", filter=Q(events__action=OrderEvent.Action.SUBMITTED)))
        .select_related("created_by", "appointee")
        .prefetch_related(
            Prefetch("mentorships", queryset=mentorships.order_by("mentor__surname", "mentor__name", "id")),
            Prefetch("rewarded", queryset=Person.objects.order_by("surname", "name", "id")),
        )
        .order_by("submitted_at", "created_at", "id")
    )
    return list(qs)


@org_view(*ORDER_APPROVERS)
def inbox(request: HttpRequest, access: OrgAccess, *, failed: Order | None = None, form=None) -> HttpResponse:
    orders = inbox_orders(access)
    for order in orders:
        order.return_form = form if failed is not None and failed.pk == order.pk else OrderReturnForm()
    return render(request, "roadmap/inbox.html", {"access": access, "orders": orders})
