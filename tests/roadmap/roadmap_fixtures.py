"""Builders for the roadmap tests: a roadmap of a period with as many activities as a test needs."""

from __future__ import annotations

from datetime import date

from people.models import Organization
from roadmap.models import Order, OrderKind, Roadmap, RoadmapActivity, RoadmapStage

START, END = date(2026, 9, 1), date(2027, 8, 31)


def make_roadmap(org: Organization, activities: int = 10, *, stages: int = 7, **fields) -> Roadmap:
    """A roadmap with `stages` stages and `activities` activities spread over them in turn."""
    roadmap = Roadmap.objects.create(
        organization=org,
        title=fields.pop("title", "Дорожная карта по реализации положения о наставничестве"),
        period_label="2026–2027 учебный год",
        period_start=START,
        period_end=END,
        **fields,
    )
    made = RoadmapStage.objects.bulk_create(
        RoadmapStage(roadmap=roadmap, number=str(n), model_stage=n, title=f"Этап {n}", position=n)
        for n in range(1, stages + 1)
    )
    RoadmapActivity.objects.bulk_create(
        RoadmapActivity(
            roadmap=roadmap,
            stage=made[i % stages],
            number=f"{i % stages + 1}.{i // stages + 1}",
            position=i // stages + 1,
            content=f"Мероприятие номер {i + 1}",
            deadline_text="ноябрь",
            deadline_date=date(2026, 11, 30),
            responsible_position="Куратор",
            expected_result=f"Результат {i + 1}",
        )
        for i in range(activities)
    )
    return roadmap


def approve_roadmap(roadmap: Roadmap, number: str = "15-од", on: date = date(2026, 9, 20)) -> Order:
    """Record an approval order straight in the table (the approval service is the orders issue's)."""
    order = Order.objects.create(
        organization=roadmap.organization,
        kind=OrderKind.REGULATION,
        status=Order.Status.APPROVED,
        heading="Об утверждении положения о системе наставничества и дорожной карты",
        preamble="В соответствии с методическими рекомендациями",
        items=["Утвердить дорожную карту."],
        year=on.year,
        number=int(number.split("-")[0]),
        reg_number=number,
        date=on,
        pdf_sha256="0" * 64,
    )
    roadmap.approved_by_order = order
    roadmap.status = Roadmap.Status.APPROVED
    roadmap.save(update_fields=["approved_by_order", "status"])
    return order
