"""People app models, split by concept: organisations and staff, consents, the banks."""

from people.models.audit import AuditEvent
from people.models.bank import MenteeEntry, MentorEntry, TrainingEvent
from people.models.consent import (
    Consent,
    ConsentRequired,
    ConsentText,
    PurgeRecord,
    Purpose,
    has_consent,
    require_consent,
)
from people.models.imports import StaffImport, StaffImportRow
from people.models.job import BackgroundJob, ScheduledRun
from people.models.notice import DEFAULT_DELIVERY, Delivery, Notice, NoticeKind, delivery_for
from people.models.organization import (
    REFERENCE_LISTS,
    ROLE_PRIORITY,
    Direction,
    MenteeCategory,
    MentoringForm,
    MentoringKind,
    Municipality,
    Organization,
    Person,
    PersonQuerySet,
    ReferenceItem,
    Role,
    RoleQuerySet,
)

__all__ = [
    "DEFAULT_DELIVERY",
    "REFERENCE_LISTS",
    "ROLE_PRIORITY",
    "AuditEvent",
    "BackgroundJob",
    "Consent",
    "ConsentRequired",
    "ConsentText",
    "Delivery",
    "Direction",
    "MenteeCategory",
    "MenteeEntry",
    "MentorEntry",
    "MentoringForm",
    "MentoringKind",
    "Municipality",
    "Notice",
    "NoticeKind",
    "Organization",
    "Person",
    "PersonQuerySet",
    "PurgeRecord",
    "Purpose",
    "ReferenceItem",
    "Role",
    "RoleQuerySet",
    "ScheduledRun",
    "StaffImport",
    "StaffImportRow",
    "TrainingEvent",
    "delivery_for",
    "has_consent",
    "require_consent",
]
