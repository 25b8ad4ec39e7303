"""The filters of the mentoring app's lists (pairs), read from the query string."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from core.filters import ListFilterSet, PositiveIntegerFilter, WordsFilter
from mentoring.meetings import without_meetings
from mentoring.models import Mentorship
from people.models import Organization


class PairFilter(ListFilterSet):
    q = WordsFilter(field_name="mentor__name_key")
    state = django_filters.ChoiceFilter(choices=Mentorship.State.choices)
    form = PositiveIntegerFilter(field_name="form_id")
    kind = PositiveIntegerFilter(field_name="kinds__id", distinct=True)
    overdue = django_filters.ChoiceFilter(choices=[("1", "Есть просроченные мероприятия")], method="only_overdue")

    nomeet = django_filters.ChoiceFilter(choices=[("1", "Без встреч")], method="only_without_meetings")

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization

    def only_without_meetings(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """Working pairs flagged for the organisation's weeks without a meeting (the queryset has `last_meeting`)."""
        return without_meetings(qs, self.organization)

    def only_overdue(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(overdue_count__gt=0)
