"""What the public mentoring page of an organisation shows, read in a fixed number of queries.

The page is built from plain records (`PublicResult`, `PublicPractice`), never from Person objects: a name
reaches the template only when the person holds an active consent to publication, so nobody else's name can
slip into the HTML through a template. Everything not marked for publication is simply not read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.http import HttpRequest
from django.template.loader import render_to_string

from core.pdf import HTML, StaticFilesFetcher
from monitoring.models import Event, NewsItem, Practice, PracticeFile, ProgrammeResult, PublicPage
from monitoring.models.results import ENDED_STATES
from monitoring.reports import Period, summary_of
from people.models import Consent, MentoringKind, Organization, Person, Purpose
from roadmap.models import Regulation, Roadmap
from roadmap.roadmaps import roadmap_context

MENTOR_WORD = "наставник"
MENTEE_WORD = "наставляемый"


def publication_consent(person_ref: str = "pk") -> Exists:
    """Annotation: the person at `person_ref` has an active consent to publication of their data."""
    return Exists(Consent.objects.active().filter(person_id=OuterRef(person_ref), purpose=Purpose.PUBLICATION))


# --- the figures and the documents ---


def current_figures(org: Organization, today: date | None = None) -> tuple[dict, str]:
    """The headline figures of the current school year, the same the reports and the statistics form show."""
    period = Period.academic_year(today)
    f = summary_of(org, period)
    figures = {
        "mentors": f["mentors"],
        "mentees": f["mentees"],
        "pairs": f["pairs"] + f["groups"],
        "completed": f["completed"],
    }
    return figures, period.label


def published_news(org_ref) -> object:
    return NewsItem.objects.filter(organization=org_ref, is_published=True)


def published_results(org_ref) -> object:
    return ProgrammeResult.objects.filter(organization=org_ref).published()


def published_events(org_ref) -> object:
    """Events marked for publication, cancelled ones left out: held ones with their results, planned as notices."""
    return Event.objects.filter(organization=org_ref, is_published=True).exclude(status=Event.Status.CANCELLED)


def published_practices(org_ref) -> object:
    """Marked for publication and, when made from a programme, only once that programme has ended."""
    return Practice.objects.filter(organization=org_ref, is_published=True).filter(
        Q(mentorship__isnull=True) | Q(mentorship__state__in=ENDED_STATES)
    )


def documents(org: Organization) -> dict:
    """The approved regulation and roadmap (their ids and approval orders), in one query."""
    org_ref = OuterRef("pk")
    regulations = Regulation.objects.filter(organization=org_ref, status=Regulation.Status.APPROVED).order_by(
        "-version"
    )
    roadmaps = Roadmap.objects.filter(organization=org_ref).current_first()
    return (
        Organization.objects.filter(pk=org.pk)
        .values(
            regulation_id=Subquery(regulations.values("pk")[:1]),
            regulation_order_date=Subquery(regulations.values("approved_by_order__date")[:1]),
            regulation_order_number=Subquery(regulations.values("approved_by_order__reg_number")[:1]),
            roadmap_id=Subquery(roadmaps.values("pk")[:1]),
            roadmap_period=Subquery(roadmaps.values("period_label")[:1]),
            roadmap_order_date=Subquery(roadmaps.values("approved_by_order__date")[:1]),
            roadmap_order_number=Subquery(roadmaps.values("approved_by_order__reg_number")[:1]),
        )
        .get()
    )


# --- what the page shows ---


@dataclass(frozen=True)
class Participant:
    role: str  # «наставник», «наставляемый»
    name: str = ""  # only with a publication consent


@dataclass(frozen=True)
class PublicResult:
    kind: str  # «Пара» / «Группа»
    form: str
    kinds: list[str]
    started_on: date | None
    ended_on: date | None
    state_label: str
    summary: str
    participants: list[Participant]


@dataclass(frozen=True)
class PublicFile:
    pk: int
    name: str
    size: int


@dataclass(frozen=True)
class PublicPractice:
    pk: int
    title: str
    description: str
    direction: str
    form: str
    authors: list[str]
    files: list[PublicFile] = field(default_factory=list)


def _named_people():
    return Person.objects.annotate(may_name=publication_consent()).order_by("surname", "name", "id")


def public_results(org: Organization) -> list[PublicResult]:
    rows = (
        published_results(org)
        .select_related("mentorship__form")
        .prefetch_related(
            Prefetch("mentorship__mentor", queryset=_named_people()),
            Prefetch("mentorship__mentees", queryset=_named_people()),
            Prefetch("mentorship__kinds", queryset=MentoringKind.objects.order_by("position", "name")),
        )
        .order_by("-mentorship__ended_on", "-pk")
    )
    result = []
    for row in rows:
        m = row.mentorship
        mentees = list(m.mentees.all())
        people = [(m.mentor, MENTOR_WORD)] + [(p, MENTEE_WORD) for p in mentees]
        result.append(
            PublicResult(
                kind="Группа" if len(mentees) > 1 else "Пара",
                form=m.form.name if m.form else "",
                kinds=[k.name for k in m.kinds.all()],
                started_on=m.started_on,
                ended_on=m.ended_on,
                state_label=m.get_state_display(),
                summary=row.summary,
                participants=[Participant(role, p.full_name if p.may_name else "") for p, role in people],
            )
        )
    return result


def public_practices(org: Organization) -> list[PublicPractice]:
    rows = (
        published_practices(org)
        .select_related("direction", "form")
        .prefetch_related(
            Prefetch("authors", queryset=_named_people()),
            Prefetch("files", queryset=PracticeFile.objects.order_by("uploaded_at", "id")),
        )
        .order_by("-published_at", "-created_at", "-id")
    )
    return [
        PublicPractice(
            pk=p.pk,
            title=p.title,
            description=p.description,
            direction=p.direction.name if p.direction else "",
            form=p.form.name if p.form else "",
            authors=[a.full_name for a in p.authors.all() if a.may_name],
            files=[PublicFile(f.pk, f.original_name, f.size) for f in p.files.all()],
        )
        for p in rows
    ]


def page_content(page: PublicPage, today: date | None = None) -> dict:
    """Everything the public page (and its preview, and the embedded version) shows, in a fixed number of queries."""
    org = page.organization
    docs = documents(org)
    figures, period_label = current_figures(org, today) if page.show_figures else (None, "")
    return {
        "page": page,
        "organization": org,
        "period_label": period_label,
        "docs": docs,
        "figures": figures,
        "has_regulation": page.show_regulation and docs["regulation_id"] is not None,
        "has_roadmap": page.show_roadmap and docs["roadmap_id"] is not None,
        "news": list(published_news(org).order_by("-date", "-id")),
        "events": list(published_events(org).order_by("-date", "-id")),
        "results": public_results(org),
        "practices": public_practices(org),
    }


def open_page(slug: str) -> PublicPage | None:
    return PublicPage.objects.select_related("organization").filter(organization__slug=slug, is_enabled=True).first()


def open_pages():
    """Organisations whose mentoring page is open, for the login page: one query."""
    return (
        PublicPage.objects.filter(is_enabled=True).select_related("organization").order_by("organization__short_name")
    )


# --- the approved documents as PDF ---


def approved_regulation(org: Organization) -> Regulation | None:
    return (
        Regulation.objects.filter(organization=org, status=Regulation.Status.APPROVED)
        .select_related("organization", "approved_by_order")
        .order_by("-version")
        .first()
    )


def approved_roadmap(org: Organization) -> Roadmap | None:
    """The roadmap in force (never a draft or a replaced редакция): the public copy shows it with its own stamp."""
    return Roadmap.objects.current_for(org)


def roadmap_public_context(roadmap: Roadmap) -> dict:
    """The roadmap document's context with the responsible people's names kept only with a publication consent
    (their positions stay)."""
    context = roadmap_context(roadmap)
    activities = [a for stage in context["stages"] for a in stage.activities.all()]
    ids = {a.responsible_person_id for a in activities if a.responsible_person_id}
    named = set(
        Consent.objects.active()
        .filter(person_id__in=ids, purpose=Purpose.PUBLICATION)
        .values_list("person_id", flat=True)
    )
    for a in activities:
        if a.responsible_person_id and a.responsible_person_id not in named:
            a.responsible_person = None
    return context


def cached_pdf(template_name: str, context: dict, request: HttpRequest | None) -> bytes:
    """A public document is rendered once per content: the key is the hash of its HTML, so any change of the
    document makes a new PDF while an anonymous visitor cannot make the server run WeasyPrint again and again."""

    html = render_to_string(template_name, context)
    key = "public-pdf:" + hashlib.sha256(html.encode("utf-8")).hexdigest()
    data = cache.get(key)
    if data is None:
        base_url = request.build_absolute_uri("/") if request is not None else "http://localhost/"
        data = HTML(string=html, base_url=base_url, url_fetcher=StaticFilesFetcher()).write_pdf()
        cache.set(key, data, 60 * 60 * 24)
    return data
