"""Demo background jobs (issue 16): what the curator finds under «Фоновые задачи» of each demo organisation.

The demo's staff import (config/demo/staff_import.py) was confirmed through a job, which ended with its result;
an annual report ordered later failed and said why, as a real one would. Only the record a person reads is made
(nothing is queued for the worker). Matched by title: a rerun adds nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from config.demo.staff_import import DEMO_FILE
from people.models import BackgroundJob, Organization, Person, StaffImport

REPORT_FAILED = (
    "В отчёте за учебный год нет ни одной завершённой пары: отчёт собирается после того, как пары завершат "
    "программы. Завершите пары или выберите прошлый учебный год."
)


def seed_jobs(org: Organization) -> int:
    """The jobs of the curator who loaded the demo staff list; how many were added now."""
    staff_import = StaffImport.objects.filter(organization=org, original_name=DEMO_FILE).first()
    if staff_import is None or staff_import.uploaded_by_id is None:
        return 0
    person = Person.objects.filter(organization=org, user_id=staff_import.uploaded_by_id).first()
    if person is None:
        return 0
    counts = staff_import.summary.get("counts", {})
    applied = staff_import.applied_at or staff_import.created_at
    jobs = [
        {
            "kind": BackgroundJob.Kind.STAFF_IMPORT,
            "title": f"Загрузка списка работников «{DEMO_FILE}»",
            "state": BackgroundJob.State.DONE,
            "done": counts.get("new", 0) + counts.get("update", 0) + counts.get("unchanged", 0),
            "message": (
                f"Список работников загружен: добавлено {counts.get('new', 0)}, обновлено {counts.get('update', 0)}, "
                f"без изменений {counts.get('unchanged', 0)}, пропущено строк {counts.get('skipped', 0)}."
            ),
            "result_url": reverse("people:staff_import_result", args=[org.slug, staff_import.pk]),
            "result_text": "Итог загрузки",
            "created_at": applied - timedelta(seconds=20),
            "finished_at": applied,
        },
        {
            "kind": BackgroundJob.Kind.REPORT,
            "title": "Итоговый аналитический отчёт за 2025/2026 учебный год",
            "state": BackgroundJob.State.FAILED,
            "message": "Не выполнено.",
            "error": REPORT_FAILED,
            "created_at": applied + timedelta(days=3),
            "finished_at": applied + timedelta(days=3, seconds=4),
        },
    ]
    added = 0
    for job in jobs:
        if BackgroundJob.objects.filter(organization=org, title=job["title"]).exists():
            continue
        job.setdefault("total", job.get("done", 0))
        BackgroundJob.objects.create(
            organization=org, person=person, started_by_id=staff_import.uploaded_by_id, attempts=1, **job
        )
        added += 1
    return added
