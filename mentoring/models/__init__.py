"""Models of the mentoring app, one module per concept.

- pairs: pairs and groups, their programmes and plans, templates, calendar feeds;
- questionnaires: question sets, rounds, invitations and answers (monitoring);
- results: best practices, the final event, news, published programme results, the public page, the curator's
  analytic report.
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
)
from mentoring.models.questionnaires import (
    Answer,
    Invitation,
    Question,
    QuestionSet,
    Response,
    SurveyRound,
)
from mentoring.models.results import (
    AnalyticReport,
    FinalEvent,
    NewsItem,
    Practice,
    PracticeFile,
    ProgrammeResult,
    PublicPage,
)

__all__ = [
    "MAX_PROGRAMME_MONTHS",
    "MIN_PROGRAMME_MONTHS",
    "AnalyticReport",
    "Answer",
    "CalendarFeed",
    "ChangeRequest",
    "ChangeRequestQuerySet",
    "FinalEvent",
    "Invitation",
    "Mentorship",
    "MentorshipEvent",
    "MentorshipQuerySet",
    "NewsItem",
    "PlanActivity",
    "PlanActivityQuerySet",
    "Practice",
    "PracticeFile",
    "Programme",
    "ProgrammeResult",
    "ProgrammeRevision",
    "ProgrammeTemplate",
    "PublicPage",
    "Question",
    "QuestionSet",
    "Response",
    "SupportRecord",
    "SurveyRound",
    "TemplateActivity",
    "check_programme_length",
    "months_between",
    "new_calendar_token",
]
