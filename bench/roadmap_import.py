"""Benchmark of the roadmap import preview: a 200-row XLSX read, its columns guessed and its rows parsed.

Not a test: it prints figures. The target (issue 6) is a preview of 200 rows in under 2 s. No database is
needed: the preview writes nothing; the page around it adds a handful of queries.

    .venv/bin/python bench/roadmap_import.py
    .venv/bin/python bench/roadmap_import.py --rows 2000 --format docx
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from docx import Document  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from roadmap import importing  # noqa: E402

HEADER = ["№ п/п", "Наименование этапа", "Содержание деятельности", "Сроки исполнения", "Ответственный", "Результат"]


def rows(count: int) -> list[list[str]]:
    out, stage, activity = [HEADER], 0, 0
    while len(out) <= count:
        if activity == 0 or activity == 28:
            stage, activity = stage + 1, 0
            out.append([str(stage), f"Этап {stage}: подготовка условий", "", "", "", ""])
        activity += 1
        content = f"Мероприятие {stage}.{activity}: проведение заседания рабочей группы по вопросам наставничества"
        out.append([f"{stage}.{activity}", "", content, "до 01.10.2026", "Заместитель директора", "Протокол"])
        if activity % 5 == 0:  # a cell split over two rows
            out.append(["", "", "и подготовка предложений", "", "", ""])
    return out[: count + 1]


def xlsx(data: list[list[str]]) -> bytes:
    book = Workbook()
    for row in data:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx(data: list[list[str]]) -> bytes:
    document = Document()
    table = document.add_table(rows=len(data), cols=len(HEADER))
    for r, row in enumerate(data):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--format", choices=["xlsx", "docx"], default="xlsx")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    content = (xlsx if args.format == "xlsx" else docx)(rows(args.rows))
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        table = importing.read_table(content, f"bench.{args.format}")
        preview = importing.parse(table, importing.guess_mapping(table.header))
        times.append(time.perf_counter() - started)
    print(f"{args.format.upper()}, {args.rows} rows, {len(content) / 1024:.0f} KB")
    print(f"stages {len(preview.stages)}, activities {preview.activity_count}, problems {len(preview.problems)}")
    print(
        f"preview (read + guess + parse): median {statistics.median(times) * 1000:.0f} ms,"
        f" max {max(times) * 1000:.0f} ms"
    )
    print(f"target < 2000 ms: {'met' if max(times) < 2 else 'MISSED'}")


if __name__ == "__main__":
    main()
