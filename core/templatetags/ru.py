from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core.text import typograph_html

register = template.Library()


def plural_form(n: int, one: str, few: str, many: str) -> str:
    """Russian plural: 1 год, 2 года, 5 лет, 11 лет, 21 год."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


@register.filter
def ru_plural(n, forms: str) -> str:
    """{{ n|ru_plural:"год,года,лет" }} → «5 лет»."""
    if n is None or n == "":
        return ""
    one, few, many = forms.split(",")
    return f"{n} {plural_form(n, one, few, many)}"


@register.filter(needs_autoescape=True)
def typeset(value, autoescape: bool = True) -> str:
    """{{ text|typeset }} or {% filter typeset %}…{% endfilter %}: the printed typography on a page (core.text)."""
    html = conditional_escape(value) if autoescape else str(value)
    return mark_safe(typograph_html(str(html)))  # escaped above; only spaces and quotes change
