"""Workflows over several people models: setting up an organisation's reference lists."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from people.models import REFERENCE_LISTS, Organization

REFERENCE_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "reference_lists.json"


def load_reference_fixture(path: Path = REFERENCE_FIXTURE) -> dict[str, list[dict]]:
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    unknown = set(data) - set(REFERENCE_LISTS)
    if unknown:
        raise ValueError(f"{path.name}: unknown reference lists {sorted(unknown)}")
    return data


@transaction.atomic
def install_reference_lists(org: Organization, path: Path = REFERENCE_FIXTURE) -> int:
    """Add the model entries of every reference list to the organisation; return how many were added.

    Idempotent: entries are matched by code, and an entry the organisation renamed or switched off stays
    as the organisation left it.
    """
    added = 0
    for key, entries in load_reference_fixture(path).items():
        model = REFERENCE_LISTS[key]
        existing = set(model.objects.filter(organization=org).values_list("code", flat=True))
        taken_names = set(model.objects.filter(organization=org).values_list("name", flat=True))
        new = [
            model(
                organization=org,
                code=entry["code"],
                name=entry["name"],
                description=entry.get("description", ""),
                position=(index + 1) * 10,
            )
            for index, entry in enumerate(entries)
            if entry["code"] not in existing and entry["name"] not in taken_names
        ]
        model.objects.bulk_create(new)
        added += len(new)
    return added
