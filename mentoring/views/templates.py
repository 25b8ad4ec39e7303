"""Programme templates the curator keeps in the product: the list, a new template, its note and rows on one
page, a copy, the archive, and the preview of the programme a template produces."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.forms import DateField
from mentoring.access import TEMPLATE_EDITORS, get_template_for_user
from mentoring.forms_templates import TemplateForm, TemplateRowFormSet
from mentoring.matching import first_of_next_month
from mentoring.models import ProgrammeTemplate
from mentoring.programmes import copy_template, preview_plan, renumber_template
from people.access import OrgAccess, org_view


@org_view(*TEMPLATE_EDITORS)
def template_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    templates = list(
        ProgrammeTemplate.objects.filter(organization=access.org)
        .annotate(rows=Count("activities"))
        .order_by("-is_active", "title", "id")
    )
    context = {
        "access": access,
        "active": [t for t in templates if t.is_active],
        "archived": [t for t in templates if not t.is_active],
    }
    return render(request, "mentoring/templates/list.html", context)


def _edit_page(request: HttpRequest, access: OrgAccess, template: ProgrammeTemplate) -> HttpResponse:
    creating = template.pk is None
    form = TemplateForm(request.POST or None, instance=template)
    duration = None
    if form.is_bound and form.is_valid():
        duration = form.cleaned_data["duration_months"]
    rows = TemplateRowFormSet(
        request.POST or None,
        instance=template,
        prefix="rows",
        duration=duration,
        queryset=template.activities.select_related("direction") if not creating else None,
    )
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        with transaction.atomic():
            template = form.save()
            rows.instance = template
            rows.save()
            renumber_template(template)
        messages.success(request, "Шаблон сохранён." if not creating else "Шаблон создан.")
        return redirect("mentoring:template_edit", access.org.slug, template.pk)
    context = {"access": access, "template": template, "form": form, "rows": rows, "creating": creating}
    return render(request, "mentoring/templates/form.html", context, status=400 if request.method == "POST" else 200)


@org_view(*TEMPLATE_EDITORS)
def template_new(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    return _edit_page(request, access, ProgrammeTemplate(organization=access.org))


@org_view(*TEMPLATE_EDITORS)
def template_edit(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    return _edit_page(request, access, get_template_for_user(access, pk))


def _preview_start(request: HttpRequest) -> tuple[date, str]:
    """The start chosen for the preview (?start=2026-12-01), else the first of next month."""
    default = first_of_next_month(timezone.localdate())
    raw = request.GET.get("start", "").strip()
    if not raw:
        return default, ""
    field = DateField(required=False)
    try:
        return field.clean(raw) or default, ""
    except ValidationError:  # an unreadable date: the default, and the reason beside the field
        return default, "Введите дату начала, например 01.12.2026."


@org_view(*TEMPLATE_EDITORS)
def template_preview(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    template = get_template_for_user(access, pk)
    start, start_error = _preview_start(request)
    end, rows = preview_plan(template, start)
    context = {
        "access": access,
        "template": template,
        "start": start,
        "end": end,
        "rows": rows,
        "start_error": start_error,
    }
    return render(request, "mentoring/templates/preview.html", context)


@org_view(*TEMPLATE_EDITORS)
@require_POST
def template_copy(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    copy = copy_template(get_template_for_user(access, pk))
    messages.success(request, "Копия шаблона создана: измените её под свою программу.")
    return redirect("mentoring:template_edit", access.org.slug, copy.pk)


@org_view(*TEMPLATE_EDITORS)
@require_POST
def template_archive(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    template = get_template_for_user(access, pk)
    template.is_active = not template.is_active
    template.save(update_fields=["is_active"])
    if template.is_active:
        messages.success(request, f"Шаблон «{template.title}» возвращён из архива.")
    else:
        messages.success(request, f"Шаблон «{template.title}» перенесён в архив: по нему больше не начинают программы.")
    return redirect("mentoring:templates", access.org.slug)
