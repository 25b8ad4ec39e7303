"""Walking every URL of the project against the security suite's world: sample URLs, and requests whose effects
are rolled back so that each meets the same data. Shared by the permission matrix, the header sweep and the form
fuzzing.
"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import pytest
from django.db import connection, transaction

from tests.config.test_urls import CONVERTER, all_routes

ID_PARAMS = {"pk", "item_pk", "consent_pk", "file_pk", "row", "meeting", "remark"}
WORDS = {
    "role": "head",
    "key": "forms",
    "purpose": "personal_data",
    "version": 1,
    "fmt": "xlsx",
    "kind": "early_end",
    "table": "participants",
    "uidb64": "MQ",
    "token": "set-password",
    "number": 1,  # a version of a programme (mentoring:programme_version)
}
# Tables our data lives in: a GET must write to none of them. Sessions and login records are Django's own; the
# audit log is written on purpose when a GET downloads personal data.
OUR_TABLES = re.compile(
    r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(?!people_auditevent)(people|mentoring|roadmap|monitoring|auth)_', re.I
)


def routes():
    return [r for r in all_routes() if r.name and not r.pattern.startswith("admin/")]


def url_for(route, world, object_id: int, **overrides: str) -> str:
    """The route's address with sample values; `overrides` puts given text (quoted by the caller) in their place."""
    values = {}
    for match in CONVERTER.finditer(route.pattern):
        name = match["name"]
        if name in overrides:
            values[name] = overrides[name]
        elif name == "org":
            values[name] = world.own.slug
        elif name == "municipality":
            values[name] = world.municipality.slug
        elif name in ID_PARAMS:
            values[name] = object_id
        elif name in WORDS:
            values[name] = WORDS[name]
        else:
            pytest.fail(f"{route.name}: no sample value for <{name}> — add it to WORDS or ID_PARAMS")
    return route.url(values)


def request(client, method: str, url: str):
    """One request whose effects are rolled back, so that every request sees the same world.

    The client's cookies are put back too: a logout (or a new session) must not change who the next request is.
    """
    cookies = SimpleCookie()
    cookies.load(client.cookies.output(header="", sep=";"))
    writes: list[str] = []

    def watch(execute, sql, params, many, context):
        if OUR_TABLES.match(sql):
            writes.append(sql[:120])
        return execute(sql, params, many, context)

    with transaction.atomic(), connection.execute_wrapper(watch):
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response, writes
