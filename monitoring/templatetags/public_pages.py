"""The list of organisations whose public mentoring page is open, for the login page."""

from django import template

from monitoring.publishing import open_pages

register = template.Library()


@register.simple_tag
def open_public_pages() -> list:
    """[(short name, slug)] of every organisation with an open page, in one query."""
    return list(open_pages().values_list("organization__short_name", "organization__slug"))
