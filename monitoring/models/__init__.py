"""Models of the monitoring app, one module per concept.

- questionnaires: question sets, survey rounds, invitations and answers;
- events: seminars, master-classes, contests, the mentors' school, linked to roadmap activities;
- results: best practices, the final event, news, published programme results, the public page, the curator's
  analytic report.
"""

from monitoring.models.events import Event, EventFile
from monitoring.models.questionnaires import (
    Answer,
    Invitation,
    Question,
    QuestionSet,
    Response,
    SurveyRound,
)
from monitoring.models.results import (
    AnalyticReport,
    FinalEvent,
    NewsItem,
    Practice,
    PracticeFile,
    ProgrammeResult,
    PublicPage,
)

__all__ = [
    "AnalyticReport",
    "Answer",
    "Event",
    "EventFile",
    "FinalEvent",
    "Invitation",
    "NewsItem",
    "Practice",
    "PracticeFile",
    "ProgrammeResult",
    "PublicPage",
    "Question",
    "QuestionSet",
    "Response",
    "SurveyRound",
]
