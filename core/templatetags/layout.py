"""Layout filters for pages served under a Content-Security-Policy without 'unsafe-inline' styles.

A computed width cannot go into a style="" attribute, so it becomes one of the classes .w-pct-0 … .w-pct-100
(every whole per cent) defined in static/css/app.css.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def pct_step(value, step: int = 1) -> int:
    """A percentage («47», 47.3 or «8%») rounded to the nearest `step` (1 unless given) and clamped to 0…100.

    Anything that is not a number gives 0. Use it as `class="w-pct-{{ value|pct_step }}"`.
    """
    try:
        number = Decimal(str(value).strip().removesuffix("%"))
        step = int(step)
    except (InvalidOperation, ValueError, TypeError):
        return 0
    if not number.is_finite() or step < 1:
        return 0
    number = min(max(number, Decimal(0)), Decimal(100))
    return int((number / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * step


@register.filter
def column_name(columns, index) -> str:
    """The name of column `index` of a table given as (name, …) pairs or plain names: a card's cell label.

    `{{ appendix.columns|column_name:forloop.counter0 }}`; an index out of range gives "".
    """
    try:
        column = list(columns)[int(index)]
    except (IndexError, TypeError, ValueError):
        return ""
    return column if isinstance(column, str) else str(column[0])
