"""Each role's navigation: the pages its home links to, in the order the role needs them."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from people.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    # Extra positional URL arguments after the organisation slug.
    args: tuple = ()

    def url(self, org_slug: str) -> str:
        return reverse(self.url_name, args=[org_slug, *self.args])


HOME = NavItem("Главная", "role_home", "house", ())
STAFF = NavItem("Работники", "people:staff_list", "people")
ORG = NavItem("Организация", "people:org_settings", "building")
REFERENCE = NavItem("Справочники", "people:reference_index", "journal-text")
PROFILE = NavItem("Моя карточка", "people:my_card", "person-vcard")

NAVIGATION: dict[str, list[NavItem]] = {
    Role.Kind.HEAD: [STAFF, ORG],
    Role.Kind.CURATOR: [STAFF, REFERENCE],
    Role.Kind.ADMIN: [STAFF, REFERENCE, ORG],
    Role.Kind.COUNCIL: [STAFF],
    Role.Kind.MENTOR: [PROFILE],
    Role.Kind.MENTEE: [PROFILE],
}


def items_for(org_slug: str, role: str) -> list[dict]:
    home = {"label": HOME.label, "icon": HOME.icon, "url": reverse("role_home", args=[org_slug, role])}
    return [home] + [{"label": i.label, "icon": i.icon, "url": i.url(org_slug)} for i in NAVIGATION[role]]
