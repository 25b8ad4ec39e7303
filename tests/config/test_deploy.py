"""deploy/: the files an installation copies, kept true to the application (fast; `make deploy-check` runs them all).

The whole stand-up (nginx, gunicorn, Redis, the load run, Chromium) is `make deploy-check`, not a test: it needs root
for apt-get, fixed free ports and minutes of two busy cores — see README, «Развёртывание». Here: the nginx site
passes the real `nginx -t` as the check renders it, the env example lists exactly what the settings read, the body
limit covers the largest upload, REDIS_URL gives the shared cache and sessions, the deploy checks name what is
missing, and the system-package check says what to install.
"""

import importlib.util
import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from config import system_packages

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def load_check_module():
    spec = importlib.util.spec_from_file_location("deploy_check", DEPLOY / "check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def settings_read() -> set[str]:
    """Every variable config/settings.py reads, and config/env.py on its behalf (DB_CONN_MAX_AGE)."""
    source = "".join((ROOT / "config" / name).read_text(encoding="utf-8") for name in ("settings.py", "env.py"))
    return set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', source))


def example_names() -> set[str]:
    text = (DEPLOY / "mentoring.env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_env_example_lists_every_setting_the_application_reads():
    names = example_names()
    assert settings_read() - names == set(), "variables read by config/settings.py missing in mentoring.env.example"
    gunicorn = set(re.findall(r'"(GUNICORN_[A-Z_]+)"', (DEPLOY / "gunicorn.conf.py").read_text(encoding="utf-8")))
    assert names - settings_read() - gunicorn == set(), "the example names a variable nobody reads"
    # The required ones are set, not commented out.
    values = load_check_module().read_env_example()
    for name in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DATABASE_URL", "REDIS_URL", "EMAIL_HOST"):
        assert name in values
    assert values["DEBUG"] == "0" and values["DEFAULT_FROM_EMAIL"] == "Наставничество <noreply@nastavnik.example.ru>"
    # The README loads it into a shell for manage.py (set -a; . mentoring.env): the shell reads the same values.
    script = 'set -a; . "$1"; set +a; printf "%s\\n" "$DEFAULT_FROM_EMAIL" "$SITE_URL" "$REDIS_URL"'
    shell = subprocess.run(  # noqa: S603
        ["/bin/sh", "-c", script, "sh", str(DEPLOY / "mentoring.env.example")], capture_output=True, text=True
    )
    assert shell.stderr == ""
    assert shell.stdout.splitlines() == [values["DEFAULT_FROM_EMAIL"], values["SITE_URL"], values["REDIS_URL"]]


def test_nginx_body_limit_covers_the_largest_upload():
    from core import bounds
    from people import consents, importing
    from roadmap import importing as roadmap_importing

    site = (DEPLOY / "nginx" / "mentoring.conf").read_text(encoding="utf-8")
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))
    largest = max(bounds.SCAN_MAX_BYTES, consents.SCAN_MAX_BYTES, importing.MAX_FILE_SIZE, roadmap_importing.MAX_BYTES)
    # Up to the application's own limit the application answers beside the field; nginx only stops what is far over.
    assert largest < megabytes * 1024 * 1024 <= largest + 4 * 1024 * 1024
    assert "location /media/ {\n        return 404;" in site  # uploads hold personal data: never served directly
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site  # overwritten: Django trusts it


@pytest.mark.skipif(not shutil.which("nginx", path="/usr/sbin:/usr/bin"), reason="nginx not installed")
def test_site_as_the_check_renders_it_passes_nginx_t(tmp_path):
    check = load_check_module()
    for sub in ("tls", "run", "static", "nginx", "logs"):
        (tmp_path / sub).mkdir()
    subprocess.run(  # noqa: S603
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",  # noqa: S607
         "-keyout", str(tmp_path / "tls" / "key.pem"), "-out", str(tmp_path / "tls" / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    site = check.render_site(tmp_path, None)
    directives = "\n".join(line for line in site.splitlines() if not line.strip().startswith("#"))
    for production in ("nastavnik.example.ru", "/run/mentoring", "/var/lib/mentoring", "/etc/ssl/", "listen 443"):
        assert production not in directives
    (tmp_path / "mentoring.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(check.render_main(tmp_path, None), encoding="utf-8")
    nginx = shutil.which("nginx", path="/usr/sbin:/usr/bin")
    result = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)  # noqa: S603
    assert result.returncode == 0, result.stderr


def test_render_refuses_a_site_file_it_does_not_recognise(tmp_path, monkeypatch):
    check = load_check_module()
    other = tmp_path / "deploy"
    (other / "nginx").mkdir(parents=True)
    text = (DEPLOY / "nginx" / "mentoring.conf").read_text(encoding="utf-8").replace("listen 443 ssl http2;", "")
    (other / "nginx" / "mentoring.conf").write_text(text, encoding="utf-8")
    monkeypatch.setattr(check, "DEPLOY", other)
    with pytest.raises(SystemExit, match="listen 443 ssl http2"):
        check.render_site(tmp_path, None)


def test_gunicorn_config_runs_two_or_more_workers_on_the_socket(monkeypatch):
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    monkeypatch.setenv("GUNICORN_WORKERS", "1")
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["workers"] == 2 and config["bind"] == ["unix:/run/mentoring/gunicorn.sock"]
    assert config["timeout"] < 75  # nginx's proxy_read_timeout waits longer than a worker may run
    units = {p.name: p.read_text(encoding="utf-8") for p in (DEPLOY / "systemd").glob("*.service")}
    assert "gunicorn -c /opt/mentoring/deploy/gunicorn.conf.py config.wsgi" in units["mentoring-web.service"]
    assert "manage.py run_worker" in units["mentoring-worker.service"]
    for text in units.values():
        assert "EnvironmentFile=/etc/mentoring/mentoring.env" in text


def clean_environ() -> dict[str, str]:
    """The environment of a production process: without what the browser tests set for themselves
    (DJANGO_ALLOW_ASYNC_UNSAFE, which the deploy checks rightly refuse)."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "-Zq8rT3vX9pL2mN7bW4cY6hJ1fG5dS0aE",
    "ALLOWED_HOSTS": "nastavnik.example.ru",
    "SITE_URL": "https://nastavnik.example.ru",
}


def run_settings(env: dict, code: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CACHE_URL", "SESSION_ENGINE")}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; " + code],
        cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env}, capture_output=True, text=True,
    )  # fmt: skip


def test_redis_url_gives_a_shared_cache_and_cached_sessions():
    with_redis = run_settings(
        {"REDIS_URL": "redis://127.0.0.1:6379/3"},
        "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'], settings.SESSION_ENGINE)",
    )
    assert with_redis.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/3",
        "django.contrib.sessions.backends.cached_db",
    ], with_redis.stderr
    without = run_settings({}, "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)")
    assert without.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
    ], without.stderr
    wrong = run_settings({"REDIS_URL": "127.0.0.1:6379"}, "print(1)")
    assert wrong.returncode != 0 and "REDIS_URL must be redis://host:port/db" in wrong.stderr


def test_deploy_check_names_what_production_lacks():
    bare = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**clean_environ(), **PRODUCTION, "DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "x.sqlite3")},
        capture_output=True, text=True,
    )  # fmt: skip
    assert bare.returncode != 0
    for code, name in (("config.W003", "DATABASE_URL"), ("config.W004", "REDIS_URL"), ("config.W005", "EMAIL_BACKEND")):
        assert code in bare.stderr and name in bare.stderr, bare.stderr
    assert "EMAIL_HOST" in bare.stderr

    full = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **clean_environ(), **PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/0",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "smtp.example.ru",
            "DEFAULT_FROM_EMAIL": "Наставничество <noreply@nastavnik.example.ru>",
        },
        capture_output=True, text=True,
    )  # fmt: skip
    assert full.returncode == 0, full.stderr

    unset_site = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT, env={**{k: v for k, v in clean_environ().items() if k != "SITE_URL"}, **PRODUCTION, "SITE_URL": ""},
        capture_output=True, text=True,
    )  # fmt: skip
    assert "config.E001" in unset_site.stderr  # production no longer falls back to http://127.0.0.1:8000


def test_system_packages_present_here_and_named_when_missing():
    assert system_packages.problems() == []  # this machine has Pango: the check must not cry wolf
    missing = system_packages.problems(load=lambda names: "libpango-1.0.so.0" not in names)
    assert [library.package for library in missing] == ["libpango-1.0-0"]
    text = system_packages.report(missing, fonts=0)
    assert "sudo apt-get install libpango-1.0-0 fonts-dejavu-core" in text and "PDF" in text
    script = subprocess.run([sys.executable, "config/system_packages.py"], cwd=ROOT, capture_output=True, text=True)
    assert script.returncode == 0 and script.stderr == ""


def test_readme_deployment_section_names_every_file_of_deploy():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Развёртывание", 1)[1].split("\n## ", 1)[0]
    for path in sorted(p for p in DEPLOY.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        assert path.relative_to(ROOT).as_posix() in section, path
    for command in (
        "make deploy-check",
        "DEPLOY_CHECK_QUICK=1",
        "systemctl enable --now mentoring-web mentoring-worker",
    ):
        assert command in section


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_units_parse_without_a_complaint(tmp_path):
    """systemd-analyze verify, with the programs of /opt/mentoring (absent here) replaced by /bin/true; it exits 0
    even for an unknown key or a misspelt value, so its complaints on stderr are what fails."""
    units = []
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        text = unit.read_text(encoding="utf-8")
        text = re.sub(r"/opt/mentoring/\.venv/bin/\w+", "/bin/true", text)
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
        units.append(str(tmp_path / unit.name))
    result = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True, timeout=60)  # noqa: S603, S607
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr
