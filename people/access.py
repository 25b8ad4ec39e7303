"""The one way views reach organisation data.

Every page of an organisation lives under /o/<slug>/. `org_view` resolves the slug against the roles the
logged-in user holds and answers 404 — not 403 — to anyone without an allowed role there, so that a user of
another organisation cannot even learn which organisations exist. Object helpers below always filter by the
resolved organisation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from people.changes import touch
from people.models import ROLE_PRIORITY, Municipality, Organization, Person, Role

SESSION_ROLE_KEY = "active_role"


def user_roles(request: HttpRequest) -> list[Role]:
    """All roles of the logged-in user in every organisation, fetched once per request."""
    cached = getattr(request, "_user_roles", None)
    if cached is None:
        if request.user.is_authenticated:
            cached = sorted(
                Role.objects.for_user(request.user),
                key=lambda r: (r.person.organization.short_name, ROLE_PRIORITY.index(r.kind)),
            )
        else:
            cached = []
        request._user_roles = cached
    return cached


def active_role(request: HttpRequest) -> Role | None:
    """The role the user last chose (or the first by priority); None for a user without roles."""
    roles = user_roles(request)
    if not roles:
        return None
    chosen = request.session.get(SESSION_ROLE_KEY) or {}
    for role in roles:
        if role.person.organization.slug == chosen.get("org") and role.kind == chosen.get("kind"):
            return role
    return min(roles, key=lambda r: ROLE_PRIORITY.index(r.kind))


def remember_role(request: HttpRequest, role: Role) -> None:
    request.session[SESSION_ROLE_KEY] = {"org": role.person.organization.slug, "kind": role.kind}


@dataclass
class OrgAccess:
    """What the current user may do in one organisation."""

    org: Organization
    person: Person
    roles: frozenset[str]
    role: str
    all_roles: list[Role] = field(default_factory=list)

    def has(self, *kinds: str) -> bool:
        return bool(self.roles.intersection(kinds))

    @property
    def role_label(self) -> str:
        return Role.Kind(self.role).label


def get_access(request: HttpRequest, org_slug: str, allowed: Iterable[str] | None = None) -> OrgAccess:
    in_org = [r for r in user_roles(request) if r.person.organization.slug == org_slug]
    kinds = frozenset(r.kind for r in in_org)
    permitted = kinds if allowed is None else kinds.intersection(allowed)
    if not permitted:
        raise Http404("Нет такой страницы или нет доступа к ней.")
    current = active_role(request)
    if current is not None and current.person.organization.slug == org_slug and current.kind in permitted:
        role = current.kind
    else:
        role = min(permitted, key=ROLE_PRIORITY.index)
    person = in_org[0].person
    return OrgAccess(org=person.organization, person=person, roles=kinds, role=role, all_roles=in_org)


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def org_view(*allowed: str) -> Callable:
    """Decorate a view taking (request, access, ...) and routed with an <org> slug.

    With no arguments any role in the organisation may see the page. After a write that succeeded (no exception,
    status below 400) the organisation's data version changes, so its cached figures are computed anew
    (people.changes); a page view, a refused or a failed request keeps them.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, org: str, *args, **kwargs):
            access = get_access(request, org, allowed or None)
            request.access = access
            response = view(request, access, *args, **kwargs)
            if request.method in WRITE_METHODS and response.status_code < 400:
                touch(access.org)
            return response

        return wrapper

    return decorator


def require_council_right(access: OrgAccess, right: str, *others: str) -> None:
    """Someone who reaches a page only as a member of the methodical council sees it where the organisation gives
    the council `right` (Organization.council_may); 404 otherwise. Holders of `others` pass as before."""
    if not access.has(*others) and not access.org.council_may(right):
        raise Http404


# Roles that see the whole staff list of their organisation.
STAFF_VIEWERS = (Role.Kind.HEAD, Role.Kind.CURATOR, Role.Kind.ADMIN, Role.Kind.COUNCIL)
STAFF_EDITORS = (Role.Kind.CURATOR, Role.Kind.ADMIN)


def get_person_for_user(access: OrgAccess, pk: int, *, editing: bool = False) -> Person:
    """A staff member of the organisation: any of them for staff viewers, oneself for everyone else."""
    qs = Person.objects.for_org(access.org)
    if editing:
        if not access.has(*STAFF_EDITORS):
            raise Http404
    elif not access.has(*STAFF_VIEWERS):
        qs = qs.filter(pk=access.person.pk)
    return get_object_or_404(qs, pk=pk)


# --- Municipal coordinator ---------------------------------------------------------------------------------------


def get_municipality(request: HttpRequest, slug: str) -> Municipality:
    """The municipality the logged-in user coordinates; 404 for anyone else (staff of its schools included)."""
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(Municipality, slug=slug, coordinator=request.user)


def municipal_view(view: Callable) -> Callable:
    """Decorate a view taking (request, municipality, ...) and routed with a <municipality> slug.

    The coordinator sees figures only: views under it must never load a Person.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, municipality: str, *args, **kwargs):
        return view(request, get_municipality(request, municipality), *args, **kwargs)

    return wrapper
