"""Paging, sorting and query-string parsing for the lists of every app."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from core.text import as_id

PAGE_SIZE = 25


def page_of(request: HttpRequest, qs, size: int = PAGE_SIZE) -> Page:
    return Paginator(qs, size).get_page(request.GET.get("page"))


def int_param(request: HttpRequest, name: str) -> int | None:
    """A positive whole number from the query string, or None when absent or not a number."""
    return as_id(request.GET.get(name, ""))


def apply_sort(qs, request: HttpRequest, sorts: dict[str, tuple[str, ...]], default: str) -> tuple:
    """Order by ?sort=key or ?sort=-key (a key of `sorts`); return the queryset and the sort in force."""
    wanted = request.GET.get("sort", default)
    key = wanted.removeprefix("-")
    if key not in sorts:
        wanted, key = default, default.removeprefix("-")
    fields = sorts[key]
    if wanted.startswith("-"):
        fields = tuple(f.removeprefix("-") if f.startswith("-") else f"-{f}" for f in fields)
    return qs.order_by(*fields), wanted


def sort_links(current: str, keys: list[str]) -> dict[str, dict]:
    """For each sortable column: the ?sort value its header link sets, and the arrow to show."""
    links = {}
    for key in keys:
        if current == key:
            links[key] = {"value": f"-{key}", "arrow": "↑"}
        elif current == f"-{key}":
            links[key] = {"value": key, "arrow": "↓"}
        else:
            links[key] = {"value": key, "arrow": ""}
    return links
