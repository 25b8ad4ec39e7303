"""The database going away, on cue: an execute wrapper that fails a chosen statement and everything after it.

`database_goes_away(table="people_person", verbs=("INSERT",), nth=2)` lets the first matching statement
through, fails the second with OperationalError (what the driver raises when the server closes the connection)
and from then on fails every statement but transaction control (savepoints and rollbacks), so the test's own
transaction can unwind while no page, middleware or log handler can quietly read anything after the fault.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.db.utils import OperationalError
from django.test import Client

UNWINDING = re.compile(r"^\s*(SAVEPOINT|ROLLBACK|RELEASE)\b", re.IGNORECASE)
GONE = "server closed the connection unexpectedly"


@dataclass
class Outage:
    table: str | None = None  # fail only statements naming this table (quoted, as Django writes it)
    verbs: tuple[str, ...] = ()  # and starting with one of these (INSERT, UPDATE, DELETE, SELECT)
    nth: int = 1  # the how-many-th matching statement fails
    seen: int = 0
    gone: bool = False
    failed: list[str] = field(default_factory=list)

    def matches(self, sql: str) -> bool:
        head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if self.verbs and head not in self.verbs:
            return False
        return self.table is None or f'"{self.table}"' in sql

    def __call__(self, execute, sql, params, many, context):
        if UNWINDING.match(sql):
            return execute(sql, params, many, context)
        if not self.gone and self.matches(sql):
            self.seen += 1
            self.gone = self.seen >= self.nth
        if self.gone:
            self.failed.append(sql)
            raise OperationalError(GONE)
        return execute(sql, params, many, context)


@contextmanager
def database_goes_away(**outage) -> Iterator[Outage]:
    """Within the block the database fails as `Outage(**outage)` describes; yields it to ask what failed."""
    state = Outage(**outage)
    with connection.execute_wrapper(state):
        yield state


def tolerant(client: Client) -> Client:
    """A test client that returns the error page instead of re-raising what the server logged as a 500."""
    client.raise_request_exception = False
    return client
