"""Landing after login and each role's home page."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from people.access import OrgAccess, active_role, get_access, remember_role
from people.models import (
    REFERENCE_LISTS,
    Consent,
    MenteeEntry,
    MentorEntry,
    Organization,
    Person,
    Purpose,
    Role,
    TrainingEvent,
    has_consent,
)
from roadmap.stages import STAGES


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    role = active_role(request)
    if role is None:
        return render(request, "mentoring/no_roles.html")
    return redirect("role_home", role.person.organization.slug, role.kind)


@require_GET
def org_home(request: HttpRequest, org: str) -> HttpResponse:
    access = get_access(request, org)
    return redirect("role_home", access.org.slug, access.role)


def _staff_figures(access: OrgAccess) -> dict:
    people = (
        Person.objects.for_org(access.org)
        .working()
        .aggregate(
            total=Count("id"),
            with_account=Count("id", filter=Q(user__isnull=False)),
            without_consent=Count("id", filter=~has_consent(Purpose.PERSONAL_DATA)),
        )
    )
    by_role = dict(
        Role.objects.for_org(access.org)
        .filter(person__left_on__isnull=True)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
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


def _bank_figures(access: OrgAccess) -> dict:
    """The counts of both banks the managing homes show: two queries whatever the size of the banks."""
    S, M = MenteeEntry.Status, MentorEntry.Status
    mentees = MenteeEntry.objects.for_org(access.org).aggregate(
        waiting=Count("id", filter=Q(status=S.WAITING)),
        requests=Count("id", filter=Q(status=S.REQUESTED)),
        supported=Count("id", filter=Q(status=S.SUPPORTED)),
        in_bank=Count("id", filter=~Q(status__in=[*MenteeEntry.CLOSED_STATUSES, S.REQUESTED])),
    )
    in_bank = Q(status__in=[M.CANDIDATE, M.SELECTED])
    mentors = (
        MentorEntry.objects.for_org(access.org)
        .with_training()
        .with_capacity_left()
        .aggregate(
            available=Count("id", filter=Q(status=M.SELECTED, capacity_left__gt=0)),
            untrained=Count("id", filter=in_bank & Q(trained=False)),
            on_review=Count("id", filter=in_bank & Q(review=MentorEntry.Review.ON_REVIEW)),
            in_bank=Count("id", filter=in_bank),
        )
    )
    return {"mentees": mentees, "mentors": mentors}


def _home_head(access: OrgAccess) -> dict:
    return {
        **_staff_figures(access),
        **_bank_figures(access),
        "curators": _role_holders(access, Role.Kind.CURATOR),
        "stages": STAGES,
    }


def _home_curator(access: OrgAccess) -> dict:
    return {**_staff_figures(access), **_bank_figures(access), "stages": STAGES}


def _reference_counts(access: OrgAccess) -> dict[str, int]:
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
    row = Organization.objects.filter(pk=access.org.pk).values(**counts).get()
    return {key: row[key] or 0 for key in REFERENCE_LISTS}


def _home_admin(access: OrgAccess) -> dict:
    counts = _reference_counts(access)
    lists = [(key, model._meta.verbose_name_plural, counts[key]) for key, model in REFERENCE_LISTS.items()]
    return {**_staff_figures(access), **_bank_figures(access), "reference_lists": lists}


def _home_council(access: OrgAccess) -> dict:
    return {**_staff_figures(access), "mentors": _role_holders(access, Role.Kind.MENTOR)}


def _own_consent(access: OrgAccess) -> bool:
    return Consent.objects.active().filter(person=access.person, purpose=Purpose.PERSONAL_DATA).exists()


def _home_mentee(access: OrgAccess) -> dict:
    own = MenteeEntry.objects.for_org(access.org).filter(person=access.person).select_related("category")
    return {"request": own.open().first(), "has_consent": _own_consent(access), "stages": STAGES}


def _home_mentor(access: OrgAccess) -> dict:
    own = MentorEntry.objects.for_org(access.org).filter(person=access.person)
    return {
        "questionnaire": own.in_bank().with_capacity_left().first(),
        "trainings": list(TrainingEvent.objects.filter(organization=access.org, attendees=access.person)),
        "has_consent": _own_consent(access),
        "stages": STAGES,
    }


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
    remember_role(request, chosen)
    context = {"access": access, **HOME_CONTEXT[role](access)}
    return render(request, f"mentoring/home_{role}.html", context)
