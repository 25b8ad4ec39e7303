"""Status badges of pairs, programmes and bank entries, as tags rather than template includes.

They appear in every row of the pair list and both banks: an include per cell cost a good part of those pages'
rendering time, a function call costs next to nothing.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()

PAIR_STATE_CLASSES = {
    "draft": "text-bg-light border",
    "proposed": "text-bg-warning",
    "active": "text-bg-success",
    "completed": "text-bg-secondary",
}
PROGRAMME_STATUS = {  # status: (classes, text)
    "approved": ("text-bg-success", "утверждена"),
    "acknowledged": ("text-bg-info", "ждёт утверждения"),
    "sent": ("text-bg-warning", "на ознакомлении у наставляемого"),
    "draft": ("text-bg-light border", "проект"),
    "none": ("text-secondary", "не составлена"),
    "change_proposed": ("text-bg-warning", "изменения ждут согласия наставляемого"),
    "change_agreed": ("text-bg-info", "изменения ждут утверждения"),
    "change_returned": ("text-bg-light border", "изменения на доработке"),
}
ENTRY_STATUS_CLASSES = {
    "requested": "text-bg-warning",
    "waiting": "text-bg-primary",
    "in_pair": "text-bg-success",
    "supported": "text-bg-info",
    "finished": "text-bg-secondary",
    "selected": "text-bg-success",
    "candidate": "text-bg-primary",
}


@register.simple_tag
def state_badge(state: str, label: str) -> str:
    """A pair's or group's state: draft, in an order, active, completed, ended early."""
    classes = PAIR_STATE_CLASSES.get(state, "text-bg-dark")
    return format_html('<span class="badge rounded-pill {}" data-testid="state-badge">{}</span>', classes, label)


@register.simple_tag
def programme_badge(status: str) -> str:
    """Where a pair's programme stands in its chain: none yet, draft, sent, acknowledged, approved, a change."""
    classes, text = PROGRAMME_STATUS.get(status, PROGRAMME_STATUS["approved"])
    return format_html('<span class="badge fw-normal {}">{}</span>', classes, text)


@register.simple_tag
def status_badge(status: str, label: str) -> str:
    """A bank entry's status (mentee requests and entries, mentor candidates)."""
    classes = ENTRY_STATUS_CLASSES.get(status, "text-bg-light border")
    return format_html('<span class="badge rounded-pill {}">{}</span>', classes, label)


# What moves a programme's chain on, for whom: (the step's words, whether it is this reader's own turn).
PROGRAMME_NEXT = {
    "mentor": {
        "none": ("Составьте программу", True),
        "draft": ("Доработайте программу и отправьте наставляемому", True),
        "sent": ("Программа ждёт ознакомления наставляемого", False),
        "acknowledged": ("Программа ждёт утверждения", False),
        "change_proposed": ("Изменения ждут согласия наставляемого", False),
        "change_agreed": ("Изменения ждут утверждения", False),
        "change_returned": ("Доработайте предложенные изменения", True),
    },
    "mentee": {
        "none": ("Наставник составляет программу", False),
        "draft": ("Наставник составляет программу", False),
        "sent": ("Ознакомьтесь с программой", True),
        "acknowledged": ("Программа ждёт утверждения", False),
        "change_proposed": ("Согласуйте изменения программы", True),
        "change_agreed": ("Изменения ждут утверждения", False),
        "change_returned": ("Изменения дорабатывает наставник", False),
    },
    "approver": {
        "acknowledged": ("Утвердите программу", True),
        "change_agreed": ("Утвердите изменения программы", True),
    },
}


@register.simple_tag
def programme_next(status: str, role: str, url: str = "") -> str:
    """The one next step of a programme's chain for `role` (mentor, mentee, approver): a link when it is theirs."""
    text, mine = PROGRAMME_NEXT.get(role, {}).get(status, ("", False))
    if not text:
        return ""
    if mine and url:
        return format_html('<a class="btn btn-sm btn-primary" href="{}" data-testid="programme-next">{}</a>', url, text)
    return format_html('<span class="small text-secondary" data-testid="programme-next">{}</span>', text)
