"""The items of an order's operative part (распорядительная часть) as schools write them: points with sub-points
(1, 1.1, 1.1.1), each with an optional deadline and executor.

`Order.items` stores a list of dictionaries ``{"text", "level", "deadline", "executor"}``: `level` 0 is a point,
1 a sub-point, 2 a sub-sub-point; `deadline` is an ISO date («2027-01-31») or a short text («в течение учебного
года»); `executor` is the id of a person of the organisation. Numbers are never stored: they are computed from
the levels, so moving or deleting an item renumbers the rest. Older orders stored plain strings; `normalize`
reads both, and a leading number the author typed («2.1. …») becomes the item's level instead of being printed
after a computed one («4. 2.1. …»).

The content an order freezes at sending stores each item printed: ``{"number": "1.1.", "level": 1, "text": …}``
with the deadline and executor already written into the text, so the approved document never reads the live data.
"""

from __future__ import annotations

import re
from datetime import date

from people import declension
from people.models import Person

MAX_LEVEL = 2
# «2.1. Текст», «2.1 Текст», «3) Текст» typed at the start of an item.
_TYPED_NUMBER = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){1,3}\.?|\d{1,2}[.)])\s+(?=\S)")
# A part of a model text the author must replace: «[указать …]».
PLACEHOLDER = re.compile(r"\[указать[^\[\]]*\]")


def blank_item(text: str = "") -> dict:
    return {"text": text, "level": 0, "deadline": "", "executor": None}


def normalize_item(raw) -> dict:
    """One stored item (a legacy string or a dictionary) as a dictionary with every key."""
    if isinstance(raw, dict):
        item = blank_item(str(raw.get("text", "") or ""))
        try:
            item["level"] = max(0, min(MAX_LEVEL, int(raw.get("level") or 0)))
        except (TypeError, ValueError):
            item["level"] = 0
        item["deadline"] = str(raw.get("deadline") or "").strip()
        executor = raw.get("executor")
        item["executor"] = int(executor) if isinstance(executor, int | str) and str(executor).isdigit() else None
    else:
        item = blank_item(str(raw or ""))
    typed = _TYPED_NUMBER.match(item["text"])
    if typed:
        depth = typed.group(1).rstrip(".)").count(".") + 1
        item["text"] = item["text"][typed.end() :]
        if depth > 1:
            item["level"] = min(MAX_LEVEL, depth - 1)
    item["text"] = item["text"].strip()
    return item


def normalize(items) -> list[dict]:
    """Stored items as dictionaries, empty ones dropped, levels that jump («1», then «1.1.1») brought into line."""
    out: list[dict] = []
    for raw in items or []:
        item = normalize_item(raw)
        if not item["text"]:
            continue
        previous = out[-1]["level"] if out else -1
        item["level"] = min(item["level"], previous + 1)
        out.append(item)
    return out


def numbers(items: list[dict]) -> list[str]:
    """«1.», «1.1.», «1.1.1.», «2.» … for normalised items, as ГОСТ numbers the points of an order."""
    counters = [0] * (MAX_LEVEL + 1)
    out = []
    for item in items:
        level = item["level"]
        counters[level] += 1
        for deeper in range(level + 1, MAX_LEVEL + 1):
            counters[deeper] = 0
        out.append(".".join(str(n) for n in counters[: level + 1]) + ".")
    return out


def deadline_text(value: str) -> str:
    """«до 31.01.2027» for a date, the words as written for a text such as «в течение учебного года»."""
    value = (value or "").strip()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value.rstrip(".")
    return f"до {day:%d.%m.%Y}"


def executors_of(items) -> list[int]:
    return list(dict.fromkeys(item["executor"] for item in normalize(items) if item["executor"]))


def people_of(items, organization_id: int) -> dict[int, Person]:
    """The executors the items name, of the organisation only (one query)."""
    ids = executors_of(items)
    if not ids:
        return {}
    return {p.pk: p for p in Person.objects.filter(organization_id=organization_id, pk__in=ids)}


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", ":", ";")) else text + "."


def printed(items, people: dict[int, Person], resolve=lambda text: text) -> list[dict]:
    """The items as the document prints them: number, level and the text with its deadline and executor."""
    items = normalize(items)
    out = []
    for item, number in zip(items, numbers(items), strict=True):
        parts = [_sentence(resolve(item["text"]))]
        if item["deadline"]:
            parts.append(_sentence(f"Срок: {deadline_text(item['deadline'])}"))
        person = people.get(item["executor"]) if item["executor"] else None
        if person is not None:
            parts.append(_sentence(f"Ответственный: {declension.initials_name(person)}"))
        out.append({"number": number, "level": item["level"], "text": " ".join(parts)})
    return out


def shown(items) -> list[dict]:
    """Items of stored content (printed dictionaries, or plain strings of orders frozen before sub-items)."""
    out = []
    for n, item in enumerate(items or [], 1):
        if isinstance(item, dict):
            out.append({"number": item.get("number", f"{n}."), "level": item.get("level", 0), "text": item["text"]})
        elif str(item).strip():
            out.append({"number": f"{n}.", "level": 0, "text": str(item)})
    return out


def plain(items) -> list[str]:
    """Just the words of the items, for searches over an order's text."""
    return [item["text"] for item in normalize(items)]
