"""Reading settings from environment variables.

Every helper names the variable in its error, so a bad deployment stops at start-up with a message
that says what to fix instead of failing later on the first request.
"""

import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
        return default
    return value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"Environment variable {name} must be a boolean (1/0, true/false), got {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"Environment variable {name} must be an integer, got {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name: str, default: str) -> dict:
    url = env_str(name, default)
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    except Exception as exc:  # dj_database_url raises several kinds for a bad URL
        raise ImproperlyConfigured(f"Environment variable {name} is not a valid database URL: {exc}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"Environment variable {name} names an unsupported database: {url!r}.")
    return config


def env_timezone(name: str, default: str) -> str:
    value = env_str(name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(f"Environment variable {name} is not a known time zone: {value!r}.") from None
    return value


_CACHE_BACKENDS = {
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "redis": "django.core.cache.backends.redis.RedisCache",
    "rediss": "django.core.cache.backends.redis.RedisCache",
    "db": "django.core.cache.backends.db.DatabaseCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
    "file": "django.core.cache.backends.filebased.FileBasedCache",
}


def env_cache(name: str, default: str) -> dict:
    """A cache from a URL: ``locmem://``, ``redis://host:6379/1`` (``rediss://`` with TLS), ``db://table_name``
    (after ``manage.py createcachetable``), ``file:///absolute/folder`` or ``dummy://``."""
    url = env_str(name, default)
    scheme, sep, rest = url.partition("://")
    backend = _CACHE_BACKENDS.get(scheme.lower()) if sep else None
    if backend is None:
        raise ImproperlyConfigured(
            f"Environment variable {name} must be a cache URL (locmem://, redis://host:port/db, db://table, "
            f"file:///folder, dummy://), got {url!r}."
        )
    config = {"BACKEND": backend}
    if scheme.lower() in ("redis", "rediss"):
        config["LOCATION"] = url
    elif scheme.lower() == "db":
        if not rest:
            raise ImproperlyConfigured(f"Environment variable {name} must name the cache table: db://table_name.")
        config["LOCATION"] = rest
    elif rest:
        config["LOCATION"] = rest
    return config


_SESSION_ENGINES = {
    "db": "django.contrib.sessions.backends.db",
    "cache": "django.contrib.sessions.backends.cache",
    "cached_db": "django.contrib.sessions.backends.cached_db",
}


def env_session_engine(name: str, default: str, cache: dict) -> str:
    """Where sessions live: ``db`` (the database), ``cached_db`` (the cache, backed by the database) or ``cache``.
    Sessions in a per-process memory cache would be lost between gunicorn workers, so that is refused."""
    value = env_str(name, default)
    engine = _SESSION_ENGINES.get(value, value if value in _SESSION_ENGINES.values() else None)
    if engine is None:
        raise ImproperlyConfigured(f"Environment variable {name} must be db, cached_db or cache, got {value!r}.")
    if engine.endswith(".cache") and cache["BACKEND"].endswith(("LocMemCache", "DummyCache")):
        raise ImproperlyConfigured(
            f"Environment variable {name}=cache needs a shared cache: set CACHE_URL=redis://… (or use cached_db)."
        )
    return engine
