"""Benchmark of refusing small files that are expensive to read (issue 20): the time and the memory each takes.

Not a test: it prints figures. The target is under 1 s and under 100 MB for each refusal. Each file is read in a
fresh process (the importer's own reader, as the upload page calls it), so that one file's memory does not
hide another's; the memory is the growth of the process's peak resident size while reading. No database is
needed: reading writes nothing.

    .venv/bin/python bench/expensive_files.py
    .venv/bin/python bench/expensive_files.py --only merged-A3-ZZ3000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = {
    # name: (builder call in tests/core/expensive_files.py, file name, importer)
    "dimension-A1:XFD20000": ('with_dimension("A1:XFD20000")', "Список.xlsx", "staff"),
    "merged-A3:ZZ3000": ('with_merged("A3:ZZ3000")', "карта.xlsx", "roadmap"),
    "merged-A1:XFD1048576": ('with_merged("A1:XFD1048576")', "карта.xlsx", "roadmap"),
    "20000-tiny-merges": ("many_tiny_merges(20_000)", "карта.xlsx", "roadmap"),
    "cell-at-XFD1048576": ('with_cell_at("XFD1048576")', "Список.xlsx", "staff"),
    "2-million-empty-cells": ("many_cells(2_000_000)", "карта.xlsx", "roadmap"),
    "xlsx-billion-laughs": ("workbook_with_dtd()", "Список.xlsx", "staff"),
    "docx-billion-laughs": ("document_with_dtd()", "карта.docx", "roadmap"),
    "docx-external-entity": ("document_with_external_entity()", "карта.docx", "roadmap"),
    "docx-span-16000": ("document_with_span(16_000)", "карта.docx", "roadmap"),
    "docx-vertical-merge-400": ("document_with_vertical_merge(400)", "карта.docx", "roadmap"),
    "csv-4MB-line": ("csv_huge_line()", "карта.csv", "roadmap"),
    "csv-500000-rows": ("csv_many_rows(500_000)", "Список.csv", "staff"),
    "csv-100000-columns": ("csv_many_columns(100_000)", "карта.csv", "roadmap"),
    "ordinary-roadmap-xlsx": ('with_merged("B2:E2", "D3:D40")', "карта.xlsx", "roadmap"),
}

CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from core.tables import TableError
from people.importing.reading import read_staff_file
from roadmap import importing
from tests.core import expensive_files as files
data = files.{build}
read = read_staff_file if {importer!r} == "staff" else importing.read_table
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    read(data, {name!r})
    outcome = "read"
except TableError as refusal:
    outcome = str(refusal)
seconds = time.perf_counter() - started
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({{"size": len(data), "seconds": seconds, "kb": grown, "outcome": outcome}}))
"""


def measure(build: str, name: str, importer: str, timeout: float) -> dict:
    code = CHILD.format(root=str(ROOT), build=build, name=name, importer=importer)
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, env=os.environ, check=False
        )
    except subprocess.TimeoutExpired:
        return {"size": 0, "seconds": timeout, "kb": 0, "outcome": f"не уложилось в {timeout:.0f} с"}
    if done.returncode:
        return {"size": 0, "seconds": 0, "kb": 0, "outcome": "сбой: " + done.stderr.strip().splitlines()[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="one file of the list, by its name")
    parser.add_argument("--timeout", type=float, default=120, help="seconds before a reading is stopped")
    args = parser.parse_args()
    chosen = {k: v for k, v in FILES.items() if not args.only or k == args.only}
    print(f"{'file':28} {'size':>9} {'time':>8} {'memory':>9}  outcome")
    worst_time = worst_memory = 0.0
    for label, (build, name, importer) in chosen.items():
        result = measure(build, name, importer, args.timeout)
        memory = result["kb"] / 1024
        if not label.startswith("ordinary"):
            worst_time, worst_memory = max(worst_time, result["seconds"]), max(worst_memory, memory)
        size = f"{result['size'] / 1024:.0f} KB"
        print(f"{label:28} {size:>9} {result['seconds']:7.2f}s {memory:7.1f}MB  {result['outcome'][:70]}")
    print(f"\nworst refusal: {worst_time:.2f} s, {worst_memory:.1f} MB (target: under 1 s and 100 MB each)")


if __name__ == "__main__":
    main()
