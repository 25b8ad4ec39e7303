"""Settings come from the environment; a bad value stops start-up with the variable's name."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_cache,
    env_database,
    env_int,
    env_list,
    env_session_engine,
    env_str,
    env_timezone,
)

VAR = "MENTORING_TEST_VARIABLE"


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("TRUE", True), (" on ", True), ("0", False), ("no", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv(VAR, raw)
    assert env_bool(VAR, not expected) is expected


def test_env_bool_names_the_variable_when_it_is_not_a_boolean(monkeypatch):
    monkeypatch.setenv(VAR, "maybe")
    with pytest.raises(ImproperlyConfigured, match=f"{VAR}.*'maybe'"):
        env_bool(VAR, False)


def test_env_int_names_the_variable_when_it_is_not_a_number(monkeypatch):
    monkeypatch.setenv(VAR, "15m")
    with pytest.raises(ImproperlyConfigured, match=f"{VAR} must be an integer"):
        env_int(VAR, 15)
    monkeypatch.setenv(VAR, " 7 ")
    assert env_int(VAR, 15) == 7


def test_unset_variables_take_their_defaults(monkeypatch):
    monkeypatch.delenv(VAR, raising=False)
    assert env_bool(VAR, True) is True
    assert env_int(VAR, 25) == 25
    assert env_list(VAR, ["localhost"]) == ["localhost"]
    assert env_str(VAR, "x") == "x"


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv(VAR, " nastavnik.example.ru, ,www.nastavnik.example.ru ")
    assert env_list(VAR, []) == ["nastavnik.example.ru", "www.nastavnik.example.ru"]


def test_required_variable_that_is_missing_or_blank_is_named(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is required"):
        env_str("SECRET_KEY")
    monkeypatch.setenv("SECRET_KEY", "   ")
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is required"):
        env_str("SECRET_KEY")


@pytest.mark.parametrize("url", ["not-a-url", "mongodb://db/mentoring", "postgres://u@h:port/db"])
def test_bad_database_url_is_named(monkeypatch, url):
    monkeypatch.setenv(VAR, url)
    with pytest.raises(ImproperlyConfigured, match=f"{VAR} is not a valid database URL"):
        env_database(VAR, "sqlite:///x.sqlite3")


def test_database_url_is_parsed(monkeypatch):
    monkeypatch.setenv(VAR, "postgres://mentoring:secret@db.local:5433/mentoring")
    config = env_database(VAR, "sqlite:///x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.local", 5433, "mentoring")


@pytest.mark.parametrize("zone", ["Mars/Olympus", "MSK+3", "../etc/passwd"])
def test_unknown_time_zone_is_named(monkeypatch, zone):
    monkeypatch.setenv(VAR, zone)
    with pytest.raises(ImproperlyConfigured, match=f"{VAR} is not a known time zone"):
        env_timezone(VAR, "Europe/Moscow")


def test_known_time_zone_is_accepted(monkeypatch):
    monkeypatch.setenv(VAR, "Asia/Yekaterinburg")
    assert env_timezone(VAR, "Europe/Moscow") == "Asia/Yekaterinburg"


def start_django(code: str = "", **env: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly these variables, as a deployment would."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DEBUG"}}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    return subprocess.run(  # noqa: S603 (our own interpreter and our own test code)
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_without_secret_key_does_not_start():
    result = start_django(DEBUG="0", ALLOWED_HOSTS="nastavnik.example.ru")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_with_a_short_secret_key_does_not_start():
    result = start_django(DEBUG="0", SECRET_KEY="short", ALLOWED_HOSTS="nastavnik.example.ru")
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 32 characters" in result.stderr


def test_production_without_allowed_hosts_does_not_start():
    result = start_django(DEBUG="0", SECRET_KEY="k" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_with_everything_set_starts():
    result = start_django(DEBUG="0", SECRET_KEY="k" * 50, ALLOWED_HOSTS="nastavnik.example.ru")
    assert result.returncode == 0, result.stderr


def test_bad_boolean_in_the_environment_stops_start_up():
    result = start_django(DEBUG="yes please")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", None),
        ("redis://127.0.0.1:6379/1", "django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379/1"),
        ("db://cache_table", "django.core.cache.backends.db.DatabaseCache", "cache_table"),
    ],
)
def test_cache_url_is_parsed(monkeypatch, url, backend, location):
    monkeypatch.setenv(VAR, url)
    config = env_cache(VAR, "locmem://")
    assert config["BACKEND"] == backend
    assert config.get("LOCATION") == location


@pytest.mark.parametrize("url", ["memcached://x", "127.0.0.1:6379", "db://"])
def test_bad_cache_url_is_named(monkeypatch, url):
    monkeypatch.setenv(VAR, url)
    with pytest.raises(ImproperlyConfigured, match=VAR):
        env_cache(VAR, "locmem://")


def test_session_engine_by_short_name_and_never_in_a_per_process_cache(monkeypatch):
    redis = env_cache("UNSET_" + VAR, "redis://127.0.0.1:6379/1")
    locmem = env_cache("UNSET_" + VAR, "locmem://")
    monkeypatch.setenv(VAR, "cached_db")
    assert env_session_engine(VAR, "db", locmem) == "django.contrib.sessions.backends.cached_db"
    monkeypatch.setenv(VAR, "cache")
    assert env_session_engine(VAR, "db", redis) == "django.contrib.sessions.backends.cache"
    with pytest.raises(ImproperlyConfigured, match="shared cache"):
        env_session_engine(VAR, "db", locmem)
    monkeypatch.setenv(VAR, "file")
    with pytest.raises(ImproperlyConfigured, match=f"{VAR} must be db, cached_db or cache"):
        env_session_engine(VAR, "db", locmem)


def test_production_cookies_are_secure_unless_switched_off_for_loopback():
    code = "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    base = {"DEBUG": "0", "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "127.0.0.1"}
    assert start_django(**base, code=code).stdout.split() == ["True", "True"]
    assert start_django(**base, SECURE_COOKIES="0", code=code).stdout.split() == ["False", "False"]
