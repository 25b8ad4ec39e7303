"""Demo municipality: both demo organisations in one municipality with a coordinator (login «municipal»)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from people.models import Municipality, Organization

SLUG = "verkhnerechinsk"
NAME = "Городской округ Верхнеречинск"
REGION = "Владимирская область"
ORGS = ("ds-solnyshko", "school-7")
LOGIN = "municipal"
# The coordinator is an official of the municipal education authority, not a member of any organisation's staff.
COORDINATOR = {
    "first_name": "Людмила",
    "last_name": "Латышева",
    "email": "latysheva.la@uo-verkhnerechinsk.example.ru",
    "is_active": True,
}


def seed_municipality(password: str) -> tuple[str, ...] | None:
    """Create the municipality and its coordinator; return the login row for the printed table, if any."""
    user, _ = get_user_model().objects.get_or_create(username=LOGIN, defaults=COORDINATOR)
    changed = [field for field, value in COORDINATOR.items() if getattr(user, field) != value]
    for field in changed:
        setattr(user, field, COORDINATOR[field])
    if not user.check_password(password):
        user.set_password(password)
        changed.append("password")
    if changed:
        user.save(update_fields=changed)
    municipality, _ = Municipality.objects.get_or_create(
        slug=SLUG, defaults={"name": NAME, "region": REGION, "coordinator": user}
    )
    if municipality.coordinator_id != user.pk:
        municipality.coordinator = user
        municipality.save(update_fields=["coordinator"])
    Organization.objects.filter(slug__in=ORGS).exclude(municipal_unit=municipality).update(municipal_unit=municipality)
    return (LOGIN, password, NAME, "Латышева Л. А.", "Муниципальный координатор")
