"""Import of an existing roadmap from a table: XLSX, CSV or a table in a Word document.

The file is read by core.tables (the reader every import shares), the curator maps its columns to ours, and
the rows are parsed into stages and activities for the preview. Numbers decide the structure: one level («1»,
«2.», «I») starts a stage, two or more («1.1», «2.3.1») an activity; a row without a number either continues
the activity above (a cell the editor split over several rows) or, in tables that do not number activities,
starts the next one. Nothing is written until `write_roadmap`, which creates everything in one transaction.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from core import tables, uploads
from people.models import Organization
from roadmap import tracking
from roadmap.models import Roadmap, RoadmapActivity, RoadmapImport, RoadmapStage
from roadmap.roadmaps import parse_deadline

MAX_BYTES = 5 * 1024 * 1024

# Our columns, in the order the preview shows them.
FIELDS = {
    "number": "№",
    "stage": "Наименование этапа",
    "content": "Содержание мероприятия",
    "deadline": "Срок",
    "responsible": "Ответственный",
    "result": "Ожидаемый результат",
}
# Field lengths of the models: longer values are reported, never cut.
LIMITS = {"number": 20, "deadline": 300, "responsible": 300, "stage": 500}
# Columns whose value a merged cell shares with every row it spans; elsewhere a merged cell reads as empty.
SHARED_WHEN_MERGED = ("deadline", "responsible")


ROADMAP_FILES = tables.Accepts(
    kinds=("xlsx", "csv", "docx"),
    max_bytes=MAX_BYTES,
    holds="только таблицу дорожной карты",
    merged=True,  # stage titles and deadlines are often merged over the rows of a stage
    package_check=uploads.swelling_problem,
)


# --- reading ----------------------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y") if (value.hour, value.minute) == (0, 0) else value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).replace("\xa0", " ").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")).strip()


def _norm(header: str) -> str:
    return re.sub(r"\s+", " ", header.lower().replace("ё", "е")).strip()


def guess_mapping(header: list[str]) -> dict[str, int | None]:
    """Which column holds which of our fields, judged loosely by the header's words."""
    mapping: dict[str, int | None] = dict.fromkeys(FIELDS)

    def kind(title: str) -> str | None:
        t = _norm(title)
        if not t:
            return None
        if t.startswith("№") or t.startswith("n ") or t in ("n", "no", "номер") or "п/п" in t or t.startswith("номер"):
            return "number"
        if "результат" in t:
            return "result"
        if "этап" in t and "содержани" not in t and "мероприят" not in t:
            return "stage"
        if "содержани" in t or "мероприят" in t or "деятельност" in t:
            return "content"
        if "срок" in t or t.startswith("дата") or "период" in t:
            return "deadline"
        if "ответствен" in t or "исполнител" in t:
            return "responsible"
        return None

    for index, title in enumerate(header):
        name = kind(title)
        if name and mapping[name] is None:
            mapping[name] = index
    return mapping


def _score(header: list[str]) -> int:
    mapping = guess_mapping(header)
    if mapping["content"] is None and mapping["stage"] is None:
        return 0
    return sum(1 for v in mapping.values() if v is not None)


def _recognise(cells: list, line: int) -> tuple[list[str], int] | None:
    """A header in words we know scores by the columns it names; in words we do not know, a row of two or more
    filled cells may still be one (scored 0: any known header wins), and the curator maps its columns."""
    header = [_text(value) for value in cells]
    score = _score(header)
    if score >= 2:
        return header, score
    return (header, 0) if sum(1 for text in header if text) >= 2 else None


def read_table(content: bytes, name: str) -> tables.Table[list[str]]:
    """The table of the file under its header row, its cells as text; TableError with a Russian message otherwise."""
    table = tables.read_table(content, name, ROADMAP_FILES, _recognise)
    if table is None:
        raise tables.TableError(
            "Не найдена строка заголовков таблицы. В первой строке таблицы должны быть названия столбцов: "
            "«№», «Наименование этапа», «Содержание деятельности», «Сроки», «Ответственный»."
        )
    table.rows = [(line, [_text(value) for value in cells]) for line, cells in table.rows]
    if not any(text for _, cells in table.rows for text in cells):
        raise tables.TableError("В таблице есть заголовки, но нет ни одной строки с мероприятиями.")
    return table


# --- parsing ----------------------------------------------------------------------------------------------------

NUMBER = re.compile(r"^(?:этап\s*)?((?:\d{1,3}|[IVXLC]{1,6})(?:\.\d{1,3})*)[.)]?$", re.IGNORECASE)


def guess_model_stage(title: str) -> int | None:
    """The stage of the model a section's title speaks of (roadmap.tracking.STAGE_WORDS)."""
    return tracking.stage_by_title(title)


@dataclass
class ParsedActivity:
    line: int
    number: str
    content: str
    deadline: str = ""
    responsible: str = ""
    result: str = ""
    check_code: str = ""  # the data check that completes it, guessed by meaning (roadmap.tracking)
    deadline_date: date | None = None  # read from the deadline for the period (read_deadlines)

    @property
    def check_label(self) -> str:
        return tracking.check_label(self.check_code)


@dataclass
class ParsedStage:
    line: int
    number: str
    title: str
    model_stage: int | None = None
    guessed_by: str = ""  # how the model stage was told: «по названию», «по мероприятиям», «выбрано вручную»
    activities: list[ParsedActivity] = field(default_factory=list)

    @property
    def model_stage_label(self) -> str:
        return tracking.stage_label(self.model_stage)


@dataclass
class Problem:
    line: int
    excerpt: str
    reason: str


@dataclass
class Preview:
    stages: list[ParsedStage] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Remarks on rows that ARE loaded as the file has them: repeated or missing numbers, sub-sections.
    notes: list[Problem] = field(default_factory=list)
    numbered_activities: bool = False

    @property
    def activity_count(self) -> int:
        return sum(len(s.activities) for s in self.stages)


def _level(number: str) -> tuple[int, str] | None:
    """(depth, the number without its trailing dot) or None when it is not a number at all."""
    match = NUMBER.match(number.replace(" ", ""))
    if not match:
        return None
    value = match.group(1)
    return value.count(".") + 1, value.upper() if value.isalpha() else value


def _join(first: str, more: str, *, block: bool) -> str:
    if not first or not more:
        return first or more
    if block:
        return f"{first}\n{more}"
    # A deadline or position split over two rows reads as one line; a word broken at a hyphen rejoins.
    return f"{first}{more}" if first.endswith(("-", "–")) else f"{first} {more}"


def _looks_continued(row: dict[str, str]) -> bool:
    content = row["content"]
    return bool(content) and (content[0].islower() or content[0] in "-–—•·<,;)")


def _is_column_numbers(texts: list[str]) -> bool:
    """The row «1 2 3 4 5» some tables put under the header."""
    filled = [t for t in texts if t]
    return len(filled) >= 3 and filled == [str(i) for i in range(1, len(filled) + 1)]


def parse(table: tables.Table, mapping: dict[str, int | None]) -> Preview:
    preview = Preview()
    used = {name: column for name, column in mapping.items() if column is not None}
    header_norm = [_norm(t) for t in table.header]
    values = []
    for line, cells in table.rows:
        row, merged = {}, {}
        for name in FIELDS:
            column = used.get(name)
            is_merged = column is not None and table.is_merged(line, column)
            shared = is_merged and name in SHARED_WHEN_MERGED
            row[name] = cells[column] if column is not None and (not is_merged or shared) else ""
            merged[name] = is_merged
        values.append((line, cells, row, merged))
    preview.numbered_activities = any(
        (lv := _level(row["number"])) and lv[0] > 1 for _, _, row, _ in values if row["number"]
    )

    stage: ParsedStage | None = None
    activity: ParsedActivity | None = None

    def problem(line: int, row: dict[str, str], reason: str) -> None:
        excerpt = " · ".join(v for v in (row["number"], row["stage"], row["content"]) if v)
        preview.problems.append(Problem(line, excerpt[:160] + ("…" if len(excerpt) > 160 else ""), reason))

    def start_stage(line: int, number: str, title: str) -> ParsedStage:
        nonlocal activity
        activity = None
        new = ParsedStage(line=line, number=number, title=title)
        preview.stages.append(new)
        return new

    def start_activity(line: int, number: str, row: dict[str, str]) -> ParsedActivity:
        new = ParsedActivity(
            line=line,
            number=number,
            content=row["content"],
            deadline=row["deadline"],
            responsible=row["responsible"],
            result=row["result"],
        )
        stage.activities.append(new)
        return new

    for line, texts, row, merged in values:
        if not any(row[name] for name in FIELDS) or _is_column_numbers(texts):
            continue
        if [_norm(t) for t in texts] == header_norm:  # Word repeats the header on every page
            continue
        number = row["number"]
        level = _level(number) if number else None
        if number and level is None:
            problem(line, row, f"номер «{number}» не распознан: ожидается номер вида 1, 1.1, 2.3.1 или I")
            continue
        new_stage_title = row["stage"] if row["stage"] and (stage is None or row["stage"] != stage.title) else ""

        if level and level[0] == 1:
            title = row["stage"] or row["content"]
            if not title:
                problem(line, row, f"у этапа {level[1]} нет наименования")
                stage, activity = None, None
                continue
            stage = start_stage(line, level[1], title)
            # With a separate stage column the same row may already hold the stage's first activity.
            if row["stage"] and row["content"]:
                activity = start_activity(line, "", row)
            continue

        if level:  # an activity numbered «1.1», «2.3.1»
            if new_stage_title:
                stage = start_stage(line, level[1].split(".")[0], new_stage_title)
            if stage is None:
                problem(
                    line, row, f"мероприятие {level[1]} стоит выше первого этапа: неясно, к какому этапу оно относится"
                )
                continue
            if not row["content"]:
                problem(line, row, f"у мероприятия {level[1]} не указано содержание")
                activity = None
                continue
            activity = start_activity(line, level[1], row)
            continue

        # No number.
        if new_stage_title and not merged["stage"]:
            stage = start_stage(line, str(len(preview.stages) + 1), new_stage_title)
            if row["content"]:
                activity = start_activity(line, "", row)
            continue
        if stage is None:
            problem(line, row, "строка без номера стоит выше первого этапа: неясно, к какому этапу она относится")
            continue
        if not row["content"] and activity is None:
            problem(line, row, "в строке нет содержания мероприятия")
            continue
        standalone = (
            not preview.numbered_activities
            and row["content"]
            and not _looks_continued(row)
            and (used.get("deadline") is None or row["deadline"])
            and (used.get("responsible") is None or row["responsible"])
        )
        if activity is None or standalone:
            activity = start_activity(line, "", row)
            continue
        activity.content = _join(activity.content, row["content"], block=True)
        activity.result = _join(activity.result, row["result"], block=True)
        for name in ("deadline", "responsible"):
            if row[name] and not merged[name]:
                setattr(activity, name, _join(getattr(activity, name), row[name], block=False))

    _finish(preview)
    return preview


def _finish(preview: Preview) -> None:
    """Sub-sections set apart, numbers checked and given where the file has none, model stages and data checks
    guessed by meaning, length checks."""
    for stage in preview.stages:
        _set_apart_subsections(preview, stage)
    _note_numbers(preview)
    for stage in preview.stages:
        stage.model_stage, stage.guessed_by = tracking.guess_model_stage(
            stage.title, [a.content for a in stage.activities]
        )
        if len(stage.title) > LIMITS["stage"]:
            preview.problems.append(
                Problem(stage.line, stage.title[:160] + "…", "наименование этапа длиннее 500 знаков")
            )
            stage.title = stage.title[: LIMITS["stage"]]
        kept = []
        for activity in stage.activities:
            too_long = [
                label
                for name, label in (("number", "номер"), ("deadline", "срок"), ("responsible", "ответственный"))
                if len(getattr(activity, name)) > LIMITS[name]
            ]
            if too_long:
                reason = f"слишком длинное значение в столбце: {', '.join(too_long)} (не более 300 знаков, номер — 20)"
                preview.problems.append(Problem(activity.line, activity.content[:160], reason))
            else:
                kept.append(activity)
        stage.activities = kept
    link_checks(preview)
    preview.problems.sort(key=lambda p: p.line)
    preview.notes.sort(key=lambda p: p.line)


def link_checks(preview: Preview) -> None:
    """Each activity of a stage linked to the model gets the data check its content speaks of, if one fits."""
    for stage in preview.stages:
        for activity in stage.activities:
            check = tracking.guess_check(activity.content, stage.model_stage) if stage.model_stage else None
            activity.check_code = check.code if check else ""


def apply_stage_choices(preview: Preview, choices: dict[str, int | None]) -> None:
    """The curator's choice of model stage per section of the file (keyed by the section's place, «1», «2» …),
    and the data checks guessed again within the chosen stages."""
    for index, stage in enumerate(preview.stages, start=1):
        if str(index) in choices and choices[str(index)] != stage.model_stage:
            stage.model_stage, stage.guessed_by = choices[str(index)], "выбрано вручную"
    link_checks(preview)


def _short(text: str) -> str:
    return text[:80] + ("…" if len(text) > 80 else "")


def _set_apart_subsections(preview: Preview, stage: ParsedStage) -> None:
    """In three-level numbering «1.1» may head a sub-section of «1.1.1», «1.1.2»: with no deadline and no
    responsible of its own it is a heading, not an activity; it is reported, its activities load into the stage."""
    numbers = [a.number for a in stage.activities if a.number]
    kept = []
    for activity in stage.activities:
        children = [n for n in numbers if activity.number and n.startswith(activity.number + ".")]
        if children and not activity.deadline and not activity.responsible:
            preview.notes.append(
                Problem(
                    activity.line,
                    f"{activity.number} {_short(activity.content)}",
                    f"подраздел этапа {stage.number}, не мероприятие: его мероприятия {children[0]}–{children[-1]} "
                    "загружены в этап",
                )
            )
        else:
            kept.append(activity)
    stage.activities = kept


def _note_numbers(preview: Preview) -> None:
    """Numbers stay as the file has them; repeated and missing ones are reported. Activities the file does not
    number get numbers by their order in the stage (reported once)."""
    seen_stages: dict[str, int] = {}
    previous: ParsedStage | None = None
    for stage in preview.stages:
        if stage.number in seen_stages:
            preview.notes.append(
                Problem(
                    stage.line,
                    _short(stage.title),
                    f"номер этапа {stage.number} повторяется (уже был в строке {seen_stages[stage.number]})",
                )
            )
        seen_stages.setdefault(stage.number, stage.line)
        if previous and previous.number.isdigit() and stage.number.isdigit():
            gap = range(int(previous.number) + 1, int(stage.number))
            if gap:
                missing = ", ".join(str(n) for n in gap)
                preview.notes.append(
                    Problem(
                        stage.line,
                        _short(stage.title),
                        f"после этапа {previous.number} идёт этап {stage.number}: "
                        f"{'этапа' if len(gap) == 1 else 'этапов'} {missing} в файле нет",
                    )
                )
        previous = stage

    seen: dict[str, int] = {}
    unnumbered = None
    for stage in preview.stages:
        last_child: dict[str, int] = {}
        for index, activity in enumerate(stage.activities, start=1):
            if not activity.number:
                activity.number = f"{stage.number}.{index}"
                unnumbered = unnumbered or activity
                continue
            excerpt = f"{activity.number} {_short(activity.content)}"
            if activity.number in seen:
                preview.notes.append(
                    Problem(
                        activity.line,
                        excerpt,
                        f"номер {activity.number} повторяется (уже был в строке {seen[activity.number]}), "
                        "оставлен как в файле",
                    )
                )
                continue
            seen[activity.number] = activity.line
            parent, _, last = activity.number.rpartition(".")
            if stage.number.isdigit() and parent.split(".")[0] != stage.number:
                preview.notes.append(
                    Problem(activity.line, excerpt, f"номер {activity.number} не из этапа {stage.number}")
                )
            if last.isdigit():
                expected = last_child.get(parent, 0) + 1
                if int(last) > expected:
                    missing = [f"{parent}.{n}" for n in range(expected, int(last))]
                    preview.notes.append(
                        Problem(
                            activity.line,
                            excerpt,
                            f"{'номеров' if len(missing) > 1 else 'номера'} {', '.join(missing)} в файле нет",
                        )
                    )
                last_child[parent] = max(int(last), last_child.get(parent, 0))
    if unnumbered is not None:
        preview.notes.append(
            Problem(
                unnumbered.line,
                _short(unnumbered.content),
                "мероприятия в файле без номеров: номера даны по порядку внутри этапа",
            )
        )


# --- writing ----------------------------------------------------------------------------------------------------


def deadline_date(text: str, start: date, end: date) -> date | None:
    if not text:
        return None
    try:
        return parse_deadline(text, period_start=start, period_end=end)
    except (ValueError, TypeError):
        return None


def read_deadlines(preview: Preview, start: date, end: date) -> list[ParsedActivity]:
    """Each activity's date to track it by, read for the period; returns those whose deadline gave no date."""
    undated = []
    for stage in preview.stages:
        for activity in stage.activities:
            activity.deadline_date = deadline_date(activity.deadline, start, end)
            if activity.deadline_date is None:
                undated.append(activity)
    return undated


def report(preview: Preview, undated: list[ParsedActivity], unused: list[str]) -> dict:
    """What an import created and flagged, as the result page and the import history keep it."""

    def rows(items: list[Problem]) -> list[dict]:
        return [{"line": p.line, "excerpt": p.excerpt, "reason": p.reason} for p in items]

    return {
        "stages": [
            {
                "number": s.number,
                "title": s.title,
                "model_stage": s.model_stage,
                "model_stage_label": s.model_stage_label,
                "guessed_by": s.guessed_by,
                "activities": len(s.activities),
                "linked": sum(bool(a.check_code) for a in s.activities),
            }
            for s in preview.stages
        ],
        "linked": [
            {"number": a.number, "content": _short(a.content), "check": a.check_label}
            for s in preview.stages
            for a in s.activities
            if a.check_code
        ],
        "problems": rows(preview.problems),
        "notes": rows(preview.notes),
        "undated": [{"line": a.line, "number": a.number, "deadline": a.deadline or "не указан"} for a in undated],
        "unused": list(unused),
    }


def write_roadmap(
    org: Organization, preview: Preview, *, title: str, period_label: str, period_start: date, period_end: date
) -> Roadmap:
    """Create the roadmap with its stages and activities in one transaction: all of it or nothing."""
    if not preview.stages:
        raise ValueError("В таблице не найдено ни одного этапа.")
    read_deadlines(preview, period_start, period_end)
    with transaction.atomic():
        roadmap = Roadmap.objects.create(
            organization=org,
            title=title,
            period_label=period_label,
            period_start=period_start,
            period_end=period_end,
            source=Roadmap.Source.IMPORT,
        )
        stages = RoadmapStage.objects.bulk_create(
            RoadmapStage(roadmap=roadmap, number=s.number, title=s.title, model_stage=s.model_stage, position=i)
            for i, s in enumerate(preview.stages, start=1)
        )
        activities, position = [], 0
        for stage, parsed in zip(stages, preview.stages, strict=True):
            for activity in parsed.activities:
                position += 1
                activities.append(
                    RoadmapActivity(
                        roadmap=roadmap,
                        stage=stage,
                        number=activity.number,
                        position=position,
                        content=activity.content,
                        deadline_text=activity.deadline,
                        deadline_date=activity.deadline_date,
                        responsible_position=activity.responsible,
                        expected_result=activity.result,
                        check_code=activity.check_code,
                    )
                )
        RoadmapActivity.objects.bulk_create(activities)
    return roadmap


@transaction.atomic
def import_roadmap(
    org: Organization,
    preview: Preview,
    *,
    file_name: str,
    unused: list[str] = (),
    by=None,
    **period,
) -> RoadmapImport:
    """`write_roadmap` and its record in the import history, with what it created and what it flagged."""
    undated = read_deadlines(preview, period["period_start"], period["period_end"])
    roadmap = write_roadmap(org, preview, **period)
    content = report(preview, undated, unused)
    return RoadmapImport.objects.create(
        organization=org,
        roadmap=roadmap,
        file_name=file_name[:255],
        stage_count=len(preview.stages),
        activity_count=preview.activity_count,
        flagged_count=len(content["problems"]) + len(content["notes"]) + len(content["undated"]),
        report=content,
        created_by=by,
    )


def parse_pending(pending: dict, table: tables.Table) -> Preview:
    """The preview of an upload waiting in the session: its columns, its sections' stages, its deadlines read."""
    preview = parse(table, {name: pending["mapping"].get(name) for name in FIELDS})
    apply_stage_choices(preview, pending.get("stages", {}))
    read_deadlines(preview, date.fromisoformat(pending["period_start"]), date.fromisoformat(pending["period_end"]))
    return preview


def unused_columns(table: tables.Table, mapping: dict) -> list[str]:
    """Names of the file's columns that hold something but go into no field: the curator sees what is left out
    (a column the mapper did not recognise is never dropped silently)."""
    used = {index for index in mapping.values() if index is not None}
    names = []
    for index, name in enumerate(table.header):
        if index in used:
            continue
        if any(index < len(cells) and not tables.is_blank(cells[index]) for _, cells in table.rows):
            names.append(str(name).strip() or f"столбец {index + 1}")
    return names


def refusal(preview: Preview) -> str:
    """Why the preview cannot become a roadmap, for the curator; "" when it can."""
    if not preview.stages:
        return "В таблице не найдено ни одного этапа: проверьте, какие столбцы выбраны."
    if not preview.activity_count:
        return "В таблице не найдено ни одного мероприятия: проверьте, какой столбец выбран для содержания мероприятий."
    return ""


# --- the uploaded file between preview and confirm --------------------------------------------------------------

UPLOAD_DIR = "roadmap_imports"


def _upload_path(token: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}\.(xlsx|csv|docx)", token):
        raise FileNotFoundError(token)
    return Path(settings.MEDIA_ROOT) / UPLOAD_DIR / token


def store_upload(content: bytes, name: str) -> str:
    token = f"{uuid.uuid4().hex}{Path(name).suffix.lower()}"
    path = _upload_path(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return token


def load_upload(token: str) -> bytes:
    return _upload_path(token).read_bytes()


def drop_upload(token: str) -> None:
    # A token that is not ours names no file; there is nothing to delete then.
    with contextlib.suppress(FileNotFoundError):
        _upload_path(token).unlink(missing_ok=True)


# --- the demo ---------------------------------------------------------------------------------------------------

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo_roadmap_school.csv"
DEMO_PERIOD = "2026–2027 учебный год"


def import_demo_roadmap(org: Organization) -> Roadmap:
    """The school's roadmap of the demo, imported from a table as a school would; once per organisation."""
    existing = Roadmap.objects.filter(organization=org, period_label=DEMO_PERIOD, source=Roadmap.Source.IMPORT).first()
    if existing:
        return existing
    table = read_table(DEMO_FILE.read_bytes(), DEMO_FILE.name)
    preview = parse(table, guess_mapping(table.header))
    return import_roadmap(
        org,
        preview,
        file_name="Дорожная карта школы.csv",
        title="Дорожная карта реализации системы наставничества педагогических работников",
        period_label=DEMO_PERIOD,
        period_start=date(2026, 9, 1),
        period_end=date(2027, 8, 31),
    ).roadmap
