"""Demo jobs that made a file (issue 16): each demo organisation's curator finds the statistics form of the
previous academic year ready to download under «Фоновые задачи», made by the same task the reports page starts.

The job is recorded as the page records it and its task is run here, in the command (nothing waits for a worker);
matched by title: a rerun adds nothing.
"""

from __future__ import annotations

from django.utils import timezone

from monitoring import tasks
from monitoring.reports import Period
from people.models import BackgroundJob, Organization, Person, Role


def seed_file_jobs(org: Organization) -> int:
    """The curator's statistics form of last academic year as a finished job with its workbook; how many added."""
    curator = Person.objects.for_org(org).working().filter(roles__kind=Role.Kind.CURATOR, user__isnull=False).first()
    if curator is None:
        return 0
    period = Period.academic_year(timezone.localdate()).previous_years(1)[0]
    title = f"Статистическая форма за {period.label}"
    if BackgroundJob.objects.filter(organization=org, title=title).exists():
        return 0
    job = BackgroundJob.objects.create(
        organization=org,
        person=curator,
        started_by_id=curator.user_id,
        kind=BackgroundJob.Kind.WORKBOOK,
        title=title,
        message="Ждёт своей очереди…",
    )
    tasks.statistics_workbook.call(job.pk, period.start.isoformat(), period.end.isoformat(), 0)
    return 1
