"""The demo's orders as schools write them (issue 15, point 3): each organisation cites its regional act besides
the federal ones, and its curator keeps a draft with sub-items, deadlines and executors, ready to send."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from people.models import Organization, Person, Role
from people.models.organization import default_order_basis
from roadmap.drafting import draft_order
from roadmap.items import normalize
from roadmap.models import Order, OrderKind

REGIONAL_ACT = (
    "приказом министерства образования Верхнеречинской области от 14.02.2022 № 215 «О внедрении системы "
    "(целевой модели) наставничества педагогических работников в образовательных организациях области»"
)
HEADING = "О проведении методического дня наставников"


def seed_order_items(org: Organization) -> int:
    """The regional act in the legal basis, and one draft with sub-items; returns how many orders were added."""
    if org.order_basis == default_order_basis():
        org.order_basis = default_order_basis() + "\n" + REGIONAL_ACT
        org.save(update_fields=["order_basis"])
    curator = Person.objects.for_org(org).filter(roles__kind=Role.Kind.CURATOR, user__isnull=False).first()
    if curator is None or Order.objects.for_org(org).filter(heading=HEADING).exists():
        return 0
    mentors = list(
        Person.objects.for_org(org).working().filter(roles__kind=Role.Kind.MENTOR).order_by("surname", "name", "id")[:2]
    )
    order = draft_order(org, OrderKind.FREE, by=curator.user)
    day = timezone.localdate() + timedelta(days=45)
    first = mentors[0].pk if mentors else None
    second = mentors[-1].pk if mentors else None
    items = [
        {"text": f"Провести методический день наставников {day:%d.%m.%Y}", "level": 0},
        {
            "text": "Подготовить программу методического дня и пригласить наставляемых",
            "level": 1,
            "deadline": (day - timedelta(days=14)).isoformat(),
            "executor": curator.pk,
        },
        {
            "text": "Подготовить выступление об опыте работы наставнической пары",
            "level": 1,
            "deadline": (day - timedelta(days=3)).isoformat(),
            "executor": first,
        },
        {"text": "Подготовить открытое занятие для наставляемых", "level": 2, "executor": second},
        {
            "text": "Разместить материалы методического дня в методической копилке",
            "level": 0,
            "deadline": "в течение учебного года",
            "executor": curator.pk,
        },
    ]
    order.heading = HEADING
    order.preamble = (
        order.preamble.split(", [указать")[0]
        + ", годовым планом методической работы, в целях распространения успешных наставнических практик"
    )
    order.items = normalize(items)
    # Written as a draft the curator has not saved yet: the executors join the acknowledgement list when she saves
    # or sends it (a draft's list is not «to acknowledge» for anybody; config.demo.notices reads every open one).
    order.save(update_fields=["heading", "preamble", "items", "updated_at"])
    return 1
