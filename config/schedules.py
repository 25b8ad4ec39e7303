"""The worker's own timetable: daily and weekly jobs, with no cron to set up (`manage.py run_worker`).

Every worker looks at the timetable twice a minute (`tick`). A run is due once its time of day (and weekday) has
come in its period; it is put in the queue together with a ScheduledRun row for (name, period), whose unique
constraint lets exactly one worker do it however many run. A worker that was down at the hour catches up when it
starts. Times are the site's local time (TIME_ZONE).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from config import tasks as config_tasks
from monitoring import tasks as monitoring_tasks
from people import tasks as people_tasks
from people.models import ScheduledRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    name: str
    task: object  # a django_tasks Task
    at: time
    weekday: int | None = None  # 0 = Monday; None: every day
    args: tuple = ()

    def period(self, now: datetime) -> str | None:
        """The period `now` falls in, if the run for it is due by now; None before its time."""
        local = timezone.localtime(now)
        if local.time() < self.at:
            return None
        if self.weekday is None:
            return local.date().isoformat()
        if local.weekday() < self.weekday:
            return None
        year, week, _day = local.isocalendar()
        return f"{year}-W{week:02d}"


SCHEDULES = (
    Schedule("digest-daily", monitoring_tasks.send_digests, time(7, 0), args=("daily",)),
    Schedule("digest-weekly", monitoring_tasks.send_digests, time(7, 30), weekday=0, args=("weekly",)),
    Schedule("backup", config_tasks.nightly_backup, time(2, 30)),
    Schedule("purge-withdrawn", people_tasks.purge_withdrawn_consents, time(3, 0)),
    Schedule("clean-imports", people_tasks.clean_abandoned_imports, time(3, 30)),
)


def tick(now: datetime | None = None, schedules=SCHEDULES) -> list[str]:
    """Put in the queue every run that is due and not yet taken; return their names."""
    now = now or timezone.now()
    started = []
    for schedule in schedules:
        period = schedule.period(now)
        if period is None or ScheduledRun.objects.filter(name=schedule.name, period=period).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=schedule.name, period=period, created_at=now)
                result = schedule.task.enqueue(*schedule.args)
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
        except IntegrityError:  # another worker took this period a moment ago
            continue
        log.info("По расписанию поставлено в очередь: %s за %s", schedule.name, period)
        started.append(schedule.name)
    return started
