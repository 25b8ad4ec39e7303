"""{{ text|placeholders }}: the parts of a draft's text still to fill («[указать …]») marked where they stand."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from roadmap import items as order_items
from roadmap.items import PLACEHOLDER

register = template.Library()


@register.filter(needs_autoescape=True)
def placeholders(value, autoescape: bool = True) -> str:
    text = str(conditional_escape(value) if autoescape else value)
    # The pattern holds no characters escaping changes («[», «]», letters and spaces), so it matches the escaped text.
    return mark_safe(PLACEHOLDER.sub(lambda m: f'<mark class="order-placeholder">{m.group(0)}</mark>', text))


@register.filter
def numbered(items, control_item: str = "") -> list[dict]:
    """{% for item in order.items|numbered:order.control_item %}: stored or frozen items with their numbers
    (1., 1.1., 1.1.1.) and the control item as the last point."""
    if items and all(isinstance(item, dict) and "number" in item for item in items):
        shown = order_items.shown(items)
    else:
        normal = order_items.normalize(items)
        shown = [
            {"number": number, "level": item["level"], "text": item["text"]}
            for item, number in zip(normal, order_items.numbers(normal), strict=True)
        ]
    if control_item:
        top = sum(1 for item in shown if item["level"] == 0)
        shown.append({"number": f"{top + 1}.", "level": 0, "text": control_item})
    return shown
