"""Certificates of participation and letters of thanks: the register with bulk issue, a person's documents (reached
from the person's card), one document as PDF and several chosen ones as one combined PDF."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.lists import page_of
from core.pdf import render_pdf
from people.access import OrgAccess, get_person_for_user, org_view
from people.models import Role
from roadmap import certificates as service
from roadmap.forms_certificates import BulkIssueForm, IssueForm
from roadmap.models import Certificate

ISSUERS = (Role.Kind.CURATOR, Role.Kind.ADMIN, Role.Kind.HEAD)
MAX_COMBINED = 200


def certificates_for_user(access: OrgAccess) -> QuerySet[Certificate]:
    """Every document of the organisation for those who issue them; one's own for everybody else."""
    qs = Certificate.objects.for_org(access.org).for_list()
    return qs if access.has(*ISSUERS) else qs.filter(person=access.person)


def get_certificate_for_user(access: OrgAccess, pk: int) -> Certificate:
    return get_object_or_404(certificates_for_user(access), pk=pk)


def document_context(access: OrgAccess, items: list[Certificate]) -> dict:
    docs = [{"c": c, "facts": _dated(c.facts), "esign": service.esign_of(c)} for c in items]
    return {"organization": access.org, "docs": docs}


def _dated(facts: dict) -> dict:
    """ISO dates of the frozen facts as dates, for the template's date filter."""
    out = dict(facts)
    for key in ("start", "end", "planned_end", "order_date"):
        if out.get(key):
            out[key] = date.fromisoformat(out[key])
    return out


@require_GET
@org_view(*ISSUERS)
def certificate_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    qs = certificates_for_user(access)
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(Q(person__surname__icontains=query) | Q(person__name__icontains=query))
    context = {
        "access": access,
        "page": page_of(request, qs),
        "query": query,
        "chosen": request.GET.getlist("id"),
        "bulk_form": BulkIssueForm(org=access.org),
    }
    return render(request, "roadmap/certificates/list.html", context)


@require_POST
@org_view(*ISSUERS)
def certificate_bulk_issue(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    form = BulkIssueForm(request.POST, org=access.org)
    if not form.is_valid():
        context = {"access": access, "page": page_of(request, certificates_for_user(access)), "bulk_form": form}
        return render(request, "roadmap/certificates/list.html", context, status=400)
    issued = [service.issue(access.org, person, ground, by=request.user) for person, ground in form.chosen()]
    messages.success(request, f"Выдано документов: {len(issued)}. Их можно скачать одним файлом PDF ниже.")
    ids = "&".join(f"id={c.pk}" for c in issued)
    return redirect(reverse("roadmap:certificates", args=[access.org.slug]) + f"?{ids}")


@org_view()
def person_certificates(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    """A person's certificates and letters; those who issue them issue another here."""
    person = get_person_for_user(access, pk)
    can_issue = access.has(*ISSUERS)
    if not can_issue and person.pk != access.person.pk:  # the council reads staff cards, not their documents
        raise Http404
    form = IssueForm(request.POST or None, org=access.org, person=person) if can_issue else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            certificate = service.issue(access.org, person, form.chosen_ground, by=request.user)
            messages.success(request, f"Зарегистрирован документ № {certificate.reg_number}.")
            return redirect("roadmap:person_certificates", access.org.slug, person.pk)
    items = Certificate.objects.for_org(access.org).for_list().filter(person=person)
    context = {"access": access, "person": person, "items": items, "form": form, "can_issue": can_issue}
    return render(request, "roadmap/certificates/person.html", context, status=400 if form and form.errors else 200)


@require_GET
@org_view()
def certificate_pdf(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    certificate = get_certificate_for_user(access, pk)
    name = f"{certificate.get_kind_display()} № {certificate.number} {certificate.person.short_name}.pdf"
    return render_pdf(request, "documents/certificate.html", document_context(access, [certificate]), name)


@require_GET
@org_view(*ISSUERS)
def certificates_combined_pdf(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """The chosen documents (?id=…&id=…) one after another in one PDF, for printing in bulk."""
    ids = [int(v) for v in request.GET.getlist("id") if v.isdigit()][:MAX_COMBINED]
    items = list(certificates_for_user(access).filter(pk__in=ids).order_by("year", "number"))
    if not items:
        messages.error(request, "Отметьте в списке хотя бы один документ, чтобы скачать их одним файлом.")
        return redirect("roadmap:certificates", access.org.slug)
    return render_pdf(request, "documents/certificate.html", document_context(access, items), "Справки и письма.pdf")
