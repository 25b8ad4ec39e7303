"""Drafting orders: the organisation's model texts and «Сформировать приказ» from where the need arises —
selected draft pairs, a person's card, an active pair's page, the register's «Новый приказ»."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from core.text import as_id
from mentoring.access import get_mentorship_for_user
from mentoring.models import Mentorship
from people.access import OrgAccess, get_person_for_user, org_view
from roadmap.access import ORDER_EDITORS, ORDER_VIEWERS
from roadmap.drafting import PLACEHOLDERS, draft_order, order_templates_for
from roadmap.forms import NewOrderForm, OrderTemplateForm
from roadmap.forms_items import OrderBasisForm
from roadmap.models import Order, OrderKind, OrderTemplate

# Orders that one pair's page can start.
PAIR_ORDER_KINDS = (OrderKind.EARLY_END, OrderKind.PROGRAMME_CHANGE)


def order_url(org_slug: str, order: Order) -> str:
    """The new draft's page; the register if that page is not there."""
    for name, args in (("roadmap:order", [org_slug, order.pk]), ("roadmap:orders", [org_slug])):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return reverse("roadmap:order_templates", args=[org_slug])


def _created(request: HttpRequest, access: OrgAccess, order: Order) -> HttpResponse:
    messages.success(
        request, f"Проект приказа «{order.heading}» сформирован. Проверьте текст и отправьте на утверждение."
    )
    return redirect(order_url(access.org.slug, order))


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, "Проект приказа не сформирован. " + " ".join(exc.messages))


# --- model texts ---


@org_view(*ORDER_VIEWERS)
def order_templates(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    templates = order_templates_for(access.org)
    rows = [templates[kind] for kind in OrderKind.values]
    context = {"access": access, "rows": rows, "can_edit": access.has(*ORDER_EDITORS), "placeholders": PLACEHOLDERS}
    return render(request, "roadmap/drafting/templates.html", context)


@org_view(*ORDER_EDITORS)
def order_template_edit(request: HttpRequest, access: OrgAccess, kind: str) -> HttpResponse:
    if kind not in OrderKind.values:
        raise Http404
    template = order_templates_for(access.org)[kind]
    initial = {
        "heading": template.heading,
        "preamble": template.preamble,
        "items_text": "\n".join(template.items),
        "control_item": template.control_item,
    }
    form = OrderTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The row is created here if the organisation had only the fixture's text of this kind.
        template, _ = OrderTemplate.objects.update_or_create(
            organization=access.org,
            kind=kind,
            defaults={
                "heading": data["heading"],
                "preamble": data["preamble"],
                "items": data["items_text"],
                "control_item": data["control_item"],
            },
        )
        messages.success(request, f"Образец текста «{template.get_kind_display()}» сохранён.")
        return redirect("roadmap:order_templates", access.org.slug)
    context = {"access": access, "template": template, "form": form, "placeholders": PLACEHOLDERS}
    return render(request, "roadmap/drafting/template_form.html", context)


@org_view(*ORDER_VIEWERS)
def order_basis(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """The federal, regional and local acts the organisation's orders cite; a new draft's preamble takes them."""
    form = OrderBasisForm(request.POST or None, instance=access.org)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Правовые основания приказов сохранены. Новые проекты приказов возьмут их.")
        return redirect("roadmap:order_basis", access.org.slug)
    return render(request, "roadmap/drafting/basis.html", {"access": access, "form": form})


# --- new drafts ---


@org_view(*ORDER_EDITORS)
def order_new(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """«Новый приказ»: choose the kind, then what it acts on."""
    kind = request.POST.get("kind") or request.GET.get("kind", "")
    form = NewOrderForm(request.POST or None, organization=access.org, kind=kind, initial={"kind": kind})
    if request.method == "POST" and form.is_valid():
        try:
            order = draft_order(access.org, form.cleaned_data["kind"], by=request.user, **form.draft_kwargs())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _created(request, access, order)
    return render(request, "roadmap/drafting/new.html", {"access": access, "form": form, "kinds": OrderKind.choices})


@org_view(*ORDER_EDITORS)
@require_POST
def order_from_pairs(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """«Сформировать приказ» over the draft pairs ticked on the pairs list."""
    ids = [pk for pk in map(as_id, request.POST.getlist("mentorships")) if pk is not None]
    pairs = list(Mentorship.objects.for_org(access.org).filter(pk__in=ids))
    if not pairs:
        messages.error(request, "Отметьте в списке черновики пар и групп, которые нужно закрепить приказом.")
        return redirect("mentoring:pairs", access.org.slug)
    try:
        order = draft_order(access.org, OrderKind.PAIRS, by=request.user, mentorships=pairs)
    except ValidationError as exc:
        _refused(request, exc)
        if request.POST.get("from") == "pair" and len(pairs) == 1:  # sent from the pair's own page: back there
            return redirect("mentoring:mentorship_detail", access.org.slug, pairs[0].pk)
        return redirect("mentoring:pairs", access.org.slug)
    return _created(request, access, order)


@org_view(*ORDER_EDITORS)
@require_POST
def order_appoint_curator(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    person = get_person_for_user(access, pk)
    try:
        order = draft_order(access.org, OrderKind.CURATOR, by=request.user, appointee=person)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect(person)
    return _created(request, access, order)


@org_view(*ORDER_EDITORS)
@require_POST
def order_from_pair(request: HttpRequest, access: OrgAccess, pk: int, kind: str) -> HttpResponse:
    """«Приказ о досрочном завершении» (with the reason) or «Приказ об изменении программы» from a pair's page."""
    m = get_mentorship_for_user(access, pk, editing=True)
    if kind not in PAIR_ORDER_KINDS:
        raise Http404
    reason = request.POST.get("end_reason", "") if kind == OrderKind.EARLY_END else ""
    try:
        order = draft_order(access.org, kind, by=request.user, mentorships=[m], end_reason=reason)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("mentoring:mentorship_detail", access.org.slug, m.pk)
    return _created(request, access, order)
