"""Background jobs a person started (people.jobs): the list, and one job's page whose bar moves while it runs.

A job is seen only by the person who started it, in the organisation of the address; anything else is a 404.
"""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from people.access import OrgAccess, org_view
from people.models import BackgroundJob

PAGE_SIZE = 20


def own_jobs(access: OrgAccess):
    """The one access helper of jobs: those the person started, in this organisation."""
    return BackgroundJob.objects.filter(organization=access.org, person=access.person)


def get_job_for_user(access: OrgAccess, pk: int) -> BackgroundJob:
    return get_object_or_404(own_jobs(access), pk=pk)


@org_view()
def job_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    jobs = own_jobs(access).defer("error")
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/jobs/list.html", {"access": access, "page": page})


@org_view()
def job_detail(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    job = get_job_for_user(access, pk)
    return render(request, "people/jobs/detail.html", {"access": access, "job": job})


@org_view()
def job_progress(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """The bar and what happens now: htmx asks for it every second while the job runs."""
    job = get_job_for_user(access, pk)
    return render(request, "people/jobs/_progress.html", {"access": access, "job": job})


@org_view()
def job_file(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """The file a finished job made (a report's PDF, a workbook), for the person who started it only."""
    job = get_job_for_user(access, pk)
    if job.state != BackgroundJob.State.DONE or not job.result_file:
        raise Http404
    try:
        handle = job.result_file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=job.result_name or "результат")
    response["Cache-Control"] = "private, no-store"  # reports carry personal data
    return response
