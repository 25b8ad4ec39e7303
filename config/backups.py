"""Backups of the whole installation: the database and the uploaded files, into one folder, and back.

A backup is a folder `var/backups/<YYYYMMDD-HHMMSS>/` holding
- `database.dump` — PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore --clean`;
- `database.exactjson.gz` — SQLite: `dumpdata` of every table except those `migrate` rebuilds (content types,
  permissions) and the sessions, in Django's JSON with times kept to the microsecond (mentoring/exact_json.py:
  the round trip must be exact);
- `media.tar.gz` — the MEDIA directory (order PDFs, consent scans, materials, uploaded lists);
- `manifest.json` — the engine, when, and the last migration of each app, so a restore can say what it holds.

A restore refuses to overwrite a database that already holds data (or a MEDIA directory with files) unless
forced: restoring over the live system by mistake must take a deliberate second step.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from config import exact_json

DUMP_PG = "database.dump"
DUMP_SQLITE = f"database.{exact_json.FORMAT}.gz"
MEDIA_ARCHIVE = "media.tar.gz"
MANIFEST = "manifest.json"
# Rebuilt by `migrate` on the target (their ids may differ there: the dump refers to them by natural keys),
# or not worth keeping (a restore signs everybody out).
SQLITE_EXCLUDE = ["contenttypes", "auth.permission", "sessions"]
DATA_APPS = ("people", "mentoring", "roadmap", "auth")


serializers.register_serializer(exact_json.FORMAT, "config.exact_json")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the person at the console."""


@dataclass
class Database:
    alias: str = DEFAULT_DB_ALIAS

    @property
    def connection(self):
        return connections[self.alias]

    @property
    def engine(self) -> str:
        vendor = self.connection.vendor
        if vendor not in ("postgresql", "sqlite"):
            raise BackupError(f"Резервное копирование умеет PostgreSQL и SQLite, а здесь {vendor}.")
        return vendor

    def pg_args(self) -> tuple[list[str], dict[str, str]]:
        """Connection options for pg_dump/pg_restore, and the environment carrying the password."""
        cfg = self.connection.settings_dict
        args = ["--dbname", cfg["NAME"]]
        for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if cfg.get(key):
                args += [flag, str(cfg[key])]
        env = dict(os.environ)
        if cfg.get("PASSWORD"):
            env["PGPASSWORD"] = str(cfg["PASSWORD"])
        return args, env

    def holds_data(self) -> bool:
        """Whether any table of ours (or the user table) has a row; a database without our tables holds none."""
        tables = set(self.connection.introspection.table_names())
        return any(
            model._base_manager.using(self.alias).exists()
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_label in DATA_APPS and model._meta.db_table in tables
        )


def _run(command: list[str], env: dict[str, str]) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupError(
            f"Не найдена программа {tool}. Установите клиент PostgreSQL той же версии, что и сервер "
            "(в Debian и Ubuntu — пакет postgresql-client)."
        )
    # Our own fixed argument list (the tool and the database settings), never shell text.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{tool} завершился с ошибкой:\n{done.stderr.strip()}")


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _migrations(alias: str) -> dict[str, str]:
    recorder = MigrationRecorder(connections[alias])
    if not recorder.has_table():
        return {}
    last: dict[str, str] = {}
    for app, name in recorder.migration_qs.order_by("app", "name").values_list("app", "name"):
        last[app] = name
    return last


def backup(target_root: Path, *, alias: str = DEFAULT_DB_ALIAS) -> Path:
    """Write a backup into a new folder under `target_root`; return the folder."""
    database = Database(alias)
    engine = database.engine
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    folder = target_root / stamp
    n = 1
    while folder.exists():
        n += 1
        folder = target_root / f"{stamp}-{n}"
    folder.mkdir(parents=True)
    try:
        if engine == "postgresql":
            args, env = database.pg_args()
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(folder / DUMP_PG), *args],
                env,
            )
        else:
            call_command(
                "dumpdata",
                format=exact_json.FORMAT,
                natural_foreign=True,
                exclude=SQLITE_EXCLUDE,
                output=str(folder / DUMP_SQLITE),
                database=alias,
                verbosity=0,
            )
        media = _media_root()
        with tarfile.open(folder / MEDIA_ARCHIVE, "w:gz") as archive:
            if media.exists():
                archive.add(media, arcname=".")
        manifest = {
            "engine": engine,
            "created_at": timezone.now().isoformat(),
            "database": DUMP_PG if engine == "postgresql" else DUMP_SQLITE,
            "media": MEDIA_ARCHIVE,
            "media_files": len(_media_files(media)),
            "migrations": _migrations(alias),
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # a half-written backup must not pass for a good one
        raise
    return folder


def prune(target_root: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups under `target_root`; return the folders deleted. Only folders a
    backup wrote (with its manifest) are touched, oldest first by their time stamp; anything else there stays."""
    if keep < 1 or not target_root.is_dir():
        return []
    made = sorted(
        (folder for folder in target_root.iterdir() if folder.is_dir() and (folder / MANIFEST).is_file()),
        key=lambda folder: folder.name,
    )
    gone = made[:-keep]
    for folder in gone:
        shutil.rmtree(folder)
    return gone


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"В папке {folder} нет {MANIFEST}: это не резервная копия, сделанная `make backup`.")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for key in ("database", "media"):
        if not (folder / manifest[key]).is_file():
            raise BackupError(f"В резервной копии {folder} не хватает файла {manifest[key]}.")
    return manifest


def restore(folder: Path, *, force: bool = False, alias: str = DEFAULT_DB_ALIAS) -> dict:
    """Put the database and the MEDIA directory back as they were in the backup `folder`."""
    manifest = read_manifest(folder)
    database = Database(alias)
    engine = database.engine
    if manifest["engine"] != engine:
        raise BackupError(
            f"Копия сделана из {manifest['engine']}, а сейчас подключена база {engine}: "
            "восстановите её в базу того же вида."
        )
    media = _media_root()
    if not force and (database.holds_data() or _media_files(media)):
        raise BackupError(
            "В базе данных или в папке загруженных файлов уже есть данные. Восстановление заменит их целиком; "
            "если это и нужно, повторите с --force (make restore FROM=… FORCE=1)."
        )
    if engine == "postgresql":
        args, env = database.pg_args()
        database.connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(folder / manifest["database"]),
            ],
            env,
        )
    else:
        call_command("migrate", database=alias, interactive=False, verbosity=0)
        call_command("flush", database=alias, interactive=False, verbosity=0)
        call_command("loaddata", str(folder / manifest["database"]), database=alias, verbosity=0)
    _restore_media(folder / manifest["media"], media)
    return manifest


def _restore_media(archive_path: Path, media: Path) -> None:
    if media.exists():
        for child in media.iterdir():
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path, "r:gz") as archive:
        # The "data" filter refuses absolute paths, "..", links out of the folder and device files.
        archive.extractall(media, filter="data")
