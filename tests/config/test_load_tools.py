"""The load run's arithmetic (bench/load.py): percentiles, per-page figures and merging into var/bench.json.

No load is generated here; `make load` does that.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from bench.load import (
    STATIC_NAME,
    WINDOW,
    add_server_times,
    merge,
    percentile,
    read_access_log,
    read_samples,
    split_run,
    summarise,
    summarise_sign_in,
    write_figures,
)


def test_percentile_interpolates_between_ranks():
    values = [float(v) for v in range(1, 101)]  # 1 … 100, given out of order below
    shuffled = values[50:] + values[:50]
    assert percentile(shuffled, 0.5) == pytest.approx(50.5)
    assert percentile(shuffled, 0.95) == pytest.approx(95.05)
    assert percentile(shuffled, 0.0) == 1.0
    assert percentile(shuffled, 1.0) == 100.0
    assert percentile([7.0], 0.95) == 7.0
    assert percentile([10.0, 20.0], 0.5) == 15.0


def test_percentile_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_summary_gives_overall_and_per_page_figures_with_the_static_floor():
    samples = [("главная куратора", float(ms), None, 100.0) for ms in range(10, 110, 10)]  # 10 … 100
    samples += [("отчёты", 400.0, None, 100.0), ("отчёты", 20.0, "HTTPError 500", 100.0)]
    samples += [(STATIC_NAME, ms, None, 100.0) for ms in (2.0, 4.0, 6.0)]
    figures = summarise(samples, seconds=10, note="50 пользователей")
    by_name = {f["name"]: f for f in figures}

    overall = figures[0]
    assert overall["name"] == "нагрузка: все запросы"
    assert overall["requests"] == 15 and overall["failures"] == 1 and overall["rps"] == 1.5
    assert overall["note"] == "50 пользователей"
    assert overall["ok"] is False  # one failure

    home = by_name["нагрузка: главная куратора"]
    assert (home["median_ms"], home["p95_ms"]) == (55.0, 95.5)
    assert home["floor_median_ms"] == 4.0 and home["ratio"] == 13.75
    assert home["queries"] is None
    assert home["ok"] is True

    reports = by_name["нагрузка: отчёты"]
    assert reports["failures"] == 1 and reports["p95_ms"] > 300 and reports["ok"] is False

    static = by_name[f"нагрузка: {STATIC_NAME}"]
    assert static["floor_median_ms"] is None and static["ratio"] is None
    assert figures[-1] is static  # pages slowest first, the floor last
    assert figures[1] is reports
    for figure in figures:
        assert {"name", "median_ms", "p95_ms", "queries", "floor_median_ms", "ratio", "target", "ok"} <= figure.keys()


def test_summary_without_static_samples_has_no_floor():
    figures = summarise([("главная куратора", 100.0, None, 1.0)], seconds=1)
    assert figures[1]["floor_median_ms"] is None and figures[1]["ratio"] is None
    assert summarise([], seconds=60) == []


def test_the_window_starts_when_the_last_user_has_signed_in():
    samples = [
        ("вход", 900.0, None, 1000.5),  # started at 999.6
        ("главная куратора", 50.0, None, 1000.9),  # started before the mark: sign-in phase
        (WINDOW, 0.0, None, 1001.0),
        ("главная куратора", 500.0, None, 1001.2),  # started at 1000.7, still before the mark
        ("отчёты", 40.0, None, 1002.0),
        (STATIC_NAME, 3.0, None, 1003.0),
    ]
    ramp, window = split_run(samples)
    assert [s[1] for s in ramp] == [900.0, 50.0, 500.0]
    assert [s[0] for s in window] == ["отчёты", STATIC_NAME]

    ramp, window = split_run([s for s in samples if s[0] != WINDOW])  # not everyone got in
    assert window == [] and len(ramp) == 5


def test_sign_in_figures_judge_only_errors():
    ramp = [("вход", 2000.0, None, 10.0), ("вход", 1500.0, None, 12.0), ("вход: форма", 30.0, None, 9.0)]
    figures = summarise_sign_in(ramp, users=2)
    by_name = {f["name"]: f for f in figures}
    assert figures[0]["requests"] == 3 and figures[0]["name"].startswith("нагрузка: вход 2 пользователей")
    assert by_name["нагрузка: вход"]["p95_ms"] > 300 and by_name["нагрузка: вход"]["ok"] is True
    assert summarise_sign_in([("вход", 100.0, "HTTPError 403", 1.0)], users=1)[0]["ok"] is False


def test_merge_keeps_other_entries_and_replaces_the_previous_load_run():
    existing = [
        {"name": "страница: главная куратора", "median_ms": 40.0},
        {"name": "нагрузка: все запросы", "median_ms": 999.0},
        {"name": "нагрузка: отчёты", "median_ms": 999.0},
        {"name": "PDF: приказ с приложением на 60 строк", "median_ms": 300.0},
    ]
    new = [{"name": "нагрузка: все запросы", "median_ms": 50.0}]
    merged = merge(existing, new)
    assert [e["name"] for e in merged] == [
        "страница: главная куратора",
        "PDF: приказ с приложением на 60 строк",
        "нагрузка: все запросы",
    ]
    assert merged[-1]["median_ms"] == 50.0


def test_write_figures_merges_into_the_file_and_survives_a_missing_or_broken_one(tmp_path):
    path = tmp_path / "var" / "bench.json"
    write_figures(path, [{"name": "нагрузка: все запросы", "median_ms": 1.0}])
    assert json.loads(path.read_text(encoding="utf-8")) == [{"name": "нагрузка: все запросы", "median_ms": 1.0}]

    path.write_text(json.dumps([{"name": "страница: отчёты"}, {"name": "нагрузка: вход"}]), encoding="utf-8")
    write_figures(path, [{"name": "нагрузка: все запросы", "median_ms": 2.0}])
    names = [e["name"] for e in json.loads(path.read_text(encoding="utf-8"))]
    assert names == ["страница: отчёты", "нагрузка: все запросы"]

    path.write_text("{not json", encoding="utf-8")
    write_figures(path, [{"name": "нагрузка: все запросы"}])
    assert json.loads(path.read_text(encoding="utf-8")) == [{"name": "нагрузка: все запросы"}]


def test_samples_are_read_from_the_locustfile_lines(tmp_path):
    path = tmp_path / "samples.jsonl"
    path.write_text('["вход", 120.5, null, 1.5]\n\n["отчёты", 30, "HTTPError 500", 2]\n', encoding="utf-8")
    assert read_samples(path) == [("вход", 120.5, None, 1.5), ("отчёты", 30.0, "HTTPError 500", 2.0)]


def test_server_times_come_from_the_access_log_within_the_window(tmp_path):
    log = tmp_path / "access.log"
    log.write_text(
        "[21/Nov/2026:11:45:56 +0300] GET /o/scale-1/pairs/ 120000\n"  # before the window
        "[21/Nov/2026:11:46:10 +0300] GET /o/scale-1/pairs/ 40000\n"
        "[21/Nov/2026:11:46:11 +0300] GET /o/scale-2/pairs/ 60000\n"
        "[21/Nov/2026:11:46:12 +0300] POST /o/scale-1/pairs/ 9000\n"  # not a page of the plan
        "[21/Nov/2026:11:46:12 +0300] GET /static/css/app.css 500\n"
        "[2026-11-21 11:46:12 +0300] [77] [WARNING] something else\n",
        encoding="utf-8",
    )
    names = {
        ("GET", "/o/scale-1/pairs/"): "пары и группы",
        ("GET", "/o/scale-2/pairs/"): "пары и группы",
        ("GET", "/static/css/app.css"): STATIC_NAME,
    }
    start = datetime(2026, 11, 21, 11, 46, 0, tzinfo=timezone(timedelta(hours=3))).timestamp()
    times = read_access_log(log, names, start)
    assert times == {"пары и группы": [40.0, 60.0], STATIC_NAME: [0.5]}

    figures = [{"name": "нагрузка: все запросы"}, {"name": "нагрузка: пары и группы"}, {"name": "нагрузка: вход"}]
    add_server_times(figures, times)
    assert (figures[1]["server_median_ms"], figures[1]["server_p95_ms"]) == (50.0, 59.0)
    assert figures[0]["server_median_ms"] == 40.0
    assert figures[2]["server_median_ms"] is None
