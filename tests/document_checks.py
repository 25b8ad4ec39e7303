"""Checks every printed document must pass (ГОСТ Р 7.0.97-2025 on the common page of templates/documents/base.html),
shared by the tests of each document kind: A4 with the page number at the top centre from page 2 and none on
page 1, Liberation Serif embedded, no «N / M» at the foot, the signature block never alone on a page, and the
pages rendered to PNG (pdftoppm) under test-artifacts/documents to be looked at.

`unkept_pdf` renders a document with the rules that keep the closing lines with the signature switched off: the
tests use it to show that the check fails on a document built so that its signature would fall alone.
"""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from pypdf import PdfReader
from weasyprint import HTML

from core.pdf import StaticFilesFetcher
from core.text import typograph_html

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "documents"
MM = 72 / 25.4

# What switches the keep-with-signature rules of static/css/document.css off.
UNKEPT = (
    "<style>.closing, ol.order-items, ol.order-items > li, table.order-sign, .signatures, table.chain "
    "{ break-inside: auto !important; break-after: auto !important; break-before: auto !important; "
    "page-break-inside: auto !important; page-break-after: auto !important; page-break-before: auto !important; }"
    "</style></head>"
)


@dataclass
class Run:
    y: float  # from the bottom of the page
    x: float
    text: str


def flat(text: str) -> str:
    text = re.sub("\u2010 ", "", text)
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def pages_text(pdf: bytes) -> list[str]:
    return [flat(page.extract_text() or "") for page in reader(pdf).pages]


def page_runs(page) -> list[Run]:
    runs: list[Run] = []

    def visit(text, cm, tm, font_dict, font_size):
        # Text of an SVG chart comes with its own, flipped coordinates: it is not the page's text flow.
        if text.strip() and tm[3] * cm[3] > 0:
            runs.append(Run(y=tm[5] * cm[3] + cm[5], x=tm[4] * cm[0] + cm[4], text=flat(text)))

    page.extract_text(visitor_text=visit)
    return runs


def assert_gost_pages(pdf: bytes, *, landscape: bool = False, fonts: tuple[str, ...] = ("LiberationSerif",)) -> None:
    """A4 (landscape if asked), no number on page 1, «N» at the top centre of page N ≥ 2, nothing like «2 / 3»,
    only `fonts` (Liberation Serif; the report's SVG charts add Liberation Sans), every one embedded."""
    pages = reader(pdf).pages
    for index, page in enumerate(pages):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == ((842, 595) if landscape else (595, 842)), f"page {index + 1}: not A4"
        runs = page_runs(page)
        assert runs, f"page {index + 1} is empty"
        # The top margin (20 mm) holds the page number only.
        in_margin = [r for r in runs if r.y > height - 20 * MM]
        if index == 0:
            assert not in_margin, f"page 1 carries a number: {in_margin}"
        else:
            assert [r.text for r in in_margin] == [str(index + 1)], f"page {index + 1}: {in_margin}"
            number = in_margin[0]
            # Centred on the text block (between the 30 mm and the 10 mm margins).
            centre = 30 * MM + (width - 40 * MM) / 2
            assert abs(number.x - centre) < 8 * MM, f"page {index + 1}: the number is not centred ({number.x})"
        # The bottom margin holds no page number («N / M» of the old layout).
        at_foot = [r.text for r in runs if r.y < 20 * MM and re.fullmatch(r"\d+( / \d+)?", r.text)]
        assert not at_foot, f"page {index + 1}: a page number at the foot: {at_foot}"
    used = set()
    for page in pages:
        for ref in page.get("/Resources", {}).get("/Font", {}).values():
            font = ref.get_object()
            used.add(str(font["/BaseFont"]).split("+", 1)[-1])
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            assert descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            ), f"{font['/BaseFont']} is not embedded"
    assert used and all(name.replace("-", "").startswith(fonts) for name in used), used


# Words of a signature block or a stamp besides the names and positions the caller gives.
SIGNATURE_WORDS = re.compile(r"«_*»|_+|20_+|\bг\.|\((дата|подпись[^)]*)\)|/|\d{2}\.\d{2}\.\d{4}|подпись|расшифровка")


def beside_signature(pdf: bytes, markers: list[str]) -> str:
    """The text of the page holding the signature (the last page with `markers[0]`) once the signature block —
    every line holding one of `markers` — the page number and the signature's own words are taken away."""
    pages = reader(pdf).pages
    found = [i for i, page in enumerate(pages) if markers[0] in flat(page.extract_text() or "")]
    assert found, f"no page holds {markers[0]!r}"
    page = pages[found[-1]]
    height = float(page.mediabox.height)
    lines = [r.text for r in page_runs(page) if r.y <= height - 20 * MM]
    rest = [line for line in lines if not any(marker in line for marker in markers)]
    text = SIGNATURE_WORDS.sub(" ", " ".join(rest))
    return " ".join(text.split())


def signature_alone(pdf: bytes, markers: list[str]) -> bool:
    """True when the page with the signature holds no line of the text it signs (fewer than eight words)."""
    return len(beside_signature(pdf, markers).split()) < 8


def unkept_pdf(template_name: str, context: dict) -> bytes:
    """The document with the keep-with-signature rules switched off (to show the check can fail)."""
    html = typograph_html(render_to_string(template_name, context)).replace("</head>", UNKEPT, 1)
    return HTML(string=html, base_url="http://localhost/", url_fetcher=StaticFilesFetcher()).write_pdf()


def render_pngs(pdf: bytes, name: str, *, first: int = 1, last: int = 2) -> list[Path]:
    """Pages `first`…`last` as PNG at 60 dpi under test-artifacts/documents, to be looked at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-png", "-r", "60", "-f", str(first), "-l", str(last), str(source), str(ARTIFACTS / name)],  # noqa: S607
        check=True,
    )
    pngs = sorted(ARTIFACTS.glob(f"{name}-*.png"))
    assert pngs and all(p.stat().st_size > 3000 for p in pngs), pngs
    return pngs
