"""Where questionnaires, practices and reports keep a person's personal data (see people.personal_data)."""

from __future__ import annotations

from people.personal_data import BLANK, KEEP, NAME, Place, register

register(
    Place(
        "monitoring.Answer",
        BLANK,
        ("text",),
        code="questionnaire_answers",
        reach="response__invitation__person",
        label="свободные ответы в анкетах",
    ),
    Place(
        "monitoring.Answer",
        KEEP,
        ("selected",),
        why="выбранные варианты и баллы без текста: из них складываются показатели мониторинга",
    ),
    Place("monitoring.SurveyRound", KEEP, ("title",), why="название анкетирования"),
    Place(
        "monitoring.NeedsAnswer",
        BLANK,
        ("text", "subjects", "review_note"),
        code="needs_answers",
        reach="person",
        label="ответы в анкетах профессиональных затруднений и анкетах кандидатов в наставники",
    ),
    Place(
        "monitoring.NeedsSurvey",
        KEEP,
        ("title", "intro", "audience"),
        why="название и обращение анкетирования работников, условия выбора (должность, стаж) без имён",
    ),
    Place(
        "monitoring.Event",
        KEEP,
        ("title", "place", "description", "results"),
        why="мероприятие программы организации (семинар, конкурс); организаторы и участники — ссылки на карточки",
    ),
    Place("monitoring.EventFile", KEEP, ("file", "original_name", "content_type"), why="материалы мероприятия"),
    Place("monitoring.MunicipalTarget", KEEP, ("indicator",), why="код показателя муниципалитета, не о человеке"),
    Place(
        "monitoring.Practice",
        KEEP,
        ("title", "description", "search_text"),
        why="методическая разработка, опубликованная с согласия на публикацию; автор — ссылка на обезличенную карточку",
    ),
    Place("monitoring.PracticeFile", KEEP, ("file", "original_name", "content_type"), why="материалы практики"),
    Place(
        "monitoring.FinalEvent",
        NAME,
        ("title", "guests", "outcome"),
        code="final_event_mentions",
        reach="organization",
        label="упоминания в итогах итогового мероприятия",
    ),
    Place("monitoring.FinalEvent", KEEP, ("event_format",), why="форма проведения мероприятия"),
    Place(
        "monitoring.ProgrammeResult",
        NAME,
        ("summary",),
        code="result_mentions",
        reach="organization",
        label="упоминания в итогах программ для публикации",
    ),
    Place(
        "monitoring.AnalyticReport",
        NAME,
        ("conclusions", "proposals"),
        code="report_mentions",
        reach="organization",
        label="упоминания в аналитической справке",
    ),
    Place(
        "monitoring.NewsItem",
        NAME,
        ("title", "body"),
        code="news_mentions",
        reach="organization",
        label="упоминания в новостях на сайте",
    ),
)
