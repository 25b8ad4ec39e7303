"""State changes of an order, POST only: send, return, approve, cancel, acknowledge, prepare a correction.

Each is a call into roadmap.services (the approval workflow); a refusal comes back as a message, never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from people import second_factor
from people.access import OrgAccess, org_view
from roadmap import items as order_items
from roadmap.access import ORDER_APPROVERS, ORDER_EDITORS, get_order_for_user
from roadmap.drafting import draft_order
from roadmap.forms import OrderReturnForm
from roadmap.models import Order, OrderKind
from roadmap.services import acknowledge_order, approve_order, cancel_order, return_order, submit_order
from roadmap.views.order_page import render_order
from roadmap.views.orders import inbox

Status = Order.Status


def _back(request: HttpRequest, access: OrgAccess, order: Order) -> HttpResponse:
    """To the page the form was on (the inbox, a home page) when it is ours, else to the order page."""
    target = request.POST.get("next", "")
    # Only a path of this site: redirect() would read any other word as a view name to reverse.
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return HttpResponseRedirect(target)
    return redirect("roadmap:order", access.org.slug, order.pk)


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@org_view(*ORDER_EDITORS)
@require_POST
def order_submit(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    order = get_order_for_user(access, pk, editing=True)
    try:
        submit_order(order, by=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "Проект приказа отправлен на утверждение руководителю.")
    return redirect("roadmap:order", access.org.slug, order.pk)


@org_view(*ORDER_APPROVERS)
@require_POST
def order_return(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    order = get_order_for_user(access, pk, approving=True)
    form = OrderReturnForm(request.POST)
    if not form.is_valid():
        if request.POST.get("from") == "inbox" and order.status == Status.SUBMITTED:
            return inbox(request, access.org.slug, failed=order, form=form)
        return render_order(request, access, order, return_form=form)
    try:
        return_order(order, by=request.user, comment=form.cleaned_data["comment"].strip())
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "Проект приказа возвращён на доработку с вашим комментарием.")
    return _back(request, access, order)


@org_view(*ORDER_APPROVERS)
@require_POST
def order_approve(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    order = get_order_for_user(access, pk, approving=True)
    signing = request.POST.get("start") == "signing"
    confirmation = None
    if access.org.approval_code:
        # The one-time code is checked before the order is locked: a wrong one counts for django-otp's throttling
        # and approves nothing.
        try:
            confirmation = second_factor.confirm(request.user, request.POST.get("code", ""))
        except ValidationError as exc:
            if order.status != Status.SUBMITTED:
                _refused(request, exc)
                return redirect("roadmap:order", access.org.slug, order.pk)
            return render_order(request, access, order, code_error=" ".join(exc.messages), code_for=signing)
    try:
        order = approve_order(
            order,
            by=request.user,
            start_from_signing=signing,
            seen_sha256=request.POST.get("seen") or None,
            confirmation=confirmation,
        )
    except ValidationError as exc:
        _refused(request, exc)
        return _back(request, access, order)
    messages.success(request, f"Приказ утверждён: от {order.date:%d.%m.%Y} № {order.reg_number}.")
    return redirect("roadmap:order", access.org.slug, order.pk)


def _masked(email: str) -> str:
    """«i•••@school.ru»: enough for the head to know which mailbox to open."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


@org_view(*ORDER_APPROVERS)
@require_POST
def order_approval_code(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """The e-mail fallback of the second factor: a one-time code to the head's address, valid ten minutes."""
    order = get_order_for_user(access, pk, approving=True)
    email = access.person.email or request.user.email
    try:
        second_factor.send_email_code(request.user, email, purpose=f"утвердить приказ «{order.heading}»")
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"Код отправлен на {_masked(email)}. Он действует 10 минут.")
    return redirect("roadmap:order", access.org.slug, order.pk)


@org_view(*ORDER_EDITORS)
@require_POST
def order_cancel(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    order = get_order_for_user(access, pk, editing=True)
    try:
        cancel_order(order, by=request.user, comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "Проект приказа отменён.")
    return redirect("roadmap:order", access.org.slug, order.pk)


@org_view()
@require_POST
def order_acknowledge(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    order = get_order_for_user(access, pk)
    if not order.acknowledgements.filter(person=access.person).exists():
        messages.error(request, "Вас нет в листе ознакомления с этим приказом.")
        return redirect("roadmap:order", access.org.slug, order.pk)
    try:
        acknowledge_order(order, access.person)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"Отмечено: вы ознакомлены с приказом от {order.date:%d.%m.%Y} № {order.reg_number}.")
    return _back(request, access, order)


def new_correction(order: Order, *, by) -> Order:
    """A draft of a free order that changes `order`; the approved order itself stays as it was."""
    draft = draft_order(order.organization, OrderKind.FREE, by=by, refers_to=order)
    reference = f"от {order.date:%d.%m.%Y} № {order.reg_number}"
    draft.heading = f"О внесении изменений в приказ {reference}"
    draft.items = order_items.normalize(
        [
            # A visible mark, not an ellipsis: the check before sending lists it until the curator writes the changes.
            f"Внести в приказ {reference} «{order.heading}» следующие изменения: [указать: какие изменения вносятся].",
            *draft.items[1:],
        ]
    )
    draft.save(update_fields=["heading", "items", "updated_at"])
    return draft


@org_view(*ORDER_EDITORS)
@require_POST
def order_correct(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    order = get_order_for_user(access, pk, editing=True)
    if not order.is_approved:
        messages.error(request, "Изменяющий приказ готовится к утверждённому приказу; проект можно просто изменить.")
        return redirect("roadmap:order", access.org.slug, order.pk)
    try:
        draft = new_correction(order, by=request.user)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("roadmap:order", access.org.slug, order.pk)
    messages.success(request, "Подготовлен проект изменяющего приказа: впишите изменения и отправьте на утверждение.")
    return redirect("roadmap:order_edit", access.org.slug, draft.pk)
