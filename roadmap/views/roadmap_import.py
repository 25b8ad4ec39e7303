"""Roadmap import: upload a table → map its columns and read the preview → confirm, for the curator.

The uploaded file waits under MEDIA/roadmap_imports/ under a random name, known only to the session that
uploaded it, until it is confirmed or replaced by the next upload; it is deleted then.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.lists import int_param
from core.tables import Table, TableError
from people import jobs
from people.access import OrgAccess, org_view
from people.models import BackgroundJob, Role
from roadmap import importing, tasks, tracking
from roadmap.forms import RoadmapColumnsForm, RoadmapImportForm
from roadmap.models import Roadmap, RoadmapImport
from roadmap.stages import STAGES

IMPORTERS = (Role.Kind.CURATOR, Role.Kind.ADMIN)
SESSION_KEY = "roadmap_import"


def _pending(request: HttpRequest, access: OrgAccess) -> dict | None:
    pending = request.session.get(SESSION_KEY)
    return pending if pending and pending.get("org") == access.org.slug else None


def _own_job(request: HttpRequest, access: OrgAccess, pk) -> BackgroundJob | None:
    return BackgroundJob.objects.filter(organization=access.org, started_by=request.user, pk=pk).first()


def _read_pending(pending: dict) -> Table | None:
    try:
        return importing.read_table(importing.load_upload(pending["token"]), pending["name"])
    except (OSError, TableError):
        return None


@org_view(*IMPORTERS)
def roadmap_import(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    posted = request.method == "POST"
    form = RoadmapImportForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        old = _pending(request, access)
        if old:
            importing.drop_upload(old["token"])
        data = form.cleaned_data
        request.session[SESSION_KEY] = {
            "org": access.org.slug,
            "token": importing.store_upload(form.content, data["file"].name),
            "name": data["file"].name,
            "title": data["title"],
            "period_label": data["period_label"],
            "period_start": data["period_start"].isoformat(),
            "period_end": data["period_end"].isoformat(),
            "mapping": importing.guess_mapping(form.table.header),
        }
        return redirect("roadmap:roadmap_import_preview", access.org.slug)
    imported = None
    if (imported_pk := int_param(request, "imported")) is not None:
        imported = get_object_or_404(Roadmap.objects.for_org(access.org), pk=imported_pk)
    history = RoadmapImport.objects.filter(organization=access.org).select_related("roadmap", "created_by")[:10]
    context = {"access": access, "form": form, "imported": imported, "fields": importing.FIELDS, "history": history}
    return render(request, "roadmap/import/upload.html", context)


def _stage_choices(request: HttpRequest, preview: importing.Preview) -> dict[str, int | None]:
    """The model stage chosen in the preview for each section of the file, from its selects («stage-1» …)."""
    choices = {}
    for index in range(1, len(preview.stages) + 1):
        value = request.POST.get(f"stage-{index}")
        if value is None:
            continue
        choices[str(index)] = int(value) if value.isdigit() and 1 <= int(value) <= len(STAGES) else None
    return choices


def _parsed(pending: dict, table: Table) -> importing.Preview:
    return importing.parse_pending(pending, table)


@org_view(*IMPORTERS)
def roadmap_import_preview(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    pending = _pending(request, access)
    if pending and pending.get("job") and (job := _own_job(request, access, pending["job"])):
        if job.is_active:  # its writing still runs: to its bar
            return redirect("people:job", access.org.slug, job.pk)
        if job.state == BackgroundJob.State.DONE:  # written meanwhile: the upload is over
            del request.session[SESSION_KEY]
            return redirect(job.result_url or reverse("people:job", args=[access.org.slug, job.pk]))
        pending.pop("job")  # it failed: the file is still there to look at again
        request.session[SESSION_KEY] = pending
    table = _read_pending(pending) if pending else None
    if table is None:
        messages.error(request, "Загруженный файл больше недоступен. Загрузите его ещё раз.")
        return redirect("roadmap:roadmap_import", access.org.slug)
    mapping = {name: pending["mapping"].get(name) for name in importing.FIELDS}
    if request.method == "POST" and request.POST.get("action") == "stages":
        pending["stages"] = {**pending.get("stages", {}), **_stage_choices(request, _parsed(pending, table))}
        request.session[SESSION_KEY] = pending
        return redirect("roadmap:roadmap_import_preview", access.org.slug)
    if request.method == "POST":
        form = RoadmapColumnsForm(request.POST, header=table.header)
        if form.is_valid():
            pending["mapping"] = form.cleaned_data["mapping"]
            pending.pop("stages", None)  # other columns, other sections
            request.session[SESSION_KEY] = pending
            return redirect("roadmap:roadmap_import_preview", access.org.slug)
    else:
        form = RoadmapColumnsForm(
            initial={k: "" if v is None else str(v) for k, v in mapping.items()}, header=table.header
        )
    context = {
        "access": access,
        "pending": pending,
        "table": table,
        "form": form,
        "preview": _parsed(pending, table),
        "unused": unused_columns(table, mapping),
        "stage_choices": tracking.stage_choices(),
    }
    return render(request, "roadmap/import/preview.html", context)


@org_view(*IMPORTERS)
@require_POST
def roadmap_import_confirm(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    pending = _pending(request, access)
    table = _read_pending(pending) if pending else None
    if table is None:
        messages.error(request, "Загруженный файл больше недоступен. Загрузите его ещё раз.")
        return redirect("roadmap:roadmap_import", access.org.slug)
    pending["stages"] = {**pending.get("stages", {}), **_stage_choices(request, _parsed(pending, table))}
    request.session[SESSION_KEY] = pending
    if why := importing.refusal(_parsed(pending, table)):
        messages.error(request, why)
        return redirect("roadmap:roadmap_import_preview", access.org.slug)
    # The writing (stages, activities, the checks the data already meets) runs in the worker.
    job = jobs.start(
        tasks.confirm_roadmap_import,
        access=access,
        user=request.user,
        kind=BackgroundJob.Kind.ROADMAP_IMPORT,
        title=tasks.import_title(pending),
        subject=f"roadmap_import:{pending['token']}"[:100],
        args=(pending,),
    )
    if job.state == BackgroundJob.State.DONE:
        del request.session[SESSION_KEY]  # written: the upload is over
    else:
        request.session[SESSION_KEY] = {**pending, "job": job.pk}
    return jobs.follow(request, job)


@org_view(*IMPORTERS)
def roadmap_import_result(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """What one import created and flagged, kept in the import history."""
    qs = RoadmapImport.objects.filter(organization=access.org).select_related("roadmap", "created_by")
    record = get_object_or_404(qs, pk=pk)
    return render(request, "roadmap/import/result.html", {"access": access, "record": record})


unused_columns = importing.unused_columns
