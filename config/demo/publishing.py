"""Demo data of the publishing part of monitoring (issue 7), called by seed_demo for each organisation. Idempotent.

The kindergarten's mentoring page is open: an introduction, three published news and a draft, the results of its
completed programme published (the mentor has a publication consent and is named, the mentee has none and is
shown as «наставляемый»), the results of the programme ended early written but not published. The school's page
stays closed with one news draft.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from mentoring.models import Mentorship
from monitoring.models import NewsItem, Practice, ProgrammeResult, PublicPage
from people.models import Organization, Person

INTRO = (
    "В детском саду действует система наставничества педагогических работников: опытные воспитатели "
    "помогают молодым коллегам войти в профессию, освоить методики и подготовить открытые занятия. "
    "Здесь опубликованы положение о наставничестве, дорожная карта, новости и итоги программ."
)

# (days ago, title, body, published)
KINDERGARTEN_NEWS = [
    (
        120,
        "Стартовал новый учебный год программы наставничества",
        "Педагогический совет утвердил положение о системе наставничества и дорожную карту. "
        "Сформированы пары «опытный воспитатель — молодой специалист», для каждой составлена "
        "персонализированная программа.",
        True,
    ),
    (
        45,
        "Открытое занятие молодого воспитателя",
        "В средней группе прошло открытое занятие по развитию речи, подготовленное вместе с наставником. "
        "Коллеги отметили продуманную структуру занятия и активность детей.",
        True,
    ),
    (
        10,
        "Подведены итоги программы наставничества",
        "Завершилась программа наставничества в паре «воспитатель — воспитатель»: наставляемая провела "
        "серию занятий по познавательному развитию и подготовила картотеку игр для своей группы.",
        True,
    ),
    (
        0,
        "Приглашаем на итоговый круглый стол наставников",
        "Черновик: дата и программа круглого стола уточняются.",
        False,
    ),
]
SCHOOL_NEWS = [
    (
        0,
        "Школа начинает работу по программе наставничества",
        "Черновик новости: опубликуем после утверждения положения о наставничестве приказом директора.",
        False,
    ),
]

COMPLETED_SUMMARY = (
    "За девять месяцев наставляемая освоила планирование образовательной деятельности по ФОП ДО, "
    "провела четыре открытых занятия по познавательному развитию и выступила на методическом объединении "
    "воспитателей. Подготовлена картотека дидактических игр, которой пользуются педагоги детского сада."
)
ENDED_EARLY_SUMMARY = "Черновик итогов: программа завершена досрочно, наставляемой подбирается новый наставник."


def _news(org: Organization, items: list, by) -> int:
    today = timezone.localdate()
    new = 0
    for days_ago, title, body, published in items:
        _, created = NewsItem.objects.get_or_create(
            organization=org,
            title=title,
            defaults={"body": body, "date": today - timedelta(days=days_ago), "is_published": published, "author": by},
        )
        new += created
    return new


def _result(m: Mentorship | None, summary: str, *, publish: bool) -> int:
    if m is None or ProgrammeResult.objects.filter(mentorship=m).exists():
        return 0
    result = ProgrammeResult.objects.create(organization=m.organization, mentorship=m, summary=summary)
    if publish:
        result.set_published(True)
    return 1


def seed_publishing(org: Organization, people: dict[str, Person], by) -> int:
    """Create what the demo needs in `org` and return how many objects were new."""
    if org.kind != Organization.Kind.KINDERGARTEN:
        _, created = PublicPage.objects.get_or_create(organization=org, defaults={"is_enabled": False})
        return created + _news(org, SCHOOL_NEWS, by)
    _, created = PublicPage.objects.get_or_create(organization=org, defaults={"is_enabled": True, "intro": INTRO})
    new = created + _news(org, KINDERGARTEN_NEWS, by)
    pairs = Mentorship.objects.for_org(org)
    new += _result(
        pairs.filter(state=Mentorship.State.COMPLETED).order_by("id").first(), COMPLETED_SUMMARY, publish=True
    )
    new += _result(
        pairs.filter(state=Mentorship.State.ENDED_EARLY).order_by("id").first(), ENDED_EARLY_SUMMARY, publish=False
    )
    # The practices part saves the practices; publish one made from an ended programme if it published none.
    practices = Practice.objects.filter(organization=org)
    if not practices.filter(is_published=True).exists():
        practice = practices.filter(mentorship__state__in=("completed", "ended_early")).order_by("id").first()
        if practice is not None:
            practice.is_published, practice.published_at = True, timezone.now()
            practice.save(update_fields=["is_published", "published_at"])
    return new
