"""Names and posts by case (people.declension): both genders, indeclinable and double surnames, «оглы»/«кызы»,
no patronymic, and the card's overrides that win over the rules."""

from __future__ import annotations

import logging

import pytest
from django.template import Context, Template

from people import declension
from people.forms import PersonForm
from people.models import Person
from tests.factories import PersonFactory

# (surname, name, patronymic) → (genitive, dative, accusative, instrumental, prepositional)
NAMES = [
    (
        ("Гусев", "Владимир", "Николаевич"),
        (
            "Гусева Владимира Николаевича",
            "Гусеву Владимиру Николаевичу",
            "Гусева Владимира Николаевича",
            "Гусевым Владимиром Николаевичем",
            "Гусеве Владимире Николаевиче",
        ),
    ),
    (
        ("Белова", "Наталья", "Сергеевна"),
        (
            "Беловой Натальи Сергеевны",
            "Беловой Наталье Сергеевне",
            "Белову Наталью Сергеевну",
            "Беловой Натальей Сергеевной",
            "Беловой Наталье Сергеевне",
        ),
    ),
    # A female surname ending in a consonant does not change; the male one does.
    (
        ("Шевчук", "Анна", "Петровна"),
        (
            "Шевчук Анны Петровны",
            "Шевчук Анне Петровне",
            "Шевчук Анну Петровну",
            "Шевчук Анной Петровной",
            "Шевчук Анне Петровне",
        ),
    ),
    (
        ("Шевчук", "Олег", "Иванович"),
        (
            "Шевчука Олега Ивановича",
            "Шевчуку Олегу Ивановичу",
            "Шевчука Олега Ивановича",
            "Шевчуком Олегом Ивановичем",
            "Шевчуке Олеге Ивановиче",
        ),
    ),
    # Indeclinable surnames: -ко, -их/-ых, a foreign -а after a vowel.
    (
        ("Петренко", "Игорь", "Степанович"),
        (
            "Петренко Игоря Степановича",
            "Петренко Игорю Степановичу",
            "Петренко Игоря Степановича",
            "Петренко Игорем Степановичем",
            "Петренко Игоре Степановиче",
        ),
    ),
    (
        ("Седых", "Мария", "Ильинична"),
        (
            "Седых Марии Ильиничны",
            "Седых Марии Ильиничне",
            "Седых Марию Ильиничну",
            "Седых Марией Ильиничной",
            "Седых Марии Ильиничне",
        ),
    ),
    # Double surnames decline in both parts.
    (
        ("Римская-Корсакова", "Ольга", "Сергеевна"),
        (
            "Римской-Корсаковой Ольги Сергеевны",
            "Римской-Корсаковой Ольге Сергеевне",
            "Римскую-Корсакову Ольгу Сергеевну",
            "Римской-Корсаковой Ольгой Сергеевной",
            "Римской-Корсаковой Ольге Сергеевне",
        ),
    ),
    (
        ("Петров-Водкин", "Кузьма", "Сергеевич"),
        (
            "Петрова-Водкина Кузьмы Сергеевича",
            "Петрову-Водкину Кузьме Сергеевичу",
            "Петрова-Водкина Кузьму Сергеевича",
            "Петровым-Водкиным Кузьмой Сергеевичем",
            "Петрове-Водкине Кузьме Сергеевиче",
        ),
    ),
    # «оглы» / «кызы»: the father's name and the particle stay, the rest declines.
    (
        ("Алиев", "Эльчин", "Рашид оглы"),
        (
            "Алиева Эльчина Рашид оглы",
            "Алиеву Эльчину Рашид оглы",
            "Алиева Эльчина Рашид оглы",
            "Алиевым Эльчином Рашид оглы",
            "Алиеве Эльчине Рашид оглы",
        ),
    ),
    (
        ("Мамедова", "Лейла", "Ариф кызы"),
        (
            "Мамедовой Лейлы Ариф кызы",
            "Мамедовой Лейле Ариф кызы",
            "Мамедову Лейлу Ариф кызы",
            "Мамедовой Лейлой Ариф кызы",
            "Мамедовой Лейле Ариф кызы",
        ),
    ),
    # No patronymic: the first name tells the gender.
    (
        ("Журавель", "Мария", ""),
        ("Журавель Марии", "Журавель Марии", "Журавель Марию", "Журавель Марией", "Журавель Марии"),
    ),
    (
        ("Кузнецов", "Павел", ""),
        ("Кузнецова Павла", "Кузнецову Павлу", "Кузнецова Павла", "Кузнецовым Павлом", "Кузнецове Павле"),
    ),
    (
        ("Ильин", "Никита", "Ильич"),
        (
            "Ильина Никиты Ильича",
            "Ильину Никите Ильичу",
            "Ильина Никиту Ильича",
            "Ильиным Никитой Ильичом",
            "Ильине Никите Ильиче",
        ),
    ),
]


@pytest.mark.parametrize(("parts", "forms"), NAMES, ids=[" ".join(p for p in n[0] if p) for n in NAMES])
def test_full_names_decline_by_case(parts, forms):
    for case, expected in zip(declension.CASES, forms, strict=True):
        assert declension.decline_full(*parts, case) == expected, case


@pytest.mark.parametrize(
    ("parts", "gender"),
    [
        (("Иванов", "Саша", "Петрович"), "male"),
        (("Иванова", "Саша", "Петровна"), "female"),
        (("Алиев", "Эльчин", "Рашид оглы"), "male"),
        (("Гасанова", "Айгюн", "Ильхам кызы"), "female"),
        (("Ким", "Ольга", ""), "female"),
        (("Ким", "Сергей", ""), "male"),
        (("Ким", "Женя", ""), None),
    ],
)
def test_gender_comes_from_the_patronymic_then_the_name(parts, gender):
    assert declension.gender_of(*parts) == gender


def test_an_unknown_gender_still_gives_a_grammatical_first_name():
    # «Саша» with nothing else to go on: the а-declension is the same for both genders.
    assert declension.decline_full("Ким", "Саша", "", "genitive") == "Ким Саши"


@pytest.mark.parametrize(
    ("position", "case", "expected"),
    [
        ("учитель", "genitive", "учителя"),
        ("учитель математики", "accusative", "учителя математики"),
        ("учитель математики", "dative", "учителю математики"),
        ("старший воспитатель", "genitive", "старшего воспитателя"),
        ("старший воспитатель", "instrumental", "старшим воспитателем"),
        ("заместитель директора по УВР", "dative", "заместителю директора по УВР"),
        ("педагог-психолог", "instrumental", "педагогом-психологом"),
        ("учитель-логопед", "genitive", "учителя-логопеда"),
        ("музыкальный руководитель", "dative", "музыкальному руководителю"),
        ("заведующий", "accusative", "заведующего"),
        ("социальный педагог", "genitive", "социального педагога"),
        ("инструктор по физической культуре", "instrumental", "инструктором по физической культуре"),
        ("педагог дополнительного образования", "dative", "педагогу дополнительного образования"),
        # A post we do not know stays as written rather than be declined wrongly.
        ("водитель", "genitive", "водитель"),
        ("", "genitive", ""),
    ],
)
def test_common_positions_decline(position, case, expected):
    assert declension.decline_position(position, case) == expected


@pytest.mark.django_db
def test_an_override_on_the_card_wins_and_blank_means_automatic(org):
    person = PersonFactory(organization=org, surname="Соловей", name="Игорь", patronymic="Петрович")
    assert declension.full_name(person, "genitive") == "Соловея Игоря Петровича"  # what the rules say
    person.name_genitive = "Соловья Игоря Петровича"
    person.name_instrumental = "Соловьём Игорем Петровичем"
    person.save()
    person = Person.objects.get(pk=person.pk)
    assert declension.full_name(person, "genitive") == "Соловья Игоря Петровича"
    assert declension.initials_name(person, "genitive") == "Соловья И. П."
    assert declension.initials_first(person, "instrumental") == "И. П. Соловьём"
    assert declension.full_name(person, "dative") == "Соловею Игорю Петровичу"  # not overridden: automatic
    assert declension.full_name(person) == "Соловей Игорь Петрович"


@pytest.mark.django_db
def test_template_filters_decline_and_agree(org):
    woman = PersonFactory(organization=org, surname="Белова", name="Наталья", patronymic="Сергеевна")
    man = PersonFactory(organization=org, surname="Гусев", name="Владимир", patronymic="Николаевич")
    html = Template(
        "{% load names %}{{ w|genitive }}; {{ m|initials_dative }}; {{ m|instrumental }}; {{ w|accusative }}; "
        '{{ w|gendered:"ознакомлен,ознакомлена" }}; {{ m|gendered:"ознакомлен,ознакомлена" }}; '
        '{{ "учитель"|position_genitive }}; {{ "уже строка"|genitive }}'
    ).render(Context({"w": woman, "m": man}))
    assert html == (
        "Беловой Натальи Сергеевны; Гусеву В. Н.; Гусевым Владимиром Николаевичем; Белову Наталью Сергеевну; "
        "ознакомлена; ознакомлен; учителя; уже строка"
    )


def test_gendered_word_without_a_gender_shows_both():
    person = Person(surname="Ким", name="Женя", patronymic="")
    assert declension.gendered(person, "ознакомлен", "ознакомлена") == "ознакомлен(а)"


def test_names_stay_out_of_the_log(caplog):
    with caplog.at_level(logging.DEBUG):
        declension.decline_full("Уникальнова", "Аглая", "Прохоровна", "dative")
    assert "Уникальнова" not in caplog.text and "Аглая" not in caplog.text


@pytest.mark.django_db
def test_the_person_form_shows_automatic_forms_and_checks_overrides(org):
    person = PersonFactory(organization=org, surname="Журавель", name="Пётр", patronymic="Андреевич")
    form = PersonForm(instance=person, organization=org)
    assert form.fields["name_genitive"].widget.attrs["placeholder"] == "Журавеля Петра Андреевича"
    assert form.fields["name_instrumental"].widget.attrs["placeholder"] == "Журавелем Петром Андреевичем"
    data = {
        "surname": "Журавель",
        "name": "Пётр",
        "patronymic": "Андреевич",
        "position": "учитель",
        "qualification_category": "none",
        "name_genitive": "Журавля",  # one word where the name has three
        "name_dative": "  Журавлю   Петру Андреевичу ",
    }
    form = PersonForm(data, instance=person, organization=org)
    assert not form.is_valid()
    assert "столько же слов" in form.errors["name_genitive"][0]
    data["name_genitive"] = "Журавля Петра Андреевича"
    form = PersonForm(data, instance=person, organization=org)
    assert form.is_valid(), form.errors
    saved = form.save()
    assert (saved.name_genitive, saved.name_dative) == ("Журавля Петра Андреевича", "Журавлю Петру Андреевичу")


@pytest.mark.django_db
def test_anonymizing_destroys_the_overrides_too(org):
    person = PersonFactory(organization=org, surname="Соловей", name="Игорь", patronymic="Петрович")
    person.name_genitive = "Соловья Игоря Петровича"
    person.save()
    destroyed = person.anonymize()
    person.refresh_from_db()
    assert "name_genitive" in destroyed
    assert person.name_genitive == ""
