"""Helpers for background jobs in tests: a staff list of any size, and the real task worker as a subprocess
(`manage.py run_worker` on the database backend, against the test database)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from itertools import product
from pathlib import Path

from django.conf import settings
from django.db import connection

from people import importing
from tests.people.import_fixtures import xlsx_bytes

ROOT = Path(__file__).resolve().parents[1]
ROOTS = [
    "Абрам", "Белк", "Василь", "Гром", "Данил", "Егор", "Жук", "Зуб", "Ильин", "Козл", "Лебед", "Мороз", "Новик",
    "Орл", "Павл", "Роман", "Сокол", "Тит", "Увар", "Федот", "Хохл", "Цвет", "Черн", "Шил", "Щук", "Яковл", "Бобр",
    "Волк", "Гусь", "Дроздк", "Ершк", "Зайц", "Карп", "Лис", "Медвед", "Нос", "Осип", "Петр", "Рыбк", "Сом",
]  # fmt: skip
ENDINGS = ["ова", "ева", "ина"]
NAMES = [
    "Анна", "Вера", "Галина", "Дарья", "Елена", "Жанна", "Зоя", "Инна", "Лидия", "Мария", "Нина", "Ольга", "Полина",
    "Раиса", "Светлана", "Татьяна", "Ульяна", "Фаина", "Юлия", "Яна",
]  # fmt: skip
PATRONYMICS = [
    "Ивановна", "Петровна", "Сергеевна", "Андреевна", "Олеговна", "Юрьевна", "Павловна", "Игоревна", "Денисовна",
    "Львовна",
]  # fmt: skip
POSITIONS = ["Учитель математики", "Учитель русского языка", "Учитель истории", "Воспитатель", "Педагог-психолог"]


def staff_rows(count: int) -> list[list]:
    """`count` distinct people (up to 24,000): surname, name, patronymic, position."""
    surnames = [root + ending for root, ending in product(ROOTS, ENDINGS)]
    people = product(surnames, NAMES, PATRONYMICS)
    return [[s, n, p, POSITIONS[i % len(POSITIONS)]] for i, (s, n, p) in zip(range(count), people, strict=False)]


def staff_file(count: int) -> bytes:
    header = list(importing.COLUMNS.values())
    return xlsx_bytes([header, *staff_rows(count)])


def worker_database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(*, stale_seconds: int = 120, log: Path | None = None, extra: dict | None = None) -> subprocess.Popen:
    """`manage.py run_worker` against the test database (tests using it need `transactional_db`); `extra`: more
    environment variables."""
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "JOB_STALE_SECONDS": str(stale_seconds),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "BACKUP_KEEP": "0",  # its timetable never dumps the test database into var/backups
        **(extra or {}),
    }
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 — the worker writes to it until stopped
    command = [sys.executable, "manage.py", "run_worker", "--interval", "0.2", "--tick", "1"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def stop_worker(worker: subprocess.Popen, *, kill: bool = False) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def wait_for(predicate, *, timeout: float = 60, every: float = 0.1):
    """Poll `predicate` until it returns something true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(every)
    raise AssertionError(f"Не дождались за {timeout} с")
