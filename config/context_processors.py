from functools import cached_property

from django.http import HttpRequest
from django.urls import reverse

from config.navigation import items_for
from people.access import active_role, user_roles
from people.models import Municipality, Notice, Role
from roadmap.models import Order


def _head_inbox(org) -> int:
    """Orders waiting for the head's decision: shown on every page the head opens."""
    return Order.objects.for_org(org).awaiting().count()


def _coordinator_navigation(request: HttpRequest) -> dict:
    """A user without organisation roles may coordinate a municipality: their menu is its summary report only."""
    municipality = getattr(request, "municipality", None)
    if municipality is None:
        municipality = Municipality.objects.filter(coordinator=request.user).first()
    if municipality is None:
        return {"nav_roles": []}
    report = {"label": "Сводный отчёт", "icon": "bar-chart-line", "url": municipality.get_absolute_url()}
    status = {
        "label": "Статус организаций",
        "icon": "list-check",
        "url": reverse("municipal_status", args=[municipality.slug]),
    }
    targets = {
        "label": "Целевые показатели",
        "icon": "bullseye",
        "url": reverse("municipal_targets", args=[municipality.slug]),
    }
    return {"nav_roles": [], "nav_items": [report, status, targets], "nav_municipality": municipality}


def navigation(request: HttpRequest) -> dict:
    """The role switcher and the active role's menu; one query per request, shared with the access helper."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    access = getattr(request, "access", None)
    if access is not None:
        org_slug, role_kind, org = access.org.slug, access.role, access.org
    elif getattr(request, "municipality", None) is not None:
        # A municipal page: its coordinator has no roles to look up (and their pages query no staff at all).
        return _coordinator_navigation(request)
    else:
        current = active_role(request)
        if current is None:
            return _coordinator_navigation(request)
        org_slug, role_kind, org = current.person.organization.slug, current.kind, current.person.organization
    switcher = [
        {
            "org": r.person.organization.short_name,
            "label": r.get_kind_display(),
            "url": reverse("role_home", args=[r.person.organization.slug, r.kind]),
            "active": r.person.organization.slug == org_slug and r.kind == role_kind,
        }
        for r in user_roles(request)
    ]
    return {
        "nav_inbox": _head_inbox(org) if role_kind == Role.Kind.HEAD else None,
        "nav_org": org,
        "nav_role": role_kind,
        "nav_items": items_for(org_slug, role_kind),
        "nav_roles": switcher,
        "nav_many_orgs": len({r.person.organization_id for r in user_roles(request)}) > 1,
    }


def notice_bell(request: HttpRequest) -> dict:
    """The bell with the number of unread notices (people.notices) on every page of a person: one query.

    The person is the one the page acts as (its organisation), or the one of the active role elsewhere; a municipal
    coordinator's pages and anonymous ones have no bell.
    """
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    access = getattr(request, "access", None)
    if access is not None:
        person = access.person
    elif getattr(request, "municipality", None) is not None:
        return {}
    else:
        current = active_role(request)
        if current is None:
            return {}
        person = current.person
    return {"nav_bell": _Bell(person)}


class _Bell:
    """Counted only when a page shows it: an htmx fragment without the header costs no query."""

    def __init__(self, person) -> None:
        self.person = person
        self.org = person.organization.slug

    @cached_property
    def count(self) -> int:
        return (
            Notice.objects.filter(person_id=self.person.pk, organization_id=self.person.organization_id)
            .unread()
            .count()
        )
