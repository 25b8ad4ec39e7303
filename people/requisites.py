"""The organisation as an operator of personal data: its ИНН and ОГРН checked by their control digits, and
which requisites a consent form needs but the organisation has not filled in.

The checks follow the Federal Tax Service's rules for the control digits (ИНН: 10 digits for an organisation,
12 for an individual; ОГРН: 13 digits). A typo in one digit fails the check, so it is caught beside the field
instead of being printed on every consent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
INN11_WEIGHTS = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
INN12_WEIGHTS = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _control(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_is_valid(value: str) -> bool:
    if not value.isdigit() or len(value) not in (10, 12) or not value.isascii():
        return False
    if len(value) == 10:
        return _control(value, INN10_WEIGHTS) == int(value[9])
    return _control(value, INN11_WEIGHTS) == int(value[10]) and _control(value, INN12_WEIGHTS) == int(value[11])


def ogrn_is_valid(value: str) -> bool:
    if not value.isdigit() or len(value) != 13 or not value.isascii():
        return False
    return int(value[:12]) % 11 % 10 == int(value[12])


def validate_inn(value: str) -> None:
    if not value.isascii() or not value.isdigit():
        raise ValidationError("ИНН состоит только из цифр, без пробелов и букв.", code="inn_format")
    if len(value) not in (10, 12):
        raise ValidationError(
            f"В ИНН {len(value)} цифр, а должно быть 10 (у организации) или 12 (у индивидуального предпринимателя).",
            code="inn_length",
        )
    if not inn_is_valid(value):
        raise ValidationError(
            "ИНН не прошёл проверку контрольного числа — вероятно, в нём опечатка. Сверьте его с выпиской из ЕГРЮЛ.",
            code="inn_checksum",
        )


def validate_ogrn(value: str) -> None:
    if not value.isascii() or not value.isdigit():
        raise ValidationError("ОГРН состоит только из цифр, без пробелов и букв.", code="ogrn_format")
    if len(value) != 13:
        raise ValidationError(f"В ОГРН {len(value)} цифр, а должно быть 13.", code="ogrn_length")
    if not ogrn_is_valid(value):
        raise ValidationError(
            "ОГРН не прошёл проверку контрольной цифры — вероятно, в нём опечатка. Сверьте его с выпиской из ЕГРЮЛ.",
            code="ogrn_checksum",
        )


@dataclass(frozen=True)
class Requisite:
    field: str
    label: str
    needed_for: str


# What the consent forms print about the operator, in the order of the organisation's form.
PERSONAL_DATA = "согласие на обработку персональных данных"
PUBLICATION = "согласие на распространение (публикацию на сайте)"
REQUISITES: tuple[Requisite, ...] = (
    Requisite("legal_address", "адрес (место нахождения) организации", f"{PERSONAL_DATA} и {PUBLICATION}"),
    Requisite("inn", "ИНН", PUBLICATION),
    Requisite("ogrn", "ОГРН", PUBLICATION),
    Requisite("site", "адрес официального сайта", PUBLICATION),
)


def operator_address(org) -> str:
    """The operator's address as the consents print it: the legal address, else the address on the letterhead."""
    return (org.legal_address or org.address or "").strip()


def missing_requisites(org) -> list[Requisite]:
    """The operator's requisites a consent form needs and the organisation has not filled in."""
    values = {"legal_address": operator_address(org), "inn": org.inn, "ogrn": org.ogrn, "site": org.site}
    return [item for item in REQUISITES if not (values[item.field] or "").strip()]
