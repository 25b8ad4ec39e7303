"""Roles that follow from decisions: a person takes part in a pair as a mentor or a mentee, or is appointed curator.

Roles are granted here only on behalf of a decision already taken elsewhere (an approved order, a pair that
ended) — never at a user's own request; the administrator's screen (people.views.staff.person_roles) is the other
way. Every change is written to the security audit log by the person's number and login, with its ground.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from core.text import initials_first
from people import notices
from people.audit import record
from people.models import AuditEvent, Organization, Person, Role


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
    _, created = Role.objects.get_or_create(
        person=person, kind=kind, defaults={"granted_by": by if by is not None and by.pk else None, "ground": ground}
    )
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
                notices.Kind.ROLE,
                f"Роль «{label}» снята: {why}. История ваших пар и программ сохранена.",
                subject=f"снята роль «{label}»",
            )
    return changes


# --- separation of duties ---------------------------------------------------------------------------------------


def approving_kinds(org: Organization) -> set[str]:
    """Roles that sign or approve on the organisation's behalf: the head, and whoever approves programmes."""
    return {Role.Kind.HEAD, org.programme_approver}


def self_grant_error(org: Organization, kinds: Iterable[str]) -> str | None:
    """Why an administrator may not give themselves `kinds`, or None."""
    signing = sorted(set(kinds) & approving_kinds(org))
    if not signing:
        return None
    labels = ", ".join(f"«{Role.Kind(k).label}»" for k in signing)
    return (
        f"Нельзя назначить самому себе роль {labels}: роли, которые подписывают и утверждают документы, назначает "
        "другой администратор организации или администратор сайта."
    )


@dataclass
class Signer:
    """Who signs an order of the organisation today, in the words of the signature block."""

    person: Person
    position: str
    name: str
    authority: str  # what entitles them, for the order's history: the role's assignment, the acting order


def _authority(role: Role) -> str:
    who = f"учётной записью {role.granted_by.username}" if role.granted_by_id else "при заведении данных"
    return f"роль «Руководитель» назначена {role.created_at:%d.%m.%Y} {who}"


def order_signer(org: Organization, user: AbstractBaseUser | None) -> Signer:
    """`user` as the one who may sign the organisation's orders, or a refusal saying why not.

    The organisation's setting names the signer: its head, or the acting head appointed by order. Either way the
    signer holds the head role by an assignment someone else made: a head role one gave oneself signs nothing.
    """
    acting = org.order_signer == Organization.OrderSigner.ACTING
    if acting:
        person = org.acting_head
        if person is None or not person.is_working or not person.has_access:
            raise ValidationError(
                "В сведениях об организации указано, что приказы подписывает исполняющий обязанности руководителя, "
                "но он не выбран или не работает в организации: исправьте «Подписывает приказы»."
            )
        if user is None or person.user_id != user.pk:
            raise ValidationError(
                f"Приказы сейчас подписывает исполняющий обязанности руководителя {person.short_name}: "
                "утвердить или вернуть приказ может только он."
            )
    else:
        person = Person.objects.heads_of(org).filter(user=user).first() if user is not None else None
        if person is None:
            raise ValidationError("Утвердить или вернуть приказ может только руководитель организации.")
    role = Role.objects.select_related("granted_by").filter(person=person, kind=Role.Kind.HEAD).first()
    if role is None:
        raise ValidationError(
            f"У {person.short_name} нет роли «Руководитель»: её назначает администратор организации, "
            "после этого можно утверждать приказы."
        )
    if role.granted_by_id is not None and role.granted_by_id == person.user_id:
        raise ValidationError(
            f"Роль «Руководитель» вы назначили себе сами ({role.created_at:%d.%m.%Y}), а подписывать приказы "
            "может только тот, кому её назначил другой администратор организации или администратор сайта. "
            "Попросите их назначить роль заново."
        )
    name = initials_first(person.surname, person.name, person.patronymic)
    if acting:
        dated = f" от {org.acting_basis_date:%d.%m.%Y}" if org.acting_basis_date else ""
        basis = f"исполняющий обязанности по приказу{dated} № {org.acting_basis_number}"
        position = org.acting_head_position or "И. о. руководителя"
        return Signer(person, position, name, f"{basis}; {_authority(role)}")
    return Signer(person, person.position, name, _authority(role))
