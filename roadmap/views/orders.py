"""Orders: the register (the organisation's order book) with its export, and the head's inbox.

The order page, the editing of a draft and the PDF live in order_page.py; the state changes in order_actions.py.
Their patterns are listed here, so roadmap/urls.py needs one module per concept.
"""

from __future__ import annotations

from django.db.models import Count, F, Max, Prefetch, Q
from django.db.models.functions import Coalesce, ExtractYear
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse

from mentoring.models import Mentorship
from people.access import OrgAccess, org_view
from people.models import Person
from people.views.bank_helpers import export_list, int_param, page_of
from roadmap.access import ORDER_APPROVERS, ORDER_EDITORS, ORDER_VIEWERS
from roadmap.forms import OrderReturnForm
from roadmap.models import Order, OrderEvent, OrderKind
from roadmap.resources import OrderBookResource
from roadmap.views import order_actions, order_page

Status = Order.Status


def with_acknowledgement_counts(qs):
    """Annotate `ack_total` and `ack_done`: the acknowledgement list's length and how many have signed."""
    return qs.annotate(
        ack_total=Count("acknowledgements"),
        ack_done=Count("acknowledgements", filter=Q(acknowledgements__acknowledged_at__isnull=False)),
    )


def register_queryset(request: HttpRequest, access: OrgAccess):
    """The filtered order book, drafts first, then approved orders from the newest; and the filters in force."""
    qs = Order.objects.for_org(access.org).annotate(book_year=Coalesce("year", ExtractYear("created_at")))
    kind = request.GET.get("kind", "")
    if kind in OrderKind.values:
        qs = qs.filter(kind=kind)
    else:
        kind = ""
    status = request.GET.get("status", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    else:
        status = ""
    year = int_param(request, "year")
    if year:
        qs = qs.filter(book_year=year)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(heading__icontains=q) | Q(reg_number__icontains=q))
    qs = with_acknowledgement_counts(qs).order_by(F("date").desc(nulls_first=True), "-number", "-created_at", "-id")
    return qs, {"kind": kind, "status": status, "year": year, "q": q}


@org_view(*ORDER_VIEWERS)
def order_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    qs, filters = register_queryset(request, access)
    years = (
        Order.objects.for_org(access.org)
        .annotate(book_year=Coalesce("year", ExtractYear("created_at")))
        .order_by("-book_year")
        .values_list("book_year", flat=True)
        .distinct()
    )
    context = {
        "access": access,
        "page": page_of(request, qs),
        **filters,
        "kinds": OrderKind.choices,
        "statuses": Status.choices,
        "years": list(years),
        "filtered": any(filters.values()),
        "can_edit": access.has(*ORDER_EDITORS),
    }
    return render(request, "roadmap/order_list.html", context)


@org_view(*ORDER_VIEWERS)
def order_export(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    qs, _ = register_queryset(request, access)
    qs = qs.select_related("created_by")
    back = reverse("roadmap:orders", args=[access.org.slug])
    return export_list(request, OrderBookResource(), qs, "Книга приказов", back)


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


urlpatterns = [
    path("orders/", order_list, name="orders"),
    path("orders/export/", order_export, name="orders_export"),
    path("orders/inbox/", inbox, name="inbox"),
    *order_page.urlpatterns,
    *order_actions.urlpatterns,
]
