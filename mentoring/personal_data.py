"""Where pairs, programmes and calendars keep a person's personal data (see people.personal_data)."""

from __future__ import annotations

from people.personal_data import BLANK, DELETE, KEEP, NAME, Place, register

PROGRAMME_TEXT = (
    "title",
    "problem",
    "goals",
    "tasks",
    "content",
    "results_intermediate",
    "results_planned",
    "meeting_schedule",
    "conditions",
    "remark",
)

register(
    Place(
        "mentoring.PlanActivity",
        BLANK,
        ("mentee_reflection", "mentor_note"),
        code="plan_reflections",
        reach="programme__mentorship__mentees",
        label="рефлексия наставляемого и отметки наставника о его работе в плане программы",
        history="blank",
    ),
    Place(
        "mentoring.PlanActivity",
        BLANK,
        ("mentor_note",),
        code="plan_mentor_notes",
        reach="programme__mentorship__mentor",
        label="отметки наставника в плане программы",
        history="blank",
    ),
    Place(
        "mentoring.PlanActivity",
        KEEP,
        ("activity", "form", "expected_result"),
        why="план программы (мероприятия и ожидаемые результаты): текст документа, не сведения о работнике",
    ),
    Place(
        "mentoring.ChangeRequest",
        BLANK,
        ("reason", "decision_note"),
        code="change_request_reasons",
        reach="requested_by",
        label="причины просьб о замене наставника или освобождении и ответы на них",
    ),
    Place(
        "mentoring.ChangeRequest",
        BLANK,
        ("reason", "decision_note"),
        code="change_request_reasons",
        reach="mentorship__mentees",
        label="причины просьб о замене наставника или освобождении и ответы на них",
    ),
    Place(
        "mentoring.ChangeRequest",
        NAME,
        ("reason", "decision_note"),
        code="change_request_mentions",
        reach="mentorship__organization",
        label="упоминания в просьбах других работников",
    ),
    Place(
        "mentoring.MentorshipEvent",
        BLANK,
        ("note",),
        code="pair_event_notes",
        reach="mentorship__mentees",
        label="основания в истории пары (группы)",
    ),
    Place(
        "mentoring.MentorshipEvent",
        BLANK,
        ("note",),
        code="pair_event_notes",
        reach="mentorship__mentor",
        label="основания в истории пары (группы)",
    ),
    Place(
        "mentoring.SupportRecord",
        BLANK,
        ("description",),
        code="support_records",
        reach="entry__person",
        label="записи об оказанной поддержке",
    ),
    Place(
        "mentoring.Meeting",
        BLANK,
        ("topic", "done", "next_steps"),
        code="meeting_notes",
        reach="mentorship__mentees",
        label="записи о встречах пары (группы): темы, что сделано, договорённости",
    ),
    Place(
        "mentoring.Meeting",
        BLANK,
        ("topic", "done", "next_steps"),
        code="meeting_notes",
        reach="mentorship__mentor",
        label="записи о встречах пары (группы): темы, что сделано, договорённости",
    ),
    Place(
        "mentoring.MeetingFeedback",
        BLANK,
        ("comment",),
        code="meeting_feedback",
        reach="mentee",
        label="комментарии наставляемого к встречам (оценки остаются без комментариев)",
    ),
    Place("mentoring.CalendarFeed", DELETE, code="calendar_feeds", reach="user__people", label="адрес календаря"),
    Place(
        "mentoring.Mentorship",
        KEEP,
        ("match_reasons",),
        why="обоснование подбора: совпавшие признаки (предмет, стаж), без ФИО и контактов",
    ),
    Place(
        "mentoring.Programme",
        KEEP,
        PROGRAMME_TEXT,
        why="программа наставничества — документ, утверждённый руководителем; работник назван в ней ссылкой на "
        "обезличенную карточку",
    ),
    Place(
        "mentoring.ProgrammeRevision",
        KEEP,
        ("reason", "summary", "content", "previous", "remark"),
        why="изменения утверждённой программы — её редакции как документа (рефлексию и отметки не содержат)",
    ),
    Place(
        "mentoring.HistoricalProgramme",
        KEEP,
        ("history_change_reason",),
        why="причина изменения в истории программы не записывается (всегда пусто)",
    ),
)
