"""The word of an approval stamp agreeing in gender with the document it approves (ГОСТ Р 7.0.97-2025, п. 5.16):
«Положение» — УТВЕРЖДЕНО, «Дорожная карта», «Программа» — УТВЕРЖДЕНА, «План», «Порядок» — УТВЕРЖДЕН, several
documents — УТВЕРЖДЕНЫ. Used as {{ "Дорожная карта"|approved_word }} in documents/_stamp.html callers."""

from __future__ import annotations

from django import template

register = template.Library()

# The first noun of the document's name (lower case) → the ending of «утвержден…».
_ENDINGS = {
    "положение": "О",
    "дорожная": "А",
    "карта": "А",
    "программа": "А",
    "персонализированная": "А",
    "инструкция": "А",
    "план": "",
    "порядок": "",
    "состав": "",
    "список": "",
    "правила": "Ы",
}


def approved_word(title: str, word: str = "УТВЕРЖДЕН") -> str:
    """«УТВЕРЖДЕН» with the ending the document's name needs; «УТВЕРЖДЕНО» when the name is unknown."""
    first = (title or "").strip().split(maxsplit=1)
    key = first[0].lower().strip('«»"') if first else ""
    return word + _ENDINGS.get(key, "О")


@register.filter(name="approved_word")
def approved_word_filter(title: str) -> str:
    return approved_word(title)


@register.filter(name="adopted_word")
def adopted_word_filter(title: str) -> str:
    return approved_word(title, "ПРИНЯТ")


@register.filter(name="signature_name")
def signature_name(person) -> str:
    """«М. П. Иванова» — a person's name under a signature or in a stamp; "" for no person."""
    if not person:
        return ""
    initials = " ".join(f"{part[0].upper()}." for part in (person.name, person.patronymic) if part)
    return f"{initials} {person.surname}".strip()
