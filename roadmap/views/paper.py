"""Orders signed on paper: the form → the preview with what it changes → confirmation; the scan's download.

For the head and the administrator. The form's values wait in the session and the scan under
MEDIA/paper_orders_pending/ under a random name, until confirmed or replaced by the next form; deleted then.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from mentoring.models import Mentorship
from people.access import OrgAccess, org_view
from people.models import Person, Role
from roadmap import paper
from roadmap.access import get_order_for_user
from roadmap.models import OrderKind, Regulation, Roadmap
from roadmap.paper_forms import PaperOrderForm

REGISTRARS = (Role.Kind.HEAD, Role.Kind.ADMIN)
SESSION_KEY = "paper_order"


def _pending(request: HttpRequest, access: OrgAccess) -> dict | None:
    pending = request.session.get(SESSION_KEY)
    return pending if pending and pending.get("org") == access.org.slug else None


def _drop(request: HttpRequest, pending: dict | None) -> None:
    if pending and pending.get("scan"):
        paper.drop_pending_scan(pending["scan"])
    request.session.pop(SESSION_KEY, None)


def _to_session(access: OrgAccess, data: dict, scan_token: str) -> dict:
    return {
        "org": access.org.slug,
        "kind": data["kind"],
        "date": data["date"].isoformat(),
        "number": data["number"],
        "title": data["title"],
        "text": data["text"],
        "scan": scan_token,
        "mentorships": [m.pk for m in data["mentorships"]],
        "end_reason": data["end_reason"],
        "appointee": data["appointee"].pk if data["appointee"] else None,
        "rewarded": [p.pk for p in data["rewarded"]],
        "regulation": data["regulation"].pk if data["regulation"] else None,
        "roadmap": data["roadmap"].pk if data["roadmap"] else None,
        "signer_position": data["signer_position"],
        "signer_name": data["signer_name"],
    }


def _from_session(access: OrgAccess, pending: dict) -> paper.PaperOrder:
    """The order the session describes; everything it names is looked up in the user's organisation again."""
    org = access.org
    people = Person.objects.for_org(org)
    pairs = (
        Mentorship.objects.for_org(org)
        .filter(pk__in=pending["mentorships"])
        .select_related("mentor")
        .prefetch_related(Prefetch("mentees", queryset=Person.objects.order_by("surname", "name", "id")))
        .order_by("mentor__surname", "mentor__name", "id")
    )
    return paper.PaperOrder(
        kind=pending["kind"],
        date=date.fromisoformat(pending["date"]),
        number=pending["number"],
        title=pending["title"],
        text=pending["text"],
        scan=paper.load_pending_scan(pending["scan"]) if pending["scan"] else None,
        mentorships=list(pairs),
        appointee=people.filter(pk=pending["appointee"]).first() if pending["appointee"] else None,
        rewarded=list(people.filter(pk__in=pending["rewarded"]).order_by("surname", "name", "id")),
        end_reason=pending["end_reason"],
        regulation=Regulation.objects.filter(organization=org, pk=pending["regulation"]).first()
        if pending["regulation"]
        else None,
        roadmap=Roadmap.objects.for_org(org).filter(pk=pending["roadmap"]).first() if pending["roadmap"] else None,
        signer_position=pending["signer_position"],
        signer_name=pending["signer_name"],
    )


@org_view(*REGISTRARS)
def paper_order_new(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    posted = request.method == "POST"
    kind = request.POST.get("kind", "") if posted else request.GET.get("kind", "")
    form = PaperOrderForm(
        request.POST if posted else None, request.FILES if posted else None, organization=access.org, kind=kind
    )
    if posted and form.is_valid():
        _drop(request, _pending(request, access))
        scan = form.cleaned_data["scan"]
        token = paper.store_pending_scan(scan) if scan else ""
        request.session[SESSION_KEY] = _to_session(access, form.cleaned_data, token)
        return redirect("roadmap:paper_order_preview", access.org.slug)
    context = {"access": access, "form": form, "kinds": OrderKind.choices}
    return render(request, "roadmap/paper/new.html", context)


def _gone(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    messages.error(request, "Введённые сведения о приказе больше недоступны. Заполните форму ещё раз.")
    return redirect("roadmap:paper_order_new", access.org.slug)


@org_view(*REGISTRARS)
def paper_order_preview(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    pending = _pending(request, access)
    try:
        order = _from_session(access, pending) if pending else None
    except (OSError, KeyError, ValueError):
        order = None
    if order is None:
        return _gone(request, access)
    context = {
        "access": access,
        "paper": order,
        "pending": pending,
        "kind_label": OrderKind(order.kind).label,
        "serial": paper.serial_of(order.number),
        "effects": paper.effects(order),
        "problems": paper.check(access.org, order, by=request.user),
    }
    return render(request, "roadmap/paper/preview.html", context)


@org_view(*REGISTRARS)
@require_POST
def paper_order_confirm(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    pending = _pending(request, access)
    try:
        order = _from_session(access, pending) if pending else None
    except (OSError, KeyError, ValueError):
        order = None
    if order is None:
        return _gone(request, access)
    try:
        registered = paper.register_paper_order(access.org, order, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("roadmap:paper_order_preview", access.org.slug)
    _drop(request, pending)
    messages.success(request, f"Приказ от {registered.date:%d.%m.%Y} № {registered.reg_number} зарегистрирован.")
    return redirect("roadmap:order", access.org.slug, registered.pk)


@org_view()
def paper_order_scan(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """The scan of an order signed on paper, to whoever may read the order (roadmap.access)."""
    order = get_order_for_user(access, pk)
    if not order.scan:
        raise Http404("У приказа нет скана.")
    try:
        handle = order.scan.open("rb")
    except FileNotFoundError:
        raise Http404("Скан приказа не найден в хранилище.") from None
    response = FileResponse(handle, content_type="application/pdf")
    filename = f"Приказ № {order.reg_number} от {order.date:%d.%m.%Y} (скан).pdf"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response
