"""``make load``: gunicorn on PostgreSQL at municipal scale, driven on loopback by 50 concurrent users for 60 s.

Not a test: it prints a table and adds its figures to ``var/bench.json`` as entries named «нагрузка: …» (the
other entries, written by ``make bench``, are kept).

    make load                                   # database mentoring_load, filled by seed_scale --orgs 200 once
    LOAD_USERS=20 LOAD_SECONDS=30 make load     # a lighter run
    .venv/bin/python bench/load.py --help

What it does:
1. creates the database if needed, migrates it and fills it once with ``seed_scale`` (as ``make bench`` does);
   makes sure every 10th organisation has its public page open;
2. builds the plan: for every role (curator, head, administrator, mentor, mentee of each organisation, the
   municipal coordinator, anonymous visitors of the public pages) the pages that account browses, and checks
   each kind of page once in-process so that a mistake in the plan is not counted as a server error;
3. collects the static files into a temporary STATIC_ROOT and starts gunicorn with 2×cores+1 workers with
   production settings (DEBUG=0, manifest static files through WhiteNoise), except that plain http on loopback
   needs SECURE_SSL_REDIRECT=0 and SECURE_COOKIES=0;
4. runs locust headless (bench/locustfile.py): every user signs in once, then opens its pages with think time;
   a share of page views also fetches /static/css/app.css — the floor of the run: the same server, the same
   load, no Django view;
5. computes the median and p95 from the raw samples, overall and per page, and stops gunicorn whatever happens.
The measured window starts when the last user has signed in (password hashing is deliberately slow; the sign-in
storm is reported on its own, with no time target). Targets: no failed request, p95 under 300 ms. Times are
measured by the client, so they include the wait for a free worker, loopback and the load generator's own share
of the same CPU cores; beside them, the worker's own time per request from gunicorn's access log
(``server_median_ms``, ``server_p95_ms``): a client time far above it means the workers were all busy.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
P95_TARGET_MS = 300
PREFIX = "нагрузка"
STATIC_URL = "/static/css/app.css"
STATIC_NAME = "статический файл app.css (пол)"
LOGIN_NAMES = ("вход", "вход: форма")
WINDOW = "window"  # the locustfile's mark: every user has signed in, the measured window starts
PUBLIC_EVERY = 10
SIGN_IN_ALLOWANCE = 180  # seconds for the sign-in storm beyond the spawning itself, before the run is cut off


# --- statistics (no Django here: tests/test_load_tools.py imports these) -------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0 ≤ q ≤ 1) with linear interpolation between the closest ranks, as numpy's default."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


Sample = tuple[str, float, "str | None", float]  # page, milliseconds, error or None, when it ended (epoch s)


def read_samples(path: Path) -> list[Sample]:
    """The locustfile's JSON lines: [page, milliseconds, error or null, end time]."""
    samples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            name, ms, error, ended = json.loads(line)
            samples.append((name, float(ms), error, float(ended)))
    return samples


def split_run(samples: list[Sample]) -> tuple[list[Sample], list[Sample]]:
    """The sign-in phase (requests started before the window mark) and the measured window (started after it).

    Without the mark — not every user managed to sign in — everything is the sign-in phase.
    """
    start = next((ended for name, _, _, ended in samples if name == WINDOW), None)
    requests = [s for s in samples if s[0] != WINDOW]
    if start is None:
        return requests, []
    ramp = [s for s in requests if s[3] - s[1] / 1000 < start]
    window = [s for s in requests if s[3] - s[1] / 1000 >= start]
    return ramp, window


def figure(name: str, rows: list[Sample], seconds: float, floor: float | None, timed: bool = True) -> dict:
    """One entry of var/bench.json. ``timed=False``: only «no errors» is the target, the time is for reference."""
    times = [ms for _, ms, _, _ in rows]
    failures = sum(1 for _, _, error, _ in rows if error is not None)
    median, p95 = percentile(times, 0.5), percentile(times, 0.95)
    return {
        "name": f"{PREFIX}: {name}",
        "median_ms": round(median, 1),
        "p95_ms": round(p95, 1),
        "queries": None,
        "floor_median_ms": floor,
        "ratio": round(median / floor, 2) if floor else None,
        "target": f"без ошибок, p95 < {P95_TARGET_MS} мс" if timed else "без ошибок (время справочно)",
        "ok": failures == 0 and (p95 < P95_TARGET_MS or not timed),
        "requests": len(rows),
        "failures": failures,
        "rps": round(len(rows) / seconds, 1) if seconds > 0 else None,
        "note": "",
    }


def summarise(window: list[Sample], seconds: float, note: str = "") -> list[dict]:
    """The measured window: everything together first, then each page, slowest p95 first, the floor last.

    The floor of every figure is the median of the static file under the same load; the static file itself has
    no floor of its own.
    """
    if not window:
        return []
    by_name: dict[str, list[Sample]] = defaultdict(list)
    for sample in window:
        by_name[sample[0]].append(sample)
    static = [ms for _, ms, _, _ in by_name.get(STATIC_NAME, [])]
    floor = round(percentile(static, 0.5), 1) if static else None
    pages = [figure(name, rows, seconds, None if name == STATIC_NAME else floor) for name, rows in by_name.items()]
    pages.sort(key=lambda f: (f["name"] == f"{PREFIX}: {STATIC_NAME}", -f["p95_ms"]))
    overall = figure("все запросы", window, seconds, floor)
    overall["note"] = note
    return [overall, *pages]


def summarise_sign_in(ramp: list[Sample], users: int) -> list[dict]:
    """The sign-in phase: the sign-in requests and everything else meanwhile; no time target (see README)."""
    if not ramp:
        return []
    seconds = max(ended for *_, ended in ramp) - min(ended - ms / 1000 for _, ms, _, ended in ramp)
    figures = [figure(f"вход {users} пользователей: все запросы за {seconds:.0f} с", ramp, seconds, None, timed=False)]
    for name in LOGIN_NAMES:
        rows = [s for s in ramp if s[0] == name]
        if rows:
            figures.append(figure(name, rows, seconds, None, timed=False))
    return figures


def read_access_log(path: Path, names: dict[tuple[str, str], str], start: float) -> dict[str, list[float]]:
    """Server time by page from gunicorn's access log (``%(t)s %(m)s %(U)s %(D)s``: the worker's own time, without
    the wait in the listen queue), for requests that ended within the measured window (to the second)."""
    times: dict[str, list[float]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            stamp, method, url, micros = line.rsplit(" ", 3)
            ended = datetime.strptime(stamp.strip("[]"), "%d/%b/%Y:%H:%M:%S %z").timestamp()
        except ValueError:
            continue  # not an access line
        name = names.get((method, url))
        if name and ended >= int(start):
            times[name].append(int(micros) / 1000)
    return times


def add_server_times(figures: list[dict], times: dict[str, list[float]]) -> None:
    everything = [ms for rows in times.values() for ms in rows]
    for f in figures:
        name = f["name"].removeprefix(PREFIX + ": ")
        rows = everything if name == "все запросы" else times.get(name, [])
        f["server_median_ms"] = round(percentile(rows, 0.5), 1) if rows else None
        f["server_p95_ms"] = round(percentile(rows, 0.95), 1) if rows else None


def merge(existing: list[dict], figures: list[dict], prefix: str = PREFIX) -> list[dict]:
    """The file's other entries as they were, the previous run's entries (named `prefix`…) replaced by this one's."""
    kept = [e for e in existing if not str(e.get("name", "")).startswith(prefix)]
    return kept + figures


def write_figures(path: Path, figures: list[dict], prefix: str = PREFIX) -> None:
    try:
        existing = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(existing, list):
            existing = []
    except (OSError, ValueError):
        existing = []
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merge(existing, figures, prefix), ensure_ascii=False, indent=2), encoding="utf-8")


def print_table(figures: list[dict]) -> None:
    """Client times (what a user waits), the floor ratio, and the server's own time per request where known."""
    print(
        f"  {'что':<44} {'запросов':>8} {'ошибок':>6} {'медиана':>8} {'p95':>8} {'×пола':>6} {'в сек.':>6} "
        f"{'сервер: мед.':>12} {'p95':>7}  цель"
    )
    for f in figures:
        ratio = "" if f["ratio"] is None else f"{f['ratio']:.2f}"
        server = f.get("server_median_ms"), f.get("server_p95_ms")
        server_text = "" if server[0] is None else f"{server[0]:>12.1f} {server[1]:>7.1f}"
        print(
            f"  {f['name'].removeprefix(PREFIX + ': ')[:44]:<44} {f['requests']:>8} {f['failures']:>6} "
            f"{f['median_ms']:>8.1f} {f['p95_ms']:>8.1f} {ratio:>6} {f['rps'] or 0:>6.1f} {server_text:>20}  "
            f"{'да' if f['ok'] else 'НЕТ'}"
        )


# --- the plan (Django, against the load database) -----------------------------------------------------------------


def setup_django(database_url: str, media_root: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["MEDIA_ROOT"] = media_root
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def open_public_pages() -> list[str]:
    """Every 10th scale organisation shows its public page (seed_scale does it; older databases get it here)."""
    from monitoring.models import PublicPage
    from people.models import Organization

    for org in Organization.objects.filter(slug__startswith="scale-"):
        number = org.slug.removeprefix("scale-")
        if number.isdigit() and int(number) % PUBLIC_EVERY == 0:
            PublicPage.objects.get_or_create(
                organization=org, defaults={"is_enabled": True, "intro": "Наставничество в нашей организации"}
            )
    return sorted(
        PublicPage.objects.filter(is_enabled=True, organization__slug__startswith="scale-").values_list(
            "organization__slug", flat=True
        )
    )


def build_plan(password: str) -> dict:
    """Accounts by role, each with the (page name, URL) pairs it browses."""
    from django.urls import reverse

    from mentoring.models import Mentorship
    from people.models import Municipality, Organization

    active = Mentorship.objects.filter(state=Mentorship.State.ACTIVE, organization__slug__startswith="scale-")
    first_pair: dict[str, int] = {}
    for slug, pk in active.order_by("pk").values_list("organization__slug", "pk"):
        first_pair.setdefault(slug, pk)
    own_pair: dict[str, int] = {}  # login → the pair of the signed-in mentor or mentee
    for login, pk in active.order_by("pk").values_list("mentor__user__username", "pk"):
        if login:
            own_pair.setdefault(login, pk)
    for login, pk in active.order_by("pk").values_list("mentees__user__username", "pk"):
        if login:
            own_pair.setdefault(login, pk)

    roles: dict[str, list[dict]] = defaultdict(list)
    for slug in Organization.objects.filter(slug__startswith="scale-").order_by("pk").values_list("slug", flat=True):
        n = slug.removeprefix("scale-")
        pair = first_pair.get(slug)
        pages = {
            "curator": [
                ("главная куратора", "role_home", [slug, "curator"]),
                ("пары и группы", "mentoring:pairs", [slug]),
                ("банк наставляемых", "people:mentee_bank", [slug]),
                ("банк наставников", "people:mentor_bank", [slug]),
                ("книга приказов", "roadmap:orders", [slug]),
                ("отчёты", "monitoring:reports", [slug]),
            ]
            + ([("карточка пары", "mentoring:mentorship_detail", [slug, pair])] if pair else [])
            + ([("программа", "mentoring:programme", [slug, pair])] if pair else []),
            "head": [
                ("главная руководителя", "role_home", [slug, "head"]),
                ("приказы на утверждении", "roadmap:inbox", [slug]),
                ("книга приказов", "roadmap:orders", [slug]),
                ("отчёты", "monitoring:reports", [slug]),
            ],
            "admin": [
                ("главная администратора", "role_home", [slug, "admin"]),
                ("работники", "people:staff_list", [slug]),
            ],
        }
        for role in ("mentor", "mentee"):
            own = own_pair.get(f"s{n}-{role}")
            pages[role] = [
                (f"главная {'наставника' if role == 'mentor' else 'наставляемого'}", "role_home", [slug, role])
            ]
            if own:
                pages[role] += [
                    ("карточка пары", "mentoring:mentorship_detail", [slug, own]),
                    ("программа", "mentoring:programme", [slug, own]),
                ]
        for role, listed in pages.items():
            roles[role].append({"login": f"s{n}-{role}", "pages": _resolve(listed, reverse)})
    for municipality in Municipality.objects.filter(slug__startswith="scale-"):
        login = municipality.coordinator.username if municipality.coordinator else None
        if login:
            listed = [("сводный отчёт муниципалитета", "municipal_home", [municipality.slug])]
            roles["municipal"].append({"login": login, "pages": _resolve(listed, reverse)})
    for slug in open_public_pages():
        roles["anonymous"].append(
            {"login": None, "pages": _resolve([("публичная страница", "public_page", [slug])], reverse)}
        )
    return {
        "login_url": reverse("login"),
        "password": password,
        "static_url": STATIC_URL,
        "static_name": STATIC_NAME,
        "roles": dict(roles),
    }


def _resolve(listed, reverse) -> list[list[str]]:
    from django.urls import NoReverseMatch

    resolved = []
    for name, url_name, args in listed:
        try:
            resolved.append([name, reverse(url_name, args=args)])
        except NoReverseMatch:  # a page not built yet: said once, left out of the plan
            if url_name not in _MISSING:
                _MISSING.add(url_name)
                print(f"  «{name}»: адреса {url_name} нет — убрана из плана")
    return resolved


_MISSING: set[str] = set()


def check_plan(plan: dict) -> list[str]:
    """Open every kind of page once per role in-process; a page that does not answer 200 leaves the plan."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    problems = []
    for role, accounts in plan["roles"].items():
        sample = accounts[len(accounts) // 2]
        client = Client()
        if sample["login"]:
            client.force_login(get_user_model().objects.get(username=sample["login"]))
        bad = set()
        for name, url in sample["pages"]:
            status = client.get(url).status_code
            if status != 200:
                bad.add(name)
                problems.append(f"{role}: «{name}» {url} ответила {status} — убрана из плана")
        for account in accounts:
            account["pages"] = [p for p in account["pages"] if p[0] not in bad]
        plan["roles"][role] = [a for a in accounts if a["pages"]]
    plan["roles"] = {role: accounts for role, accounts in plan["roles"].items() if accounts}
    return problems


# --- the server and the load -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url: str, static_root: Path, media_root: str, axes: bool) -> dict:
    """Production settings, except what plain http on loopback needs."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": media_root,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "BEHIND_HTTPS_PROXY": "0",
        "AXES_ENABLED": "1" if axes else "0",
        "LOG_LEVEL": "WARNING",
    }


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn завершился с кодом {server.returncode}: см. var/load-gunicorn.log")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own http://127.0.0.1 URL)
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn не ответил за {timeout:.0f} с: см. var/load-gunicorn.log")


def stop(server: subprocess.Popen) -> None:
    """Stop gunicorn (its own process group: the master and its workers) and wait for it."""
    if server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    except ProcessLookupError:
        pass


def run(args: argparse.Namespace) -> list[dict]:
    media_root = str(ROOT / "var" / "load-media")
    setup_django(args.database, media_root)
    from bench.run import ensure_database

    ensure_database(args.orgs)
    print("План нагрузки: учётные записи и их страницы …", flush=True)
    plan = build_plan(args.password)
    for problem in check_plan(plan):
        print(f"  {problem}")
    from django.db import connection

    connection.close()
    print("  " + ", ".join(f"{role}: {len(accounts)}" for role, accounts in plan["roles"].items()))

    var = ROOT / "var"
    temp = Path(tempfile.mkdtemp(prefix="mentoring-load-"))
    plan_path, samples_path = temp / "plan.json", temp / "samples.jsonl"
    plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    env = server_env(args.database, temp / "static", media_root, args.axes)
    server = None
    access_log = Path(args.access_log) if args.base else var / "load-access.log"
    try:
        if args.base:  # a server someone else started (deploy/check.py: nginx in front of gunicorn)
            base = args.base.rstrip("/")
            print(f"Сервер {base}; locust: пользователей {args.users}, {args.seconds} с …", flush=True)
        else:
            print("collectstatic во временный STATIC_ROOT …", flush=True)
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
            )
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            with open(var / "load-gunicorn.log", "w", encoding="utf-8") as log:
                server = subprocess.Popen(
                    [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}",
                     "--workers", str(args.workers), "--log-level", "warning", "--timeout", "60",
                     "--access-logfile", str(var / "load-access.log"),
                     "--access-logformat", "%(t)s %(m)s %(U)s %(D)s"],
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                )  # fmt: skip
            wait_until_up(base + plan["login_url"], server)
            for _ in range(3 * args.workers):  # every worker imports the URLconf and views on its first requests
                wait_until_up(base + plan["login_url"], server)
            print(
                f"gunicorn {base}: процессов {args.workers}; locust: пользователей {args.users}, {args.seconds} с, "
                f"пауза на обдумывание {args.think} с …",
                flush=True,
            )
        classes = {"curator": "Curator", "head": "Head", "admin": "Administrator", "mentor": "Mentor",
                   "mentee": "Mentee", "municipal": "MunicipalCoordinator", "anonymous": "PublicVisitor"}  # fmt: skip
        locust_env = {
            **os.environ, "LOAD_PLAN": str(plan_path), "LOAD_SAMPLES": str(samples_path), "LOAD_THINK": args.think,
            "LOAD_USERS": str(args.users), "LOAD_SECONDS": str(args.seconds),
        }  # fmt: skip
        # The locustfile ends the run SECONDS after the last user has signed in; this is only the cap.
        cap = args.seconds + args.users / args.spawn_rate + SIGN_IN_ALLOWANCE
        with open(var / "load-locust.log", "w", encoding="utf-8") as log:
            result = subprocess.run(
                [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--only-summary",
                 "--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", f"{cap:.0f}s",
                 "--stop-timeout", "10", "--host", base, *(classes[r] for r in plan["roles"])],
                cwd=ROOT, env=locust_env, stdout=log, stderr=subprocess.STDOUT, check=False,
            )  # fmt: skip
        if not samples_path.exists() or not samples_path.stat().st_size:
            raise SystemExit(f"locust не записал ни одного запроса (код {result.returncode}): см. var/load-locust.log")
        samples = read_samples(samples_path)
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(temp, ignore_errors=True)
    server_text = f"через {args.base}" if args.base else f"gunicorn: {args.workers} процессов"
    note = (
        f"{args.users} пользователей, {args.seconds} с, пауза {args.think} с; {server_text}; "
        f"ядер {os.cpu_count()}; время — у клиента, генератор нагрузки на тех же ядрах"
    )
    errors = defaultdict(int)
    for name, _, error, _ in samples:
        if error is not None:
            errors[f"{name}: {error}"] += 1
    for text, count in sorted(errors.items(), key=lambda item: -item[1])[:10]:
        print(f"  ошибка ×{count}: {text}")
    ramp, window = split_run(samples)
    if not window:
        print(f"  НЕ ВСЕ {args.users} пользователей вошли за {cap:.0f} с: окна замера нет, ниже — только вход.")
    figures = summarise(window, args.seconds, note)
    if window:
        names = {
            ("GET", url): name for accounts in plan["roles"].values() for a in accounts for name, url in a["pages"]
        }
        names[("GET", STATIC_URL)] = STATIC_NAME
        start = next(ended for name, _, _, ended in samples if name == WINDOW)
        add_server_times(figures, read_access_log(access_log, names, start))
    return figures, summarise_sign_in(ramp, args.users)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    env = os.environ.get
    parser.add_argument(
        "--database", default=env("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mentoring_load")
    )
    parser.add_argument("--orgs", type=int, default=200, help="размер муниципалитета для seed_scale")
    parser.add_argument("--workers", type=int, default=int(env("LOAD_WORKERS", 2 * (os.cpu_count() or 1) + 1)))
    parser.add_argument("--users", type=int, default=int(env("LOAD_USERS", 50)))
    parser.add_argument("--seconds", type=int, default=int(env("LOAD_SECONDS", 60)))
    parser.add_argument("--spawn-rate", type=float, default=float(env("LOAD_SPAWN_RATE", 5)))
    parser.add_argument("--think", default=env("LOAD_THINK", "1,4"), help="пауза между страницами, от,до секунд")
    parser.add_argument("--password", default="scale12345")
    parser.add_argument("--no-axes", dest="axes", action="store_false", help="выключить django-axes на время прогона")
    parser.add_argument("--out", default=str(ROOT / "var" / "bench.json"))
    parser.add_argument(
        "--base", default="", help="адрес уже запущенного сервера (https://127.0.0.1:8443): свой gunicorn не запускать"
    )
    parser.add_argument("--access-log", default="", help="журнал доступа того сервера (%%(t)s %%(m)s %%(U)s %%(D)s)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `finally` stops gunicorn on kill as on Ctrl-C
    window, sign_in = run(args)
    figures = window + sign_in
    print(f"\nПосле того как все вошли, {args.seconds} с (цель — без ошибок и p95 < {P95_TARGET_MS} мс):")
    print_table(window)
    print("\nВход (каждый пользователь входит один раз; время справочно — см. README):")
    print_table(sign_in)
    write_figures(Path(args.out), figures)
    missed = [f["name"] for f in figures if not f["ok"]]
    print(
        f"\nЗаписано в {args.out}: {len(figures)} замеров нагрузки. "
        + (f"Не уложились: {', '.join(missed)}." if missed else "Цели выполнены: ошибок нет, p95 < 300 мс.")
    )


if __name__ == "__main__":
    main()
