"""Staff import (upload → preview → confirm or cancel) and staff export, for the administrator and the curator."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import IntegerField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST
from import_export.formats.base_formats import XLSX

from core.exports import EXPORT_FORMATS
from people import importing, jobs, tasks
from people.access import STAFF_EDITORS, OrgAccess, org_view
from people.forms import StaffImportForm
from people.importing.resource import PersonResource
from people.models import BackgroundJob, StaffImport, StaffImportRow
from people.resources import export_response

PAGE_SIZE = 25
RECENT_IMPORTS = 10
FILTERS = [
    ("all", "Все строки"),
    (importing.FLAGGED, "С замечаниями"),
    (importing.STATUS_NEW, "Новые"),
    (importing.STATUS_UPDATE, "Изменятся"),
    (importing.STATUS_UNCHANGED, "Без изменений"),
    (importing.STATUS_MERGED, "Повторы"),
    (importing.STATUS_SKIPPED, "Пропускаются"),
]
RESULT_FILTERS = [
    ("all", "Все строки"),
    (importing.FLAGGED, "С замечаниями"),
    (StaffImportRow.Outcome.CREATED, "Добавлены"),
    (StaffImportRow.Outcome.UPDATED, "Обновлены"),
    (StaffImportRow.Outcome.UNCHANGED, "Без изменений"),
    (StaffImportRow.Outcome.MERGED, "Повторы"),
    (StaffImportRow.Outcome.SKIPPED, "Пропущены"),
]


def get_import_for_user(access: OrgAccess, pk: int, *, defer_summary: bool = False) -> StaffImport:
    """An import of the user's organisation, for the roles that may import; 404 for anything else."""
    if not access.has(*STAFF_EDITORS):
        raise Http404
    imports = StaffImport.objects.filter(organization=access.org)
    return get_object_or_404(imports.defer("summary") if defer_summary else imports, pk=pk)


@org_view(*STAFF_EDITORS)
def staff_import(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    posted = request.method == "POST"
    form = StaffImportForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        # The file is read (the form refuses an unreadable one beside the field); its rows are checked by a job.
        name = form.cleaned_data["file"].name
        staff_import = importing.store_upload(access.org, request.user, form.content, name)
        job = jobs.start(
            tasks.check_staff_import,
            access=access,
            user=request.user,
            kind=BackgroundJob.Kind.STAFF_IMPORT,
            title=tasks.staff_check_title(staff_import),
            subject=f"staff_import_check:{staff_import.pk}",
            args=(staff_import.pk,),
        )
        return jobs.follow(request, job)
    # A preview's summary lists every row of its file: the list reads only the counts out of it.
    recent = (
        StaffImport.objects.filter(organization=access.org)
        .select_related("uploaded_by")
        .defer("summary")
        .annotate(
            added=KT("summary__counts__new"),
            updated=KT("summary__counts__update"),
            to_fix=Cast(KT("summary__counts__flagged"), IntegerField())
            + Cast(KT("summary__counts__skipped"), IntegerField()),
        )[:RECENT_IMPORTS]
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
    if staff_import.is_open and not counts:  # its check has not ended yet: to the job that checks it
        checking = BackgroundJob.objects.filter(organization=access.org, subject=f"staff_import_check:{pk}").first()
        if checking is not None and checking.started_by_id == request.user.pk:
            return redirect("people:job", access.org.slug, checking.pk)
    show = request.GET.get("show", "all")
    rows = summary.get("rows", [])
    if show == importing.FLAGGED:
        rows = [row for row in rows if row.get("flags")]
    elif show != "all":
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
        "loading": importing.people_loaded(summary),
        "checking": staff_import.is_open and not counts,
    }
    return render(request, "people/imports/preview.html", context)


@org_view(*STAFF_EDITORS)
@require_POST
def staff_import_confirm(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    staff_import = get_import_for_user(access, pk, defer_summary=True)
    if staff_import.is_open and not importing.can_apply(importing.preview_counts(staff_import.pk)):
        messages.error(request, "В файле нет ни одного работника, которого можно загрузить: исправьте файл.")
        return redirect("people:staff_import_preview", access.org.slug, pk)
    if not staff_import.is_open:
        messages.info(request, "Этот файл уже загружен или загрузка отменена.")
        return redirect("people:staff_import_preview", access.org.slug, pk)
    # Thousands of rows take a while: the worker writes them, the user watches the bar (or leaves and is told).
    job = jobs.start(
        tasks.confirm_staff_import,
        access=access,
        user=request.user,
        kind=BackgroundJob.Kind.STAFF_IMPORT,
        title=tasks.staff_import_title(staff_import),
        subject=f"staff_import:{staff_import.pk}",
        args=(staff_import.pk,),
    )
    return jobs.follow(request, job)


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


def get_applied_import_for_user(access: OrgAccess, pk: int) -> StaffImport:
    """An applied import of the user's organisation (only those have a result), for the roles that may import."""
    staff_import = get_import_for_user(access, pk)
    if staff_import.status != StaffImport.Status.APPLIED:
        raise Http404
    return staff_import


@org_view(*STAFF_EDITORS)
def staff_import_result(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """What a confirmed file did, row by row: created, updated, merged, skipped and flagged, with reasons."""
    staff_import = get_applied_import_for_user(access, pk)
    rows = staff_import.rows.select_related("person").only(
        "staff_import", "line", "outcome", "flagged", "name", "notes", "person__id", "person__left_on"
    )
    show = request.GET.get("show", "all")
    if show == importing.FLAGGED:
        rows = rows.filter(flagged=True)
    elif show in StaffImportRow.Outcome.values:
        rows = rows.filter(outcome=show)
    else:
        show = "all"
    counts = (staff_import.summary or {}).get("counts", {})
    outcome_counts = {
        "all": staff_import.summary.get("total", 0),
        importing.FLAGGED: counts.get(importing.FLAGGED, 0),
        StaffImportRow.Outcome.CREATED: counts.get(importing.STATUS_NEW, 0),
        StaffImportRow.Outcome.UPDATED: counts.get(importing.STATUS_UPDATE, 0),
        StaffImportRow.Outcome.UNCHANGED: counts.get(importing.STATUS_UNCHANGED, 0),
        StaffImportRow.Outcome.MERGED: counts.get(importing.STATUS_MERGED, 0),
        StaffImportRow.Outcome.SKIPPED: counts.get(importing.STATUS_SKIPPED, 0),
    }
    context = {
        "access": access,
        "staff_import": staff_import,
        "summary": staff_import.summary,
        "counts": counts,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "show": show,
        "filters": [(value, label, outcome_counts[value]) for value, label in RESULT_FILTERS],
        "to_fix": counts.get(importing.FLAGGED, 0) + counts.get(importing.STATUS_SKIPPED, 0),
    }
    return render(request, "people/imports/result.html", context)


@org_view(*STAFF_EDITORS)
def staff_import_to_fix(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """The skipped and flagged rows of a confirmed file, in its own columns, to correct and load again."""
    staff_import = get_applied_import_for_user(access, pk)
    rows = [
        (row.cells, "; ".join(_reason(column, text) for kind, column, text in row.notes if kind != "note"))
        for row in staff_import.rows.to_fix().exclude(cells=[]).only("staff_import", "cells", "notes")
    ]
    content = importing.to_fix_workbook(staff_import.summary.get("file_columns", []), rows)
    response = HttpResponse(content, content_type=XLSX.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, "to-fix.xlsx")
    response["Cache-Control"] = "private, no-store"
    return response


def _reason(column: str, text: str) -> str:
    return f"«{column}»: {text}" if column else text
