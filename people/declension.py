"""Russian names and positions by case, for the sentences of orders and letters.

Names are declined by pytrovich (the petrovich rules); the gender comes from the patronymic (-вич/-вна,
«оглы»/«кызы»), then from the first name. A person's card may override a form the rules get wrong
(Person.name_genitive …): an override always wins. Positions are declined for the common school posts only;
an unknown post stays as written rather than be declined wrongly.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker


# pytrovich logs each name it declines at DEBUG: personal data stays out of our logs whatever level anyone sets
# (a filter on the loggers the records start from drops them; a level alone can be lowered again).
def _drop(record: logging.LogRecord) -> bool:
    return False


for _name in ("pytrovich", "pytrovich.maker", "pytrovich.detector"):
    logging.getLogger(_name).setLevel(logging.WARNING)
    logging.getLogger(_name).addFilter(_drop)

CASES = ("genitive", "dative", "accusative", "instrumental", "prepositional")
# Cases a person's card may override (the ones documents use).
OVERRIDABLE = ("genitive", "dative", "accusative", "instrumental")
_CASE = {
    "nominative": Case.NOMINATIVE,
    "genitive": Case.GENITIVE,
    "dative": Case.DATIVE,
    "accusative": Case.ACCUSATIVE,
    "instrumental": Case.INSTRUMENTAL,
    "prepositional": Case.PREPOSITIONAL,
}
MALE, FEMALE = "male", "female"


@lru_cache(maxsize=1)
def _maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


@lru_cache(maxsize=1)
def _detector() -> PetrovichGenderDetector:
    return PetrovichGenderDetector()


def gender_of(surname: str = "", name: str = "", patronymic: str = "") -> str | None:
    """MALE, FEMALE or None when nothing tells: the patronymic first, then the first name, then the surname."""
    p = (patronymic or "").strip().lower()
    if p:
        if p.endswith(("вич", "ьич", "ич")) or p.endswith(("оглы", "оглу", "улы", "уулу")):
            return MALE
        if p.endswith(("вна", "чна", "шна")) or p.endswith(("кызы", "гызы", "кизи", "кыз")):
            return FEMALE
    if name.strip():
        try:
            found = _detector().detect(firstname=name.strip())
        except Exception:  # an unusual name must not break a document
            found = None
        if found == Gender.MALE:
            return MALE
        if found == Gender.FEMALE:
            return FEMALE
    s = (surname or "").strip().lower()
    if s.endswith(("ова", "ева", "ёва", "ина", "ына", "ая", "ская", "цкая")):
        return FEMALE
    if s.endswith(("ов", "ев", "ёв", "ин", "ын", "ский", "цкий", "ой")):
        return MALE
    return None


def _gender(gender: str | None) -> Gender:
    return {MALE: Gender.MALE, FEMALE: Gender.FEMALE}.get(gender or "", Gender.ANDROGYNOUS)


def _inflect(part: NamePart, value: str, gender: str | None, case: str) -> str:
    if not value or case == "nominative":
        return value
    try:
        return _maker().make(part, _gender(gender), _CASE[case], value)
    except Exception:  # the rules failed on an unusual name: the nominative is better than no document
        return value


def _first_name_gender(name: str) -> str:
    # The rules decline «Саша», «Женя» wrongly without a gender; the а/я declension is the same for both.
    return FEMALE if name.strip().lower().endswith(("а", "я")) else MALE


def _patronymic(value: str, gender: str | None, case: str) -> str:
    # «Рашид оглы», «Алиевна кызы»: the father's name and the particle stay as written.
    if " " in value.strip():
        return value
    return _inflect(NamePart.MIDDLENAME, value, gender, case)


def decline_parts(surname: str, name: str, patronymic: str, case: str) -> tuple[str, str, str]:
    """(surname, name, patronymic) in `case`; nominative returns them unchanged."""
    if case not in _CASE:
        raise ValueError(f"unknown case {case!r}")
    gender = gender_of(surname, name, patronymic)
    return (
        # A surname of unknown gender («Ким Женя») stays as written: declined as a man's it would be wrong for a woman.
        _inflect(NamePart.LASTNAME, surname, gender, case) if gender else surname,
        _inflect(NamePart.FIRSTNAME, name, gender or _first_name_gender(name), case),
        _patronymic(patronymic, gender, case) if patronymic else "",
    )


def decline_full(surname: str, name: str, patronymic: str, case: str) -> str:
    """«Гусева Владимира Николаевича» from «Гусев Владимир Николаевич» in the genitive (automatic forms only)."""
    return " ".join(p for p in decline_parts(surname, name, patronymic, case) if p)


def _initials(name: str, patronymic: str) -> str:
    parts = [name] + ([patronymic.split()[0]] if patronymic.strip() else [])
    return " ".join(f"{part[0].upper()}." for part in parts if part)


def full_name(person, case: str = "nominative") -> str:
    """The person's full name in `case`; the card's override wins over the rules."""
    if case == "nominative":
        return person.full_name
    override = (getattr(person, f"name_{case}", "") or "").strip() if case in OVERRIDABLE else ""
    if override:
        return override
    return decline_full(person.surname, person.name, person.patronymic, case)


def surname(person, case: str = "nominative") -> str:
    """The surname alone in `case`: the first word(s) of the override when there is one."""
    if case == "nominative":
        return person.surname
    override = (getattr(person, f"name_{case}", "") or "").strip() if case in OVERRIDABLE else ""
    if override:
        words = override.split()
        taken = len(person.surname.split())
        return " ".join(words[:taken])
    gender = gender_of(person.surname, person.name, person.patronymic)
    return _inflect(NamePart.LASTNAME, person.surname, gender, case) if gender else person.surname


def initials_name(person, case: str = "nominative") -> str:
    """«Гусеву В. Н.» — surname in `case` followed by the initials."""
    return f"{surname(person, case)} {_initials(person.name, person.patronymic)}".strip()


def initials_first(person, case: str = "nominative") -> str:
    """«В. Н. Гусеву» — initials before the surname."""
    return f"{_initials(person.name, person.patronymic)} {surname(person, case)}".strip()


def automatic_forms(person) -> dict[str, str]:
    """The forms the rules give, by case: the placeholders of the card's override fields."""
    return {case: decline_full(person.surname, person.name, person.patronymic, case) for case in OVERRIDABLE}


def gendered(person, male: str, female: str, unknown: str | None = None) -> str:
    """The word that agrees with the person: «ознакомлен» / «ознакомлена» (unknown: «ознакомлен(а)»)."""
    g = gender_of(person.surname, person.name, person.patronymic)
    if g == MALE:
        return male
    if g == FEMALE:
        return female
    return unknown if unknown is not None else f"{male}({female[len(male) :]})"


# --- positions ---

# Head nouns we decline: {nominative: stem kind}. «ь» nouns change the soft sign; others add the ending.
_NOUNS = {
    "учитель",
    "воспитатель",
    "преподаватель",
    "руководитель",
    "заместитель",
    "педагог",
    "психолог",
    "логопед",
    "дефектолог",
    "методист",
    "директор",
    "инструктор",
    "тьютор",
    "советник",
    "помощник",
    "концертмейстер",
    "специалист",
    "библиотекарь",
    "секретарь",
    "куратор",
    "наставник",
    "председатель",
    "организатор",
    "делопроизводитель",
    "инженер",
    "программист",
    "бухгалтер",
}
# Adjectives and participles used as nouns («заведующий»), declined like adjectives.
_ADJECTIVE_NOUNS = {"заведующий", "заведующая", "ведущий"}
_ENDINGS_HARD = {
    "genitive": "а",
    "dative": "у",
    "accusative": "а",
    "instrumental": "ом",
    "prepositional": "е",
}
_ENDINGS_SOFT = {
    "genitive": "я",
    "dative": "ю",
    "accusative": "я",
    "instrumental": "ем",
    "prepositional": "е",
}
_ADJ_HARD = {"genitive": "ого", "dative": "ому", "accusative": "ого", "instrumental": "ым", "prepositional": "ом"}
_ADJ_SOFT = {"genitive": "его", "dative": "ему", "accusative": "его", "instrumental": "им", "prepositional": "ем"}
_ADJ_FEM = {"genitive": "ей", "dative": "ей", "accusative": "ую", "instrumental": "ей", "prepositional": "ей"}
_ADJ_FEM_HARD = {"genitive": "ой", "dative": "ой", "accusative": "ую", "instrumental": "ой", "prepositional": "ой"}


def _noun(word: str, case: str) -> str | None:
    low = word.lower()
    if low not in _NOUNS:
        return None
    if low.endswith("ь"):
        ending = _ENDINGS_SOFT[case]
        if low in ("секретарь", "библиотекарь") and case == "instrumental":
            ending = "ём" if low == "секретарь" else "ем"
        return word[:-1] + ending
    return word + _ENDINGS_HARD[case]


def _adjective(word: str, case: str) -> str | None:
    low = word.lower()
    if low.endswith("ый"):
        return word[:-2] + _ADJ_HARD[case]
    if low.endswith("ой"):
        return word[:-2] + _ADJ_HARD[case]
    if low.endswith("ий"):
        stem = word[:-2]
        if stem[-1:].lower() in "гкх":
            table = dict(_ADJ_HARD, instrumental="им")
            return stem + table[case]
        return stem + _ADJ_SOFT[case]
    if low.endswith("ая"):
        stem = word[:-2]
        table = _ADJ_FEM if stem[-1:].lower() in "жшчщ" else _ADJ_FEM_HARD
        return stem + table[case]
    return None


def _word(word: str, case: str) -> tuple[str, bool] | None:
    """(the word in `case`, whether it is the head noun) or None when we do not know the word."""
    if "-" in word:
        parts = word.split("-")
        declined = [_noun(p, case) for p in parts]
        if all(declined):
            return "-".join(declined), True
        return None
    if word.lower() in _ADJECTIVE_NOUNS:
        return _adjective(word, case), True
    noun = _noun(word, case)
    if noun is not None:
        return noun, True
    adjective = _adjective(word, case)
    return (adjective, False) if adjective is not None else None


def decline_position(position: str, case: str) -> str:
    """«учитель математики» → «учителя математики»; «старший воспитатель» → «старшего воспитателя».

    Only the leading adjectives and the head noun change; the rest («математики», «по УВР») already stands in
    its own case. A post whose head noun we do not know is returned as written.
    """
    if case == "nominative" or not position.strip():
        return position
    words = position.split(" ")
    out: list[str] = []
    for index, word in enumerate(words):
        found = _word(word, case)
        if found is None:
            return position
        declined, is_head = found
        out.append(declined)
        if is_head:
            return " ".join(out + words[index + 1 :])
    return position
