"""The filters of the roadmap app's lists (the order book), read from the query string."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from core.filters import ListFilterSet, PositiveIntegerFilter
from roadmap.models import Order, OrderKind


class OrderFilter(ListFilterSet):
    kind = django_filters.ChoiceFilter(choices=OrderKind.choices)
    status = django_filters.ChoiceFilter(choices=Order.Status.choices)
    year = PositiveIntegerFilter(field_name="book_year")  # an annotation of the register's queryset
    q = django_filters.CharFilter(method="by_heading_or_number")

    def by_heading_or_number(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(heading__icontains=value) | Q(reg_number__icontains=value))
