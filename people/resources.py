"""Spreadsheet export and import resources (django-import-export), with formula neutralisation."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
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


def export_response(resource: resources.Resource, queryset, fmt: str, basename: str) -> HttpResponse:
    """An XLSX or CSV download of the queryset; `basename` may be Cyrillic («Банк наставников»)."""
    file_format = EXPORT_FORMATS[fmt]()
    dataset = resource.export(queryset=queryset)
    content = file_format.export_data(dataset)
    if fmt == "csv":
        content = "\ufeff" + content  # a BOM, so that Excel opens Cyrillic CSV correctly
    filename = f"{basename} {timezone.localdate():%d.%m.%Y}.{fmt}"
    response = HttpResponse(content, content_type=file_format.get_content_type())
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
