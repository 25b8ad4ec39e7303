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

    def as_dict(self, org_slug: str) -> dict:
        return {"label": self.label, "icon": self.icon, "url": reverse(self.url_name, args=[org_slug])}


@dataclass(frozen=True)
class NavGroup:
    """A dropdown in the menu: keeps the bar short enough for a laptop screen."""

    label: str
    icon: str
    items: tuple[NavItem, ...]

    def as_dict(self, org_slug: str) -> dict:
        children = [item.as_dict(org_slug) for item in self.items]
        return {"label": self.label, "icon": self.icon, "children": children}


STAFF = NavItem("Работники", "people:staff_list", "people")
MENTEES = NavItem("Банк наставляемых", "people:mentee_bank", "person-up")
MENTORS = NavItem("Банк наставников", "people:mentor_bank", "mortarboard")
TRAININGS = NavItem("Обучение наставников", "people:training_list", "easel")
NO_CONSENT = NavItem("Без согласия на обработку ПД", "people:bank_without_consent", "exclamation-circle")
CONSENT_TEXTS = NavItem("Тексты согласий", "people:consent_texts", "file-earmark-text")
PURGE_LOG = NavItem("Журнал уничтожения ПД", "people:purge_log", "shield-lock")
ORG = NavItem("Сведения об организации", "people:org_settings", "building")
REFERENCE = NavItem("Справочники", "people:reference_index", "journal-text")
MY_CARD = NavItem("Моя карточка", "people:my_card", "person-vcard")
MY_REQUEST = NavItem("Мой запрос", "people:my_request", "chat-square-text")
MY_QUESTIONNAIRE = NavItem("Анкета наставника", "people:my_questionnaire", "clipboard-check")
MY_CONSENTS = NavItem("Мои согласия", "people:my_consents", "check2-square")
MY_CALENDAR = NavItem("Календарь", "mentoring:calendar", "calendar3")
PAIRS = NavItem("Пары и группы", "mentoring:pairs", "diagram-3")
MATCHING = NavItem("Подбор наставников", "mentoring:matching", "shuffle")
REQUESTS = NavItem("Просьбы участников", "mentoring:change_requests", "envelope-exclamation")
PROGRAMME_TEMPLATES = NavItem("Шаблоны программ", "mentoring:templates", "journal-richtext")
ROADMAP = NavItem("Дорожная карта", "roadmap:roadmaps", "signpost-split")
REGULATION = NavItem("Положение о наставничестве", "roadmap:regulation", "file-earmark-ruled")
ORDERS = NavItem("Книга приказов", "roadmap:orders", "journal-bookmark")
INBOX = NavItem("Приказы на утверждении", "roadmap:inbox", "inbox")
ORDER_TEMPLATES = NavItem("Образцы текстов приказов", "roadmap:order_templates", "file-earmark-richtext")
SURVEYS = NavItem("Анкетирование", "monitoring:survey_rounds", "clipboard-data")
MY_SURVEYS = NavItem("Опросы", "monitoring:my_questionnaires", "ui-checks")
REPORTS = NavItem("Отчёты и статистика", "monitoring:reports", "bar-chart-line")
PUBLISHING = NavItem("Публикация на сайте", "monitoring:publishing", "globe")
PRACTICES = NavItem("Методическая копилка", "monitoring:practices", "archive")
FINAL_EVENTS = NavItem("Итоговое мероприятие", "monitoring:final_events", "people-fill")
STAFF_SURVEYS = NavItem("Анкетирование работников", "monitoring:needs_surveys", "clipboard-plus")
MY_STAFF_SURVEYS = NavItem("Анкеты для работников", "monitoring:my_needs", "clipboard-heart")
CERTIFICATES = NavItem("Справки и письма", "roadmap:certificates", "award")
EVENTS = NavItem("Мероприятия", "monitoring:events", "calendar-event")

# Monitoring pages (stage 6) for the head, the curator and the administrator: each part adds its item to this
# list with a one-line edit; the group below is built from it.
MONITORING_ITEMS: list[NavItem] = [
    SURVEYS,
    STAFF_SURVEYS,
    REPORTS,
    EVENTS,
    FINAL_EVENTS,
    PRACTICES,
    PUBLISHING,
    CERTIFICATES,
]
MONITORING = NavGroup("Мониторинг", "graph-up", tuple(MONITORING_ITEMS))

BANKS_MANAGED = NavGroup("Банки", "collection", (MENTEES, MENTORS, TRAININGS, NO_CONSENT))
BANKS_VIEWED = NavGroup("Банки", "collection", (MENTEES, MENTORS, TRAININGS))
PAIRS_MANAGED = NavGroup("Пары и группы", "diagram-3", (PAIRS, MATCHING, REQUESTS, PROGRAMME_TEMPLATES))
PAIRS_VIEWED = NavGroup("Пары и группы", "diagram-3", (PAIRS, MATCHING))

NAVIGATION: dict[str, list[NavItem | NavGroup]] = {
    Role.Kind.HEAD: [
        STAFF,
        BANKS_VIEWED,
        PAIRS_VIEWED,
        MONITORING,
        NavGroup(
            "Документы",
            "folder2",
            (INBOX, ORDERS, ROADMAP, REGULATION, ORDER_TEMPLATES, CONSENT_TEXTS, PURGE_LOG, ORG),
        ),
    ],
    Role.Kind.CURATOR: [
        STAFF,
        BANKS_MANAGED,
        PAIRS_MANAGED,
        MONITORING,
        NavGroup("Документы", "folder2", (ROADMAP, REGULATION, ORDERS, ORDER_TEMPLATES, CONSENT_TEXTS, REFERENCE)),
    ],
    Role.Kind.ADMIN: [
        STAFF,
        BANKS_MANAGED,
        PAIRS_MANAGED,
        MONITORING,
        NavGroup(
            "Документы",
            "folder2",
            (ROADMAP, REGULATION, ORDERS, ORDER_TEMPLATES, CONSENT_TEXTS, PURGE_LOG, REFERENCE, ORG),
        ),
    ],
    Role.Kind.COUNCIL: [
        STAFF,
        BANKS_VIEWED,
        PAIRS_VIEWED,
        PRACTICES,
        NavGroup("Документы", "folder2", (ROADMAP, REGULATION)),
    ],
    # The card and the consents live in the user menu: the bar stays one line on a laptop.
    Role.Kind.MENTOR: [
        MY_QUESTIONNAIRE,
        NavGroup("Опросы", "ui-checks", (MY_SURVEYS, MY_STAFF_SURVEYS)),
        PRACTICES,
        MY_CALENDAR,
    ],
    Role.Kind.MENTEE: [
        MY_REQUEST,
        NavGroup("Опросы", "ui-checks", (MY_SURVEYS, MY_STAFF_SURVEYS)),
        PRACTICES,
        MY_CALENDAR,
    ],
}


def items_for(org_slug: str, role: str) -> list[dict]:
    home = {"label": "Главная", "icon": "house", "url": reverse("role_home", args=[org_slug, role])}
    return [home] + [entry.as_dict(org_slug) for entry in NAVIGATION[role]]
