"""Benchmark of the staff import: 5,000 rows through preview and confirmation, time and peak memory.

Not a test: it prints figures. The target (issue 3) is under 10 s for preview plus confirmation and under 300 MB.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentoring .venv/bin/python bench/import_staff.py
    .venv/bin/python bench/import_staff.py --rows 2000 --tracemalloc

It works in a throwaway database (``bench_import_staff`` next to the configured one, or SQLite in memory), made
with the project's migrations and dropped at the end, and goes through the same pages a curator uses: upload
(reading the file and the dry run), the first page of the preview, the confirmation. Then it uploads the same
file again (every row unchanged) and a third time with every position changed (every row updated).
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from openpyxl import Workbook  # noqa: E402

SURNAMES = ["Иванова", "Петрова", "Смирнова", "Кузнецова", "Попова", "Соколова", "Лебедева", "Козлова", "Новикова"]
NAMES = ["Мария", "Анна", "Елена", "Ольга", "Татьяна", "Наталья", "Ирина", "Светлана", "Юлия", "Алёна"]
PATRONYMICS = ["Петровна", "Ивановна", "Сергеевна", "Андреевна", "Олеговна", "Викторовна", "Николаевна"]
CATEGORIES = ["высшая", "Первая квалификационная категория", "СЗД", "б/к", "1 категория", ""]
EXPERIENCE = ["5", 12, "5,5", "12 лет 3 мес.", "", "3 года"]


def staff_file(rows: int, position: str = "Учитель") -> bytes:
    """A messy list: a title line, one ФИО column in capitals now and then, text and numbers mixed."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Список педагогических работников"])
    sheet.append(["№", "Ф.И.О.", "Должность", "Категория", "Стаж работы", "Эл. почта", "Телефон"])
    for n in range(rows):
        # Unique full names from a number written in letters: «Иванова-Абв Мария Петровна».
        tag = "".join("абвгдежзик"[int(d)] for d in f"{n:04d}").capitalize()
        fio = f"{SURNAMES[n % 9]}-{tag} {NAMES[n % 10]} {PATRONYMICS[n % 7]}"
        sheet.append(
            [
                n + 1,
                fio.upper() if n % 5 == 0 else fio,
                f"{position} {n % 12 + 1} класса",
                CATEGORIES[n % 6],
                EXPERIENCE[n % 6],
                f"teacher{n}@school.example.ru",
                89000000000 + n,
            ]
        )
    sheet.append([f"Итого: {rows}"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    args = parser.parse_args()

    setup_test_environment(debug=False)  # no query log, test client allowed
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-import-")
    settings.AXES_ENABLED = False
    # The confirmation is a background job (people.jobs); here it runs inside the request, as before, to time the
    # work itself. bench/import_task.py times it through the real worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JOB_PROGRESS_DATABASE = "default"
    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = None if db["ENGINE"].endswith("sqlite3") else "bench_import_staff"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(db["NAME"], verbosity=0)


def run(args) -> None:
    from django.contrib.auth import get_user_model

    from people.models import Organization, Person, Role, StaffImport

    org = Organization.objects.create(slug="bench", short_name="Бенчмарк", full_name="Бенчмарк", kind="school")
    user = get_user_model().objects.create_user("bench-curator")
    curator = Person.objects.create(organization=org, surname="Куратор", name="Анна", position="Зам.", user=user)
    Role.objects.create(person=curator, kind=Role.Kind.CURATOR)
    client = Client()
    client.force_login(user)

    print(f"База: {connection.vendor}, строк в файле: {args.rows}")
    files = {
        "новые": staff_file(args.rows),
        "без изменений": staff_file(args.rows),
        "изменены": staff_file(args.rows, position="Учитель-предметник"),
    }
    print(f"Размер файла: {len(files['новые']) / 1024:.0f} КБ; память процесса до импорта: {rss_mb():.0f} МБ")
    if args.tracemalloc:
        tracemalloc.start()

    slowest = 0.0
    for label, data in files.items():
        steps = import_through_pages(client, org, data)
        staff_import = steps["import"]
        check(staff_import.status == StaffImport.Status.APPLIED, f"not applied: {staff_import.summary.get('counts')}")
        counts = staff_import.summary["counts"]
        total = steps["total"]
        slowest = max(slowest, total)
        print(
            f"{label:>14}: загрузка и проверка {steps['upload']:5.2f} с, страница проверки "
            f"{steps['preview']:5.2f} с, подтверждение {steps['confirm']:5.2f} с, всего {total:5.2f} с "
            f"(новых {counts['new']}, изменено {counts['update']}, без изменений {counts['unchanged']}, "
            f"пропущено {counts['skipped']}, с замечаниями {counts['flagged']})"
        )
    check(Person.objects.filter(organization=org).count() == args.rows + 1, "staff count is off")
    print(f"Пиковая память процесса (ru_maxrss): {rss_mb():.0f} МБ")
    if args.tracemalloc:
        _current, peak = tracemalloc.get_traced_memory()
        print(f"Пик выделений Python (tracemalloc): {peak / 1024 / 1024:.0f} МБ")
    if args.tracemalloc:
        print("С --tracemalloc время завышено в несколько раз: о скорости судите по запуску без него.")
        return
    verdict = "укладывается" if slowest < 10 and rss_mb() < 300 else "НЕ укладывается"
    print(f"Цель — меньше 10 с на проверку и подтверждение и меньше 300 МБ: {verdict} (дольше всего {slowest:.1f} с).")


def import_through_pages(client: Client, org, data: bytes) -> dict:
    """Upload, preview and confirm a staff list as a curator does; seconds of each step and the import."""
    from people.models import StaffImport

    started = time.perf_counter()
    response = client.post(reverse("people:staff_import", args=[org.slug]), {"file": _named(data)})
    check(response.status_code == 302, "the upload was refused")
    uploaded = time.perf_counter()
    staff_import = StaffImport.objects.filter(organization=org).latest("pk")
    page = client.get(response.url)
    check(page.status_code == 200, "the preview did not open")
    previewed = time.perf_counter()
    client.post(reverse("people:staff_import_confirm", args=[org.slug, staff_import.pk]))
    confirmed = time.perf_counter()
    staff_import.refresh_from_db()
    return {
        "upload": uploaded - started,
        "preview": previewed - uploaded,
        "confirm": confirmed - previewed,
        "total": confirmed - started,
        "import": staff_import,
    }


def check(condition: bool, problem: str) -> None:
    if not condition:
        raise SystemExit(f"Benchmark stopped: {problem}.")


def _named(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("Список работников.xlsx", data)


if __name__ == "__main__":
    main()
