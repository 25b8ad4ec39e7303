"""Spreadsheet downloads for every list and report: XLSX or CSV, with cells that cannot run as formulas."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from import_export import resources
from import_export.formats.base_formats import CSV, XLSX

# A cell starting with one of these is read as a formula by spreadsheet programs (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_FORMATS = {"xlsx": XLSX, "csv": CSV}


def neutralise(value):
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeExportResource(resources.ModelResource):
    """Base for every export: text cells are neutralised before they reach a file."""

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))

    def get_export_headers(self, *args, **kwargs):
        return [neutralise(h) for h in super().get_export_headers(*args, **kwargs)]


def spreadsheet_response(content: bytes | str, fmt: str, basename: str) -> HttpResponse:
    """A download of an XLSX or CSV file named `basename`.<fmt> (may be Cyrillic; «/» is replaced).

    CSV gets a BOM, so that Excel opens Cyrillic correctly. Nothing is cached: exports may hold personal data.
    """
    if fmt == "csv":
        content = "\ufeff" + content
    response = HttpResponse(content, content_type=EXPORT_FORMATS[fmt]().get_content_type())
    filename = f"{basename}.{fmt}".replace("/", "-")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response
