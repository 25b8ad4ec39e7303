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
