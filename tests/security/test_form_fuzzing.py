"""Every form of every page, filled by hypothesis with odd values: the answer is never a server error.

The forms are found by opening every page of the organisation as each role and reading its HTML, so a new
form is fuzzed as soon as a page shows it. Each submission is rolled back, so every one meets the same data.
"""

from __future__ import annotations

import os
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.conftest import OWN_ID
from tests.security.walk import request, routes, url_for

pytestmark = pytest.mark.xdist_group("security")

FUZZERS = ("curator", "admin", "head", "mentor", "mentee")
# Examples per form; FUZZ_EXAMPLES=50 for a long hunt. The same examples every run (a red CI is reproducible),
# unless FUZZ_RANDOM=1 asks for new ones. A failure prints the data that caused it.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
DERANDOMIZE = not os.environ.get("FUZZ_RANDOM")
ODD = [
    "",
    " ",
    "0",
    "-1",
    "9" * 40,
    "1e309",
    "31.02.2026",
    "2026-13-45",
    "<script>alert(1)</script>",
    "'; DROP TABLE people_person; --",
    '=HYPERLINK("http://example.com")',
    "\x00",
    "😀" * 60,
    "а" * 5000,
    str(OWN_ID),
    "990001",
    "on",
]
VALUE = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=200),
    st.integers(min_value=-(10**15), max_value=10**15).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
)


class FormFinder(HTMLParser):
    """The POST forms of a page: where each posts, and the names of its fields (files left out)."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, list[str]]] = []
        self._current: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._current = (a.get("action") or "", [])
        elif (
            self._current is not None
            and tag in ("input", "select", "textarea")
            and a.get("name") not in (None, "csrfmiddlewaretoken")
            and a.get("type") != "file"
        ):
            self._current[1].append(a["name"])

    def handle_endtag(self, tag):
        if tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None


def forms_of_the_organisation(world) -> dict[tuple[str, str], list[str]]:
    """{(who, action path): field names} over every page each role can open."""
    found: dict[tuple[str, str], list[str]] = {}
    for route in routes():
        if not route.pattern.startswith("o/"):
            continue
        url = url_for(route, world, OWN_ID)
        for who in FUZZERS:
            response, _ = request(world.clients[who], "get", url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            finder = FormFinder()
            finder.feed(response.content.decode())
            for action, fields in finder.forms:
                path = urlsplit(urljoin(url, action or url)).path
                if fields and path.startswith("/o/"):
                    found.setdefault((who, path), sorted(set(fields)))
    return found


def fuzz(client, who: str, path: str, fields: list[str], failures: list[str]) -> None:
    @settings(
        max_examples=EXAMPLES,
        derandomize=DERANDOMIZE,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.fixed_dictionaries(dict.fromkeys(fields, VALUE)))
    def submit(data):
        try:
            with transaction.atomic():
                response = client.post(path, data)
                transaction.set_rollback(True)
        except Exception as exc:  # the test client re-raises a view's exception: that is the 500
            failures.append(f"POST {path} as {who} with {data!r}: {exc.__class__.__name__}: {exc}")
            return
        if response.status_code >= 500:
            failures.append(f"POST {path} as {who} with {data!r}: {response.status_code}")

    submit()


def test_no_form_answers_odd_input_with_a_server_error(world):
    forms = forms_of_the_organisation(world)
    assert len(forms) >= 30, f"the walk found only {len(forms)} forms: it has stopped seeing pages"
    failures: list[str] = []
    for (who, path), fields in sorted(forms.items()):
        fuzz(world.clients[who], who, path, fields, failures)
    assert not failures, "\n".join(failures[:20])
