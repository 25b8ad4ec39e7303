"""Tasks of the installation itself for the worker: the nightly backup (config/schedules.py), which keeps the
newest BACKUP_KEEP copies under BACKUP_ROOT (README, «Резервные копии»)."""

from __future__ import annotations

import logging

from django.conf import settings
from django_tasks import task

from config import backups

log = logging.getLogger(__name__)


@task()
def nightly_backup() -> dict:
    """A backup of the database and the uploaded files, then the oldest copies beyond BACKUP_KEEP deleted. A
    failure is logged as an error (the administrator's log and mail of errors) and fails the task; the half-written
    folder is removed by `backups.backup` itself, and no older copy is deleted."""
    if settings.BACKUP_KEEP < 1:
        return {"skipped": "BACKUP_KEEP=0"}
    try:
        folder = backups.backup(settings.BACKUP_ROOT)
    except Exception:
        log.exception("Ночная резервная копия не сделана")
        raise
    removed = backups.prune(settings.BACKUP_ROOT, settings.BACKUP_KEEP)
    log.info("Резервная копия готова: %s; удалено старых: %d", folder, len(removed))
    return {"folder": str(folder), "removed": [str(path) for path in removed]}
