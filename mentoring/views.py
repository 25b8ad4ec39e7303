"""Landing after login and each role's home page."""

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from people.access import OrgAccess, active_role, get_access, remember_role
from people.models import REFERENCE_LISTS, Person, Role
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
        .aggregate(total=Count("id"), with_account=Count("id", filter=Q(user__isnull=False)))
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


def _home_head(access: OrgAccess) -> dict:
    return {**_staff_figures(access), "curators": _role_holders(access, Role.Kind.CURATOR), "stages": STAGES}


def _home_curator(access: OrgAccess) -> dict:
    return {**_staff_figures(access), "stages": STAGES}


def _home_admin(access: OrgAccess) -> dict:
    lists = [
        (key, model._meta.verbose_name_plural, model.objects.filter(organization=access.org, is_active=True).count())
        for key, model in REFERENCE_LISTS.items()
    ]
    return {**_staff_figures(access), "reference_lists": lists}


def _home_council(access: OrgAccess) -> dict:
    return {**_staff_figures(access), "mentors": _role_holders(access, Role.Kind.MENTOR)}


def _home_participant(access: OrgAccess) -> dict:
    return {"stages": STAGES}


HOME_CONTEXT = {
    Role.Kind.HEAD: _home_head,
    Role.Kind.CURATOR: _home_curator,
    Role.Kind.ADMIN: _home_admin,
    Role.Kind.COUNCIL: _home_council,
    Role.Kind.MENTOR: _home_participant,
    Role.Kind.MENTEE: _home_participant,
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
