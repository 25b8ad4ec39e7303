"""Orders the demo organisations signed on paper in the previous school year, registered with their scans.

Two per organisation: the working group for introducing the target model (numbered by the organisation's own
format) and the reward of mentors at the end of that year (numbered «01-05/N», with the file's index, as many
schools write it). Both are registered through roadmap.paper, so their numbers count in that year's numbering.
Their kinds change no data (a decision and a reward), so the demo's pairs and roles stay as the demo states them.
Looked for before being made: a second run adds nothing.
"""

from __future__ import annotations

from datetime import date
from html import escape

from django.utils import timezone
from weasyprint import HTML

from people.models import Organization, Person, Role
from roadmap import paper
from roadmap.models import Order, OrderKind
from roadmap.services import registration_number


def scan_of(org: Organization, day: date, number: str, title: str, items: list[str], signer: str) -> bytes:
    """A one-page PDF that stands for the scan of the signed paper: the order's text on a greyish sheet."""
    points = "".join(f"<li>{escape(item)}</li>" for item in items)
    html = f"""<html><head><style>
      @page {{ size: A4; margin: 20mm 18mm; background: #f1efe9; }}
      body {{ font-family: 'DejaVu Serif', serif; font-size: 12pt; color: #222; }}
      .org {{ text-align: center; font-weight: bold; }} h1 {{ text-align: center; font-size: 14pt; margin: 8mm 0 4mm; }}
      .line {{ display: flex; justify-content: space-between; }} .sign {{ margin-top: 14mm; }}
      .stamp {{ color: #2f4f9a; border: 2px solid #2f4f9a; border-radius: 50%; width: 36mm; height: 36mm;
               text-align: center; font-size: 8pt; padding-top: 12mm; box-sizing: border-box; margin-top: -4mm;
               margin-left: 30mm; transform: rotate(-12deg); }}
    </style></head><body>
      <div class="org">{escape(org.full_name)}</div>
      <h1>ПРИКАЗ</h1>
      <div class="line"><span>{day:%d.%m.%Y}</span><span>№ {escape(number)}</span></div>
      <p><b>{escape(title)}</b></p>
      <ol>{points}</ol>
      <p class="sign">Руководитель _____________ {escape(signer)}</p>
      <div class="stamp">{escape(org.short_name)}</div>
    </body></html>"""
    return HTML(string=html).write_pdf()


def seed_paper_orders(org: Organization) -> int:
    """Register the demo's paper orders of `org`; return how many were added."""
    head = Person.objects.heads_of(org).filter(user__isnull=False).order_by("id").first()
    if head is None:
        return 0
    year = timezone.localdate().year - 1
    signer = f"{head.name[:1]}. {head.patronymic[:1]}. {head.surname}" if head.patronymic else head.short_name
    mentors = list(
        Person.objects.for_org(org).working().filter(roles__kind=Role.Kind.MENTOR).order_by("surname", "id")[:2]
    )
    planned = [
        (
            OrderKind.FREE,
            date(year, 8, 30),
            registration_number(org, 112),
            "О создании рабочей группы по внедрению целевой модели наставничества",
            [
                "Создать рабочую группу по внедрению целевой модели наставничества педагогических работников.",
                "Рабочей группе подготовить проект положения о системе наставничества и дорожную карту.",
                "Контроль за исполнением приказа оставляю за собой.",
            ],
            [],
        ),
        (
            OrderKind.REWARD if mentors else OrderKind.FREE,
            date(year, 5, 29),
            "01-05/87",
            "О поощрении педагогов-наставников по итогам учебного года",
            [
                "Объявить благодарность педагогам-наставникам за работу с молодыми специалистами: "
                + ", ".join(p.full_name for p in mentors)
                + ".",
                "Контроль за исполнением приказа оставляю за собой.",
            ]
            if mentors
            else ["Объявить благодарность педагогам-наставникам.", "Контроль оставляю за собой."],
            mentors,
        ),
    ]
    added = 0
    for kind, day, number, title, items, rewarded in planned:
        if Order.objects.for_org(org).filter(year=day.year, reg_number=number).exists():
            continue
        signed = paper.PaperOrder(
            kind=kind,
            date=day,
            number=number,
            title=title,
            text="\n".join(items),
            scan=scan_of(org, day, number, title, items, signer),
            rewarded=rewarded,
            signer_position=head.position,
            signer_name=signer,
        )
        paper.register_paper_order(org, signed, by=head.user)
        added += 1
    return added
