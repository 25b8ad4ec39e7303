"""Queries built once and run many times: the ORM compiles, PostgreSQL plans, both once per process and connection.

The figure queries of the dashboards and reports are dozens of subqueries. Building one with the ORM and compiling
it to SQL costs more than PostgreSQL takes to run it, and PostgreSQL spends as long again planning it. Their shape
never changes; only the values do (the organisations, the period's dates). So a `CompiledQuery`:

1. builds the queryset once per *shape* (the number of organisations) with stand-in values — marker ids, dates
   and moments no real row has — compiles it, and finds where each stand-in landed among the SQL's parameters
   (built twice with two sets of stand-ins: a parameter that changes between them and is not a stand-in means
   the query cannot be templated, and it is refused rather than run wrong);
2. on PostgreSQL prepares the SQL once per connection (`PREPARE`), so its plan is cached too, and runs it with
   `EXECUTE` and the call's values; elsewhere (SQLite) it runs the SQL with the values;
3. returns rows as dicts keyed by the queryset's own column names, like `.values()`.

Tests run each compiled query beside its plain queryset on the same data and compare the rows.
"""

from __future__ import annotations

import hashlib
import re
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection

# Stand-ins: values no real row or constant of ours has.
_ID_BASE = {0: -7_100_000_000, 1: -7_200_000_000}
_DATE_BASE = {0: date(1901, 1, 1), 1: date(1902, 6, 1)}
_MOMENT_BASE = {0: datetime(1903, 1, 1, tzinfo=UTC), 1: datetime(1904, 6, 1, tzinfo=UTC)}

# Every compiled query of the process (module-level objects, a fixed few): `expanded` looks through them.
_QUERIES: list[CompiledQuery] = []
# Per raw DB-API connection: the names of the statements prepared on it.
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


@dataclass(frozen=True)
class Args:
    """The values a query is built with: organisation ids, dates and aware moments, each by name."""

    ids: dict[str, Sequence[int]]
    dates: dict[str, date]
    moments: dict[str, datetime]
    # Values built into the SQL as they are (today's date, say): a new value compiles the query anew.
    fixed: tuple = ()

    def shape(self) -> tuple:
        return (
            tuple(sorted((k, len(v)) for k, v in self.ids.items())),
            tuple(sorted(self.dates)),
            tuple(sorted(self.moments)),
            self.fixed,
        )


def _stand_ins(args: Args, set_no: int) -> Args:
    ids, n = {}, 0
    for name in sorted(args.ids):
        ids[name] = [_ID_BASE[set_no] - (n + i) for i in range(len(args.ids[name]))]
        n += len(args.ids[name])
    dates = {name: _DATE_BASE[set_no] + timedelta(days=i) for i, name in enumerate(sorted(args.dates))}
    moments = {name: _MOMENT_BASE[set_no] + timedelta(hours=i) for i, name in enumerate(sorted(args.moments))}
    return Args(ids, dates, moments, args.fixed)


class NotTemplatable(Exception):
    """The query keeps a value of the call outside its parameters (in the SQL text, or transformed)."""


@dataclass(frozen=True)
class _Template:
    sql: str
    columns: tuple[str, ...] | None  # None: take them from the cursor
    slots: tuple[tuple[str, Any], ...]  # per parameter: ("const", value) or (kind, (name, index))
    name: str  # of the prepared statement
    compiler: Any  # the first build's compiler: converts the database's values as the ORM would (dates on SQLite)
    converters: dict

    def params(self, args: Args) -> list:
        ops = connection.ops
        values = []
        for kind, ref in self.slots:
            if kind == "const":
                values.append(ref)
            elif kind == "id":
                name, index = ref
                values.append(args.ids[name][index])
            elif kind == "date":
                values.append(args.dates[ref])
            elif kind == "date_adapted":
                values.append(ops.adapt_datefield_value(args.dates[ref]))
            elif kind == "moment":
                values.append(args.moments[ref])
            else:  # moment_adapted
                values.append(ops.adapt_datetimefield_value(args.moments[ref]))
        return values


class CompiledQuery:
    """`build(args) -> QuerySet` compiled once per shape of `args`; `rows(args)` runs it with the call's values."""

    def __init__(self, label: str, build: Callable[[Args], Any]) -> None:
        self.label = label
        self.build = build
        self._templates: dict[tuple, _Template] = {}
        _QUERIES.append(self)

    # --- compiling --------------------------------------------------------------------------------------------

    def template(self, args: Args) -> _Template:
        key = (connection.vendor, args.shape())
        found = self._templates.get(key)
        if found is None:
            found = self._compile(args)
            with _lock:
                if len(self._templates) >= 32:  # yesterday's shapes
                    self._templates.clear()
                self._templates[key] = found
        return found

    def _compile(self, args: Args) -> _Template:
        first, second = _stand_ins(args, 0), _stand_ins(args, 1)
        qs_first = self.build(first)
        compiler = qs_first.query.get_compiler(using=qs_first.db)
        sql_first, params_first = compiler.as_sql()
        converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])
        sql_second, params_second = self.build(second).query.sql_with_params()
        if sql_first != sql_second or len(params_first) != len(params_second):
            raise NotTemplatable(f"{self.label}: the SQL text depends on the values")
        lookup = self._lookup(first)
        slots = []
        for a, b in zip(params_first, params_second, strict=True):
            slot = lookup.get(_key(a))
            if slot is not None:
                slots.append(slot)
            elif a == b and type(a) is type(b):
                slots.append(("const", a))
            else:
                raise NotTemplatable(f"{self.label}: parameter {a!r} is neither a constant nor a known value")
        columns = _columns(qs_first)
        digest = hashlib.sha1(sql_first.encode(), usedforsecurity=False).hexdigest()[:20]
        return _Template(sql_first, columns, tuple(slots), f"cq_{digest}", compiler, converters)

    @staticmethod
    def _lookup(marks: Args) -> dict:
        ops = connection.ops
        lookup: dict = {}
        for name, values in marks.ids.items():
            for index, value in enumerate(values):
                lookup[_key(value)] = ("id", (name, index))
        for name, value in marks.dates.items():
            lookup[_key(value)] = ("date", name)
            adapted = ops.adapt_datefield_value(value)
            if _key(adapted) != _key(value):
                lookup[_key(adapted)] = ("date_adapted", name)
        for name, value in marks.moments.items():
            lookup[_key(value)] = ("moment", name)
            adapted = ops.adapt_datetimefield_value(value)
            if _key(adapted) != _key(value):
                lookup[_key(adapted)] = ("moment_adapted", name)
        return lookup

    # --- running ----------------------------------------------------------------------------------------------

    def rows(self, args: Args) -> list[dict]:
        template = self.template(args)
        params = template.params(args)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and settings.DB_PREPARED_STATEMENTS:
                _ensure_prepared(cursor, template)
                placeholders = ", ".join(["%s"] * len(params))
                cursor.execute(
                    f"EXECUTE {template.name}({placeholders})" if params else f"EXECUTE {template.name}", params
                )
            else:
                cursor.execute(template.sql, params)
            columns = template.columns or tuple(column[0] for column in cursor.description)
            rows = cursor.fetchall()
        if template.converters:
            rows = template.compiler.apply_converters(rows, template.converters)
        return [dict(zip(columns, row, strict=True)) for row in rows]


def _key(value) -> tuple:
    return (type(value).__name__, value)


def _columns(qs) -> tuple[str, ...] | None:
    """The names `.values()` would give the columns, in the SQL's order (extra, fields, annotations)."""
    query = qs.query
    if not query.values_select and not query.annotation_select:
        return None
    return (*query.extra_select, *query.values_select, *query.annotation_select)


def _ensure_prepared(cursor, template: _Template) -> None:
    raw = connection.connection
    names = _prepared.get(raw)
    if names is None:
        names = set()
        _prepared[raw] = names
    if template.name in names:
        return
    count = 0

    def number(_match) -> str:
        nonlocal count
        count += 1
        return f"${count}"

    # Django's SQL uses %s for parameters and %% for a literal percent sign.
    text = re.sub(r"%s|%%", lambda m: number(m) if m.group() == "%s" else "%", template.sql)
    # On the driver's own cursor: a statement of the connection, not of the request — query counts stay those of
    # the work. A prepared statement outlives a rolled-back transaction, so the registry stays true.
    cursor.cursor.execute(f"PREPARE {template.name} AS {text}")
    names.add(template.name)


def ids_args(ids: Sequence[int] = (), fixed: tuple = (), **values) -> Args:
    """Args with one list of ids (`org`), dates (date) and moments (aware datetime) by keyword, and fixed values."""
    dates = {k: v for k, v in values.items() if isinstance(v, date) and not isinstance(v, datetime)}
    moments = {k: v for k, v in values.items() if isinstance(v, datetime)}
    other = values.keys() - dates.keys() - moments.keys()
    if other:
        raise TypeError(f"not a date or a moment: {sorted(other)}")
    return Args({"org": list(ids)}, dates, moments, fixed)


def expanded(sql: str) -> str:
    """A captured statement with an `EXECUTE cq_…` replaced by the SQL it runs (for tests that read the SQL)."""
    found = re.match(r"EXECUTE (cq_[0-9a-f]+)", sql)
    if not found:
        return sql
    templates = [t for query in _QUERIES for t in list(query._templates.values())]
    return next(t.sql for t in templates if t.name == found.group(1))
