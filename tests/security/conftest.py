"""The world the security suite attacks: both demo organisations, built once per module and rolled back after.

Every table's id sequence is moved before each organisation is seeded, so that the first object of every kind
has a known id in each: OWN_ID in the organisation the users belong to, FOREIGN_ID in the other one. Filling
every id in every URL with FOREIGN_ID therefore points each URL at a real object of the other organisation,
whatever model the URL names — no table of which parameter means which model to keep up to date.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings

from people.models import Municipality, Organization, Role

OWN_ID = 770_001
FOREIGN_ID = 990_001
DEMO = Path(settings.BASE_DIR) / "fixtures" / "demo_people.json"
# Roles of the matrix: each is a separate account, holding exactly that role in the own organisation.
ROLES = ("mentee", "mentor", "council", "curator", "head", "admin")
VISITORS = ("anonymous", *ROLES, "coordinator", "outsider")


@dataclass
class World:
    own: Organization
    foreign: Organization
    municipality: Municipality
    clients: dict[str, Client] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)


def move_sequences(start: int) -> None:
    """Make the next id of every table of ours (and of the auth user table) `start`."""
    ours = {"people", "mentoring", "roadmap", "monitoring", "auth"}
    models = [m for m in apps.get_models() if m._meta.app_label in ours]
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            if not model._meta.pk.get_internal_type().endswith("AutoField"):
                continue
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [f'"{table}"', model._meta.pk.column])
                sequence = cursor.fetchone()[0]
                if sequence:
                    cursor.execute("SELECT setval(%s, %s, false)", [sequence, start])
            else:
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start - 1])


def seed_one(slug: str, tmp: Path) -> None:
    data = json.loads(DEMO.read_text(encoding="utf-8"))
    data["organizations"] = [o for o in data["organizations"] if o["slug"] == slug]
    path = tmp / f"{slug}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("seed_demo", "--fixture", str(path), stdout=io.StringIO())


def single_role_account(org: Organization, kind: str) -> object:
    """A staff member of `org` holding only `kind`: the demo's own logins hold several roles at once."""
    from tests.factories import PersonFactory

    person = PersonFactory(organization=org, roles=[kind], with_account=True, surname=f"Матрица{kind.title()}")
    return person.user


def build_world(tmp: Path) -> World:
    move_sequences(OWN_ID)
    seed_one("ds-solnyshko", tmp)
    move_sequences(FOREIGN_ID)
    seed_one("school-7", tmp)
    move_sequences(FOREIGN_ID + 100_000)
    own = Organization.objects.get(slug="ds-solnyshko")
    foreign = Organization.objects.get(slug="school-7")
    User = get_user_model()
    coordinator = User.objects.create_user("matrix-coordinator")
    municipality = Municipality.objects.create(slug="matrix-okrug", name="Округ матрицы", coordinator=coordinator)
    Organization.objects.filter(pk__in=[own.pk, foreign.pk]).update(municipal_unit=municipality)
    world = World(own=own, foreign=foreign, municipality=municipality)
    world.users = {kind: single_role_account(own, kind) for kind in ROLES}
    world.users["coordinator"] = coordinator
    world.users["outsider"] = single_role_account(foreign, Role.Kind.HEAD)
    for visitor in VISITORS:
        client = Client()
        if visitor != "anonymous":
            client.force_login(world.users[visitor])
        world.clients[visitor] = client
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seeded once per module inside a transaction that is rolled back when the module ends."""
    media = tmp_path_factory.getbasetemp() / "media"  # where every test's MEDIA_ROOT points (tests/conftest.py)
    overrides = override_settings(
        MEDIA_ROOT=str(media), PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), overrides:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world(tmp_path_factory.mktemp("security-fixtures"))
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
