"""The filters of the monitoring app's lists (best practices, survey rounds), read from the query string."""

from __future__ import annotations

import django_filters

from core.filters import ListFilterSet, PositiveIntegerFilter, SearchFilter
from monitoring.models import SurveyRound


class PracticeFilter(ListFilterSet):
    q = SearchFilter()
    direction = PositiveIntegerFilter(field_name="direction_id")
    form = PositiveIntegerFilter(field_name="form_id")


class SurveyRoundFilter(ListFilterSet):
    status = django_filters.ChoiceFilter(choices=SurveyRound.Status.choices)
