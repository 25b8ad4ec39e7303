"""Models of the mentoring app, one module per concept.

- pairs: pairs and groups, their programmes and plans, templates, calendar feeds.
- meetings: the meeting log of a pair or group and the mentees' feedback.
- coauthor: participants' agreement to a proposed pair, the mentee's remarks on a draft programme.
- council: the methodical council's proposals of pairs.
- short_forms: situational and speed mentoring without a programme.
"""

from mentoring.models.coauthor import PairConsent, RowRemark
from mentoring.models.council import PairProposal
from mentoring.models.meetings import Meeting, MeetingFeedback
from mentoring.models.pairs import (
    MAX_PROGRAMME_MONTHS,
    MIN_PROGRAMME_MONTHS,
    NOTE_FIELDS,
    REQUIRED_SECTIONS,
    ROW_FIELDS,
    CalendarFeed,
    ChangeRequest,
    ChangeRequestQuerySet,
    Mentorship,
    MentorshipEvent,
    MentorshipQuerySet,
    PairingBreach,
    PlanActivity,
    PlanActivityQuerySet,
    Programme,
    ProgrammeQuerySet,
    ProgrammeRevision,
    ProgrammeRevisionQuerySet,
    ProgrammeTemplate,
    SupportRecord,
    TemplateActivity,
    check_programme_length,
    lock_people,
    missing_in_content,
    months_between,
    new_calendar_token,
    pairing_breaches,
    recount_places,
)
from mentoring.models.short_forms import ShortMentoring

__all__ = [
    "MAX_PROGRAMME_MONTHS",
    "MIN_PROGRAMME_MONTHS",
    "NOTE_FIELDS",
    "REQUIRED_SECTIONS",
    "ROW_FIELDS",
    "CalendarFeed",
    "ChangeRequest",
    "ChangeRequestQuerySet",
    "Meeting",
    "MeetingFeedback",
    "Mentorship",
    "MentorshipEvent",
    "MentorshipQuerySet",
    "PairConsent",
    "PairProposal",
    "PairingBreach",
    "PlanActivity",
    "PlanActivityQuerySet",
    "Programme",
    "ProgrammeQuerySet",
    "ProgrammeRevision",
    "ProgrammeRevisionQuerySet",
    "ProgrammeTemplate",
    "RowRemark",
    "ShortMentoring",
    "SupportRecord",
    "TemplateActivity",
    "check_programme_length",
    "lock_people",
    "missing_in_content",
    "months_between",
    "new_calendar_token",
    "pairing_breaches",
    "recount_places",
]
