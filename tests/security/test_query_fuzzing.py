"""Every page's address filled with odd values: the query string of every list and report page, and the path
parameters of the routes strangers may open. The answer is never a server error.

A list's address is typed, bookmarked and passed on: a NUL byte the database refuses, a date of year 1 or 9999,
a page number past 64 bits or a string of ten thousand letters may reach any of them. The parameters tried are
the fields of the page's own GET forms (its filters, the report's period) and the names the views read from the
query string themselves; a new filter is fuzzed as soon as a page shows it.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote, urlencode

import pytest

from tests.config.test_urls import CONVERTER, PUBLIC
from tests.security.conftest import OWN_ID
from tests.security.walk import request, routes, url_for

pytestmark = pytest.mark.xdist_group("security")

# Who opens a page for the walk: the first of them to get it (the municipal pages open to the coordinator only).
OPENERS = ("admin", "curator", "head", "coordinator", "mentor", "mentee", "council", "anonymous")
# Names the views read from request.GET without a form on the page.
READ_BY_VIEWS = [
    "q", "page", "wpage", "sort", "show", "which", "set", "previous", "start", "end", "year", "fmt", "download",
    "fresh", "kind", "purpose", "status", "cancel", "end_reason", "tab", "person", "direction", "org",
]  # fmt: skip
ODD = [
    "\x00",
    "Иван\x00ова",
    "а" * 10_000,
    "0001-01-01",
    "31.12.9999",
    "-1",
    "9" * 30,
    "abc",
    "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),  # the bytes of a lone surrogate
]
# Dates go in pairs: a period is read only when both its ends are valid dates.
ODD_DATES = ["0001-01-01", "9999-12-31", "31.12.9999"]
DATE_NAMES = {"start", "end"}


class GetFormFields(HTMLParser):
    """The names of the fields of a page's GET forms (filters, periods, search boxes)."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()
        self.dates: set[str] = set()
        self._inside = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._inside = (a.get("method") or "get").lower() == "get"
        elif self._inside and tag in ("input", "select", "textarea") and a.get("name"):
            self.names.add(a["name"])
            if a.get("type") == "date":
                self.dates.add(a["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False


def opened_pages(world) -> list[tuple[str, str, list[str], list[str]]]:
    """(who, url, query names, date names) for every page someone of the world opens with 200."""
    pages = []
    for route in sorted(routes(), key=lambda r: r.name):
        url = url_for(route, world, OWN_ID)
        for who in OPENERS:
            response, _ = request(world.clients[who], "get", url)
            if response.status_code == 200:
                names, dates = set(READ_BY_VIEWS), set(DATE_NAMES)
                if "text/html" in response.get("Content-Type", ""):
                    finder = GetFormFields()
                    finder.feed(response.content.decode())
                    names |= finder.names
                    dates |= finder.dates
                pages.append((who, url, sorted(names), sorted(dates)))
                break
    return pages


def test_no_page_answers_odd_query_strings_with_a_server_error(world):
    pages = opened_pages(world)
    assert len(pages) >= 80, f"the walk opened only {len(pages)} pages: it has stopped seeing them"
    failures = []
    for who, url, names, dates in pages:
        queries = [(value, dict.fromkeys(names, value)) for value in ODD]
        queries += [(value, dict.fromkeys(dates, value)) for value in ODD_DATES]
        for value, query in queries:
            address = f"{url}?{urlencode(query)}"
            try:
                response, writes = request(world.clients[who], "get", address)
            except Exception as exc:  # the test client re-raises a view's exception: that is the 500
                failures.append(f"GET {url} as {who} with {value[:20]!r}: {exc.__class__.__name__}: {exc}"[:300])
                continue
            if response.status_code >= 500:
                failures.append(f"GET {url} as {who} with {value[:20]!r}: {response.status_code}")
            if writes:
                failures.append(f"GET {url} as {who} with {value[:20]!r} wrote {writes}")
    assert not failures, "\n".join(failures[:30])


ODD_IN_PATH = ["\x00", "abc\x00def", "a" * 5000, "..%2F..%2Fetc", "%", "9" * 30]


def test_no_public_address_answers_odd_path_values_with_a_server_error(world):
    """The calendar feed's token, the public pages' organisation: whatever a stranger puts there is a 404."""
    public = [r for r in routes() if r.name in PUBLIC and CONVERTER.search(r.pattern)]
    assert {r.name for r in public} >= {"calendar_feed", "public_page", "public_embed", "password_reset_confirm"}
    failures = []
    for route in public:
        for name in (m["name"] for m in CONVERTER.finditer(route.pattern)):
            for value in ODD_IN_PATH:
                # Quoted as a browser sends it; the server unquotes it into the path the URLconf sees.
                url = url_for(route, world, OWN_ID, **{name: quote(value, safe="%")})
                for who in ("anonymous", "curator"):
                    try:
                        response, _ = request(world.clients[who], "get", url)
                    except Exception as exc:  # the test client re-raises a view's exception: that is the 500
                        failures.append(f"GET {url[:80]} as {who}: {exc.__class__.__name__}: {exc}"[:300])
                        continue
                    if response.status_code >= 500:
                        failures.append(f"GET {url[:80]} as {who}: {response.status_code}")
                    elif response.status_code == 200 and not route.name.startswith("password_reset"):
                        failures.append(f"GET {url[:80]} as {who}: 200 for an address that names nothing")
    assert not failures, "\n".join(failures[:30])
