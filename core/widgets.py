"""Form widgets every app's forms share."""

from django import forms

# The browser's own date picker; the value travels as ISO 8601 whatever the page's locale.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
