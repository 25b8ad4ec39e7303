"""Roles that follow from decisions: a person takes part in a pair as a mentor or a mentee, or is appointed curator.

Roles are granted here only on behalf of a decision already taken elsewhere (an approved order, a pair that
ended) — never at a user's own request; the administrator's screen (people.views.staff.person_roles) is the other
way. Every change is written to the security audit log by the person's number and login, with its ground.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser

from people import notices
from people.audit import record
from people.models import AuditEvent, Person, Role


@dataclass
class RoleChanges:
    granted: list[Person] = field(default_factory=list)
    withdrawn: list[Person] = field(default_factory=list)


def _audit(person: Person, kind: str, *, added: bool, ground: str, by: AbstractBaseUser | None) -> None:
    label = f"работник № {person.pk}" + (f" ({person.user.username})" if person.user_id else "")
    change = "добавлена" if added else "снята"
    record(
        AuditEvent.Kind.ROLES_CHANGED,
        user=by,
        org=person.organization,
        detail=f"{label}: {change} роль «{Role.Kind(kind).label}» — {ground}",
    )


def grant(person: Person, kind: str, *, ground: str, by: AbstractBaseUser | None = None) -> bool:
    """Give `person` the role `kind` unless they hold it; True if it was given."""
    _, created = Role.objects.get_or_create(person=person, kind=kind)
    if created:
        _audit(person, kind, added=True, ground=ground, by=by)
    return created


def withdraw(person: Person, kind: str, *, ground: str, by: AbstractBaseUser | None = None) -> bool:
    """Take the role `kind` from `person` if they hold it; True if it was taken."""
    deleted, _ = Role.objects.filter(person=person, kind=kind).delete()
    if deleted:
        _audit(person, kind, added=False, ground=ground, by=by)
    return bool(deleted)


def settle(
    kind: str,
    people: Iterable[Person],
    *,
    holding: set[int],
    ground: str,
    why: str,
    by: AbstractBaseUser | None = None,
) -> RoleChanges:
    """Make the role `kind` of each of `people` match what holds them: granted to those in `holding` (person
    ids), withdrawn from the others. Whoever loses the role is told `why` on their home page and by e-mail.

    `ground` is the audit log's short, nameless reason («приказ от 03.12.2026 № 7-од»).
    """
    changes = RoleChanges()
    for person in people:
        if person.pk in holding:
            if grant(person, kind, ground=ground, by=by):
                changes.granted.append(person)
        elif withdraw(person, kind, ground=ground, by=by):
            changes.withdrawn.append(person)
            label = Role.Kind(kind).label
            notices.tell(
                person,
                f"Роль «{label}» снята: {why}. История ваших пар и программ сохранена.",
                subject=f"снята роль «{label}»",
            )
    return changes
