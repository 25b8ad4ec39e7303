"""Our multiple-choice model field turns a forged id past 64 bits into an invalid choice; every form uses it."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date
from unittest import mock

import pytest
from django import forms
from django.core.exceptions import ValidationError

from core.forms import DateField, ModelMultipleChoiceField
from people.models import Person

APPS = ("people", "mentoring", "roadmap")


@pytest.mark.django_db
def test_an_id_too_large_for_the_database_is_an_invalid_choice():
    field = ModelMultipleChoiceField(queryset=Person.objects.all())
    with pytest.raises(ValidationError):
        field.clean(["9" * 40])


@pytest.mark.django_db
def test_the_overflow_a_database_raises_becomes_an_invalid_choice_naming_the_id():
    field = ModelMultipleChoiceField(queryset=Person.objects.all())
    # SQLite raises OverflowError for such an id; PostgreSQL answers «invalid choice» without it, so it is made here.
    with (
        mock.patch.object(forms.ModelMultipleChoiceField, "_check_values", side_effect=OverflowError),
        pytest.raises(ValidationError) as error,
    ):
        field.clean(["1", "9" * 40])
    assert error.value.code == "invalid_pk_value"
    assert "9" * 40 in error.value.messages[0]


def test_django_is_not_patched():
    check = forms.ModelMultipleChoiceField._check_values
    assert (check.__module__, check.__qualname__) == ("django.forms.models", "ModelMultipleChoiceField._check_values")


def _subclasses(cls: type):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_of_the_apps_uses_our_multiple_choice_field():
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)
    found = []
    for form in set(_subclasses(forms.BaseForm)):
        if form.__module__.split(".")[0] not in APPS:
            continue
        for name, field in getattr(form, "base_fields", {}).items():
            if isinstance(field, forms.ModelMultipleChoiceField):
                found.append((form.__name__, name, isinstance(field, ModelMultipleChoiceField)))
    assert len(found) >= 10  # the banks, pairs, practices, final events, trainings and orders
    assert [(form, name) for form, name, ours in found if not ours] == []


def test_every_date_field_of_every_form_is_ours_and_refuses_years_of_no_programme():
    apps = (*APPS, "monitoring")
    for app in apps:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)
    found = []
    for form in set(_subclasses(forms.BaseForm)):
        if form.__module__.split(".")[0] not in apps:
            continue
        for name, field in getattr(form, "base_fields", {}).items():
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                found.append((form.__name__, name, isinstance(field, DateField)))
    assert len(found) >= 35  # staff, banks, consents, pairs, programmes, orders, roadmaps, reports, questionnaires
    assert [(form, name) for form, name, ours in found if not ours] == []


@pytest.mark.parametrize("typed", ["0001-01-01", "01.01.0001", "31.12.9999", "9999-12-31", "1989-12-31", "2101-01-01"])
def test_a_date_of_a_year_no_programme_has_is_a_field_error_in_russian(typed):
    with pytest.raises(ValidationError) as error:
        DateField().clean(typed)
    assert error.value.messages == ["Проверьте год: дата должна быть не раньше 1990 и не позже 2100 года."]
    assert DateField().clean("1990-01-01") == date(1990, 1, 1)
    assert DateField().clean("31.12.2100") == date(2100, 12, 31)
