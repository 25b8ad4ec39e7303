"""Names and posts by case in templates: {{ person|genitive }}, {{ person|initials_dative }},
{{ person.position|position_genitive }}, {{ person|gendered:"ознакомлен,ознакомлена" }}.

A value that is not a person (a name already written out, an empty slot) passes through unchanged.
"""

from __future__ import annotations

from django import template

from people import declension

register = template.Library()


def _is_person(value) -> bool:
    return hasattr(value, "surname") and hasattr(value, "name") and hasattr(value, "patronymic")


def _full(case: str):
    def full(person) -> str:
        return declension.full_name(person, case) if _is_person(person) else person

    full.__name__ = case
    return full


def _initials(case: str):
    def initials(person) -> str:
        return declension.initials_name(person, case) if _is_person(person) else person

    initials.__name__ = f"initials_{case}"
    return initials


def _position(case: str):
    def position(value) -> str:
        return declension.decline_position(value or "", case)

    position.__name__ = f"position_{case}"
    return position


for _case in declension.CASES:
    register.filter(_case, _full(_case))
    register.filter(f"initials_{_case}", _initials(_case))
    register.filter(f"position_{_case}", _position(_case))


@register.filter
def gendered(person, forms: str) -> str:
    """{{ person|gendered:"ознакомлен,ознакомлена" }}: the form that agrees with the person."""
    male, female = forms.split(",")
    return declension.gendered(person, male, female) if _is_person(person) else f"{male}({female[len(male) :]})"
