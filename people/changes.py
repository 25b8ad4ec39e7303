"""What changed in an organisation: the version of its data that cached figures are kept under, and the hook
the apps above listen on.

The homes, the report and the public page show figures computed from many rows of one organisation. They are
kept in the cache (`cached_for`) under a key made of the organisation's `data_version` and today's date, and every
write in the organisation replaces the version (`touch`): the next reader computes the figures anew, so nobody
sees a stale figure and no write has to know which figures it affects. Pages of an organisation touch it after
every successful write (people.access.org_view); services that write outside a request touch it themselves.

A service that changes what the organisation's progress is judged by (banks, consents, pairs, programmes,
orders, questionnaires, publications) calls `organization_changed`: the handlers named in
settings.ORGANIZATION_CHANGED run once the change is committed — the roadmap completes the activities whose data
check has turned true. They are named in settings because they live in apps above this one, which people must
not import.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from people.models import Organization

T = TypeVar("T")

# Yesterday's keys are never asked for again (the date is in the key); a day is long enough to keep any.
CACHE_SECONDS = 60 * 60 * 24
_MISSING = object()


def touch(org: Organization) -> None:
    """The organisation's data changed: give it a new data version (the figures cached under the old one go)."""
    org.data_version = uuid.uuid4()
    Organization.objects.filter(pk=org.pk).update(data_version=org.data_version)


def touch_all() -> None:
    """Every organisation's data may have changed (a write in the admin site): new data versions for all.

    One version for all of them is enough: the key holds the organisation's id as well.
    """
    Organization.objects.update(data_version=uuid.uuid4())


def cached_for(org: Organization, name: str, compute: Callable[[], T], *parts: object) -> T:
    """`compute()` of the organisation's current data, from the cache when nothing changed since it was kept.

    `name` and `parts` (a period's dates, say) tell apart the figures of one organisation; `org` must be read in
    this request (its `data_version` is what makes the key current).
    """
    key = ":".join(["figures", name, str(org.pk), org.data_version.hex, timezone.localdate().isoformat()])
    if parts:
        key += ":" + ":".join(str(part) for part in parts)
    found = cache.get(key, _MISSING)
    if found is _MISSING:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found


def organization_changed(org: Organization) -> None:
    """The organisation's data changed in a way its progress is judged by: a new data version now, and each handler
    of settings.ORGANIZATION_CHANGED called with the organisation after the commit (none if it is rolled back).

    A handler that fails is logged, not raised: the change it follows is committed already and stays.
    """
    touch(org)
    for path in settings.ORGANIZATION_CHANGED:
        transaction.on_commit(partial(import_string(path), org), robust=True)
