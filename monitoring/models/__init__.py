"""Models of the monitoring app, one module per concept.

- questionnaires: question sets, survey rounds, invitations and answers;
- events: seminars, master-classes, contests, the mentors' school, linked to roadmap activities;
- results: best practices, the final event, news, published programme results, the public page, the curator's
  analytic report;
- needs: surveys of the staff's difficulties and of candidate mentors, feeding the banks;
- targets: the municipal coordinator's target indicators per academic year.
"""

from monitoring.models.events import Event, EventFile
from monitoring.models.needs import NeedsAnswer, NeedsSurvey
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
from monitoring.models.targets import TARGET_KEYS, MunicipalTarget

__all__ = [
    "TARGET_KEYS",
    "AnalyticReport",
    "Answer",
    "Event",
    "EventFile",
    "FinalEvent",
    "Invitation",
    "MunicipalTarget",
    "NeedsAnswer",
    "NeedsSurvey",
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
