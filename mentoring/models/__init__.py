"""Models of the mentoring app, one module per concept.

- pairs: pairs and groups, their programmes and plans, templates, calendar feeds.
"""

from mentoring.models.pairs import (
    MAX_PROGRAMME_MONTHS,
    MIN_PROGRAMME_MONTHS,
    CalendarFeed,
    ChangeRequest,
    ChangeRequestQuerySet,
    Mentorship,
    MentorshipEvent,
    MentorshipQuerySet,
    PlanActivity,
    PlanActivityQuerySet,
    Programme,
    ProgrammeRevision,
    ProgrammeTemplate,
    SupportRecord,
    TemplateActivity,
    check_programme_length,
    months_between,
    new_calendar_token,
    recount_places,
)

__all__ = [
    "MAX_PROGRAMME_MONTHS",
    "MIN_PROGRAMME_MONTHS",
    "CalendarFeed",
    "ChangeRequest",
    "ChangeRequestQuerySet",
    "Mentorship",
    "MentorshipEvent",
    "MentorshipQuerySet",
    "PlanActivity",
    "PlanActivityQuerySet",
    "Programme",
    "ProgrammeRevision",
    "ProgrammeTemplate",
    "SupportRecord",
    "TemplateActivity",
    "check_programme_length",
    "months_between",
    "new_calendar_token",
    "recount_places",
]
