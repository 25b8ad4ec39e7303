"""The seven stages of the target model of mentoring, as dashboards and roadmaps present them.

The stages are fixed by the Ministry's methodical recommendations, so they live in code rather than in the
database: roadmap rows refer to a stage by its number, and code may rely on the stable ``code`` slugs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Stage:
    number: int
    code: str
    title: str
    summary: str
    outcomes: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


STAGES: tuple[Stage, ...] = (
    Stage(
        number=1,
        code="conditions",
        title="Подготовка условий",
        summary=(
            "Коллектив узнаёт о запуске наставничества, руководитель утверждает положение и дорожную карту "
            "и назначает куратора."
        ),
        outcomes=(
            "Приказ об утверждении положения о наставничестве и дорожной карты",
            "Приказ о назначении куратора",
            "Шаблон персонализированной программы наставничества",
        ),
    ),
    Stage(
        number=2,
        code="mentees",
        title="Банк наставляемых",
        summary=(
            "Куратор выясняет, какие профессиональные затруднения и запросы есть у педагогов, и вносит "
            "желающих в банк наставляемых."
        ),
        outcomes=(
            "Перечень запросов и затруднений педагогов",
            "Банк наставляемых",
            "Согласия на обработку персональных данных",
        ),
    ),
    Stage(
        number=3,
        code="mentors",
        title="Банк наставников",
        summary=(
            "Опытных педагогов, готовых делиться опытом, выявляют анкетированием и беседами и вносят в банк "
            "наставников."
        ),
        outcomes=(
            "Анкеты потенциальных наставников",
            "Банк наставников",
            "Согласия на обработку персональных данных",
        ),
    ),
    Stage(
        number=4,
        code="training",
        title="Отбор и обучение наставников",
        summary=(
            "Под запросы наставляемых подбирают подходящих наставников и готовят их к работе: установочные "
            "встречи, консультации, методические материалы."
        ),
        outcomes=(
            "Список наставников, отобранных под запросы",
            "План и материалы обучения наставников",
        ),
    ),
    Stage(
        number=5,
        code="pairs",
        title="Пары и группы за работой",
        summary=(
            "Формируются пары и группы, каждая по своей персонализированной программе ведёт работу; тем, кому "
            "наставник пока не найден, оказывают поддержку."
        ),
        outcomes=(
            "Письменные согласия участников на работу в паре или группе",
            "Приказ о закреплении наставнических пар и групп",
            "Персонализированные программы наставничества",
            "Записи о проведённых мероприятиях и их результатах",
        ),
    ),
    Stage(
        number=6,
        code="completion",
        title="Завершение программ",
        summary=(
            "Куратор оценивает качество программ по анкетам участников, проводит итоговое мероприятие, "
            "собирает лучшие практики и представляет наставников к поощрению."
        ),
        outcomes=(
            "Результаты анкетирования наставников и наставляемых",
            "Итоговый аналитический отчёт куратора",
            "Методическая копилка лучших практик",
            "Приказ о поощрении наставников",
        ),
    ),
    Stage(
        number=7,
        code="publicity",
        title="Информационная поддержка",
        summary="Новости, документы и итоги наставничества публикуются в разделе официального сайта организации.",
        outcomes=(
            "Раздел «Наставничество» на сайте организации",
            "Опубликованные новости и итоги завершённых программ",
        ),
    ),
)

_BY_NUMBER = {item.number: item for item in STAGES}


def stage(number: int) -> Stage:
    """The stage with this number (1–7); ``KeyError`` for any other number."""
    try:
        return _BY_NUMBER[number]
    except KeyError:
        raise KeyError(f"No stage number {number}; stages are numbered 1 to {len(STAGES)}.") from None
