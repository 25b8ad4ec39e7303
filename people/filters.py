"""The filters of the people app's lists (the staff and the two banks), read from the query string."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from core.filters import ListFilterSet, PositiveIntegerFilter, SearchFilter, SortFilter, WordsFilter
from people.models import MenteeEntry, MentorEntry, Role

ALL = "all"
WITHOUT_MENTOR = "without_mentor"
# The status choices of each bank's list, as its form offers them: the bank itself first, everything last.
MENTEE_STATUSES = [
    ("", "В банке"),
    (WITHOUT_MENTOR, "Без наставника (ожидают и сопровождаются)"),
    *MenteeEntry.Status.choices,
    (ALL, "Все записи"),
]
MENTOR_STATUSES = [("", "В банке"), *MentorEntry.Status.choices, (ALL, "Все")]


class BankStatusFilter(django_filters.ChoiceFilter):
    """A bank's status tabs: none chosen (or an unknown one), the entries in the bank; «all», every entry; a
    status, the entries in it."""

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        if value == ALL:
            return qs
        if value == WITHOUT_MENTOR:
            return qs.without_mentor()
        return qs.filter(status=value) if value else qs.in_bank()


class MenteeBankFilter(ListFilterSet):
    status = BankStatusFilter(choices=MENTEE_STATUSES)
    category = PositiveIntegerFilter(field_name="category_id")
    direction = PositiveIntegerFilter(field_name="directions__id")
    q = WordsFilter(field_name="person__name_key")
    sort = SortFilter(
        {
            "name": ("person__name_key", "id"),
            "date": ("request_date", "id"),
            "status": ("status_order", "person__name_key", "id"),
            "category": ("category__position", "category__name", "person__name_key", "id"),
        },
        default="-date",
    )


class MentorBankFilter(ListFilterSet):
    status = BankStatusFilter(choices=MENTOR_STATUSES)
    review = django_filters.ChoiceFilter(choices=MentorEntry.Review.choices)
    competency = PositiveIntegerFilter(field_name="competencies__id")
    trained = django_filters.ChoiceFilter(choices=[("yes", "Обучен"), ("no", "Не обучен")], method="by_training")
    capacity = PositiveIntegerFilter(field_name="capacity_left", lookup_expr="gte")
    q = WordsFilter(field_name="person__name_key")
    sort = SortFilter(
        {
            "name": ("person__name_key", "id"),
            "status": ("status_order", "person__name_key", "id"),
            "capacity": ("capacity_left", "person__name_key", "id"),
            "interview": ("interview_date", "person__name_key", "id"),
        },
        default="name",
    )

    def by_training(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(trained=value == "yes")


class PeopleSearchFilter(ListFilterSet):
    q = SearchFilter()


class StaffFilter(PeopleSearchFilter):
    role = django_filters.ChoiceFilter(field_name="roles__kind", choices=Role.Kind.choices)
    account = django_filters.ChoiceFilter(
        choices=[("none", "Без учётной записи"), ("yes", "С учётной записью")], method="by_account"
    )
    # Working staff unless «all» is asked for.
    show = django_filters.TypedChoiceFilter(
        choices=[("working", "Работающих"), (ALL, "Всех")], empty_value="working", method="by_show"
    )

    def by_show(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs if value == ALL else qs.working()

    def by_account(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(user__isnull=value == "none")
