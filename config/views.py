"""Landing after login and each role's home page.

The homes' counts are kept in the cache under the organisation's data version (people.changes): any write in the
organisation makes them computed anew, so a home never shows a stale figure.
"""

from datetime import timedelta

from django.db.models import Case, Count, F, FilteredRelation, IntegerField, OuterRef, Q, Subquery, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.templatetags.ru import plural_form
from mentoring.models import ChangeRequest, Mentorship, PairProposal, PlanActivity, Programme
from monitoring.progress import cached_figures, current_roadmap_id, org_url, stage_progress
from monitoring.questionnaires import pending_for
from people.access import SESSION_ROLE_KEY, OrgAccess, active_role, get_access, remember_role
from people.changes import cached_for
from people.models import (
    REFERENCE_LISTS,
    MenteeEntry,
    MentorEntry,
    Municipality,
    Notice,
    Organization,
    Person,
    Purpose,
    Role,
    StaffImport,
    TrainingEvent,
    has_consent,
)
from roadmap.models import Acknowledgement, Order, RoadmapActivity
from roadmap.stages import STAGES


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    role = active_role(request)
    if role is None:
        coordinated = Municipality.objects.filter(coordinator=request.user).first()
        if coordinated is not None:
            return redirect(coordinated)
        # Someone whose last role was withdrawn still learns why.
        notices = Notice.objects.shown().filter(person__user=request.user).select_related("organization")
        return render(request, "home/no_roles.html", {"notices": list(notices[:SHOWN_NOTICES])})
    return redirect("role_home", role.person.organization.slug, role.kind)


@require_GET
def org_home(request: HttpRequest, org: str) -> HttpResponse:
    access = get_access(request, org)
    return redirect("role_home", access.org.slug, access.role)


def _staff_figures(access: OrgAccess) -> dict:
    return cached_for(access.org, "home_staff", lambda: _staff_counts(access.org))


def _staff_counts(org: Organization) -> dict:
    """Working staff, their accounts and consents, and the roles they hold: one query whatever the size.

    The roles are joined (one row per role held), so the people are counted distinct.
    """
    people = (
        Person.objects.for_org(org)
        .working()
        .aggregate(
            total=Count("id", distinct=True),
            with_account=Count("id", filter=Q(user__isnull=False), distinct=True),
            without_consent=Count("id", filter=~has_consent(Purpose.PERSONAL_DATA), distinct=True),
            **{f"role_{kind}": Count("roles", filter=Q(roles__kind=kind)) for kind in Role.Kind.values},
        )
    )
    by_role = {kind: people[f"role_{kind}"] for kind in Role.Kind.values if people[f"role_{kind}"]}
    return {
        "staff_total": people["total"],
        "staff_with_account": people["with_account"],
        "staff_without_account": people["total"] - people["with_account"],
        "staff_without_consent": people["without_consent"],
        "role_counts": [(kind.label, by_role.get(kind.value, 0)) for kind in Role.Kind],
        "role_count": by_role,
    }


def _role_holders(access: OrgAccess, *kinds: str) -> list[Person]:
    return list(
        Person.objects.for_org(access.org)
        .working()
        .filter(roles__kind__in=kinds)
        .select_related("organization")  # each row links to the person's card, whose URL names the organisation
        .distinct()
        .order_by("surname", "name")
    )


SHOWN_OVERDUE = 10


def _programme_state(access: OrgAccess) -> dict:
    """The seven stages' progress and the overdue roadmap activities: two queries whatever the size.

    Activities linked to a check are completed by the services that change the data the check reads
    (people.changes.organization_changed → monitoring.progress.complete_roadmap), not here: a page view never writes.
    """
    figures = cached_figures(access.org)
    overdue = (
        RoadmapActivity.objects.overdue()
        .filter(roadmap_id=current_roadmap_id(access.org))
        .select_related("stage", "responsible_person")
        .order_by("deadline_date", "position", "id")[:SHOWN_OVERDUE]
    )
    return {"figures": figures, "progress": stage_progress(access.org, figures), "roadmap_overdue": list(overdue)}


def _action_url(url_name: str, org) -> str:
    """A next action's link: a URL name, optionally with the list's filter («people:mentee_bank?status=…»)."""
    name, _, query = url_name.partition("?")
    url = org_url(name, org)
    return f"{url}?{query}" if url and query else url


NEXT_ACTIONS = (
    # figure, the words after the number (1, 2–4, 5+), the page where it is done, icon
    (
        "mentees_waiting",
        ("наставляемый без наставника", "наставляемых без наставника", "наставляемых без наставника"),
        "mentoring:matching",
        "bi-person-up",
    ),
    (
        "programmes_to_approve",
        ("программа ждёт утверждения", "программы ждут утверждения", "программ ждут утверждения"),
        "mentoring:pairs",
        "bi-file-earmark-check",
    ),
    (
        "mentors_without_duties",
        (
            "наставник без согласия на обязанности",
            "наставника без согласия на обязанности",
            "наставников без согласия на обязанности",
        ),
        "people:mentor_bank",
        "bi-pen",
    ),
    (
        "mentee_requests",
        ("заявка педагога на рассмотрении", "заявки педагогов на рассмотрении", "заявок педагогов на рассмотрении"),
        "people:mentee_bank?status=requested",
        "bi-inbox",
    ),
    (
        "orders_returned",
        ("приказ возвращён на доработку", "приказа возвращены на доработку", "приказов возвращены на доработку"),
        "roadmap:orders",
        "bi-journal-x",
    ),
    (
        "roadmap_overdue",
        (
            "мероприятие дорожной карты просрочено",
            "мероприятия дорожной карты просрочены",
            "мероприятий дорожной карты просрочены",
        ),
        "roadmap:roadmaps",
        "bi-calendar-x",
    ),
)


def _next_actions(access: OrgAccess, figures: dict) -> list[dict]:
    """What the curator should do next, each with the page where it is done (only figures above zero)."""
    return [
        {
            "code": key,
            "count": figures[key],
            "label": plural_form(figures[key], *forms),
            "url": _action_url(url_name, access.org),
            "icon": icon,
        }
        for key, forms, url_name, icon in NEXT_ACTIONS
        if figures[key] and not (key == "programmes_to_approve" and access.org.programme_approver != Role.Kind.CURATOR)
    ]


def _banks_from(figures: dict) -> dict:
    """The banks' counts the managing homes show, taken from the organisation's figures (one definition each)."""
    f = figures
    return {
        "mentees": {
            "waiting": f["mentees_waiting"],
            "requests": f["mentee_requests"],
            "supported": f["mentees_supported"],
            "in_bank": f["mentees"] + f["mentees_finished"],
        },
        "mentors": {
            "available": f["mentors_available"],
            "untrained": f["mentors_untrained"],
            "on_review": f["mentors_on_review"],
            "in_bank": f["mentors"],
        },
    }


def _pairs_from(figures: dict) -> dict:
    """Pairs by state, open requests and programmes with overdue activities, from the organisation's figures."""
    f = figures
    return {
        "pairs": {
            "drafts": f["pairs_draft"],
            "proposed": f["pairs_proposed"],
            "active": f["pairs_active"],
            "open_requests": f["open_requests"],
            "overdue_programmes": f["pairs_active_overdue"],
            "without_account": f["participants_without_account"],
        }
    }


def _home_head(access: OrgAccess) -> dict:
    state = _programme_state(access)
    return {
        **_staff_figures(access),
        **_banks_from(state["figures"]),
        **state,
        "curators": _role_holders(access, Role.Kind.CURATOR),
        "stages": STAGES,
    }


def _home_curator(access: OrgAccess) -> dict:
    state = _programme_state(access)
    return {
        **_staff_figures(access),
        **_banks_from(state["figures"]),
        **_pairs_from(state["figures"]),
        **state,
        "next_actions": _next_actions(access, state["figures"]),
        "stages": STAGES,
    }


def _reference_counts(access: OrgAccess) -> dict[str, int]:
    return cached_for(access.org, "home_references", lambda: _reference_lists_counts(access.org))


def _reference_lists_counts(org: Organization) -> dict[str, int]:
    """Active entries of every reference list, in one query (a subquery per list)."""
    counts = {
        key: Subquery(
            model.objects.filter(organization=OuterRef("pk"), is_active=True)
            .values("organization")
            .annotate(n=Count("pk"))
            .values("n")
        )
        for key, model in REFERENCE_LISTS.items()
    }
    row = Organization.objects.filter(pk=org.pk).values(**counts).get()
    return {key: row[key] or 0 for key in REFERENCE_LISTS}


def _home_admin(access: OrgAccess) -> dict:
    counts = _reference_counts(access)
    lists = [(key, model._meta.verbose_name_plural, counts[key]) for key, model in REFERENCE_LISTS.items()]
    imports = StaffImport.objects.filter(organization=access.org).select_related("uploaded_by")
    return {
        **_staff_figures(access),
        **_banks_from(cached_figures(access.org)),
        "reference_lists": lists,
        "staff_imports": list(imports.order_by("-created_at", "-id")[:SHOWN_IMPORTS]),
        "staff_without_login": _staff_without_login(access),
    }


SHOWN_IMPORTS = 5
SHOWN_ACCOUNTS = 10


def _staff_without_login(access: OrgAccess) -> list[Person]:
    """Working staff who hold a role but have no account yet: the administrator's first job."""
    return list(
        Person.objects.for_org(access.org)
        .working()
        .filter(user__isnull=True, roles__isnull=False)
        .select_related("organization")
        .distinct()
        .order_by("surname", "name", "id")[:SHOWN_ACCOUNTS]
    )


SHOWN_REVIEWS = 20


def _home_council(access: OrgAccess) -> dict:
    """The council's home: its figures and mentors, and what the organisation's rights give it to do."""
    org = access.org
    reviews = []
    if org.council_reviews_programmes:
        reviews = list(
            Programme.objects.filter(
                mentorship__organization=org, status=Programme.Status.ACKNOWLEDGED, council_agreed_at__isnull=True
            )
            .select_related("mentorship__mentor")
            .order_by("acknowledged_at", "id")[:SHOWN_REVIEWS]
        )
    proposals = PairProposal.objects.for_org(org).open().count() if org.council_proposes_pairs else 0
    return {
        **_staff_figures(access),
        "mentors": _role_holders(access, Role.Kind.MENTOR),
        "reviews": reviews,
        "open_proposals": proposals,
    }


WEEK = timedelta(days=7)
SHOWN_ACTIVITIES = 15


def _own_pairs(access: OrgAccess, **lookup) -> list[Mentorship]:
    """The person's pairs and groups that are being formed or work now, active ones first."""
    order = Case(When(state=Mentorship.State.ACTIVE, then=0), default=1, output_field=IntegerField())
    # Drafts are the curator's working material: participants see a pair once it is put into an order draft.
    states = [Mentorship.State.PROPOSED, Mentorship.State.ACTIVE]
    qs = Mentorship.objects.for_org(access.org).filter(state__in=states, **lookup).for_list()
    pairs = list(qs.select_related("mentor__organization").order_by(order, "-created_at", "id"))
    asked = set(
        ChangeRequest.objects.open()
        .filter(requested_by=access.person, mentorship__in=[m.pk for m in pairs])
        .values_list("mentorship_id", flat=True)
    )
    for m in pairs:
        m.asked = m.pk in asked
    return pairs


def _plan_deadlines(access: OrgAccess, pairs: list[Mentorship], **lookup) -> dict:
    """Open activities of the person's active programmes: overdue ones, and those due in the next seven days.

    One query: the overdue total comes from the pairs' own annotation, and nothing is asked without an active pair.
    """
    today = timezone.localdate()
    active = [m for m in pairs if m.state == Mentorship.State.ACTIVE]
    rows = []
    if active:
        rows = list(
            PlanActivity.objects.open()
            .filter(programme__mentorship__in=[m.pk for m in active], deadline__lt=today + WEEK)
            .filter(**lookup)
            .select_related("programme__mentorship__mentor", "direction")
            .order_by("deadline", "position", "id")[: SHOWN_ACTIVITIES * 4]
        )
    return {
        "overdue": [a for a in rows if a.deadline < today][:SHOWN_ACTIVITIES],
        "overdue_total": sum(m.overdue_count for m in active),
        "due_week": [a for a in rows if a.deadline >= today][:SHOWN_ACTIVITIES],
        "today": today,
    }


def _home_mentee(access: OrgAccess) -> dict:
    own = MenteeEntry.objects.for_org(access.org).filter(person=access.person).select_related("category")
    pairs = _own_pairs(access, mentees=access.person)
    deadlines = _plan_deadlines(access, pairs)
    active = [m.pk for m in pairs if m.state == Mentorship.State.ACTIVE]
    upcoming = []
    if active:
        upcoming = (
            PlanActivity.objects.open()
            .filter(programme__mentorship__in=active, deadline__gte=deadlines["today"])
            .select_related("direction")
            .order_by("deadline", "position", "id")[:5]
        )
    return {
        "request": own.open().first(),
        "stages": STAGES,
        "pairs": pairs,
        **deadlines,
        "upcoming": list(upcoming[:5]),
        "surveys_pending": pending_for(access.person, access.org),
    }


def _home_mentor(access: OrgAccess) -> dict:
    own = MentorEntry.objects.for_org(access.org).filter(person=access.person)
    pairs = _own_pairs(access, mentor=access.person)
    return {
        "pairs": pairs,
        **_plan_deadlines(access, pairs),
        "questionnaire": own.in_bank().with_capacity_left().first(),
        "trainings": list(TrainingEvent.objects.filter(organization=access.org, attendees=access.person)),
        "stages": STAGES,
        "surveys_pending": pending_for(access.person, access.org),
    }


SHOWN_ORDERS = 10


def _order_lists(access: OrgAccess) -> dict:
    """Orders that need this person now: to acknowledge (everyone), to decide (head), to revise (drafters).

    A fixed number of queries: one for everyone, one more for the head or the curator and administrator.
    """
    context = {
        "orders_to_acknowledge": list(
            Acknowledgement.objects.filter(
                person=access.person,
                acknowledged_at__isnull=True,
                order__organization=access.org,
                order__status=Order.Status.APPROVED,
            )
            .select_related("order")
            .order_by("order__date", "order__number")[:SHOWN_ORDERS]
        )
    }
    orders = Order.objects.for_org(access.org).only(
        "pk", "heading", "kind", "status", "created_at", "updated_at", "created_by"
    )
    if access.role == Role.Kind.HEAD:
        # What tells two orders of the same title apart: when each was sent, by whom, and over how many pairs.
        awaiting = (
            orders.awaiting().select_related("created_by").annotate(pair_count=Count("mentorships", distinct=True))
        )
        context["orders_awaiting"] = list(awaiting.order_by("updated_at", "id")[:SHOWN_ORDERS])
    elif access.role in (Role.Kind.CURATOR, Role.Kind.ADMIN):
        returned = orders.filter(status=Order.Status.RETURNED)
        context["orders_returned"] = list(returned.order_by("-updated_at", "-id")[:SHOWN_ORDERS])
    return context


SHOWN_NOTICES = 10
NOTICE_FIELDS = ("id", "text", "link", "link_text", "created_at")


def _own_state(access: OrgAccess) -> dict:
    """The person's shown notices (people.notices) and whether they gave the personal-data consent: one query.

    The notices are joined to the person's own row, so the row is there even when there is no notice to show.
    """
    shown = FilteredRelation("notices", condition=Q(notices__read_at__isnull=True, notices__organization=access.org))
    rows = (
        Person.objects.filter(pk=access.person.pk)
        .annotate(shown=shown, has_consent=has_consent(Purpose.PERSONAL_DATA))
        .values("has_consent", *(f"shown__{f}" for f in NOTICE_FIELDS))
        .order_by(F("shown__created_at").desc(nulls_last=True), "-shown__id")[:SHOWN_NOTICES]
    )
    rows = list(rows)
    notices = [
        Notice(pk=row["shown__id"], **{f: row[f"shown__{f}"] for f in NOTICE_FIELDS[1:]})
        for row in rows
        if row["shown__id"] is not None
    ]
    return {"notices": notices, "has_consent": bool(rows and rows[0]["has_consent"])}


HOME_CONTEXT = {
    Role.Kind.HEAD: _home_head,
    Role.Kind.CURATOR: _home_curator,
    Role.Kind.ADMIN: _home_admin,
    Role.Kind.COUNCIL: _home_council,
    Role.Kind.MENTOR: _home_mentor,
    Role.Kind.MENTEE: _home_mentee,
}


@require_GET
def role_home(request: HttpRequest, org: str, role: str) -> HttpResponse:
    """The home page of one of the user's roles; visiting it makes that role the active one."""
    access = get_access(request, org, [role] if role in Role.Kind.values else [])
    access.role = role
    request.access = access
    chosen = next(r for r in access.all_roles if r.kind == role)
    if request.session.get(SESSION_ROLE_KEY) != {"org": access.org.slug, "kind": role}:
        remember_role(request, chosen)  # only a change is written: a steady visit costs no session write
    # `has_consent` is what the participants' homes ask first of someone who has not given the consent yet.
    context = {"access": access, **HOME_CONTEXT[role](access), **_order_lists(access), **_own_state(access)}
    return render(request, f"home/home_{role}.html", context)
