"""The common ground of list filters: bad values count as absent, defaults hold, sorting breaks ties."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from core.filters import ListFilterSet, PositiveIntegerFilter, SearchFilter, SortFilter, WordsFilter
from people.models import Person
from tests.factories import PersonFactory


class PeopleFilter(ListFilterSet):
    q = SearchFilter()
    surname = WordsFilter(field_name="name_key")
    pk = PositiveIntegerFilter(field_name="pk")
    sort = SortFilter({"name": ("surname", "id"), "first": ("-name", "surname", "id")}, default="-name")


def run(query: str, org) -> PeopleFilter:
    return PeopleFilter(QueryDict(query), queryset=Person.objects.for_org(org))


@pytest.fixture
def people(org):
    return [
        PersonFactory(organization=org, surname=surname, name=name)
        for surname, name in (("Васильева", "Анна"), ("Борисова", "Вера"), ("Алексеева", "Вера"), ("Семёнова", "Ия"))
    ]


def surnames(filterset: PeopleFilter) -> list[str]:
    return [p.surname for p in filterset.qs]


def test_with_nothing_asked_every_filter_is_at_its_default(org, people):
    found = run("", org)
    assert found.values == {"q": "", "surname": "", "pk": None, "sort": "-name"}
    assert not found.filtered
    assert surnames(found) == ["Семёнова", "Васильева", "Борисова", "Алексеева"]


@pytest.mark.parametrize("query", ["pk=abc", "pk=-1", "pk=0", "pk=1234567890123456789", "pk=²", "sort=password"])
def test_a_bad_value_counts_as_absent_rather_than_emptying_the_list(org, people, query):
    found = run(query, org)
    assert found.values["pk"] is None and found.values["sort"] == "-name"
    assert not found.filtered
    assert len(found.qs) == 4


def test_sorting_by_a_key_and_descending_flips_every_field(org, people):
    assert surnames(run("sort=name", org)) == ["Алексеева", "Борисова", "Васильева", "Семёнова"]
    assert surnames(run("sort=first", org)) == ["Семёнова", "Алексеева", "Борисова", "Васильева"]
    assert surnames(run("sort=-first", org)) == ["Васильева", "Борисова", "Алексеева", "Семёнова"]
    found = run("sort=-name", org)
    assert found.sort_links["name"] == {"value": "name", "arrow": "↓"}
    assert found.sort_links["first"] == {"value": "first", "arrow": ""}
    assert run("sort=name", org).sort_links["name"] == {"value": "-name", "arrow": "↑"}


def test_words_match_in_any_order_ignoring_case_and_yo(org, people):
    assert surnames(run("surname=СЕМЕНОВА", org)) == ["Семёнова"]
    found = run("surname=  вера   алексеева ", org)
    assert surnames(found) == ["Алексеева"]
    assert found.values["surname"] == "вера   алексеева" and found.filtered


def test_the_search_box_uses_the_querysets_own_search(org, people):
    assert surnames(run("q=борисова", org)) == ["Борисова"]


def test_an_id_filters_and_marks_the_list_as_filtered(org, people):
    found = run(f"pk={people[1].pk}", org)
    assert surnames(found) == ["Борисова"] and found.filtered and found.values["pk"] == people[1].pk
