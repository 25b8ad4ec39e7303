"""Import of an existing roadmap from a table: XLSX, CSV or a table in a Word document.

The file is read into a grid of cells, the curator maps its columns to ours, and the rows are parsed into
stages and activities for the preview. Numbers decide the structure: one level («1», «2.», «I») starts a
stage, two or more («1.1», «2.3.1») an activity; a row without a number either continues the activity above
(a cell the editor split over several rows) or, in tables that do not number activities, starts the next one.
Nothing is written until `write_roadmap`, which creates everything in one transaction.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from people import uploads
from people.models import Organization
from roadmap.models import Roadmap, RoadmapActivity, RoadmapStage

MAX_BYTES = 5 * 1024 * 1024
EXTENSIONS = (".xlsx", ".csv", ".docx")
HEADER_SCAN_ROWS = 20

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


class ImportFileError(Exception):
    """The file cannot be read as a table; the message says what to do, in Russian."""


@dataclass
class Cell:
    text: str
    merged: bool = False  # continues the cell above (a vertically merged cell)


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[Cell]]]  # (line as the curator sees it in the file, cells)
    where: str = ""  # «лист «…»», «таблица 2»


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


def _grid_xlsx(content: bytes) -> list[tuple[str, list[list[Cell]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(
            "Файл не открывается как таблица Excel (.xlsx). Сохраните его заново и повторите."
        ) from exc
    grids = []
    for sheet in book.worksheets:
        grid = [[Cell(_text(v)) for v in row] for row in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:
            top = _text(sheet.cell(merged.min_row, merged.min_col).value)
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if (r, c) == (merged.min_row, merged.min_col) or r - 1 >= len(grid) or c - 1 >= len(grid[r - 1]):
                        continue
                    # Only the first column of a merged block carries the value; the rows below continue it.
                    below = r > merged.min_row and c == merged.min_col
                    grid[r - 1][c - 1] = Cell(top if below else "", merged=below)
        grids.append((f"лист «{sheet.title}»", grid))
    return grids


def _grid_csv(content: bytes) -> list[tuple[str, list[list[Cell]]]]:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError("Не удалось прочитать текст файла CSV: сохраните его в кодировке UTF-8.")
    if "\x00" in text:
        raise ImportFileError("Файл не похож на таблицу CSV. Загрузите таблицу XLSX, CSV или документ Word (.docx).")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";"
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [("", [[Cell(_text(v)) for v in row] for row in rows])]


def _grid_docx(content: bytes) -> list[tuple[str, list[list[Cell]]]]:
    from docx import Document

    try:
        document = Document(io.BytesIO(content))
    except Exception as exc:  # python-docx raises several unrelated types for a broken package
        raise ImportFileError(
            "Файл не открывается как документ Word (.docx). Сохраните его заново и повторите."
        ) from exc
    grids = []
    for number, table in enumerate(document.tables, start=1):
        grid: list[list[Cell]] = []
        above: list = []
        for row in table.rows:
            cells, elements, previous = [], [], None
            for column, cell in enumerate(row.cells):
                element = cell._tc
                if element is previous:  # a horizontally merged cell repeats in every column it spans
                    cells.append(Cell(""))
                else:
                    merged = column < len(above) and above[column] is element
                    cells.append(Cell(_text(cell.text), merged=merged))
                elements.append(element)
                previous = element
            above = elements
            grid.append(cells)
        grids.append((f"таблица {number}", grid))
    return grids


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


def read_table(content: bytes, name: str) -> Table:
    """The table of the file with its header row found; ImportFileError with a Russian message otherwise."""
    suffix = Path(name or "").suffix.lower()
    if suffix not in EXTENSIONS:
        raise ImportFileError("Такой файл не подходит: загрузите таблицу Excel (.xlsx), CSV или документ Word (.docx).")
    if not content:
        raise ImportFileError("Файл пустой. Загрузите файл с таблицей дорожной карты.")
    if len(content) > MAX_BYTES:
        raise ImportFileError("Файл больше 5 МБ. Оставьте в нём только таблицу дорожной карты и загрузите снова.")
    if suffix in (".xlsx", ".docx"):
        what = "Файл таблицы Excel" if suffix == ".xlsx" else "Файл документа Word"
        problem = uploads.swelling_problem(content, what, "только таблицу дорожной карты")
        if problem:
            raise ImportFileError(problem)
    grids = {".xlsx": _grid_xlsx, ".csv": _grid_csv, ".docx": _grid_docx}[suffix](content)
    best = None
    for where, grid in grids:
        for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
            score = _score([c.text for c in row])
            if score >= 2 and (best is None or score > best[0]):
                best = (score, where, grid, index)
    if best is None:
        # Headers in words we do not know: take the first row of two or more filled cells; the curator maps it.
        for where, grid in grids:
            index = next(
                (i for i, row in enumerate(grid[:HEADER_SCAN_ROWS]) if sum(1 for c in row if c.text) >= 2), None
            )
            if index is not None and index + 1 < len(grid):
                best = (0, where, grid, index)
                break
    if best is None:
        if not any(c.text for _, grid in grids for row in grid for c in row):
            raise ImportFileError("В файле нет таблицы или она пустая. Загрузите файл с таблицей дорожной карты.")
        raise ImportFileError(
            "Не найдена строка заголовков таблицы. В первой строке таблицы должны быть названия столбцов: "
            "«№», «Наименование этапа», «Содержание деятельности», «Сроки», «Ответственный»."
        )
    _, where, grid, index = best
    header = [c.text for c in grid[index]]
    width = len(header)
    rows = [
        (line, (cells + [Cell("")] * width)[:width]) for line, cells in enumerate(grid, start=1) if line > index + 1
    ]
    if not any(c.text for _, cells in rows for c in cells):
        raise ImportFileError("В таблице есть заголовки, но нет ни одной строки с мероприятиями.")
    return Table(header=header, rows=rows, where=where if len(grids) > 1 else "")


# --- parsing ----------------------------------------------------------------------------------------------------

NUMBER = re.compile(r"^(?:этап\s*)?((?:\d{1,3}|[IVXLC]{1,6})(?:\.\d{1,3})*)[.)]?$", re.IGNORECASE)
STAGE_KEYWORDS = [
    (6, re.compile(r"заверш")),
    (7, re.compile(r"информац")),
    (1, re.compile(r"услови")),
    (4, re.compile(r"обучени|отбор")),
    (5, re.compile(r"\bпар")),
    (2, re.compile(r"наставляем")),
    (3, re.compile(r"наставник")),
]


def guess_model_stage(title: str) -> int | None:
    text = title.lower().replace("ё", "е")
    for number, pattern in STAGE_KEYWORDS:
        if pattern.search(text):
            return number
    return None


@dataclass
class ParsedActivity:
    line: int
    number: str
    content: str
    deadline: str = ""
    responsible: str = ""
    result: str = ""


@dataclass
class ParsedStage:
    line: int
    number: str
    title: str
    model_stage: int | None = None
    activities: list[ParsedActivity] = field(default_factory=list)


@dataclass
class Problem:
    line: int
    excerpt: str
    reason: str


@dataclass
class Preview:
    stages: list[ParsedStage] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
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


def parse(table: Table, mapping: dict[str, int | None]) -> Preview:
    preview = Preview()
    used = {name: column for name, column in mapping.items() if column is not None}
    header_norm = [_norm(t) for t in table.header]
    values = []
    for line, cells in table.rows:
        row, merged = {}, {}
        for name in FIELDS:
            column = used.get(name)
            cell = cells[column] if column is not None else Cell("")
            shared = cell.merged and name in SHARED_WHEN_MERGED
            row[name] = cell.text if (not cell.merged or shared) else ""
            merged[name] = cell.merged
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
        new = ParsedStage(line=line, number=number, title=title, model_stage=guess_model_stage(title))
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

    for line, cells, row, merged in values:
        texts = [c.text for c in cells]
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
    """Numbers for unnumbered activities, model stages by order where words did not tell, length checks."""
    guessed = {s.model_stage for s in preview.stages if s.model_stage}
    if len(preview.stages) == 7:
        for index, stage in enumerate(preview.stages, start=1):
            if stage.model_stage is None and index not in guessed:
                stage.model_stage = index
    for stage in preview.stages:
        if len(stage.title) > LIMITS["stage"]:
            preview.problems.append(
                Problem(stage.line, stage.title[:160] + "…", "наименование этапа длиннее 500 знаков")
            )
            stage.title = stage.title[: LIMITS["stage"]]
        kept = []
        for index, activity in enumerate(stage.activities, start=1):
            activity.number = activity.number or f"{stage.number}.{index}"
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
    preview.problems.sort(key=lambda p: p.line)


# --- writing ----------------------------------------------------------------------------------------------------


def _deadline_parser():
    try:
        from roadmap.roadmaps import parse_deadline
    except ImportError:
        return None
    return parse_deadline


def deadline_date(text: str, start: date, end: date) -> date | None:
    parser = _deadline_parser()
    if parser is None or not text:
        return None
    try:
        try:
            return parser(text, period_start=start, period_end=end)
        except TypeError:
            return parser(text)
    except (ValueError, TypeError):
        return None


def write_roadmap(
    org: Organization, preview: Preview, *, title: str, period_label: str, period_start: date, period_end: date
) -> Roadmap:
    """Create the roadmap with its stages and activities in one transaction: all of it or nothing."""
    if not preview.stages:
        raise ValueError("В таблице не найдено ни одного этапа.")
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
                        deadline_date=deadline_date(activity.deadline, period_start, period_end),
                        responsible_position=activity.responsible,
                        expected_result=activity.result,
                    )
                )
        RoadmapActivity.objects.bulk_create(activities)
    return roadmap


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
    return write_roadmap(
        org,
        preview,
        title="Дорожная карта реализации системы наставничества педагогических работников",
        period_label=DEMO_PERIOD,
        period_start=date(2026, 9, 1),
        period_end=date(2027, 8, 31),
    )
