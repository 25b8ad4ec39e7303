"""Reading the table an import needs out of an uploaded file: XLSX, CSV or the tables of a Word document (.docx).

Every import reads its file here and gets the same `Table` back: the header row as the importer recognised it,
the rows under it with the numbers the user sees in the file, and the cells that continue a merged cell above.
A file that cannot be used is a `TableError`, whose message tells the user, in Russian, what to do.

What a header looks like is the importer's own business: `read_table` takes a function that says whether a row
is the header and how good a header it is, and the best one among the first rows of every grid wins (a sheet
of a workbook, a table of a Word document). A CSV file does not say which separator it uses, so it is read once
per usual separator and the header decides between the readings as it decides between the sheets.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from core import bounds

H = TypeVar("H")
Row = tuple[int, list]  # (line as the user sees it in the file, the cells' values)

# A title, the organisation's name or an approval stamp may stand above the header: this many filled rows of
# every grid are searched for it.
HEADER_SCAN_ROWS = 20
# A first look (`peek=True`): this many lines of each grid, enough for the header and the rows under it. The form
# that takes an upload reads this much to refuse a wrong file beside the field at once; the whole file, with its
# bounds, is read by the import's background job.
PEEK_ROWS = 200
SEPARATORS = (";", ",", "\t")  # Excel in Russian writes «;»; others write commas or tabs
OLD_OFFICE_MAGIC = b"\xd0\xcf\x11\xe0"  # XLS and DOC, Office 97–2003
KIND_NAMES = {"xlsx": "XLSX (Excel)", "csv": "CSV", "docx": "DOCX (Word)"}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


class TableError(Exception):
    """A file an import cannot use. The message, in Russian, says what to do and is shown beside the file field."""


@dataclass(frozen=True)
class Accepts:
    """What an import takes, and what its file should hold (for the advice of a refusal)."""

    kinds: tuple[str, ...]  # of "xlsx", "csv", "docx"
    max_bytes: int
    holds: str  # «только лист со списком работников»
    max_rows: int = 0  # filled rows under the header a grid may have; 0 for no limit
    merged: bool = False  # whether merged cells are needed (a workbook is then read in full, not streamed)
    # The refusal of an Office file (a ZIP) that would unpack beyond reason, called before any reader unpacks it
    # with the file's name for the user («Файл XLSX») and `holds`; None to refuse nothing.
    package_check: Callable[[bytes, str, str], str | None] | None = None

    def kinds_in_words(self) -> str:
        names = [KIND_NAMES[kind] for kind in self.kinds]
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} или {names[-1]}"


@dataclass
class Grid:
    """One grid of a file: a worksheet, a table of a Word document, or a CSV file read with one separator."""

    rows: list[Row]  # filled rows only, each with its line in the file
    sheet: str = ""  # the worksheet's name
    number: int = 0  # the table's number in a Word document
    merged: set[tuple[int, int]] = field(default_factory=set)  # (line, column) continuing a merged cell above
    complete: bool = True  # False when a first look (peek) stopped before the grid's end


@dataclass
class Table(Generic[H]):
    """The table an import reads: its header as the importer recognised it, and the rows under it."""

    header: H
    header_line: int
    rows: list[Row]  # every filled row under the header, as wide as the header row
    sheet: str = ""
    number: int = 0
    merged: set[tuple[int, int]] = field(default_factory=set)
    complete: bool = True  # False: a first look (peek) saw only the beginning; rows further down are not here

    @property
    def where(self) -> str:
        """Where in the file the table stands: «лист «Педагоги»», «таблица 2»; empty for a CSV file."""
        if self.sheet:
            return f"лист «{self.sheet}»"
        return f"таблица {self.number}" if self.number else ""

    def is_merged(self, line: int, column: int) -> bool:
        """Whether the cell continues a merged cell above it; the first column of the block repeats its value."""
        return (line, column) in self.merged


def is_blank(value: Any) -> bool:
    """An empty cell: nothing, or only spaces and invisible characters."""
    return value is None or (isinstance(value, str) and not value.translate(_INVISIBLE).strip())


def read_table(
    data: bytes,
    name: str,
    accepts: Accepts,
    recognise: Callable[[list, int], tuple[H, Any] | None],
    *,
    peek: bool = False,
) -> Table[H] | None:
    """The file's table under its best header; None when no row is a header.

    `recognise(cells, line)` gives what the importer makes of a header row and a score (anything comparable),
    or None when the row is no header; of equal scores the first wins. Raises TableError for a file that cannot
    be read or holds no filled row at all. `peek` reads only the first PEEK_ROWS lines of each grid (a DOCX in
    full): the rows of the table are then those of its beginning, and the bounds of rows and cells are left to
    the full read.
    """
    grids = read_grids(data, name, accepts, limit=PEEK_ROWS if peek else 0)
    best: tuple[Any, H, int, Grid, int] | None = None
    for grid in grids:
        for position, (line, cells) in enumerate(grid.rows[:HEADER_SCAN_ROWS]):
            found = recognise(cells, line)
            if found is not None and (best is None or found[1] > best[0]):
                best = (found[1], found[0], line, grid, position)
    if best is None:
        return None
    _, header, line, grid, position = best
    width = len(grid.rows[position][1])
    rows = [(n, (cells + [None] * width)[:width]) for n, cells in grid.rows[position + 1 :]]
    return Table(header, line, rows, sheet=grid.sheet, number=grid.number, merged=grid.merged, complete=grid.complete)


def read_grids(data: bytes, name: str, accepts: Accepts, *, limit: int = 0) -> list[Grid]:
    """Every grid of the file with at least one filled row; TableError when there is none, or no file to read.
    `limit`: only so many lines of each grid of a workbook or CSV file (0: all of them)."""
    if not data:
        raise TableError("Файл пустой: в нём нет ни одной строки.")
    if len(data) > accepts.max_bytes:
        raise TableError(
            f"Файл больше {accepts.max_bytes // 2**20} МБ. Оставьте в нём {accepts.holds}, без картинок и "
            "оформления, или разделите его на части."
        )
    kind = Path(name or "").suffix.lower().removeprefix(".")
    if kind in ("xls", "doc") or data.startswith(OLD_OFFICE_MAGIC):
        word = kind in ("doc", "docx") and "docx" in accepts.kinds
        raise TableError(
            "Это файл старого формата Word (DOC). Откройте его в Word или LibreOffice и сохраните как DOCX."
            if word
            else "Это файл старого формата Excel (XLS). Откройте его в Excel или LibreOffice и сохраните как XLSX."
        )
    if kind not in accepts.kinds:
        raise TableError(f"Такой файл не подходит: загрузите файл в формате {accepts.kinds_in_words()}.")
    if kind == "docx":
        grids = _docx_grids(data, accepts)
    else:
        grids = {"xlsx": _xlsx_grids, "csv": _csv_grids}[kind](data, accepts, limit)
    grids = [grid for grid in grids if grid.rows]
    if not grids:
        if kind == "docx":
            raise TableError("В документе нет таблицы или она пустая: в нём нет ни одной заполненной строки.")
        raise TableError("Файл пустой: в нём нет ни одной заполненной строки.")
    return grids


def _check_rows(rows: list[Row], accepts: Accepts, limit: int = 0) -> None:
    if limit:  # a first look: the number of rows is the full read's to check
        return
    if accepts.max_rows and len(rows) > accepts.max_rows + HEADER_SCAN_ROWS:
        limit = f"{accepts.max_rows:,}".replace(",", " ")
        raise TableError(f"В файле больше {limit} строк: разделите его на части и загрузите их по очереди.")


def _package_check(data: bytes, what: str, accepts: Accepts, *, prolog_only: bool = False) -> None:
    """Refuse an Office file that would unpack beyond reason, or whose sheets or tables are beyond the bounds of
    core.bounds (a DTD included), before any reader builds it; `prolog_only`: only a DTD, not the bounds."""
    problem = accepts.package_check(data, what, accepts.holds) if accepts.package_check else None
    problem = problem or bounds.office_problem(data, what, accepts.holds, prolog_only=prolog_only)
    if problem:
        raise TableError(problem)


# --- XLSX ---------------------------------------------------------------------------------------------------------

_NOT_XLSX = (
    "Файл не открывается как таблица Excel (XLSX): возможно, он повреждён, защищён паролем или это файл другого "
    "формата. Откройте его в Excel и сохраните заново."
)


def _xlsx_grids(data: bytes, accepts: Accepts, limit: int = 0) -> list[Grid]:
    import openpyxl  # imported here: only imports need it, and it is not light

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TableError(_NOT_XLSX)
    _package_check(data, "Файл XLSX", accepts, prolog_only=bool(limit))
    # Streamed (read-only) unless merged cells are needed: openpyxl knows them only in a full read. A first look
    # streams always: merged cells only carry values down into the rows, which it does not keep.
    streamed = bool(limit) or not accepts.merged
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=streamed, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a broken or encrypted package
        raise TableError(_NOT_XLSX) from None
    try:
        return [_sheet_grid(sheet, accepts, limit, with_merged=not streamed) for sheet in workbook.worksheets]
    except TableError:
        raise
    except Exception:
        raise TableError("Не удалось прочитать файл. Откройте его в Excel и сохраните заново.") from None
    finally:
        workbook.close()


def _sheet_grid(sheet, accepts: Accepts, limit: int = 0, *, with_merged: bool) -> Grid:
    # A first look reads a corner: the first `limit` lines, and one column more than a sheet may have (the full
    # read refuses a wider one; a cell far to the right must not make every line of the look that wide).
    corner = {"max_row": limit, "max_col": bounds.MAX_COLUMNS + 1} if limit else {}
    lines = sheet.iter_rows(values_only=True, **corner)
    values = {line: list(cells) for line, cells in enumerate(lines, 1)}
    blocks = sheet.merged_cells.ranges if with_merged else ()
    merged = set()
    for block in blocks:
        top = sheet.cell(block.min_row, block.min_col).value
        for line in range(block.min_row, block.max_row + 1):
            for column in range(block.min_col - 1, block.max_col):
                cells = values.get(line)
                if (line, column) == (block.min_row, block.min_col - 1) or cells is None or column >= len(cells):
                    continue
                # Only the first column of a block carries its value down; the rest of it reads as empty.
                below = line > block.min_row and column == block.min_col - 1
                cells[column] = top if below else None
                if below:
                    merged.add((line, column))
    rows = [(line, cells) for line, cells in values.items() if not all(is_blank(v) for v in cells)]
    _check_rows(rows, accepts, limit)
    return Grid(rows, sheet=sheet.title, merged=merged, complete=not limit or len(values) < limit)


# --- CSV ----------------------------------------------------------------------------------------------------------


def _csv_grids(data: bytes, accepts: Accepts, limit: int = 0) -> list[Grid]:
    if b"\x00" in data:
        raise TableError(
            f"Файл не похож на CSV: в нём двоичные данные. Загрузите файл в формате {accepts.kinds_in_words()}."
        )
    for encoding in ("utf-8-sig", "cp1251"):  # Excel saves CSV in UTF-8 with a BOM or in Windows-1251
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError("Не удалось определить кодировку CSV. Сохраните файл в кодировке UTF-8.")
    if not re.search(r"\w", text):  # only separators and line breaks
        return []
    lines = text.count("\n") + 1
    if lines > bounds.MAX_ROWS:
        raise TableError(
            f"В файле {bounds.number(lines)} строк — допускается не больше {bounds.number(bounds.MAX_ROWS)}. Удалите "
            "пустые строки или разделите файл на части и загрузите их по очереди."
        )
    grids, refusal, wide = [], "", ""
    for separator in SEPARATORS:
        try:
            rows = _csv_rows(text, separator, limit)
        except csv.Error:  # a cell longer than the csv module takes (131 072 characters), or a broken quote
            refusal = (
                "В файле есть ячейка длиннее 100 000 знаков или незакрытая кавычка. Проверьте файл в Excel, "
                "сохраните его заново в формате CSV и загрузите снова."
            )
            continue
        except TableError as too_wide:  # read with a separator it does not use, a file may look too wide
            wide = wide or str(too_wide)
            continue
        _check_rows(rows, accepts, limit)
        grids.append(Grid(rows, complete=not limit or lines <= limit))
    if (wide or refusal) and not grids:
        raise TableError(wide or refusal)
    return grids


def _csv_rows(text: str, separator: str, limit: int = 0) -> list[Row]:
    """The filled rows of a CSV text read with `separator`, within the columns and cells of core.bounds; `limit`:
    only its first so many lines."""
    rows, cells_read = [], 0
    for line, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=separator), 1):
        if limit and line > limit:
            break
        if len(cells) > bounds.MAX_COLUMNS:
            raise TableError(
                f"В строке {line} файла {bounds.columns_word(len(cells))} — допускается не больше "
                f"{bounds.MAX_COLUMNS}. Оставьте в файле только нужные столбцы и загрузите снова."
            )
        cells_read += len(cells)
        if cells_read > bounds.MAX_CELLS:
            raise TableError(
                f"В файле больше {bounds.number(bounds.MAX_CELLS)} ячеек: разделите его на части и загрузите их по "
                "очереди."
            )
        if not all(is_blank(v) for v in cells):
            rows.append((line, cells))
    return rows


# --- DOCX ---------------------------------------------------------------------------------------------------------


def _docx_grids(data: bytes, accepts: Accepts) -> list[Grid]:
    import docx  # imported here: only imports need it

    _package_check(data, "Файл DOCX", accepts)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises several unrelated types for a broken package
        raise TableError("Файл не открывается как документ Word (.docx). Сохраните его заново и повторите.") from None
    try:
        return _document_grids(document, accepts)
    except TableError:
        raise
    except Exception:  # python-docx fails in its own ways on odd tables (a vertical merge with nothing above it)
        raise TableError(
            "Не удалось прочитать таблицы документа. Откройте его в Word, сохраните заново и повторите."
        ) from None


def _document_grids(document, accepts: Accepts) -> list[Grid]:
    grids = []
    for number, table in enumerate(document.tables, start=1):
        rows, merged, above = [], set(), []
        for line, row in enumerate(table.rows, start=1):
            cells, elements, previous = [], [], None
            for column, cell in enumerate(row.cells):
                element = cell._tc
                if element is previous:  # a horizontally merged cell repeats in every column it spans
                    cells.append("")
                else:
                    if column < len(above) and above[column] is element:  # merged down from the row above
                        merged.add((line, column))
                    cells.append(cell.text)
                elements.append(element)
                previous = element
            above = elements
            if not all(is_blank(v) for v in cells):
                rows.append((line, cells))
        _check_rows(rows, accepts)
        grids.append(Grid(rows, number=number, merged=merged))
    return grids
