"""Benchmark of the staff import as a background job: 20,000 rows confirmed, the worker doing the writing.

Not a test: it prints figures. Targets (issue 16): the request that starts the job returns in < 200 ms, progress is
visible within 1 s of confirming, the job is finished in < 30 s with the worker's peak memory < 300 MB.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentoring .venv/bin/python bench/import_task.py [--rows 20000]

It works in a throwaway PostgreSQL database (``bench_import_task``, made with the migrations, dropped at the end):
starts `manage.py run_worker` against it as an installation runs it (DEBUG off), uploads the file as a curator (the
form takes a first look at its beginning; the check — every row read, the dry run that builds the preview — is a
job), confirms, and watches the job's row as the progress page does. The worker's peak memory is its VmHWM
(/proc/<pid>/status), read after the check and just before the worker is stopped. The figures are added to
``var/bench.json`` as entries named «импорт как задача: …» (the previous run's replaced).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.import_staff import _named, check, staff_file  # noqa: E402
from bench.load import write_figures  # noqa: E402

PREFIX = "импорт как задача"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--out", default=str(ROOT / "var" / "bench.json"))
    args = parser.parse_args()
    check(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL): the worker is a second process")
    setup_test_environment(debug=False)
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-import-task-")
    settings.AXES_ENABLED = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = "bench_import_task"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(db["NAME"], verbosity=0)


def start_worker() -> subprocess.Popen:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    url = f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    # The worker as an installation runs it (DEBUG off: no list of every query kept in memory).
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MEDIA_ROOT": settings.MEDIA_ROOT,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://127.0.0.1",
    }
    command = [sys.executable, "manage.py", "run_worker", "--interval", "0.2", "--no-schedule"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    ready = threading.Event()

    def read() -> None:
        for line in worker.stdout:
            if "Starting worker" in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    check(ready.wait(120), "the worker did not start")
    return worker


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(args) -> None:
    from django.contrib.auth import get_user_model

    from people.models import BackgroundJob, Organization, Person, Role, StaffImport

    org = Organization.objects.create(slug="bench", short_name="Бенчмарк", full_name="Бенчмарк", kind="school")
    user = get_user_model().objects.create_user("bench-curator")
    curator = Person.objects.create(organization=org, surname="Куратор", name="Анна", position="Зам.", user=user)
    Role.objects.create(person=curator, kind=Role.Kind.CURATOR)
    client = Client()
    client.force_login(user)

    data = staff_file(args.rows)
    print(f"База: {connection.vendor}, строк в файле: {args.rows}, файл {len(data) / 1024:.0f} КБ")
    worker = start_worker()
    print(f"Память обработчика до работы (VmHWM): {peak_mb(worker.pid):.0f} МБ")
    try:
        # The upload: the file is stored and its check (reading every row, the dry run that builds the preview) is
        # a job of its own; the curator waits for the preview before confirming.
        client.get(reverse("people:staff_import", args=[org.slug]))  # a warm process, as a server's is
        started = time.perf_counter()
        response = client.post(reverse("people:staff_import", args=[org.slug]), {"file": _named(data)})
        uploaded = time.perf_counter() - started
        check(response.status_code == 302, "the upload was refused")
        if "/jobs/" in response.url:
            check_job = BackgroundJob.objects.filter(organization=org).latest("pk")
            while check_job.is_active:
                check(time.perf_counter() - started < 600, "the check took more than 10 minutes")
                time.sleep(0.05)
                check_job.refresh_from_db()
            check(check_job.state == BackgroundJob.State.DONE, f"the check failed: {check_job.error}")
        checked = time.perf_counter() - started
        print(f"Загрузка файла (запрос, ставит проверку): {uploaded * 1000:.0f} мс (цель < 200 мс)")
        print(f"Проверка и предпросмотр (задача): готово через {checked:.1f} с после загрузки")
        print(f"Память обработчика после проверки (VmHWM): {peak_mb(worker.pid):.0f} МБ")
        staff_import = StaffImport.objects.filter(organization=org).latest("pk")

        confirm = reverse("people:staff_import_confirm", args=[org.slug, staff_import.pk])
        clicked = time.perf_counter()
        response = client.post(confirm)
        answered = time.perf_counter() - clicked
        check(response.status_code == 302 and "/jobs/" in response.url, f"not sent to the job page: {response.url}")
        job = BackgroundJob.objects.filter(organization=org).latest("pk")
        first_sign = first_row = None
        seen = []
        while True:
            job.refresh_from_db()
            now = time.perf_counter() - clicked
            if first_sign is None and job.state != BackgroundJob.State.QUEUED:
                first_sign = now
            if first_row is None and job.done > 0:
                first_row = now
            if not seen or seen[-1][1] != job.done:
                seen.append((now, job.done))
            if not job.is_active:
                break
            check(now < 600, "the job took more than 10 minutes")
            time.sleep(0.05)
        finished = time.perf_counter() - clicked
        memory = peak_mb(worker.pid)
    finally:
        worker.terminate()
        worker.wait(30)
    check(job.state == BackgroundJob.State.DONE, f"the job failed: {job.error}")
    staff_import.refresh_from_db()
    counts = staff_import.summary["counts"]
    print(f"Запрос подтверждения (ставит задачу): {answered * 1000:.0f} мс (цель < 200 мс)")
    print(f"Задача взята обработчиком, ход виден: через {first_sign:.2f} с (цель < 1 с)")
    print(f"Первые строки на полосе хода: через {first_row:.1f} с; обновлений полосы: {len(seen)}")
    print(
        f"Задача выполнена за {finished:.1f} с (цель < 30 с): добавлено {counts['new']}, пропущено {counts['skipped']}"
    )
    print(f"Пиковая память обработчика (VmHWM): {memory:.0f} МБ (цель < 300 МБ)")
    check(Person.objects.filter(organization=org).count() == args.rows + 1, "staff count is off")
    rows = f"{args.rows} строк"

    def entry(what: str, ms: float | None, target: str, ok: bool, note: str = "") -> dict:
        value = None if ms is None else round(ms, 1)
        return {"name": f"{PREFIX}: {what}", "median_ms": value, "p95_ms": value, "queries": None, "target": target,
                "ok": ok, "note": note or f"{rows}, один прогон"}  # fmt: skip

    write_figures(
        Path(args.out),
        [
            entry("запрос загрузки файла", uploaded * 1000, "< 200 мс", uploaded < 0.2),
            entry("проверка и предпросмотр (задача)", checked * 1000, "для сведения", True),
            entry("запрос подтверждения", answered * 1000, "< 200 мс", answered < 0.2),
            entry("ход виден после подтверждения", first_sign * 1000, "< 1000 мс", first_sign < 1),
            entry("загрузка выполнена (задача)", finished * 1000, "< 30000 мс", finished < 30),
            entry("пиковая память обработчика", None, "< 300 МБ", memory < 300, f"{memory:.0f} МБ; {rows}"),
        ],
        PREFIX,
    )
    print(f"Записано в {args.out}.")


if __name__ == "__main__":
    main()
