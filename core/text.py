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


# --- typography of printed texts ---

NBSP = "\xa0"
_TAG = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_RAW = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_UPPER = "А-ЯЁA-Z"
_RULES: list[tuple[re.Pattern, str]] = [
    # «№ 12», «№12», «§ 3»
    (re.compile(r"([№§])[ \t\n\r]*(?=\S)"), r"\1" + NBSP),
    # «г. Верхнеречинск», «с. Берёзовка», «ст. 9», «п. 4», «ул. Мира», «д. 5» — before a capital or a digit
    (
        re.compile(
            rf"(?<![А-Яа-яЁёA-Za-z])(г|гг|с|ст|п|пп|ул|д|пос|пр|им|стр|ч|рис|табл)\.[ \t\n\r]+(?=[{_UPPER}0-9])"
        ),
        r"\1." + NBSP,
    ),
    # «2024 г.», «2022–2024 гг.»
    (re.compile(r"(\d)[ \t\n\r]+(гг?\.)"), r"\1" + NBSP + r"\2"),
    # numbers and units: «10 мин», «5 %», «3 мес.», «14 пт»
    (
        re.compile(
            r"(\d)[ \t\n\r]+(%|‰|мин\b|ч\b|час(?:а|ов)?\b|сек\b|дн(?:я|ей)\b|день\b|мес\.|лет\b|год(?:а)?\b"
            r"|руб\.|тыс\.|млн\b|чел\.|человек\b|мм\b|см\b|км\b|кг\b|м\b|пт\b|стр\.|шт\.)"
        ),
        r"\1" + NBSP + r"\2",
    ),
    # initials before the surname: «В. Н. Гусев», «В. Гусев»
    (
        re.compile(rf"(?<![А-Яа-яЁё])([{_UPPER}]\.)[ \t\n\r]+(?:([{_UPPER}]\.)[ \t\n\r]+)?(?=[{_UPPER}][а-яё])"),
        lambda m: m.group(1) + NBSP + (m.group(2) + NBSP if m.group(2) else ""),
    ),
    # the surname before the initials: «Гусев В. Н.»
    (
        re.compile(rf"([{_UPPER}][а-яё]+(?:-[{_UPPER}][а-яё]+)?)[ \t\n\r]+([{_UPPER}]\.)(?:[ \t\n\r]*([{_UPPER}]\.))?"),
        lambda m: m.group(1) + NBSP + m.group(2) + (NBSP + m.group(3) if m.group(3) else ""),
    ),
    # ranges of years: «2022 - 2024», «2022—2024» → «2022–2024»
    (re.compile(r"\b((?:19|20)\d\d)[ \t\xa0]*[-–—][ \t\xa0]*((?:19|20)\d\d)\b"), r"\1–\2"),
    # a double dot that is not an ellipsis: «гг..» → «гг.»
    (re.compile(r"(?<!\.)\.\.(?!\.)"), "."),
]


def _typograph_text(text: str) -> str:
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def _nested_quotes(text: str, depth: int) -> tuple[str, int]:
    """«…«…»…» → «…„…“…»; `depth` carries the open quotes over from the text before."""
    out = []
    for char in text:
        if char == "«":
            depth += 1
            out.append("„" if depth > 1 else char)
        elif char == "»" and depth > 0:
            out.append("“" if depth > 1 else char)
            depth -= 1
        else:
            out.append(char)
    return "".join(out), depth


def typograph_html(html: str) -> str:
    """The typography of a printed Russian text, applied to the text between the tags of `html` only.

    Non-breaking spaces after «№», in «г. Город», «с.», «ст.», between initials and the surname, between a number
    and its unit; inner quotes „…“ inside «…»; an en dash in ranges of years; no double dots. Tags, attributes,
    comments, <script> and <style> are left exactly as they are.
    """
    if not html:
        return html
    raw: list[str] = []

    def keep(match: re.Match) -> str:
        raw.append(match.group(0))
        return f"<!--raw{len(raw) - 1}-->"

    html = _RAW.sub(keep, html)
    depth = 0
    parts = _TAG.split(html)
    for index in range(0, len(parts), 2):  # even indexes are the text between tags
        text, depth = _nested_quotes(_typograph_text(parts[index]), depth)
        parts[index] = text
    html = "".join(parts)
    return re.sub(r"<!--raw(\d+)-->", lambda m: raw[int(m.group(1))], html)
