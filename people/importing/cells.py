"""Cleaning one cell of a staff list: names, position, category, experience, phone, e-mail.

Each function takes what a spreadsheet gives (text, a number, a date, None) and returns the value to store,
or raises ``ValueError`` with a message for the user, in Russian, shown after the column's name in the preview.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from core.text import clean_spaces
from people.models import Person

# Canonical columns: the template, the export and the dataset given to the resource use exactly these headers.
COLUMNS: dict[str, str] = {
    "surname": "Фамилия",
    "name": "Имя",
    "patronymic": "Отчество",
    "position": "Должность",
    "qualification_category": "Квалификационная категория",
    "experience_years": "Педагогический стаж, лет",
    "email": "E-mail",
    "phone": "Телефон",
    "hired_on": "Дата приёма на работу",
}
NAME_FIELDS = ("surname", "name", "patronymic")
FIO = "fio"
FIO_LABEL = "ФИО"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"})


# --- cells ------------------------------------------------------------------------------------------------------


def cell_text(value) -> str:
    """A cell as tidy text: spaces collapsed (ordinary, non-breaking, invisible), whole numbers without «.0».

    A leading apostrophe that our own export put before a formula-like value is taken off again, so an exported
    file imports back unchanged.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime):
        value = value.strftime("%d.%m.%Y") if value.time() == time(0) else value.strftime("%d.%m.%Y %H:%M")
    elif isinstance(value, date):
        value = value.strftime("%d.%m.%Y")
    text = clean_spaces(str(value).translate(_INVISIBLE).translate(_DASHES))
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


def is_blank(value) -> bool:
    return cell_text(value) == ""


# --- names ------------------------------------------------------------------------------------------------------

# Parts of Russian and Turkic names written in lower case after the name itself: «Гусейн оглы».
LOWER_PARTICLES = {"оглы", "кызы", "улы", "уулу", "гызы", "ибн", "бин", "фон", "дер", "де", "ван", "дю", "ла"}
_NAME_CHARS = re.compile(r"^[A-Za-zА-Яа-яЁё' .-]+$")
_INITIAL = re.compile(r"^[A-Za-zА-Яа-яЁё]\.?$|^([A-Za-zА-Яа-яЁё]\.){2,}$")


def _capitalise_word(word: str, first: bool) -> str:
    if not first and word.lower() in LOWER_PARTICLES:
        return word.lower()
    return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))


def fix_name_case(text: str) -> str:
    """«ПЕТРОВА-ВОДКИНА» → «Петрова-Водкина», «иванова» → «Иванова»; a name in mixed case is left as written."""
    if not (text.isupper() or text.islower()):
        return text
    return " ".join(_capitalise_word(word, index == 0) for index, word in enumerate(text.split(" ")))


def clean_name_part(value, what: str) -> str:
    """One part of a name, tidied; ``what`` («фамилия», «имя», «отчество») goes into the error message."""
    text = cell_text(value).strip(" ,;")
    if not text:
        return ""
    if any(ch.isdigit() for ch in text):
        raise ValueError(f"{what.capitalize()} «{text}» содержит цифры — проверьте ячейку.")
    if not _NAME_CHARS.match(text):
        raise ValueError(f"{what.capitalize()} «{text}»: допустимы только буквы, дефис, пробел и апостроф.")
    if what != "фамилия" and _INITIAL.match(text):
        raise ValueError(f"{what.capitalize()} указано инициалом («{text}») — напишите полностью.")
    return fix_name_case(text)


def split_fio(text: str) -> tuple[str, str, str]:
    """«Иванова Мария Петровна» → its three parts; a patronymic of several words («Гусейн оглы») stays whole."""
    words = cell_text(text).replace(",", " ").split()
    if not words:
        return "", "", ""
    return words[0], (words[1] if len(words) > 1 else ""), " ".join(words[2:])


# --- dates -----------------------------------------------------------------------------------------------------

_DATE_TEXT = re.compile(r"^(?:с\s+)?(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})(?:\s*г(?:ода|\.)?)?\.?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$")
EARLIEST_HIRE = date(1940, 1, 1)


def parse_hire_date(value, *, today: date | None = None) -> date | None:
    """A date of hire from a date cell, «01.09.2015», «1.9.15», «01.09.2015 г.» or «2015-09-01»; empty → None."""
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    else:
        text = cell_text(value).lower()
        if text in ("", "-", "нет", "не указана", "не указано"):
            return None
        found = _date_from_text(text)
        if found is None:
            raise ValueError(f"Не удалось прочитать дату «{cell_text(value)}»: напишите её в виде 01.09.2015.")
    today = today or date.today()
    if found < EARLIEST_HIRE or found > today.replace(year=today.year + 1, day=min(today.day, 28)):
        raise ValueError(f"Дата «{found:%d.%m.%Y}» не похожа на дату приёма на работу — проверьте год.")
    return found


def _date_from_text(text: str) -> date | None:
    if match := _ISO_DATE.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DATE_TEXT.match(text):
        day, month, year = (int(part) for part in match.groups())
        if year < 100:  # «01.09.15»: a two-digit year is this century's unless it would lie in the future
            year += 2000 if year <= date.today().year % 100 else 1900
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def format_date(value) -> str:
    return value.strftime("%d.%m.%Y") if isinstance(value, date) else str(value or "")


# --- other fields -----------------------------------------------------------------------------------------------


def clean_position(value) -> str:
    text = cell_text(value)
    if text.isupper() or text.islower():
        text = text[:1].upper() + text[1:].lower()
    return text


_CATEGORY_NONE = {"", "нет", "не имеет", "не имею", "отсутствует", "без", "без категории", "бк", "б/к", "б\\к", "-"}


def parse_category(value) -> str:
    """«высшая», «Высшая квалификационная категория», «1 категория», «СЗД», «б/к», пусто → Person.Category."""
    text = cell_text(value).lower().replace("ё", "е")
    words = re.sub(r"[^0-9a-zа-я/\\]+", " ", text).strip()
    compact = words.replace(" ", "")
    category = Person.Category
    if words in _CATEGORY_NONE or compact in _CATEGORY_NONE or compact.startswith(("безкатегор", "б/к", "бк")):
        return category.NONE
    if "высш" in compact:
        return category.HIGHEST
    if "перв" in compact or re.match(r"^(1|i)(кв|кат|$)", compact):
        return category.FIRST
    if "сзд" in compact or "соотв" in compact:
        return category.CONFORMITY
    if "методист" in compact:
        return category.METHODIST
    if "наставник" in compact:
        return category.MENTOR
    if "втор" in compact or re.match(r"^(2|ii)(кв|кат|$)", compact):
        raise ValueError(
            "Вторая категория больше не присваивается: укажите «СЗД» (соответствие) или «б/к» (без категории)."
        )
    raise ValueError(
        f"Категории «{cell_text(value)}» нет. Пишите: высшая, первая, СЗД (соответствие занимаемой "
        "должности), б/к (без категории), педагог-методист или педагог-наставник."
    )


_EXPERIENCE_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([а-я]*)\.?")
_EXPERIENCE_FILLER = {"", "и", "полных", "полный", "стаж", "около", "более", "свыше", "ровно"}
MAX_EXPERIENCE = 70


def parse_experience(value) -> int | None:
    """Whole years of experience from «5», 5.0, «5 лет», «5,5», «12 лет 3 мес.», «8 мес.», «нет»; empty → None."""
    if value is None or isinstance(value, bool):
        return None if value is None else _experience_error(value)
    if isinstance(value, datetime | date | time):
        raise ValueError(
            "В ячейке стажа дата, а не число: так Excel мог прочитать «5.5» или «5,5». "
            "Укажите число полных лет, например 5."
        )
    if isinstance(value, int | float | Decimal):
        if isinstance(value, float) and not math.isfinite(value):
            _experience_error(value)
        years = float(value)
    else:
        text = cell_text(value).lower().replace("ё", "е")
        if text in ("", "-", "—", "нет данных", "не указан"):
            return None
        if text in ("нет", "без стажа", "менее года", "меньше года", "до года", "0"):
            return 0
        years = _experience_from_text(text, value)
    if years < 0:
        _experience_error(value)
    whole = math.floor(years + 1e-9)
    if whole > MAX_EXPERIENCE:
        if 1940 <= whole <= 2100:
            raise ValueError(f"«{cell_text(value)}» похоже на год, а не на стаж: укажите число полных лет.")
        raise ValueError(f"Стаж {whole} лет — больше {MAX_EXPERIENCE}; проверьте число.")
    return whole


def _experience_from_text(text: str, original) -> float:
    years = months = 0.0
    found = False
    rest = text
    for match in _EXPERIENCE_PART.finditer(text):
        number = float(match[1].replace(",", "."))
        unit = match[2]
        if unit == "" or unit.startswith(("г", "л")):
            years += number
        elif unit.startswith("м"):
            months += number
        elif unit.startswith("д"):
            pass  # days do not change whole years
        else:
            _experience_error(original)
        found = True
        rest = rest.replace(match[0], " ", 1)
    leftover = set(re.split(r"[\s,.;:()]+", rest)) - _EXPERIENCE_FILLER
    if not found or leftover:
        _experience_error(original)
    return years + months / 12


def experience_note(value, years: int | None) -> str:
    """What the preview says about an experience read from words rather than a plain number of years.

    «менее года» is stored as 0 full years, «12,5» as 12, «3 г. 4 мес.» as 3: the user sees the reading, so no
    value turns into a number without anyone noticing.
    """
    if years is None or isinstance(value, int | float | Decimal):
        if isinstance(value, float) and not value.is_integer():
            return f"«{cell_text(value)}» — записано {_years(years)}: учитываются полные годы."
        return ""
    text = cell_text(value)
    if re.fullmatch(r"\d+(\s*(г|л)[а-я]*\.?)?", text.lower()):
        return ""
    if years == 0:
        return f"«{text}» — записано 0 лет (меньше года)."
    return f"«{text}» — записано {_years(years)}: учитываются полные годы."


def _years(years: int) -> str:
    last, tens = years % 10, years % 100
    word = "год" if last == 1 and tens != 11 else "года" if 2 <= last <= 4 and not 12 <= tens <= 14 else "лет"
    return f"{years} {word}"


def _experience_error(value):
    raise ValueError(
        f"Не удалось прочитать «{cell_text(value)}». Укажите число полных лет: 5, «5 лет» или «12 лет 3 мес.»."
    )


_PHONE = re.compile(r"^[0-9+()\-\s]{5,30}$")


def clean_phone(value) -> str:
    """A phone as the person wrote it, tidied; a bare number (as Excel stores it) gets readable spacing."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = cell_text(value)
    if text.lower() in ("", "-", "нет", "не указан"):
        return ""
    text = re.sub(r"^(тел(ефон)?|моб|сот)\.?:?\s*", "", text, flags=re.IGNORECASE).replace(".", "-")
    if text.isdigit():
        text = _format_digits(text)
    if not _PHONE.match(text):
        raise ValueError(
            f"«{cell_text(value)}» — не номер телефона: допустимы цифры, пробелы, скобки, + и - "
            "(от 5 до 30 знаков). Если номеров несколько, оставьте один."
        )
    return text


def _format_digits(digits: str) -> str:
    if len(digits) == 11 and digits[0] in "78":
        prefix = "+7" if digits[0] == "7" else "8"
        return f"{prefix} ({digits[1:4]}) {digits[4:7]}-{digits[7:9]}-{digits[9:]}"
    if len(digits) == 10 and digits[0] == "9":
        return f"+7 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}"
    return digits


def phone_digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def clean_email(value) -> str:
    text = cell_text(value).strip("<>").removeprefix("mailto:").strip()
    if text.lower() in ("", "-", "нет", "не указан", "не указана"):
        return ""
    if re.search(r"[\s,;]", text):
        raise ValueError(f"«{text}»: укажите один адрес, без пробелов.")
    try:
        validate_email(text)
    except ValidationError:
        raise ValueError(f"Адрес «{text}» записан с ошибкой: нужен вид ivanova@school.ru.") from None
    return text
