"""Pages of the regulation (Положение): versions, editing a draft, the council's adoption, the approval order, PDF.

Everyone in the organisation reads; the curator and the administrator edit and form the approval order.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.pdf import render_pdf
from core.text import as_id
from people.access import OrgAccess, org_view
from people.models import Role
from roadmap import regulation as service
from roadmap.forms import RegulationAdoptForm, RegulationTextForm
from roadmap.models import Regulation

EDITORS = (Role.Kind.CURATOR, Role.Kind.ADMIN)


def get_regulation_for_user(access: OrgAccess, pk: int) -> Regulation:
    """A version of the organisation's regulation; 404 for another organisation's."""
    return get_object_or_404(service.versions(access.org).select_related("organization"), pk=pk)


@org_view()
def regulation_home(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    rows = list(service.versions(access.org).order_by("-version"))
    context = {
        "access": access,
        "rows": rows,
        "current": rows[0] if rows else None,
        "blocks": service.blocks(rows[0].body) if rows else [],
        "curator_mismatch": service.curator_mismatch(access.org, rows[0]) if rows else None,
        "can_edit": access.has(*EDITORS),
    }
    return render(request, "roadmap/regulation/home.html", context)


def _version_page(request, access, reg: Regulation, *, form=None, adopt_form=None, status=200) -> HttpResponse:
    editable = access.has(*EDITORS) and reg.status == Regulation.Status.DRAFT
    if editable and form is None:
        form = RegulationTextForm(initial={"title": reg.title, "body": reg.body})
    if editable and adopt_form is None:
        adopt_form = RegulationAdoptForm()
    latest = service.current(access.org)
    context = {
        "access": access,
        "reg": reg,
        "is_latest": latest is not None and latest.pk == reg.pk,
        "editable": editable,
        "can_edit": access.has(*EDITORS),
        "form": form,
        "adopt_form": adopt_form,
        "blocks": service.blocks(reg.body),
        "stamps": service.stamps(reg),
        "approvable_roadmaps": (
            service.approvable_roadmaps(access.org) if reg.status == Regulation.Status.ADOPTED else []
        ),
    }
    return render(request, "roadmap/regulation/version.html", context, status=status)


@org_view()
def regulation_edit(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """A version: the text form for a draft (editors), the text read-only otherwise."""
    reg = get_regulation_for_user(access, pk)
    if request.method != "POST":
        return _version_page(request, access, reg)
    if not access.has(*EDITORS):
        raise Http404
    form = RegulationTextForm(request.POST)
    if form.is_valid():
        try:
            service.save_text(reg, title=form.cleaned_data["title"], body=form.cleaned_data["body"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Текст версии {reg.version} сохранён.")
        return redirect("roadmap:regulation_edit", access.org.slug, reg.pk)
    return _version_page(request, access, reg, form=form, status=400)


@org_view(*EDITORS)
@require_POST
def regulation_generate(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    try:
        reg = service.generate(access.org, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("roadmap:regulation", access.org.slug)
    messages.success(request, "Положение сформировано по типовому тексту. Проверьте и дополните его.")
    return redirect("roadmap:regulation_edit", access.org.slug, reg.pk)


@org_view(*EDITORS)
@require_POST
def regulation_new_version(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    try:
        reg = service.new_version(access.org, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("roadmap:regulation", access.org.slug)
    messages.success(request, f"Создана версия {reg.version} — проект с текстом предыдущей версии.")
    return redirect("roadmap:regulation_edit", access.org.slug, reg.pk)


@org_view(*EDITORS)
@require_POST
def regulation_adopt(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    reg = get_regulation_for_user(access, pk)
    form = RegulationAdoptForm(request.POST)
    if form.is_valid():
        try:
            service.adopt(reg, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"Отмечено: положение принято педагогическим советом, протокол № {reg.council_number}."
            )
            return redirect("roadmap:regulation_edit", access.org.slug, reg.pk)
    return _version_page(request, access, reg, adopt_form=form, status=400)


@org_view(*EDITORS)
@require_POST
def regulation_order(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """«Сформировать приказ об утверждении»: the adopted version and the draft roadmap the curator chose, if any."""
    reg = get_regulation_for_user(access, pk)
    chosen = as_id(request.POST.get("roadmap", ""))
    roadmap = service.approvable_roadmaps(access.org).filter(pk=chosen).first() if chosen is not None else None
    try:
        if chosen is not None and roadmap is None:
            raise ValidationError("Выбранная дорожная карта не найдена среди проектов организации.")
        order = service.draft_approval_order(reg, by=request.user, roadmap=roadmap)
    except ValidationError as exc:
        messages.error(request, "Проект приказа не сформирован. " + " ".join(exc.messages))
        return redirect("roadmap:regulation_edit", access.org.slug, reg.pk)
    messages.success(request, "Проект приказа об утверждении сформирован. Проверьте текст и отправьте на утверждение.")
    return redirect("roadmap:order", access.org.slug, order.pk)


@org_view()
def regulation_pdf(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    reg = get_regulation_for_user(access, pk)
    filename = f"Положение о наставничестве, версия {reg.version}.pdf"
    return render_pdf(request, "documents/regulation.html", service.document_context(reg), filename)
