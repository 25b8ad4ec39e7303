"""The report as files: each table to XLSX or CSV (django-import-export formats over a tablib Dataset), and the
statistics form as an XLSX workbook with one sheet per period."""

from __future__ import annotations

from io import BytesIO

import tablib
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from core.exports import EXPORT_FORMATS, neutralise, spreadsheet_response
from monitoring.report_figures import Table
from monitoring.reports import FORM_BREAKDOWN_LABEL, PERCENT_KEYS, STAT_INDICATORS, Period, summary_of
from people.models import Organization


def table_dataset(table: Table) -> tablib.Dataset:
    """The table's cells, text neutralised against formulas; an empty figure is an empty cell."""
    dataset = tablib.Dataset(headers=[neutralise(c) for c in table.columns], title=table.title[:31])
    for row in table.rows:
        dataset.append([neutralise(v) if v is not None else "" for v in row])
    return dataset


def table_response(table: Table, fmt: str, org: Organization, period: Period) -> HttpResponse:
    file_format = EXPORT_FORMATS[fmt]()
    # Straight through the format's tablib writer: the site-wide IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT would turn
    # every figure into text; the cells are already neutralised by table_dataset.
    content = table_dataset(table).export(file_format.get_title())
    return spreadsheet_response(content, fmt, f"{table.title} — {org.short_name}, {period.label}")


def statistics_rows(figures: dict) -> list[tuple[str, str, object]]:
    """(number, indicator, value) rows of the statistics form for one period's figures."""
    rows: list[tuple[str, str, object]] = []
    for n, (key, label) in enumerate(STAT_INDICATORS, start=1):
        value = figures[key]
        rows.append((str(n), label, "нет данных" if value is None and key in PERCENT_KEYS else value))
    base = len(STAT_INDICATORS) + 1
    rows.append((str(base), FORM_BREAKDOWN_LABEL, None))
    for k, (name, counts) in enumerate(figures["by_form"].items(), start=1):
        rows.append((f"{base}.{k}", f"{name}: пары", counts["pairs"]))
        rows.append((f"{base}.{k}", f"{name}: группы", counts["groups"]))
    return rows


def statistics_workbook(org: Organization, periods: list[Period]) -> bytes:
    """The statistics form: a sheet per period with the organisation, the period and the date of forming on top."""
    book = Workbook()
    book.remove(book.active)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    formed = timezone.localdate()
    figures = {p: summary_of(org, p) for p in periods}
    for period in periods:
        sheet = book.create_sheet(period.label.replace("/", "-")[:31])
        sheet["A1"] = "Статистическая форма: реализация системы наставничества педагогических работников"
        sheet["A1"].font = Font(bold=True, size=12)
        sheet["A2"] = "Организация:"
        sheet["B2"] = neutralise(org.full_name)
        sheet["A3"] = "Период:"
        sheet["B3"] = f"{period.label} ({period.start:%d.%m.%Y} — {period.end:%d.%m.%Y})"
        sheet["A4"] = "Дата формирования:"
        sheet["B4"] = f"{formed:%d.%m.%Y}"
        for cell, text in zip(("A6", "B6", "C6"), ("№", "Показатель", "Значение"), strict=True):
            sheet[cell] = text
            sheet[cell].font = Font(bold=True)
            sheet[cell].border = border
            sheet[cell].alignment = Alignment(horizontal="center")
        for r, (number, label, value) in enumerate(statistics_rows(figures[period]), start=7):
            for c, v in enumerate((number, neutralise(label), value), start=1):
                cell = sheet.cell(row=r, column=c, value=v)
                cell.border = border
                if c == 2:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            if value is None:
                sheet.cell(row=r, column=2).font = Font(bold=True)
        sheet.column_dimensions["A"].width = 20
        sheet.column_dimensions["B"].width = 70
        sheet.column_dimensions["C"].width = 14
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def statistics_response(org: Organization, periods: list[Period]) -> HttpResponse:
    basename = f"Статистическая форма — {org.short_name}, {periods[0].label}"
    return spreadsheet_response(statistics_workbook(org, periods), "xlsx", basename)
