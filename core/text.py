"""Helpers for Russian personal names."""

import re

_SPACES = re.compile(r"\s+")


def clean_spaces(value: str) -> str:
    """Collapse runs of ordinary and non-breaking spaces; strip the ends."""
    return _SPACES.sub(" ", (value or "").replace("\xa0", " ")).strip()


def name_key(value: str) -> str:
    """Normalised form for matching names: lower case, ё→е, single spaces."""
    return clean_spaces(value).lower().replace("ё", "е")


def initials_name(surname: str, name: str, patronymic: str = "") -> str:
    """«Иванова М. П.» from its parts; a missing patronymic is simply left out."""
    initials = " ".join(f"{part[0].upper()}." for part in (name, patronymic) if part)
    return f"{surname} {initials}".strip()


def initials_first(surname: str, name: str, patronymic: str = "") -> str:
    """«М. П. Иванова» — the form under a signature."""
    initials = " ".join(f"{part[0].upper()}." for part in (name, patronymic) if part)
    return f"{initials} {surname}".strip()


# The largest id a bigint column holds has 19 digits; anything longer is not one of ours.
_ID_DIGITS = 18


def as_id(value) -> int | None:
    """A submitted id as a number, or None for anything that cannot be one of our ids (signs, «²», 40 digits)."""
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= _ID_DIGITS else None
