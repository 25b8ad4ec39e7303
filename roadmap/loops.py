"""What an approved order means for the people it names: roles, accounts and being told.

Called from the order's effects (roadmap.services) inside the approval's transaction. A pairs order gives the
mentor and the mentees their roles (Mentorship.activate → people.roles) and an account to those who have none
(people.accounts.invite); a curator order moves the curator's role. Everyone concerned finds a notice on their
home page and, if they have an address, a letter once the approval is committed (people.notices).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse

from mentoring.models import Mentorship
from people import accounts, declension, notices, roles
from people.models import Person, Role
from roadmap import items as order_items
from roadmap import regulation as regulation_service
from roadmap.models import Order

# An order that appoints a curator «дополнительно» keeps the previous curator(s); any other takes the role from them.
CO_CURATOR_WORD = "дополнительно"


READ_THE_ORDER = "Ознакомьтесь с приказом в разделе «Приказы» и отметьте «Ознакомлен(а)»."


def order_ref(order: Order) -> str:
    return f"приказом от {order.date:%d.%m.%Y} № {order.reg_number}"


def _ground(order: Order) -> str:
    return f"приказ от {order.date:%d.%m.%Y} № {order.reg_number}"


def _programme_line(m: Mentorship, order: Order) -> str:
    try:
        programme = m.programme
    except ObjectDoesNotExist:
        programme = None
    if programme is not None:
        return f"Ваша программа: «{programme}», с {programme.start:%d.%m.%Y} по {programme.end:%d.%m.%Y}."
    due = order.due_on or m.planned_start  # the order's deadline for drawing up the programmes
    if due:
        return f"Ваша программа: составить до {due:%d.%m.%Y} — её составляет наставник."
    return "Ваша программа ещё не составлена: её составляет наставник."


def pairs_fixed(order: Order, m: Mentorship) -> None:
    """The pair or group `m` works from `order`: invite participants without an account and tell them all."""
    for person in m.participants():
        accounts.invite(person)
    mentees = list(m.mentees.all())
    # The programme is what the pair works on next: the mentor draws it up there, the mentee reads it there.
    link = reverse("mentoring:programme", args=[order.organization.slug, m.pk])
    programme = _programme_line(m, order)
    whom = ", ".join(p.short_name for p in mentees)
    link_text = "Открыть программу"
    notices.tell(
        m.mentor,
        notices.Kind.PAIR,
        f"Вы закреплены наставником ({'группа' if len(mentees) > 1 else 'пара'}: {whom}) {order_ref(order)}.",
        programme.replace("Ваша программа", "Программа пары (группы)") + f"\n{READ_THE_ORDER}",
        link,
        link_text=link_text,
        subject=f"вы закреплены наставником {order_ref(order)}",
    )
    for person in mentees:
        notices.tell(
            person,
            notices.Kind.PAIR,
            f"Вы закреплены наставляемым, ваш наставник — {m.mentor.full_name}, {order_ref(order)}. {programme}",
            READ_THE_ORDER,
            link,
            link_text=link_text,
            subject=f"вам назначен наставник {order_ref(order)}",
        )


def _regulation_lines(order: Order, appointee: Person) -> tuple[list[str], str]:
    """What the regulation says about the curator, if it no longer names the one in office (text, link)."""
    mismatch = regulation_service.curator_mismatch(order.organization)
    if mismatch is None:
        return [], ""
    return [mismatch["text"]], reverse("roadmap:regulation", args=[order.organization.slug])


def curator_appointed(order: Order, appointee: Person, by: AbstractBaseUser | None) -> None:
    """The appointee becomes curator; the previous curator(s) lose the role unless the order says «дополнительно».

    Both sides are told, and the new curator learns when the regulation still names the previous one.
    """
    ground = _ground(order)
    text = " ".join([order.heading or "", *order_items.plain(order.items)]).lower()
    co_curator = CO_CURATOR_WORD in text
    previous = list(
        Person.objects.for_org(order.organization)
        .filter(roles__kind=Role.Kind.CURATOR)
        .exclude(pk=appointee.pk)
        .select_related("organization", "user")
        .distinct()
    )
    roles.grant(appointee, Role.Kind.CURATOR, ground=ground, by=by)
    accounts.invite(appointee)
    for person in previous:
        if co_curator:
            notices.tell(
                person,
                notices.Kind.ROLE,
                f"{appointee.short_name} {declension.gendered(appointee, 'назначен', 'назначена')} "
                f"куратором дополнительно {order_ref(order)}; "
                "ваша роль куратора сохранена.",
                subject=f"назначен ещё один куратор {order_ref(order)}",
            )
        else:
            roles.withdraw(person, Role.Kind.CURATOR, ground=ground, by=by)
            notices.tell(
                person,
                notices.Kind.ROLE,
                f"Обязанности куратора переданы: {appointee.short_name} {order_ref(order)}. "
                "Роль «Куратор» с вас снята; документы, подготовленные вами, сохранены.",
                subject=f"обязанности куратора переданы {order_ref(order)}",
            )
    lines, link = _regulation_lines(order, appointee)
    notices.tell(
        appointee,
        notices.Kind.ROLE,
        f"Вы назначены куратором реализации программ наставничества {order_ref(order)}."
        + (f" {lines[0]}" if lines else ""),
        READ_THE_ORDER,
        link=link,
        link_text="Открыть положение" if link else "",
        subject=f"вы назначены куратором {order_ref(order)}",
    )
