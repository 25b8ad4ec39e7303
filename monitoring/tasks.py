"""Tasks of the monitoring app for the worker: the daily and weekly digests of notices, the weekly one with the
week's deadline reminders first (as `manage.py send_digests` does). Scheduled by config/schedules.py."""

from __future__ import annotations

from django_tasks import task

from monitoring.reminders import post_reminders
from people import notices
from people.models import Organization


@task()
def send_digests(period: str) -> dict:
    """`period` is "daily" or "weekly"; returns the counts, kept with the task's result."""
    reminders = 0
    if period == "weekly":
        reminders = sum(post_reminders(org) for org in Organization.objects.order_by("pk"))
    letters, count = notices.send_digests(period)
    return {"reminders": reminders, "letters": letters, "notices": count}
