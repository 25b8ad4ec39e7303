"""The bare floor page of `make bench`: the same rows in one query and a template of the same size, nothing else.

bench/run.py registers one floor per measured page in FLOORS; bench/urls.py routes to `floor_view`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template import Context, Engine

FLOOR_SOURCE = (
    '<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{{ title }}</title></head><body>'
    "<table>{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}"
    "</table><!--{{ pad }}--></body></html>"
)
FLOORS: dict[int, tuple[str, Callable[[], object], int]] = {}


@login_not_required  # the floor of the public page is opened without signing in, like the page
def floor_view(request, number: int):
    """The bare page: the same rows in one query, a template of the same size, nothing else."""
    name, rows_fn, size = FLOORS[number]
    template = Engine.get_default().from_string(FLOOR_SOURCE)
    rows = list(rows_fn())
    html = template.render(Context({"title": name, "rows": rows, "pad": ""}))
    if len(html) < size:
        html = template.render(Context({"title": name, "rows": rows, "pad": "x" * (size - len(html))}))
    return HttpResponse(html)
