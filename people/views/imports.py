"""Staff import (upload → preview → confirm or cancel) and staff export, for the administrator and the curator."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models.fields.json import KT
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST
from import_export.formats.base_formats import XLSX

from core.exports import EXPORT_FORMATS
from people import importing
from people.access import STAFF_EDITORS, OrgAccess, org_view
from people.forms import StaffImportForm
from people.importing.resource import PersonResource
from people.models import StaffImport
from people.resources import export_response

PAGE_SIZE = 25
RECENT_IMPORTS = 10
FILTERS = [
    ("all", "Все строки"),
    (importing.STATUS_ERROR, "С ошибками"),
    (importing.STATUS_NEW, "Новые"),
    (importing.STATUS_UPDATE, "Изменятся"),
    (importing.STATUS_UNCHANGED, "Без изменений"),
    (importing.STATUS_SKIPPED, "Пропущены"),
]


def get_import_for_user(access: OrgAccess, pk: int) -> StaffImport:
    """An import of the user's organisation, for the roles that may import; 404 for anything else."""
    if not access.has(*STAFF_EDITORS):
        raise Http404
    return get_object_or_404(StaffImport.objects.filter(organization=access.org), pk=pk)


@org_view(*STAFF_EDITORS)
def staff_import(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    posted = request.method == "POST"
    form = StaffImportForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        name = form.cleaned_data["file"].name
        staff_import = importing.start_import(access.org, request.user, form.content, name, form.table)
        return redirect("people:staff_import_preview", access.org.slug, staff_import.pk)
    # A preview's summary lists every row of its file: the list reads only the counts out of it.
    recent = (
        StaffImport.objects.filter(organization=access.org)
        .select_related("uploaded_by")
        .defer("summary")
        .annotate(added=KT("summary__counts__new"), updated=KT("summary__counts__update"))[:RECENT_IMPORTS]
    )
    context = {"access": access, "form": form, "recent": recent, "columns": importing.COLUMNS}
    return render(request, "people/imports/upload.html", context)


@org_view(*STAFF_EDITORS)
def staff_import_template(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    response = HttpResponse(importing.template_workbook(), content_type=XLSX.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "Шаблон списка работников.xlsx")
    return response


@org_view(*STAFF_EDITORS)
def staff_import_preview(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    staff_import = get_import_for_user(access, pk)
    summary = staff_import.summary or {}
    counts = summary.get("counts", {})
    show = request.GET.get("show", "all")
    rows = summary.get("rows", [])
    if show != "all":
        rows = [row for row in rows if row["status"] == show]
    context = {
        "access": access,
        "staff_import": staff_import,
        "summary": summary,
        "counts": counts,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "show": show,
        "filters": [(value, label, counts.get(value, summary.get("total", 0))) for value, label in FILTERS],
        "can_apply": staff_import.is_open and importing.can_apply(summary),
    }
    return render(request, "people/imports/preview.html", context)


@org_view(*STAFF_EDITORS)
@require_POST
def staff_import_confirm(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    staff_import = get_import_for_user(access, pk)
    if staff_import.is_open and not importing.can_apply(staff_import.summary):
        messages.error(request, "В файле есть ошибки: исправьте их и загрузите файл заново.")
        return redirect("people:staff_import_preview", access.org.slug, pk)
    outcome = importing.confirm_import(staff_import)
    if outcome == importing.MISSING:
        messages.error(request, "Загруженный файл больше недоступен. Загрузите его ещё раз.")
        return redirect("people:staff_import", access.org.slug)
    if outcome == importing.CLOSED:
        messages.info(request, "Этот файл уже загружен или загрузка отменена.")
        return redirect("people:staff_import_preview", access.org.slug, pk)
    if outcome == importing.FAILED:
        messages.error(
            request,
            "Пока файл ждал подтверждения, данные изменились, и часть строк теперь не проходит проверку. "
            "Ничего не записано. Посмотрите ошибки ниже.",
        )
        return redirect("people:staff_import_preview", access.org.slug, pk)
    counts = staff_import.summary["counts"]
    messages.success(
        request,
        f"Список работников загружен: добавлено {counts['new']}, обновлено {counts['update']}, "
        f"без изменений {counts['unchanged']}.",
    )
    return redirect("people:staff_list", access.org.slug)


@org_view(*STAFF_EDITORS)
@require_POST
def staff_import_cancel(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    staff_import = get_import_for_user(access, pk)
    if importing.cancel_import(staff_import):
        messages.info(request, "Загрузка отменена: в список ничего не записано, файл удалён.")
    return redirect("people:staff_import", access.org.slug)


@org_view(*STAFF_EDITORS)
def staff_export(request: HttpRequest, access: OrgAccess, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    resource = PersonResource(organization=access.org)
    return export_response(resource, resource.get_queryset(), fmt, "Работники", request=request, org=access.org)
