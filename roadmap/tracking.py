"""How a roadmap's progress is tracked: which stage of the model each of its stages counts for, and which data
check (monitoring.progress) completes each activity by itself.

The model roadmap carries both. An imported roadmap gets them by meaning: a stage by the words of its title (or,
when the title says nothing, by what its activities are about), an activity by the words of its content, among
the checks of its stage. The curator sees the guesses in the preview and corrects them on the page «Этапы и
проверки», also after approval: these links are not the document's wording, and every change is logged
(TrackingChange).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.db import transaction

from roadmap.models import Roadmap, RoadmapActivity, RoadmapStage, TrackingChange
from roadmap.stages import STAGES


@dataclass(frozen=True, slots=True)
class DataCheck:
    code: str
    stage: int
    label: str
    words: re.Pattern


def _words(pattern: str) -> re.Pattern:
    return re.compile(pattern)


# The checks of monitoring.progress.stage_checks (a test keeps the two lists the same), with the words of an
# activity that the check's data shows done. Within a stage the first that fits wins.
CHECKS: tuple[DataCheck, ...] = (
    DataCheck("curator_appointed", 1, "Куратор назначен приказом", _words(r"куратор\w*.*назнач|назнач\w*.*куратор")),
    DataCheck(
        "regulation_approved",
        1,
        "Положение о наставничестве утверждено приказом",
        _words(r"положени\w* о (?:системе |целевой модели )?наставничеств|положени\w*.*(?:утвер|разраб|подгот)"),
    ),
    DataCheck(
        "roadmap_approved", 1, "Дорожная карта утверждена приказом", _words(r"дорожн\w* карт\w*.*(?:утвер|приказ)")
    ),
    DataCheck(
        "programme_template_ready",
        1,
        "Шаблон персонализированной программы подготовлен",
        _words(r"(?:шаблон|макет|типов\w*|форм\w*)\s.*программ|программ\w*.*шаблон"),
    ),
    DataCheck(
        "mentee_consents",
        2,
        "Согласия наставляемых на обработку персональных данных",
        _words(r"согласи|персональн\w* данн|банк\w* наставляем|список\w* наставляем"),
    ),
    DataCheck(
        "mentees_with_requests",
        2,
        "Наставляемые в банке с профессиональными запросами",
        _words(r"затруднени|запрос|дефицит|потребност"),
    ),
    DataCheck(
        "mentor_consents",
        3,
        "Согласия наставников (персональные данные и обязанности)",
        _words(r"согласи|персональн\w* данн|банк\w* наставник"),
    ),
    DataCheck(
        "mentors_with_questionnaires",
        3,
        "Анкеты наставников проверены",
        _words(r"собеседовани|анкет|опрос"),
    ),
    DataCheck(
        "mentors_trained",
        4,
        "Отобранные наставники прошли обучение",
        _words(r"обучени|семинар|установочн|курс|квалификац|тренинг|консультац|школ\w* наставник|вебинар"),
    ),
    DataCheck("mentors_selected", 4, "Наставники отобраны", _words(r"отбор|подбор|сопостав|выбор|анализ\w* банк")),
    DataCheck(
        "waiting_supported",
        5,
        "Каждый наставляемый в паре по утверждённой программе или получает сопровождение",
        _words(r"без (?:пары|наставник)|не сформирован|поддержк|сопровождени\w* наставляем|ожида"),
    ),
    DataCheck(
        "pairs_active",
        5,
        "Пары и группы действуют по утверждённым программам",
        _words(r"закреп|(?:формир|сформир)\w*.*\bпар|\bпар\w*.*приказ|персонализированн\w* программ"),
    ),
    DataCheck(
        "questionnaires_collected",
        6,
        "Анкеты участников собраны",
        _words(r"анкет|опрос|удовлетворенн|мониторинг"),
    ),
    DataCheck(
        "final_event_held",
        6,
        "Итоговое мероприятие проведено",
        _words(r"итогов\w* (?:мероприяти|конференц|семинар|встреч|педсовет|совет)|круглый стол|фестивал|конкурс"),
    ),
    DataCheck("practices_saved", 6, "Лучшие практики внесены в методическую копилку", _words(r"копилк|практик")),
    DataCheck(
        "programmes_completed",
        6,
        "Программы наставничества завершены",
        _words(r"заверш|итог\w* (?:выполнени|реализаци)|подвед\w* итог"),
    ),
    DataCheck(
        "items_published",
        7,
        "Материалы опубликованы на сайте организации",
        _words(r"сайт|публик|опубликов|размещ|соцсет|сообществ|сми\b|новост"),
    ),
)
CHECK_BY_CODE = {c.code: c for c in CHECKS}

# Words of each stage's title, in the order they are tried: «Завершение программ наставничества» is about
# completion although it names the programme, «Отбор и обучение наставников» about training although it names
# mentors, «Формирование банка наставляемых» about mentees although «наставник» is part of the word.
STAGE_WORDS: tuple[tuple[int, re.Pattern], ...] = (
    (6, _words(r"заверш|итог|мониторинг|оценк\w* (?:результат|эффективн|качеств)")),
    (7, _words(r"информац|сайт|публик|освещени|популяриз")),
    (1, _words(r"услови|подготовительн|организационн\w* (?:этап|обеспеч)|нормативн|положени")),
    (4, _words(r"обучени|отбор|подготовк\w* наставник")),
    (5, _words(r"\bпар|групп|реализаци\w* (?:персонализированн|программ)|осуществлени\w* работ")),
    (2, _words(r"наставляем")),
    (3, _words(r"наставник")),
)


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split())


def stage_by_title(title: str) -> int | None:
    text = _norm(title)
    return next((number for number, pattern in STAGE_WORDS if pattern.search(text)), None)


def stage_by_activities(contents: list[str]) -> int | None:
    """The stage most of the activities' contents speak of (by the checks they fit), when a clear majority does."""
    votes = Counter(check.stage for content in contents if (check := guess_check(content, None)))
    if not votes:
        return None
    (best, count), *rest = votes.most_common()
    return best if not rest or count > rest[0][1] else None


def guess_model_stage(title: str, contents: list[str] = ()) -> tuple[int | None, str]:
    """The stage of the model a section of the file is about, and how it was told: «по названию», «по
    мероприятиям» or «» when nothing told (the curator chooses)."""
    by_title = stage_by_title(title)
    if by_title:
        return by_title, "по названию"
    by_activities = stage_by_activities(list(contents))
    if by_activities:
        return by_activities, "по мероприятиям"
    return None, ""


def guess_check(content: str, model_stage: int | None) -> DataCheck | None:
    """The data check an activity's content speaks of, among the checks of its stage (of all stages when the
    stage is not linked to the model); None when none fits."""
    text = _norm(content)
    for check in CHECKS:
        if (model_stage is None or check.stage == model_stage) and check.words.search(text):
            return check
    return None


def check_choices() -> list[tuple[str, list[tuple[str, str]]] | tuple[str, str]]:
    """The choices of a select of data checks, grouped by the stage of the model."""
    choices: list = [("", "— не связано: отмечается вручную —")]
    for stage in STAGES:
        group = [(c.code, c.label) for c in CHECKS if c.stage == stage.number]
        choices.append((f"{stage.number}. {stage.title}", group))
    return choices


def stage_choices() -> list[tuple[str, str]]:
    return [("", "— не относится к этапу модели —"), *((str(s.number), str(s)) for s in STAGES)]


def check_label(code: str) -> str:
    check = CHECK_BY_CODE.get(code)
    return check.label if check else (code or "")


def stage_label(number: int | str | None) -> str:
    if not number:
        return ""
    found = next((s for s in STAGES if str(s.number) == str(number)), None)
    return str(found) if found else str(number)


# --- saving the curator's corrections -------------------------------------------------------------------------


def link_rows(roadmap: Roadmap) -> list[RoadmapStage]:
    """The roadmap's stages with their activities, in two queries."""
    return list(roadmap.stages.order_by("position", "id").prefetch_related("activities"))


@transaction.atomic
def save_links(
    roadmap: Roadmap, stages: dict[int, int | None], checks: dict[int, str], *, by=None
) -> list[TrackingChange]:
    """Apply the chosen model stages ({stage pk: 1–7 or None}) and data checks ({activity pk: code or ""}),
    logging each change; returns the changes (none when nothing differs). A replaced roadmap is history."""
    if roadmap.status == Roadmap.Status.SUPERSEDED:
        raise ValueError("Дорожная карта заменена новой редакцией: её связи больше не меняются.")
    after = roadmap.status != Roadmap.Status.DRAFT
    changes = []
    for stage in RoadmapStage.objects.select_for_update().filter(roadmap=roadmap, pk__in=stages):
        new = stages[stage.pk]
        if stage.model_stage != new:
            changes.append(
                TrackingChange(
                    roadmap=roadmap,
                    stage=stage,
                    field=TrackingChange.Field.MODEL_STAGE,
                    old_value=str(stage.model_stage or ""),
                    new_value=str(new or ""),
                    after_approval=after,
                    changed_by=by,
                )
            )
            stage.model_stage = new
            stage.save(update_fields=["model_stage"])
    for activity in RoadmapActivity.objects.select_for_update().filter(roadmap=roadmap, pk__in=checks):
        new = checks[activity.pk]
        if activity.check_code != new:
            changes.append(
                TrackingChange(
                    roadmap=roadmap,
                    activity=activity,
                    field=TrackingChange.Field.CHECK,
                    old_value=activity.check_code,
                    new_value=new,
                    after_approval=after,
                    changed_by=by,
                )
            )
            activity.check_code = new
            activity.save(update_fields=["check_code"])  # the one write an approved roadmap allows (models)
    TrackingChange.objects.bulk_create(changes)
    return changes
