"""The order page (text, appendices, history, acknowledgements), its PDF, and editing a draft."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from people import second_factor
from people.access import OrgAccess, org_view
from roadmap.access import ORDER_EDITORS, can_approve, can_edit, get_order_for_user
from roadmap.documents import (
    acknowledgement_sheet_pdf,
    content_differences,
    content_sha256,
    order_content,
    order_context,
    order_pdf_bytes,
    shown_content,
)
from roadmap.forms import OrderEditForm, OrderReturnForm
from roadmap.forms_items import item_formset
from roadmap.models import Order, OrderEvent, OrderSignature
from roadmap.services import (
    date_conflicts,
    default_acknowledgers,
    missing_values,
    save_draft,
    start_alternative,
)

Status = Order.Status


def pdf_filename(order: Order) -> str:
    if order.reg_number and order.date:
        return f"Приказ № {order.reg_number} от {order.date:%d.%m.%Y}.pdf"
    return f"Проект приказа {order.created_at:%d.%m.%Y}.pdf"


def render_order(
    request: HttpRequest,
    access: OrgAccess,
    order: Order,
    *,
    return_form=None,
    code_error: str = "",
    code_for: bool = False,
) -> HttpResponse:
    events = list(order.events.select_related("actor"))
    acknowledgements = list(order.acknowledgements.select_related("person"))
    mine = next((a for a in acknowledgements if a.person_id == access.person.pk), None)
    returned = [e for e in events if e.action == OrderEvent.Action.RETURNED]
    shown = shown_content(order)
    context = {
        "access": access,
        "order": order,
        **order_context(order, shown),
        "events": events,
        "acknowledgements": acknowledgements,
        "ack_done": sum(1 for a in acknowledgements if a.acknowledged_at),
        "my_acknowledgement": mine if order.is_approved else None,
        "last_return": returned[-1] if returned and order.status == Status.RETURNED else None,
        "can_edit": can_edit(access) and order.is_editable,
        "can_cancel": can_edit(access) and order.status in (*Order.EDITABLE_STATUSES, Status.SUBMITTED),
        "can_decide": can_approve(access) and order.status == Status.SUBMITTED,
        "can_correct": can_edit(access) and order.is_approved,
        "return_form": return_form or OrderReturnForm(),
        "corrections": list(order.corrections.all()) if order.is_approved else [],
        "missing": (
            missing_values(order, shown) + date_conflicts(order, timezone.localdate())
            if can_edit(access) and order.is_editable
            else []
        ),
    }
    if context["can_decide"]:
        context.update(review(order, shown))
        if access.org.approval_code:
            context["approval_code"] = {
                "error": code_error,
                "for_signing": code_for,
                "has_authenticator": second_factor.authenticator(request.user) is not None,
            }
    if order.is_approved:
        context["signature"] = OrderSignature.objects.filter(order=order).first()
    return render(request, "roadmap/order_detail.html", context)


def review(order: Order, shown: dict) -> dict:
    """What the head must know before deciding: changed data, blanks, past dates and the one alternative."""
    today = timezone.localdate()
    alternative = start_alternative(order, today)
    return {
        "seen_sha256": content_sha256(shown),
        "drift": content_differences(shown, order_content(order)),
        "blanks": missing_values(order, shown),
        "conflicts": date_conflicts(order, today),
        "alternative": content_differences(shown, alternative) if alternative else [],
        "alternative_sha256": content_sha256(alternative) if alternative else "",
    }


@org_view()
def order_detail(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    return render_order(request, access, get_order_for_user(access, pk))


@org_view()
def order_pdf(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """An approved order: exactly the bytes stored at approval. A draft: rendered now, marked «ПРОЕКТ»."""
    order = get_order_for_user(access, pk)
    if order.is_approved:
        signed = order.scan if order.is_paper else order.pdf  # a paper order's signed copy is its scan
        if not signed:
            raise Http404("Подписанный экземпляр приказа не найден.")
        try:
            handle = signed.open("rb")
        except FileNotFoundError:
            raise Http404("Подписанный экземпляр приказа не найден в хранилище.") from None
        response = FileResponse(handle, content_type="application/pdf")
    else:
        response = HttpResponse(order_pdf_bytes(order), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, pdf_filename(order))
    response["Cache-Control"] = "private, no-store"
    return response


@org_view()
def order_acknowledgements_pdf(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """The acknowledgement sheet of an approved order as it stands: online dates, blank lines for the rest."""
    order = get_order_for_user(access, pk)
    if not order.is_approved:
        raise Http404("Лист ознакомления есть только у утверждённого приказа.")
    response = HttpResponse(acknowledgement_sheet_pdf(order), content_type="application/pdf")
    filename = f"Лист ознакомления с приказом № {order.reg_number} от {order.date:%d.%m.%Y}.pdf"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@org_view(*ORDER_EDITORS)
def order_edit(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    order = get_order_for_user(access, pk, editing=True)
    if not order.is_editable:
        messages.error(
            request,
            f"Приказ «{order.get_status_display().lower()}»: изменить его нельзя. "
            "Исправления вносятся новым приказом, который ссылается на этот.",
        )
        return redirect("roadmap:order", access.org.slug, order.pk)
    chosen = list(order.acknowledgements.values_list("person_id", flat=True))
    initial = {
        "heading": order.heading,
        "preamble": order.preamble,
        "control_item": order.control_item,
        "acknowledgers": chosen or [p.pk for p in default_acknowledgers(order)],
        "start_rule": order.start_rule,
        "starts_on": order.starts_on,
        "due_on": order.due_on,
        "event_date": order.event_date,
        "event_place": order.event_place,
    }
    form = OrderEditForm(request.POST or None, initial=initial, organization=access.org, kind=order.kind)
    items = item_formset(request.POST or None, items=order.items, organization=access.org)
    if request.method == "POST" and all([form.is_valid(), items.is_valid()]):
        try:
            save_draft(order, {**form.cleaned_data, "items": items.items()}, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("roadmap:order", access.org.slug, order.pk)
        messages.success(request, "Проект приказа сохранён.")
        return redirect("roadmap:order", access.org.slug, order.pk)
    missing = missing_values(order) + date_conflicts(order, timezone.localdate())
    context = {"access": access, "order": order, "form": form, "items": items, "missing": missing}
    return render(request, "roadmap/order_form.html", context)
