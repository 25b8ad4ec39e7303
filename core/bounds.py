"""Bounds on what an uploaded workbook (XLSX) or Word document (DOCX) declares, checked before a reader builds it.

A 5 KB workbook may declare a sheet of 16 384 columns by 20 000 rows, or a merged cell over a million cells:
openpyxl then builds every one of them, which takes minutes and gigabytes (issue 20). The size checks of
core.uploads do not see it, since such a file is tiny. So the package's XML is read here first, streamed with
expat and never built: the declared dimensions, the highest row and column a cell names, the number of cells,
the merged ranges and their area, the rows and spans of Word tables. Whatever passes is small enough for
openpyxl and python-docx to read in a few seconds; whatever does not is refused with a Russian message saying
what to do. A DTD in any part of the package is refused too: an Office file never has one, and entities
declared in it are how an XML file is made to swell (the «billion laughs») or to read a server's files.

The limits are the same for every import (the staff list, the roadmap); read at call time, so a test may lower
them.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from xml.parsers import expat

MAX_COLUMNS = 200  # columns of a sheet, or grid columns of a row of a Word table
MAX_ROWS = 30_000  # the highest row number of a sheet; rows of all the tables of a document
MAX_CELLS = 200_000  # cells of the whole file: 10 000 rows of 20 columns
# Rows × columns a sheet spans, from its first cell to its last, empty ones included: readers go through all of them.
MAX_AREA = 600_000
MAX_MERGED = 5_000  # merged ranges of a workbook
MAX_MERGED_CELLS = 50_000  # cells the merged ranges of a workbook cover together
MAX_VERTICAL_MERGE = 300  # rows one vertically merged cell of a Word table spans
MAX_SECONDS = 5.0  # spent reading the package's XML
# A scan of a signed paper document (an order registered after the fact): a few pages at 150–300 dpi.
SCAN_MAX_BYTES = 10 * 1024 * 1024

_CHUNK = 64 * 1024
_SHEET_NS = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_WORD_NS = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)
_REF = re.compile(r"^\$?([A-Za-z]{1,3})?\$?(\d{1,7})?$")


class Refused(Exception):
    """A package beyond the bounds; the message, in Russian, says what to do."""


def number(value: int) -> str:
    """«16 384» — a count the way a Russian message writes it."""
    return f"{value:,}".replace(",", " ")


def columns_word(count: int) -> str:
    """«16 384 столбца», «100 001 столбец»."""
    return f"{number(count)} {_plural(count, 'столбец', 'столбца', 'столбцов')}"


def _plural(value: int, one: str, few: str, many: str) -> str:
    if value % 10 == 1 and value % 100 != 11:
        return one
    return few if 2 <= value % 10 <= 4 and not 12 <= value % 100 <= 14 else many


def column_index(letters: str) -> int:
    """1 for «A», 16 384 for «XFD»."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index


def cell_position(ref: str) -> tuple[int, int]:
    """(row, column) of «B7»; 0 for a part a reference leaves out («B» names a column, «7» a row)."""
    match = _REF.match(ref.strip())
    if not match:
        return 0, 0
    letters, digits = match.groups()
    return int(digits or 0), column_index(letters or "")


def range_size(ref: str) -> tuple[int, int]:
    """(rows, columns) of «A3:ZZ3000» (a single cell is 1 × 1); a whole column or row counts as the sheet's."""
    first, _, last = ref.partition(":")
    (top, left), (bottom, right) = cell_position(first), cell_position(last or first)
    top, left = top or 1, left or 1
    bottom, right = bottom or 1_048_576, right or 16_384
    return max(bottom - top + 1, 1), max(right - left + 1, 1)


class _Scan:
    """The counting shared by the parts of one package, and the clock."""

    def __init__(self, what: str, holds: str, word: bool = False) -> None:
        self.what, self.holds, self.word = what, holds, word
        self.cells = 0
        self.rows = 0
        self.merged = 0
        self.merged_cells = 0
        self.started = time.monotonic()

    def tick(self) -> None:
        if time.monotonic() - self.started > MAX_SECONDS:
            raise Refused(
                f"{self.what} устроен слишком сложно: его не удалось разобрать за {MAX_SECONDS:.0f} с. Скопируйте в "
                f"новый файл {self.holds}, без оформления, и загрузите его."
            )

    def columns(self, count: int, declared: bool = False) -> None:
        if count > MAX_COLUMNS and self.word:
            raise Refused(
                f"Строка таблицы в документе занимает {columns_word(count)} — допускается не больше {MAX_COLUMNS}. "
                "Проверьте объединённые ячейки таблицы, сохраните документ и "
                "загрузите снова."
            )
        if count > MAX_COLUMNS:
            how = "объявляет" if declared else "занимает"
            raise Refused(
                f"Лист {how} {columns_word(count)} — допускается не "
                f"больше {MAX_COLUMNS}. Сохраните таблицу заново только с нужными столбцами (удалите пустые столбцы "
                "справа от таблицы) и загрузите снова."
            )

    def last_row(self, row: int, declared: bool = False) -> None:
        if row > MAX_ROWS:
            how = "объявляет" if declared else "доходит до"
            raise Refused(
                f"Лист {how} {number(row)} строк{'у' if declared and row % 10 == 1 else ''} — допускается не больше "
                f"{number(MAX_ROWS)}. Удалите пустые строки под таблицей (или разделите её на части), сохраните и "
                "загрузите снова."
            )

    def area(self, rows: int, columns: int, declared: bool = False) -> None:
        if rows * columns > MAX_AREA:
            how = "объявляет область" if declared else "занимает область"
            raise Refused(
                f"Лист {how} {number(rows)} × {columns_word(columns)} — больше {number(MAX_AREA)} ячеек. Удалите "
                "пустые строки и столбцы вокруг таблицы (или разделите её на части), сохраните и загрузите снова."
            )

    def cell(self, count: int = 1) -> None:
        self.cells += count
        if self.cells > MAX_CELLS:
            raise Refused(
                f"В файле больше {number(MAX_CELLS)} ячеек. Оставьте в нём {self.holds} или разделите его на части "
                "и загрузите их по очереди."
            )

    def merged_range(self, rows: int, columns: int) -> None:
        self.merged += 1
        self.merged_cells += rows * columns
        if self.merged > MAX_MERGED:
            raise Refused(
                f"На листах больше {number(MAX_MERGED)} объединённых ячеек. Снимите объединение там, где оно не "
                "нужно (Главная → «Объединить и поместить в центре»), сохраните и загрузите снова."
            )
        if self.merged_cells > MAX_MERGED_CELLS:
            raise Refused(
                f"Объединённые ячейки покрывают больше {number(MAX_MERGED_CELLS)} клеток листа (одна из них — "
                f"{number(rows)} × {number(columns)}). Снимите объединение с больших областей, сохраните и загрузите "
                "снова."
            )


def _refuse_dtd(*_args) -> None:
    raise Refused("DTD")


def _parse(package: zipfile.ZipFile, info: zipfile.ZipInfo, scan: _Scan, start=None, end=None) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    # An Office part never declares a DTD; one is refused before expat reads a single entity of it.
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    with package.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
            scan.tick()
        parser.Parse(b"", True)


def _names(namespaces: tuple[str, ...], *locals_: str) -> dict[str, str]:
    """{expat's name of the element: its local name} for the elements a handler looks at."""
    return {f"{ns} {local}": local for ns in namespaces for local in locals_}


_SHEET_ELEMENTS = _names(_SHEET_NS, "c", "row", "dimension", "mergeCell")
_WORD_ELEMENTS = _names(_WORD_NS, "tbl", "tr", "tc", "gridSpan", "vMerge")


def _sheet_handlers(scan: _Scan):
    state = {"row": 0, "column": 0, "last_row": 0, "last_column": 0}

    def start(name: str, attrs: dict) -> None:
        local = _SHEET_ELEMENTS.get(name)
        if local is None:
            return
        if local == "c":
            scan.cell()
            row, column = cell_position(attrs["r"]) if "r" in attrs else (0, 0)
            state["column"] = column = column or state["column"] + 1
            row = row or state["row"]
            if row > state["last_row"] or column > state["last_column"]:
                state["last_row"], state["last_column"] = max(row, state["last_row"]), max(column, state["last_column"])
                scan.columns(column)
                scan.last_row(row)
                scan.area(state["last_row"], state["last_column"])
        elif local == "row":
            state["row"] = int(attrs["r"]) if attrs.get("r", "").isdigit() else state["row"] + 1
            state["column"] = 0
            scan.last_row(state["row"])
        elif local == "dimension":
            # «A1:XFD20000»: a streaming reader pads every row to the last column and fills every row up to the last.
            last_row, last_column = cell_position(attrs.get("ref", "A1").rpartition(":")[2])
            scan.columns(last_column, declared=True)
            scan.last_row(last_row, declared=True)
            scan.area(last_row, last_column, declared=True)
        elif local == "mergeCell":
            scan.merged_range(*range_size(attrs.get("ref", "A1")))

    return start, None


def _word_handlers(scan: _Scan):
    # Per table being read (tables nest): the grid column the next cell starts at, the current cell's column
    # and span and whether it continues a vertical merge, and the runs of vertical merges by column.
    tables: list[dict] = []

    def start(name: str, attrs: dict) -> None:
        local = _WORD_ELEMENTS.get(name)
        if local is None:
            return
        if local == "tbl":
            tables.append({"position": 0, "span": 1, "continues": False, "runs": {}})
        elif not tables:
            return
        table = tables[-1]
        if local == "tr":
            table["position"] = 0
            scan.rows += 1
            scan.last_row(scan.rows)
        elif local == "tc":
            table["span"], table["continues"] = 1, False
        elif local == "gridSpan":
            value = next((v for k, v in attrs.items() if k.endswith("val")), "1")
            table["span"] = int(value) if value.isdigit() else 1
        elif local == "vMerge":
            value = next((v for k, v in attrs.items() if k.endswith("val")), "continue")
            table["continues"] = value != "restart"

    def end(name: str) -> None:
        local = _WORD_ELEMENTS.get(name)
        if local is None or not tables:
            return
        table = tables[-1]
        if local == "tbl":
            tables.pop()
        elif local == "tc":
            column, span = table["position"], max(table["span"], 1)
            table["position"] += span
            scan.columns(table["position"])
            scan.cell(span)
            run = table["runs"].get(column, 0) + 1 if table["continues"] else 0
            table["runs"][column] = run
            if run > MAX_VERTICAL_MERGE:
                raise Refused(
                    f"В таблице документа одна ячейка объединена больше чем на {MAX_VERTICAL_MERGE} строк. Снимите "
                    "объединение (Макет → «Разделить ячейки»), сохраните и загрузите снова."
                )

    return start, end


class _Root(Exception):
    """A first look has seen what it looks at in a part: its prolog (where a DTD would be) and, in a sheet, what
    the sheet declares before its rows (its dimension)."""


def _prolog_handlers(scan: _Scan):
    """Handlers that stop at the first element of a part, or, in a worksheet, at its rows."""
    sheet_start, _end = _sheet_handlers(scan)
    seen = [False]

    def start(name: str, attrs: dict) -> None:
        local = name.rsplit(" ", 1)[-1]
        if not seen[0]:
            seen[0] = True
            if local != "worksheet" or scan.word:
                raise _Root
        if local == "sheetData":
            raise _Root
        sheet_start(name, attrs)

    return start, None


def office_problem(data: bytes, what: str, holds: str, *, prolog_only: bool = False) -> str | None:
    """The Russian refusal for an XLSX or DOCX file beyond the bounds, or None when its readers may build it.

    `what` names the file («Файл XLSX», «Файл DOCX»), `holds` what it should hold. A file that is not a readable
    ZIP, or whose XML is broken, is left to the reader, which refuses it in its own words. `prolog_only` reads each
    part only up to its first element, a sheet up to its rows — a DTD and a sheet's declared size are refused, the
    rows and cells are not counted: for a first look at a few rows (core.tables, peek), a fraction of the time;
    the full read runs the whole check.
    """
    word = "DOCX" in what
    scan = _Scan(what, holds, word)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for info in package.infolist():
                if not info.filename.lower().endswith((".xml", ".rels")) or info.is_dir():
                    continue
                handlers = _prolog_handlers if prolog_only else _word_handlers if word else _sheet_handlers
                start, end = handlers(scan)
                try:
                    _parse(package, info, scan, start, end)
                except _Root:
                    continue
                except expat.ExpatError:
                    continue  # a broken part: the reader refuses the file if it needs that part
    except Refused as refusal:
        if str(refusal) != "DTD":
            return str(refusal)
        return (
            f"{what} содержит объявление DTD — в обычных таблицах и документах Office его не бывает, а через него "
            f"файл может переполнить память сервера. Откройте файл в Excel или Word, сохраните заново "
            f"(«Сохранить как» в формате {'DOCX' if word else 'XLSX'}) и загрузите снова."
        )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, RuntimeError):
        return None  # not a readable package: its reader refuses it
    return None


# A signed document dropped on the public verification page (roadmap.views.verify): orders are well under a
# megabyte; anything larger than this is not one of ours and is not read at all.
MAX_VERIFY_UPLOAD = 10 * 1024 * 1024
