"""``make deploy-check``: the product stood up on this machine the way an installation runs it, then driven through.

Not a test (not part of ``make test``: it needs root for apt-get, free ports and a few minutes). It uses the files of
deploy/ themselves — the nginx site, gunicorn.conf.py, the settings of mentoring.env.example — with only the
ports, the paths and the certificate replaced, so a mistake in them fails here before it fails on a server:

1. system packages from Debian: nginx (``apt-get install nginx`` if absent), openssl; PostgreSQL on
   127.0.0.1:5432 and Redis (the running one, database 13; or its own redis-server on a free port) must answer;
2. a temporary directory holds everything: the self-signed certificate, nginx's configuration, pid, logs and
   buffers, STATIC_ROOT, the gunicorn socket; uploads stay in var/deploy-media beside the database they belong to;
3. the database (DEPLOY_DATABASE_URL, by default mentoring_deploy): migrate, seed_demo and ``seed_scale --orgs 20``
   once; ``check --deploy --fail-level WARNING`` with the settings of mentoring.env.example; collectstatic;
4. gunicorn with deploy/gunicorn.conf.py (DEPLOY_WORKERS processes, at least 2) on a unix socket, the task worker
   (``manage.py run_worker``: tasks and the schedule), nginx (https://127.0.0.1:8443, http://127.0.0.1:8080);
5. checks through nginx: http → https, TLS, security headers, static files served by nginx itself (gunicorn's
   access log never sees them) with their caching headers, uploads never public (a stored PDF under /media/ is
   404, the same document through its page is 200), a body over the limit refused with the Russian 413 page,
   sessions kept in Redis;
6. the load run of bench/load.py through nginx (50 users for 60 s; DEPLOY_CHECK_QUICK=1: 10 users for 10 s;
   LOAD_USERS / LOAD_SECONDS override): no failed request and p95 < 300 ms;
7. a browser journey through nginx in Chromium (Playwright, certificate errors ignored): sign in as the demo
   curator, the home page with its stylesheet from nginx, the list of pairs, an order's PDF; screenshots at
   1366 and 390 px in var/deploy-check/;
8. prints the figures and stops everything it started (nginx, gunicorn, the worker, its own Redis), whatever
   happened; the temporary directory is removed.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg2
import redis
from playwright.sync_api import sync_playwright
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "deploy-check"

QUICK = os.environ.get("DEPLOY_CHECK_QUICK") == "1"
DATABASE_URL = os.environ.get("DEPLOY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mentoring_deploy")
REDIS_URL = os.environ.get("DEPLOY_REDIS_URL", "redis://127.0.0.1:6379/13")
HTTPS_PORT = int(os.environ.get("DEPLOY_HTTPS_PORT", 8443))
HTTP_PORT = int(os.environ.get("DEPLOY_HTTP_PORT", 8080))
WORKERS = max(2, int(os.environ.get("DEPLOY_WORKERS", 2 * (os.cpu_count() or 1) + 1)))
ORGS = int(os.environ.get("DEPLOY_ORGS", 20))
USERS = int(os.environ.get("LOAD_USERS", 10 if QUICK else 50))
SECONDS = int(os.environ.get("LOAD_SECONDS", 10 if QUICK else 60))
BASE = f"https://127.0.0.1:{HTTPS_PORT}"
DEMO_CURATOR, DEMO_PASSWORD = "curator", "demo12345"
ACCESS_FORMAT = "%(t)s %(m)s %(U)s %(D)s"  # what bench/load.py reads for the server's own time


# What the check changes in deploy/nginx/mentoring.conf: (text in the file, what it becomes). Every one must be
# found — a file that no longer has it fails the check instead of being run half-replaced.
def nginx_replacements(temp: Path, web_user: str | None) -> list[tuple[str, str]]:
    return [
        ("listen 80;", f"listen 127.0.0.1:{HTTP_PORT};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{HTTPS_PORT} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("server_name nastavnik.example.ru;", "server_name 127.0.0.1 localhost;"),
        ("return 301 https://$host$request_uri;", f"return 301 https://$host:{HTTPS_PORT}$request_uri;"),
        ("/etc/ssl/certs/ssl-cert-snakeoil.pem", str(temp / "tls" / "cert.pem")),
        ("/etc/ssl/private/ssl-cert-snakeoil.key", str(temp / "tls" / "key.pem")),
        ("unix:/run/mentoring/gunicorn.sock", f"unix:{temp / 'run' / 'gunicorn.sock'}"),
        ("/var/lib/mentoring/static/", f"{temp / 'static'}/"),
        # A copy of deploy/nginx/errors/ under temp: nginx's workers (www-data) may not enter a home directory.
        ("/opt/mentoring/deploy/", f"{temp / 'deploy'}/"),
    ]


def render_site(temp: Path, web_user: str | None) -> str:
    text = (DEPLOY / "nginx" / "mentoring.conf").read_text(encoding="utf-8")
    for old, new in nginx_replacements(temp, web_user):
        if old not in text:
            raise SystemExit(f"deploy/nginx/mentoring.conf: не найдено «{old}» — проверка не знает, что заменить")
        text = text.replace(old, new)
    return text


def render_main(temp: Path, web_user: str | None) -> str:
    """nginx.conf of the check: Debian's /etc/nginx/nginx.conf in short, everything written under ``temp``."""
    user = f"user {web_user};\n" if web_user else ""
    return (
        f"{user}worker_processes 2;\npid {temp}/nginx.pid;\nerror_log {temp}/nginx-error.log warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        "    sendfile on;\n    tcp_nopush on;\n    types_hash_max_size 2048;\n"
        f"    access_log {temp}/nginx-access.log;\n"
        f"    client_body_temp_path {temp}/nginx/body;\n    proxy_temp_path {temp}/nginx/proxy;\n"
        f"    fastcgi_temp_path {temp}/nginx/fastcgi;\n    uwsgi_temp_path {temp}/nginx/uwsgi;\n"
        f"    scgi_temp_path {temp}/nginx/scgi;\n"
        f"    include {temp}/mentoring.conf;\n"
        "}\n"
    )


def read_env_example() -> dict[str, str]:
    """deploy/mentoring.env.example as systemd's EnvironmentFile reads it (KEY=value, optional double quotes)."""
    values = {}
    for line in (DEPLOY / "mentoring.env.example").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        values[key.strip()] = value
    return values


def installation_env(temp: Path, *, checked: bool = False) -> dict[str, str]:
    """The example's settings with this machine's values. ``checked``: as written (smtp) for ``check --deploy``;
    otherwise the running processes print letters to their log instead of sending them anywhere."""
    env = {**os.environ, **read_env_example()}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CSRF_TRUSTED_ORIGINS=BASE,
        SITE_URL=BASE,
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        STATIC_ROOT=str(temp / "static"),
        MEDIA_ROOT=str(ROOT / "var" / "deploy-media"),
        BACKUP_ROOT=str(temp / "backups"),  # the worker's nightly copy, if due, goes with the temporary directory
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    if not checked:
        env["EMAIL_BACKEND"] = "django.core.mail.backends.console.EmailBackend"
    leftovers = [k for k, v in env.items() if "ЗАПОЛНИТЬ" in v and k != "EMAIL_HOST_PASSWORD"]
    if leftovers:
        raise SystemExit(f"mentoring.env.example: не заполнены для проверки {', '.join(leftovers)}")
    return env


# --- processes -----------------------------------------------------------------------------------------------------


class Processes:
    """What the check started, stopped in reverse order on exit (SIGTERM to its process group, then SIGKILL)."""

    def __init__(self) -> None:
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str], log: Path, **kwargs) -> subprocess.Popen:
        handle = open(log, "w", encoding="utf-8")  # noqa: SIM115 — closed with the process
        process = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True, **kwargs)
        self.started.append((name, process))
        return process

    def alive(self, name: str) -> bool:
        return any(n == name and p.poll() is None for n, p in self.started)

    def stop_all(self) -> None:
        for name, process in reversed(self.started):
            if process.poll() is not None:
                continue
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            except ProcessLookupError:
                pass
            print(f"  остановлен: {name} (pid {process.pid})")
        self.started.clear()


def manage(env: dict, *args: str, check: bool = True, quiet: bool = False) -> subprocess.CompletedProcess:
    output = subprocess.DEVNULL if quiet else None
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=check, stdout=output, stderr=output
    )


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def redis_answers(url: str) -> bool:

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def ensure_packages() -> None:
    if subprocess.run([sys.executable, str(ROOT / "config" / "system_packages.py")], check=False).returncode:
        raise SystemExit("Сначала установите системные пакеты (см. выше).")
    missing = [pkg for binary, pkg in (("nginx", "nginx"), ("openssl", "openssl")) if not _which(binary)]
    if not missing:
        return
    if os.geteuid() != 0:
        raise SystemExit(f"Нет пакетов {', '.join(missing)}: sudo apt-get install {' '.join(missing)}")
    print(f"apt-get install {' '.join(missing)} …", flush=True)
    subprocess.run(
        ["apt-get", "install", "-y", "--no-install-recommends", *missing],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def _which(binary: str) -> str | None:
    return shutil.which(binary) or shutil.which(binary, path="/usr/sbin:/sbin")


# --- HTTP through nginx ----------------------------------------------------------------------------------------------

_INSECURE = ssl.create_default_context()
_INSECURE.check_hostname = False
_INSECURE.verify_mode = ssl.CERT_NONE  # the check's own self-signed certificate


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(urllib.request.HTTPSHandler(context=_INSECURE), _NoRedirect())


def fetch(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_for(url: str, processes: Processes, names: tuple[str, ...], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name in names:
            if not processes.alive(name):
                raise SystemExit(f"{name} завершился: см. журналы в {OUT}")
        try:
            if fetch(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} не ответил за {timeout:.0f} с: см. журналы в {OUT}")


class Checks:
    def __init__(self) -> None:
        self.results: list[tuple[str, bool, str]] = []

    def __call__(self, name: str, ok: bool, detail: str = "") -> None:
        self.results.append((name, ok, detail))
        print(f"  {'да ' if ok else 'НЕТ'}  {name}{': ' + detail if detail else ''}", flush=True)

    @property
    def failed(self) -> list[str]:
        return [name for name, ok, _ in self.results if not ok]


def gunicorn_saw(access_log: Path, path: str) -> bool:
    return any(f" {path} " in line for line in access_log.read_text(encoding="utf-8", errors="replace").splitlines())


def http_checks(check: Checks, temp: Path, access_log: Path) -> None:
    status, headers, _ = fetch(f"http://127.0.0.1:{HTTP_PORT}/accounts/login/")
    check("http → https", status == 301 and headers.get("Location", "").startswith(BASE), f"{status}")

    status, headers, body = fetch(BASE + "/accounts/login/")
    check("страница входа по https", status == 200 and "Войти".encode() in body, f"{status}")
    check("HSTS от приложения", "max-age=" in headers.get("Strict-Transport-Security", ""))
    check("CSP от приложения", "default-src 'self'" in headers.get("Content-Security-Policy", ""))
    check("nginx не называет версию", headers.get("Server") == "nginx", headers.get("Server", ""))
    stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', body)
    check("страница ссылается на стиль с хешем", bool(stylesheet))

    plain = "/static/css/app.css"
    status, headers, _ = fetch(BASE + plain, headers={"Accept-Encoding": "gzip"})
    check(
        "статический файл от nginx (сжатый, кэш на час)",
        status == 200
        and headers.get("Content-Encoding") == "gzip"
        and "max-age=3600" in headers.get("Cache-Control", ""),
        f"{status} {headers.get('Cache-Control')}",
    )
    if stylesheet:
        hashed = stylesheet.group(1).decode()
        status, headers, _ = fetch(BASE + hashed)
        check(
            "файл с хешем: кэш на год, immutable",
            status == 200 and "immutable" in headers.get("Cache-Control", "") and "nosniff" in str(headers),
            f"{hashed} {headers.get('Cache-Control')}",
        )
        check(
            "gunicorn статические файлы не видел",
            not gunicorn_saw(access_log, hashed) and not gunicorn_saw(access_log, plain),
        )

    media = ROOT / "var" / "deploy-media"
    stored = next(iter(sorted(media.rglob("*.pdf"))), None)
    if stored is None:
        check("в MEDIA есть сохранённый PDF для проверки", False, str(media))
    else:
        relative = stored.relative_to(media).as_posix()
        status, _, body = fetch(f"{BASE}/media/{relative}")
        check(
            "загруженные файлы не публичны (/media/… → 404)",
            status == 404 and b"%PDF" not in body,
            f"/media/{relative}: {status}",
        )

    big = b"x" * (13 * 1024 * 1024)
    status, _, body = fetch(BASE + "/accounts/login/", data=big, headers={"Content-Type": "application/octet-stream"})
    check(
        "тело больше 12 МБ: 413 с русской страницей",
        status == 413 and "Файл слишком большой".encode() in body,
        f"{status}",
    )

    status, headers, _ = fetch(BASE + "/accounts/login/", headers={"X-Forwarded-Proto": "http"})
    check("подложный X-Forwarded-Proto не сбивает https", status == 200, f"{status}")


def sessions_in_redis() -> int:

    client = redis.Redis.from_url(REDIS_URL)
    return sum(1 for _ in client.scan_iter(match="*django.contrib.sessions.cached_db*", count=1000))


# --- the browser ---------------------------------------------------------------------------------------------------


def browser_journey(check: Checks, access_log: Path) -> None:

    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-quic"]
        )
        try:
            context = browser.new_context(
                ignore_https_errors=True,
                locale="ru-RU",
                timezone_id="Europe/Moscow",
                viewport={"width": 1366, "height": 900},
            )
            page = context.new_page()
            styles = []
            page.on("response", lambda r: styles.append(r) if r.url.endswith(".css") else None)
            page.goto(BASE + "/")
            page.fill("input[name=username]", DEMO_CURATOR)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("form button[type=submit]")
            page.wait_for_load_state("networkidle")
            check("вход куратора в браузере", "/accounts/login/" not in page.url, page.url)
            check("главная открыта", page.locator("nav").count() > 0 and "Наставничество" in page.title(), page.title())
            own = [r for r in styles if "/static/" in r.url]
            check("стили загружены (от nginx)", bool(own) and all(r.status in (200, 304) for r in own), f"{len(own)}")
            page.screenshot(path=str(OUT / "home-1366.png"), full_page=False)
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(OUT / "home-390.png"), full_page=False)
            page.set_viewport_size({"width": 1366, "height": 900})

            org = re.search(r"/o/([^/]+)/", page.url)
            check("адрес организации на главной", bool(org), page.url)
            if not org:
                return
            org_url = f"{BASE}/o/{org.group(1)}"
            response = page.goto(org_url + "/pairs/")
            check(
                "список пар",
                response is not None and response.status == 200 and page.locator("table, .list-group").count() > 0,
            )
            page.screenshot(path=str(OUT / "pairs-1366.png"), full_page=False)

            page.goto(org_url + "/orders/")
            hrefs = page.eval_on_selector_all("a[href*='/orders/']", "links => links.map(a => a.getAttribute('href'))")
            href = None
            for order in [h for h in hrefs if re.search(r"/orders/\d+/$", h)][:10]:
                page.goto(BASE + order)
                link = page.get_by_test_id("order-pdf")
                if link.count():
                    href = link.first.get_attribute("href")
                    break
            check("в книге приказов есть приказ с PDF", href is not None)
            if href:
                pdf = page.request.get(BASE + href)
                body = pdf.body()
                check(
                    "PDF приказа через приложение",
                    pdf.ok and pdf.headers.get("content-type") == "application/pdf" and body.startswith(b"%PDF"),
                    f"{href}: {pdf.status}, {len(body)} байт",
                )
                (OUT / "order.pdf").write_bytes(body)
                check("PDF прошёл через gunicorn (страница с проверкой доступа)", gunicorn_saw(access_log, href))
        finally:
            browser.close()


# --- the run -------------------------------------------------------------------------------------------------------


def main() -> int:
    started = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # `finally` stops everything on kill as on Ctrl-C
    ensure_packages()
    for port in (HTTPS_PORT, HTTP_PORT):
        if not port_free(port):
            raise SystemExit(f"Порт 127.0.0.1:{port} занят: задайте DEPLOY_HTTPS_PORT / DEPLOY_HTTP_PORT")
    OUT.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix="mentoring-deploy-"))
    temp.chmod(0o755)  # nginx's workers (www-data) read the static files and the socket's directory
    processes = Processes()
    check = Checks()
    load_figures: list[dict] = []
    global REDIS_URL
    try:
        for sub in ("tls", "run", "static", "nginx", "logs"):
            (temp / sub).mkdir()
        web_user = "www-data" if os.geteuid() == 0 else None

        if not redis_answers(REDIS_URL):
            port = next(p for p in range(6390, 6490) if port_free(p))
            print(f"Redis на {REDIS_URL} не отвечает: свой redis-server на 127.0.0.1:{port}", flush=True)
            processes.start(
                "redis-server",
                [_which("redis-server") or "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(temp)],
                temp / "logs" / "redis.log",
            )  # fmt: skip
            REDIS_URL = f"redis://127.0.0.1:{port}/0"
            for _ in range(40):
                if redis_answers(REDIS_URL):
                    break
                time.sleep(0.25)

        redis.Redis.from_url(REDIS_URL).flushdb()  # our own database number: sessions of an earlier run go

        print("Самоподписанный сертификат (openssl) …", flush=True)
        subprocess.run(
            [_which("openssl") or "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", str(temp / "tls" / "key.pem"), "-out", str(temp / "tls" / "cert.pem")],
            check=True, capture_output=True,
        )  # fmt: skip

        env = installation_env(temp)
        manage(env, "collectstatic", "--noinput", "-v0")  # documents set in PDF name their fonts by the manifest
        print(f"База {DATABASE_URL.rsplit('/', 1)[-1]}: migrate, демо-данные и seed_scale --orgs {ORGS} (один раз) …")
        prepare_database(env)
        print("manage.py check --deploy --fail-level WARNING с настройками deploy/mentoring.env.example …", flush=True)
        deploy_check = manage(
            installation_env(temp, checked=True), "check", "--deploy", "--fail-level", "WARNING", check=False
        )
        check("check --deploy без предупреждений", deploy_check.returncode == 0)

        access_log = temp / "logs" / "gunicorn-access.log"
        gunicorn_env = {
            **env,
            "GUNICORN_BIND": f"unix:{temp / 'run' / 'gunicorn.sock'}",
            "GUNICORN_WORKERS": str(WORKERS),
            "GUNICORN_ACCESS_LOG": str(access_log),
            "GUNICORN_ACCESS_LOG_FORMAT": ACCESS_FORMAT,
        }
        group = ["--group", web_user] if web_user else []
        processes.start(
            "gunicorn",
            [str(BIN / "gunicorn"), "-c", str(DEPLOY / "gunicorn.conf.py"), *group, "config.wsgi"],
            temp / "logs" / "gunicorn.log",
            cwd=ROOT,
            env=gunicorn_env,
        )
        has_worker = True
        processes.start(
            "run_worker", [sys.executable, "manage.py", "run_worker"], temp / "logs" / "worker.log", cwd=ROOT, env=env
        )

        shutil.copytree(DEPLOY / "nginx" / "errors", temp / "deploy" / "nginx" / "errors")
        (temp / "mentoring.conf").write_text(render_site(temp, web_user), encoding="utf-8")
        (temp / "nginx.conf").write_text(render_main(temp, web_user), encoding="utf-8")
        nginx = _which("nginx") or "nginx"
        test = subprocess.run([nginx, "-t", "-q", "-c", str(temp / "nginx.conf")], capture_output=True, text=True)
        if test.returncode:
            raise SystemExit(f"nginx -t: {test.stderr.strip()}")
        processes.start(
            "nginx", [nginx, "-c", str(temp / "nginx.conf"), "-g", "daemon off;"], temp / "logs" / "nginx.log"
        )
        wait_for(BASE + "/accounts/login/", processes, ("gunicorn", "nginx"))
        for _ in range(3 * WORKERS):  # every gunicorn worker imports the views on its first requests
            fetch(BASE + "/accounts/login/")
        print(f"Стоит: nginx {BASE} → gunicorn ({WORKERS} процессов, unix-сокет)"
              f"{' + run_worker' if has_worker else ''}, PostgreSQL, Redis {REDIS_URL}\n", flush=True)  # fmt: skip

        print("Проверки через nginx:")
        http_checks(check, temp, access_log)
        print("\nБраузер (Chromium) через nginx:")
        browser_journey(check, access_log)
        check("сеансы лежат в Redis", sessions_in_redis() > 0, f"{sessions_in_redis()} ключей")

        print(f"\nНагрузка через nginx: {USERS} пользователей, {SECONDS} с …", flush=True)
        before = os.getloadavg()[0]
        figures_path = OUT / "load.json"
        figures_path.unlink(missing_ok=True)
        load = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "load.py"), "--database", DATABASE_URL, "--orgs", str(ORGS),
             "--base", BASE, "--access-log", str(access_log), "--users", str(USERS), "--seconds", str(SECONDS),
             "--out", str(figures_path)],
            cwd=ROOT, env={**os.environ, "LOAD_USERS": str(USERS), "LOAD_SECONDS": str(SECONDS)}, check=False,
        )  # fmt: skip
        load_figures = json.loads(figures_path.read_text(encoding="utf-8")) if figures_path.exists() else []
        # The machine's own load beside the figures: on shared cores the client's times say more about neighbours.
        after = os.getloadavg()[0]
        print(f"  средняя загрузка машины (1 мин): {before:.1f} до, {after:.1f} после; ядер {os.cpu_count()}")
        overall = next((f for f in load_figures if f["name"] == "нагрузка: все запросы"), None)
        check(
            "нагрузка: ошибок нет, p95 < 300 мс",
            load.returncode == 0 and overall is not None and overall["ok"],
            ""
            if overall is None
            else f"{overall['requests']} запросов, ошибок {overall['failures']}, "
            f"p95 {overall['p95_ms']} мс, {overall['rps']} в с",
        )
        for name in ("gunicorn", "nginx", *(("run_worker",) if has_worker else ())):
            check(f"{name} работает до конца", processes.alive(name))
    finally:
        print("\nОстанавливаю всё, что запустила проверка …", flush=True)
        processes.stop_all()
        try:
            redis.Redis.from_url(REDIS_URL).flushdb()
        except redis.RedisError:
            print("  Redis уже остановлен")
        for log in (temp / "logs").glob("*.log") if (temp / "logs").exists() else []:
            shutil.copy(log, OUT / log.name)
        for log in ("nginx-error.log", "nginx-access.log"):
            if (temp / log).exists():
                shutil.copy(temp / log, OUT / log)
        shutil.rmtree(temp, ignore_errors=True)

    overall = next((f for f in load_figures if f["name"] == "нагрузка: все запросы"), None)
    print(f"\nИтог за {time.monotonic() - started:.0f} с; журналы и снимки экрана — {OUT}")
    if overall:
        print(
            f"  нагрузка через nginx: {overall['requests']} запросов, ошибок {overall['failures']}, медиана "
            f"{overall['median_ms']} мс, p95 {overall['p95_ms']} мс, {overall['rps']} запросов/с "
            f"(сервер: медиана {overall.get('server_median_ms')} мс, p95 {overall.get('server_p95_ms')} мс)"
        )
    if check.failed:
        print(f"  НЕ ПРОШЛО: {'; '.join(check.failed)}")
        return 1
    print(f"  Все {len(check.results)} проверок прошли.")
    return 0


def prepare_database(env: dict) -> None:
    """Create the database if needed, migrate; seed_demo and seed_scale once (later runs reuse the data)."""

    dsn = urllib.parse.urlsplit(DATABASE_URL)
    name = dsn.path.lstrip("/")
    admin = psycopg2.connect(
        dbname="postgres", host=dsn.hostname, port=dsn.port, user=dsn.username, password=dsn.password
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        admin.close()
    manage(env, "migrate", "--noinput", "-v0")
    probe = (
        "from people.models import Organization as O; scale = O.objects.filter(slug__startswith='scale-');"
        "print(scale.count(), O.objects.count() - scale.count())"
    )
    shell = [sys.executable, "manage.py", "shell", "-v", "0", "-c", probe]
    counts = subprocess.run(shell, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    scale, demo = map(int, counts.split()[-2:])
    if not demo:
        manage(env, "seed_demo")
    if not scale:
        manage(env, "seed_scale", "--orgs", str(ORGS))


if __name__ == "__main__":
    sys.exit(main())
