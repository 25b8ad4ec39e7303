"""{{ text|placeholders }}: the parts of a draft's text still to fill («[указать …]») marked where they stand."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from roadmap.items import PLACEHOLDER

register = template.Library()


@register.filter(needs_autoescape=True)
def placeholders(value, autoescape: bool = True) -> str:
    text = str(conditional_escape(value) if autoescape else value)
    # The pattern holds no characters escaping changes («[», «]», letters and spaces), so it matches the escaped text.
    return mark_safe(PLACEHOLDER.sub(lambda m: f'<mark class="order-placeholder">{m.group(0)}</mark>', text))
