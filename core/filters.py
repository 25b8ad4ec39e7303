"""List filters from the query string, on django-filter: what the filters of every list page have in common.

A list's address is typed, bookmarked and passed on, so a value that does not validate (a status that does not
exist, «abc» for an id, a sort by a column the list does not have) counts as absent: the list falls back to that
filter's default instead of answering with an error or an empty page.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.functional import cached_property


class SortFilter(django_filters.Filter):
    """?sort=key or ?sort=-key (descending), a key of `sorts`; with no sort asked for, or an unknown one, `default`.

    Each key orders by a tuple of fields, the later ones breaking ties, so a page never reshuffles between loads.
    """

    field_class = forms.TypedChoiceField

    def __init__(self, sorts: dict[str, tuple[str, ...]], default: str, **kwargs) -> None:
        choices = [(value, value) for key in sorts for value in (key, f"-{key}")]
        super().__init__(choices=choices, empty_value=default, **kwargs)
        self.sorts = sorts

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        fields = self.sorts[value.removeprefix("-")]
        if value.startswith("-"):
            fields = tuple(f.removeprefix("-") if f.startswith("-") else f"-{f}" for f in fields)
        return qs.order_by(*fields)


class PositiveIntegerFilter(django_filters.Filter):
    """A whole number above zero (an id, a count of places); signs, letters and 19-digit numbers count as absent."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, min_value=1, max_value=10**18 - 1, **kwargs)


class WordsFilter(django_filters.CharFilter):
    """Rows whose `field_name`, a search key kept in lower case with «ё» written «е», contains every word typed
    (for a search through a relation, where the related model's own `search` cannot be called)."""

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        for word in value.lower().replace("ё", "е").split():
            qs = qs.filter(**{f"{self.field_name}__contains": word})
        return qs


class SearchFilter(django_filters.CharFilter):
    """The text typed in a list's search box, handed to the queryset's own `search` method."""

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        return qs.search(value)


class ListFilterSet(django_filters.FilterSet):
    """The filters of a list page. Every filter runs, with its empty value where the address gives none or a bad
    one, so that a filter may stand for a default (a status tab, the sort order)."""

    @cached_property
    def values(self) -> dict[str, Any]:
        """Each filter's value in force, for the page to show in its form: the address's, or the empty one."""
        self.form.is_valid()
        cleaned = self.form.cleaned_data
        return {
            name: cleaned[name] if name in cleaned else field.clean(None) for name, field in self.form.fields.items()
        }

    @property
    def filtered(self) -> bool:
        """Whether any filter narrows the list (sorting aside): an empty list then says that nothing was found."""
        return any(
            value != self.form.fields[name].clean(None)
            for name, value in self.values.items()
            if not isinstance(self.filters[name], SortFilter)
        )

    @property
    def sort_links(self) -> dict[str, dict[str, str]]:
        """For each sortable column: the ?sort value its header link sets, and the arrow to show beside it."""
        name, sort = next((n, f) for n, f in self.filters.items() if isinstance(f, SortFilter))
        current, links = self.values[name], {}
        for key in sort.sorts:
            if current == key:
                links[key] = {"value": f"-{key}", "arrow": "↑"}
            elif current == f"-{key}":
                links[key] = {"value": key, "arrow": "↓"}
            else:
                links[key] = {"value": key, "arrow": ""}
        return links

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        for name, value in self.values.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset
