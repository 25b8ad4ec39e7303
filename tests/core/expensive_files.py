"""Small files that are expensive to read: what the bounds of core.bounds refuse. Shared by the tests and by
bench/expensive_files.py, which times the refusals.

Each workbook is a real one written by openpyxl whose sheet XML is then edited the way a hand-made file would
be: a wider dimension, merged ranges, a DTD. Each document is a real one written by python-docx, edited alike.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document
from openpyxl import Workbook

HEADER = ["№", "Наименование этапа", "Содержание мероприятия", "Срок", "Ответственный"]
ROWS = [HEADER, ["1", "Подготовка условий", "", "", ""], ["1.1", "", "Приказ о наставничестве", "Сентябрь", "Директор"]]
SHEET = "xl/worksheets/sheet1.xml"
DOCUMENT = "word/document.xml"


def rewrite(package: bytes, name: str, edit) -> bytes:
    """The ZIP `package` with its member `name` replaced by `edit(text)`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == name:
                data = edit(data.decode()).encode()
            target.writestr(info.filename, data)
    return out.getvalue()


def workbook(rows: list[list] = ROWS) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_dimension(ref: str) -> bytes:
    """A three-row workbook whose sheet declares `ref` as its dimension («A1:XFD20000»)."""
    return rewrite(workbook(), SHEET, lambda xml: xml.replace('<dimension ref="A1:E3"/>', f'<dimension ref="{ref}"/>'))


def with_merged(*refs: str) -> bytes:
    """A three-row workbook with the merged ranges `refs` («A3:ZZ3000»)."""
    merges = f'<mergeCells count="{len(refs)}">' + "".join(f'<mergeCell ref="{r}"/>' for r in refs) + "</mergeCells>"
    return rewrite(workbook(), SHEET, lambda xml: xml.replace("</sheetData>", "</sheetData>" + merges))


def many_tiny_merges(count: int = 20_000) -> bytes:
    return with_merged(*(f"A{n}:B{n}" for n in range(10, 10 + count)))


def with_cell_at(ref: str) -> bytes:
    """A workbook whose only extra cell stands far away (a lying or missing dimension does not hide it)."""
    row = int("".join(c for c in ref if c.isdigit()))
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'
    return rewrite(
        workbook(),
        SHEET,
        lambda xml: xml.replace("</sheetData>", cell + "</sheetData>").replace('<dimension ref="A1:E3"/>', ""),
    )


def many_cells(count: int = 2_000_000) -> bytes:
    """Millions of empty cells in a sheet that packs small: within the unpacked size the ZIP check allows."""
    per_row = 100
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{col}{r}"/>' for col in _columns(per_row)) + "</row>"
        for r in range(4, 4 + count // per_row)
    )
    return rewrite(workbook(), SHEET, lambda xml: xml.replace("</sheetData>", rows + "</sheetData>"))


def _columns(count: int) -> list[str]:
    letters = [chr(65 + i) for i in range(26)]
    names = letters + [a + b for a in letters for b in letters]
    return names[:count]


LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
    + "]>"
)


def _with_dtd(xml: str, entity: str) -> str:
    body = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
    return LAUGHS + body.replace("Директор", f"&{entity};", 1).replace("Приказ о наставничестве", f"&{entity};", 1)


def workbook_with_dtd() -> bytes:
    """A workbook whose sheet declares the «billion laughs» entities and uses the largest in a cell."""
    return rewrite(workbook(), SHEET, lambda xml: _with_dtd(xml, "lol9"))


def document(rows: list[list[str]] = ROWS) -> bytes:
    doc = Document()
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def document_with_dtd(entity: str = "lol9") -> bytes:
    """A roadmap in Word whose XML declares the «billion laughs» entities and uses the largest."""
    return rewrite(document(), DOCUMENT, lambda xml: _with_dtd(xml, entity))


def document_with_external_entity() -> bytes:
    def edit(xml: str) -> str:
        body = xml.split("?>", 1)[1]
        prolog = '<?xml version="1.0"?>\n<!DOCTYPE w [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        return prolog + body.replace("Директор", "&secret;", 1)

    return rewrite(document(), DOCUMENT, edit)


def document_with_span(span: int) -> bytes:
    """A Word table whose one cell spans `span` grid columns."""
    return rewrite(
        document(), DOCUMENT, lambda xml: xml.replace("<w:tcPr>", f'<w:tcPr><w:gridSpan w:val="{span}"/>', 1)
    )


def document_with_vertical_merge(rows: int = 400) -> bytes:
    """A Word table of `rows` rows more whose first column is one cell merged all the way down."""

    def edit(xml: str) -> str:
        head, _, rest = xml.partition("<w:tr")
        body, end, tail = ("<w:tr" + rest).rpartition("</w:tr>")
        last = body[body.rindex("<w:tr") :] + end
        first_cell = lambda mark: last.replace("<w:tcPr>", f"<w:tcPr>{mark}", 1)  # noqa: E731
        merged = first_cell('<w:vMerge w:val="restart"/>') + first_cell("<w:vMerge/>") * rows
        return head + body + end + merged + tail

    return rewrite(document(), DOCUMENT, edit)


def csv_huge_line(size: int = 4 * 1024 * 1024) -> bytes:
    return ("№;Мероприятие;Срок\n1;" + "а" * (size // 2) + ";Сентябрь\n").encode()


def csv_many_rows(count: int = 500_000) -> bytes:
    return ("№;Мероприятие;Срок\n" + "1;а;б\n" * count).encode()


def csv_many_columns(count: int = 100_000) -> bytes:
    return ("№;" * count + "\n" + "1;" * count + "\n").encode()
