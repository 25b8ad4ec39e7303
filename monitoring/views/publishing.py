"""What the organisation publishes: the curator's settings, news and programme results under /o/<org>/, and the
public mentoring page under /p/<org>/ that needs no login.

The curator and the administrator edit; the head reads. The public pages answer 404 while the page is closed,
and show only what is marked for publication (see mentoring/publishing.py).
"""

from __future__ import annotations

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST, require_safe

from mentoring.models import Mentorship
from monitoring import publishing as service
from monitoring.forms_publishing import NewsItemForm, ProgrammeResultForm, PublicPageForm
from monitoring.models import NewsItem, PracticeFile, ProgrammeResult, PublicPage
from monitoring.models.results import ENDED_STATES
from people.access import OrgAccess, org_view
from people.changes import organization_changed
from people.models import MentoringKind, Person, Role
from roadmap.regulation import document_context

EDITORS = (Role.Kind.CURATOR, Role.Kind.ADMIN)
READERS = (*EDITORS, Role.Kind.HEAD)


def can_edit(access: OrgAccess) -> bool:
    return access.has(*EDITORS)


def page_of(org) -> PublicPage:
    """The organisation's page settings; an unsaved closed page until the curator saves them once."""
    return PublicPage.objects.filter(organization=org).first() or PublicPage(organization=org)


def public_address(request: HttpRequest, name: str, org) -> str:
    return request.build_absolute_uri(reverse(name, args=[org.slug]))


def _nav(access: OrgAccess, section: str, **extra) -> dict:
    """The context every curator's page shares: its tab, the right to edit, the page (for «Открыть страницу»)."""
    extra.setdefault("page", page_of(access.org))
    return {"access": access, "section": section, "can_edit": can_edit(access), **extra}


# --- the page settings -----------------------------------------------------------------------------------------


@org_view(*READERS)
def publishing(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    page = page_of(access.org)
    if request.method == "POST":
        if not can_edit(access):
            raise Http404
        form = PublicPageForm(request.POST, instance=page)
        if form.is_valid():
            form.save()
            organization_changed(access.org)
            state = "открыта" if page.is_enabled else "закрыта"
            messages.success(request, f"Настройки страницы сохранены. Страница {state} для посетителей.")
            return redirect("monitoring:publishing", access.org.slug)
    else:
        form = PublicPageForm(instance=page)
    if not can_edit(access):
        for field in form.fields.values():
            field.disabled = True
    summary = service.documents(access.org)
    counts = {
        "news": NewsItem.objects.for_org(access.org).published().count(),
        "news_drafts": NewsItem.objects.for_org(access.org).filter(is_published=False).count(),
        "results": service.published_results(access.org).count(),
        "ended": Mentorship.objects.for_org(access.org).filter(state__in=ENDED_STATES).count(),
        "practices": service.published_practices(access.org).count(),
    }
    embed_url = public_address(request, "public_embed", access.org)
    context = _nav(
        access,
        "page",
        page=page,
        form=form,
        summary=summary,
        counts=counts,
        public_url=public_address(request, "public_page", access.org),
        embed_code=(
            f'<iframe src="{embed_url}" title="Наставничество — {access.org.short_name}" '
            'width="100%" height="900" style="border:0" loading="lazy"></iframe>'
        ),
    )
    return render(request, "monitoring/publishing/page.html", context, status=400 if form.errors else 200)


@org_view(*READERS)
def publishing_preview(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """The public page as visitors will see it, even while it is closed."""
    context = {**service.page_content(page_of(access.org)), "preview": True, "access": access}
    return render(request, "public/page.html", context)


# --- news ------------------------------------------------------------------------------------------------------


def get_news_for_user(access: OrgAccess, pk: int) -> NewsItem:
    return get_object_or_404(NewsItem.objects.for_org(access.org), pk=pk)


@org_view(*READERS)
def news_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    rows = NewsItem.objects.for_org(access.org).order_by("-date", "-id")
    return render(request, "monitoring/publishing/news_list.html", _nav(access, "news", rows=rows))


def _news_form(request: HttpRequest, access: OrgAccess, item: NewsItem | None) -> HttpResponse:
    form = NewsItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        news = form.save(commit=False)
        news.organization = access.org
        if news.author_id is None:
            news.author = request.user
        news.save()
        state = "опубликована" if news.is_published else "сохранена как черновик"
        messages.success(request, f"Новость «{news.title}» {state}.")
        return redirect("monitoring:publishing_news", access.org.slug)
    context = _nav(access, "news", form=form, item=item)
    return render(request, "monitoring/publishing/news_form.html", context, status=400 if form.errors else 200)


@org_view(*EDITORS)
def news_create(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    return _news_form(request, access, None)


@org_view(*EDITORS)
def news_edit(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    return _news_form(request, access, get_news_for_user(access, pk))


@org_view(*EDITORS)
@require_POST
def news_publish(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    item = get_news_for_user(access, pk)
    flag = request.POST.get("publish") == "1"
    item.set_published(flag)
    organization_changed(access.org)
    messages.success(request, f"Новость «{item.title}» {'опубликована' if flag else 'снята с публикации'}.")
    return redirect("monitoring:publishing_news", access.org.slug)


@org_view(*EDITORS)
@require_POST
def news_delete(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    item = get_news_for_user(access, pk)
    item.delete()
    organization_changed(access.org)
    messages.success(request, f"Новость «{item.title}» удалена.")
    return redirect("monitoring:publishing_news", access.org.slug)


# --- results of ended programmes -------------------------------------------------------------------------------


def ended_mentorships(access: OrgAccess):
    people = Person.objects.order_by("surname", "name", "id")
    return (
        Mentorship.objects.for_org(access.org)
        .filter(state__in=ENDED_STATES)
        .select_related("mentor", "form", "result")
        .prefetch_related(
            Prefetch("mentees", queryset=people),
            Prefetch("kinds", queryset=MentoringKind.objects.order_by("position", "name")),
        )
        .order_by("-ended_on", "-id")
    )


def get_ended_for_user(access: OrgAccess, pk: int) -> Mentorship:
    """An ended pair (group) of the organisation; 404 for one still running — its results are not written yet."""
    return get_object_or_404(ended_mentorships(access), pk=pk)


def result_of(m: Mentorship) -> ProgrammeResult:
    try:
        return m.result
    except ProgrammeResult.DoesNotExist:
        return ProgrammeResult(organization=m.organization, mentorship=m, summary="")


@org_view(*READERS)
def results_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    rows = list(ended_mentorships(access))
    for m in rows:
        m.public_result = result_of(m)
    return render(request, "monitoring/publishing/results_list.html", _nav(access, "results", rows=rows))


@org_view(*READERS)
def result_edit(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    m = get_ended_for_user(access, pk)
    result = result_of(m)
    if request.method == "POST":
        if not can_edit(access):
            raise Http404
        form = ProgrammeResultForm(request.POST)
        if form.is_valid():
            result.summary = form.cleaned_data["summary"].strip()
            result.save()
            try:
                result.set_published(form.cleaned_data["publish"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                organization_changed(access.org)
                state = "опубликованы" if result.is_published else "сохранены, на сайте не показываются"
                messages.success(request, f"Итоги программы ({m.mentor.short_name}) {state}.")
                return redirect("monitoring:publishing_results", access.org.slug)
    else:
        form = ProgrammeResultForm(initial={"summary": result.summary, "publish": result.is_published})
    if not can_edit(access):
        for field in form.fields.values():
            field.disabled = True
    context = _nav(access, "results", m=m, result=result, form=form)
    return render(request, "monitoring/publishing/result_form.html", context, status=400 if form.errors else 200)


@org_view(*EDITORS)
@require_POST
def result_publish(request: HttpRequest, access: OrgAccess, pk: int) -> HttpResponse:
    m = get_ended_for_user(access, pk)
    result = result_of(m)
    flag = request.POST.get("publish") == "1"
    try:
        if result.pk is None:
            raise ValidationError("Сначала напишите итоги программы.")
        result.set_published(flag)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        organization_changed(access.org)
        messages.success(request, f"Итоги ({m.mentor.short_name}) {'опубликованы' if flag else 'сняты с публикации'}.")
    return redirect("monitoring:publishing_results", access.org.slug)


# --- the public page (no login) --------------------------------------------------------------------------------


def get_open_page(slug: str) -> PublicPage:
    """The organisation's page if it is open; 404 alike for a closed page and an unknown organisation."""
    page = service.open_page(slug)
    if page is None:
        raise Http404("Страница не найдена.")
    return page


@login_not_required
@require_safe
def public_page(request: HttpRequest, org: str) -> HttpResponse:
    return render(request, "public/page.html", service.page_content(get_open_page(org)))


@login_not_required
@require_safe
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
def public_embed(request: HttpRequest, org: str) -> HttpResponse:
    """The compact page for an <iframe> on the school's own website: any site may frame this one view."""
    return render(request, "public/embed.html", service.page_content(get_open_page(org)))


def _pdf_response(request: HttpRequest, data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(request.GET.get("download") == "1", filename)
    return response


@login_not_required
@require_safe
def public_regulation_pdf(request: HttpRequest, org: str) -> HttpResponse:
    page = get_open_page(org)
    regulation = service.approved_regulation(page.organization) if page.show_regulation else None
    if regulation is None:
        raise Http404("Утверждённого положения нет.")

    data = service.cached_pdf("documents/regulation.html", document_context(regulation), request)
    return _pdf_response(request, data, "Положение о системе наставничества.pdf")


@login_not_required
@require_safe
def public_roadmap_pdf(request: HttpRequest, org: str) -> HttpResponse:
    page = get_open_page(org)
    roadmap = service.approved_roadmap(page.organization) if page.show_roadmap else None
    if roadmap is None:
        raise Http404("Утверждённой дорожной карты нет.")
    data = service.cached_pdf("documents/roadmap.html", service.roadmap_public_context(roadmap), request)
    return _pdf_response(request, data, f"Дорожная карта {roadmap.period_label}.pdf".replace("/", "-"))


@login_not_required
@require_safe
def public_practice_file(request: HttpRequest, org: str, pk: int, file_pk: int) -> FileResponse:
    """A material of a published practice; 404 for any other (unpublished, another organisation's, unknown)."""
    page = get_open_page(org)
    practices = service.published_practices(page.organization)
    item = get_object_or_404(PracticeFile.objects.filter(practice__in=practices, practice_id=pk), pk=file_pk)
    return FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
