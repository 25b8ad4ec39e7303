"""`make backup` / `make restore`: the demo goes out and comes back exactly, row for row and file for file.

The fingerprint of a database is, for every table of our apps and the user table, its row count and a hash of
every row's values in primary-key order; of the MEDIA directory, each file's path and hash. The SQLite path
(dumpdata/loaddata) runs in the normal suite; the PostgreSQL one (pg_dump/pg_restore into a database the test
creates and drops) when the tests run on PostgreSQL, as in CI.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from config.backups import DATA_APPS, DUMP_PG, DUMP_SQLITE, MANIFEST, MEDIA_ARCHIVE
from people.models import Organization, Person
from tests.factories import PersonFactory

BASE_DIR = Path(settings.BASE_DIR)


def fingerprint() -> dict[str, list]:
    """{table: [row count, sha256 of the rows]} for every table of ours, auto-created m2m tables included.

    Permissions are left out: `migrate` rebuilds them on the target, under ids of its own.
    """
    result = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in DATA_APPS or "permission" in model._meta.db_table:
            continue
        fields = [f.attname for f in model._meta.concrete_fields]
        if model._meta.auto_created:
            # A many-to-many link is its two ends; the link row's own id is renumbered by loaddata and means nothing.
            fields = [f for f in fields if f != model._meta.pk.attname]
            rows = sorted(model._base_manager.values_list(*fields))
        else:
            rows = list(model._base_manager.order_by("pk").values_list(*fields))
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        result[model._meta.db_table] = [len(rows), digest]
    return result


def media_fingerprint(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


def seed_demo() -> None:
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_restore_refuses_a_database_with_data_unless_forced_and_a_folder_that_is_no_backup(org, media, tmp_path):
    PersonFactory(organization=org, surname="Лаптева")
    folder = call_backup(tmp_path / "backups")
    assert {p.name for p in folder.iterdir()} >= {MANIFEST, MEDIA_ARCHIVE}
    with pytest.raises(CommandError, match=r"уже есть данные.*--force"):
        call_command("restore", str(folder), stdout=io.StringIO())
    with pytest.raises(CommandError, match="не резервная копия"):
        call_command("restore", str(tmp_path), stdout=io.StringIO())


def call_backup(into: Path) -> Path:
    out = io.StringIO()
    call_command("backup", "--into", str(into), stdout=out)
    folders = sorted(p for p in into.iterdir() if p.is_dir())
    assert str(folders[-1]) in out.getvalue()
    return folders[-1]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite path: dumpdata and loaddata")
def test_the_demo_round_trips_exactly_through_dumpdata(media, tmp_path):
    seed_demo()
    before, files = fingerprint(), media_fingerprint(media)
    assert before["people_person"][0] > 20 and len(files) > 3  # the demo really is there, files and all
    folder = call_backup(tmp_path / "backups")
    assert (folder / DUMP_SQLITE).is_file()
    assert json.loads((folder / MANIFEST).read_text())["engine"] == "sqlite"

    # Damage both, as a failed disk would: rows gone, rows changed, a file lost, a stranger file left behind.
    with connection.cursor() as cursor:  # foreign keys are checked at commit, which never comes in a test
        cursor.execute("DELETE FROM people_person WHERE id IN (SELECT id FROM people_person ORDER BY id LIMIT 5)")
    Organization.objects.update(short_name="Чужое")
    Person.objects.filter(pk=Person.objects.order_by("-pk").values("pk")[:1]).update(email="chuzhoy@example.ru")
    lost = next(p for p in media.rglob("*") if p.is_file())
    lost.unlink()
    (media / "лишний.txt").write_text("не из копии")
    assert fingerprint() != before

    call_command("restore", str(folder), "--force", stdout=io.StringIO())
    assert fingerprint() == before
    assert media_fingerprint(media) == files


# --- PostgreSQL: pg_dump of the test database, pg_restore into one the test creates -----------------------------


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 — our own interpreter and manage.py
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


FINGERPRINT = "import json; from tests.config.test_backup import fingerprint; print(json.dumps(fingerprint()))"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL path: pg_dump and pg_restore")
@pytest.mark.django_db(transaction=True)
def test_the_demo_round_trips_exactly_through_pg_dump_into_a_fresh_database(media, tmp_path):
    seed_demo()  # committed: pg_dump reads the database from outside this connection
    before, files = fingerprint(), media_fingerprint(media)
    assert before["people_person"][0] > 20 and len(files) > 3
    folder = call_backup(tmp_path / "backups")
    assert (folder / DUMP_PG).is_file()

    cfg = connection.settings_dict
    target = f"restore_{uuid.uuid4().hex[:12]}"
    user = cfg.get("USER") or "postgres"
    password = f":{cfg['PASSWORD']}" if cfg.get("PASSWORD") else ""
    server = f"{cfg.get('HOST') or '127.0.0.1'}:{cfg.get('PORT') or 5432}"
    restored_media = tmp_path / "restored-media"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{user}{password}@{server}/{target}",
        "MEDIA_ROOT": str(restored_media),
        "DEBUG": "1",
    }
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{target}"')
    try:
        done = run_manage("restore", str(folder), env=env)
        assert done.returncode == 0, done.stderr
        shell = run_manage("shell", "-c", FINGERPRINT, env=env)
        assert shell.returncode == 0, shell.stderr
        assert json.loads(shell.stdout.strip().splitlines()[-1]) == before
        assert media_fingerprint(restored_media) == files
        # Now it holds data: a second restore without --force is refused and changes nothing.
        again = run_manage("restore", str(folder), env=env)
        assert again.returncode != 0 and "--force" in again.stderr
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


# --- the worker's nightly copy (config/tasks.py, config/schedules.py) ---------------------------------------------


def old_copy(root: Path, name: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / MANIFEST).write_text("{}", encoding="utf-8")
    return folder


def test_the_worker_makes_a_backup_at_night_and_keeps_the_newest_few(org, media, tmp_path, settings):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from config import schedules

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
    settings.BACKUP_ROOT, settings.BACKUP_KEEP = tmp_path / "backups", 2
    oldest, older = old_copy(settings.BACKUP_ROOT, "20250101-023000"), old_copy(settings.BACKUP_ROOT, "20250102-023000")
    foreign = settings.BACKUP_ROOT / "заметки"  # not a copy: never deleted
    foreign.mkdir()
    PersonFactory(organization=org, surname="Ночная")
    night = datetime(2026, 11, 20, 2, 31, tzinfo=ZoneInfo(settings.TIME_ZONE))

    assert schedules.tick(night.replace(hour=2, minute=29)) == []  # before its hour
    assert schedules.tick(night) == ["backup"]
    assert "backup" not in schedules.tick(night.replace(hour=23))  # once a night (the day's other runs come due)
    kept = sorted(p.name for p in settings.BACKUP_ROOT.iterdir() if (p / MANIFEST).is_file())
    assert len(kept) == 2 and kept[0] == older.name and not oldest.exists() and foreign.is_dir()
    new = settings.BACKUP_ROOT / kept[1]
    manifest = json.loads((new / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["engine"] == connection.vendor and (new / manifest["database"]).stat().st_size > 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL path: pg_dump")
def test_a_failed_nightly_backup_says_so_and_deletes_no_older_copy(media, tmp_path, settings, caplog, monkeypatch, db):
    from config import tasks
    from config.backups import BackupError

    settings.BACKUP_KEEP, settings.BACKUP_ROOT = 1, tmp_path / "backups"
    copy = old_copy(settings.BACKUP_ROOT, "20250101-023000")
    broken = tmp_path / "bin"  # a pg_dump that fails as a real one does when the server goes away mid-dump
    broken.mkdir()
    (broken / "pg_dump").write_text("#!/bin/sh\necho 'pg_dump: error: connection to server lost' >&2\nexit 1\n")
    (broken / "pg_dump").chmod(0o755)
    monkeypatch.setenv("PATH", f"{broken}:{os.environ['PATH']}")
    with pytest.raises(BackupError, match="connection to server lost"):
        tasks.nightly_backup.call()
    assert [p.name for p in settings.BACKUP_ROOT.iterdir()] == [copy.name]  # no half copy, the old one kept
    assert "Ночная резервная копия не сделана" in caplog.text


def test_the_nightly_backup_is_off_with_backup_keep_zero(tmp_path, settings, db):
    from config import tasks

    settings.BACKUP_KEEP, settings.BACKUP_ROOT = 0, tmp_path / "backups"
    assert tasks.nightly_backup.call() == {"skipped": "BACKUP_KEEP=0"}
    assert not settings.BACKUP_ROOT.exists()
