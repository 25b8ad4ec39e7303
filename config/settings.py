"""Settings of the mentoring product, read from environment variables.

Development works with no variables at all (SQLite under var/, console e-mail, DEBUG on).
Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; see README.md.
"""

from datetime import timedelta
from pathlib import Path

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

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", True)
if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
else:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("Environment variable SECRET_KEY must be at least 32 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Environment variable ALLOWED_HOSTS is required when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "people.apps.SiteAdminConfig",  # django.contrib.admin with people.admin_site.AdminSite
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "csp",
    "django_filters",
    # Background work (people.jobs): Django 6's django.tasks API (the backport) with its database backend.
    "django_tasks",
    "django_tasks_db",
    # The head's second factor when approving an order (people.second_factor): an authenticator app, e-mail codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_email",
    "core",
    "people",
    "mentoring",
    "roadmap",
    "monitoring",
    "config",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A lost database connection in a view becomes the 503 page (handler500 covers the middleware around it).
    "config.faults.DatabaseUnavailableMiddleware",
    # NUL characters, which PostgreSQL refuses in any text, are taken out of every request before it is read.
    "config.middleware.NulCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A form sent twice at once: the second meets what the first saved, not a server error.
    "config.resubmission.RepeatedSubmissionMiddleware",
    "config.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # axes last: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Called with an organisation after a change its progress is judged by commits (people.changes.organization_changed):
# handlers of the apps above people, named here so that people imports none of them.
ORGANIZATION_CHANGED = ["monitoring.progress.complete_roadmap", "mentoring.models.pairs.revoke_stale_feeds"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.navigation",
                "config.context_processors.notice_bell",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif "postgresql" in DATABASES["default"]["ENGINE"]:
    # PostgreSQL compiles a plan to machine code (JIT) once its estimated cost is high: the grouped figures of a
    # region of 2,000 organisations cross that line, and compiling (about 0.1 s a query) costs more than it saves
    # on queries that run well under a second. Off for this application's connections only.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A job's progress is written over a connection of its own ("progress": the same database), so the page sees it
# move while the job's own transaction is still open. SQLite allows one writer at a time: there progress is written
# with the work and shows at the end. In tests the alias mirrors "default".
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    JOB_PROGRESS_DATABASE = "default"
else:
    JOB_PROGRESS_DATABASE = "progress"
    DATABASES["progress"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}

# Background tasks (people.jobs, */tasks.py): kept in the database and run by `manage.py run_worker` (db_worker
# plus the schedule of daily and weekly jobs, config/schedules.py). TASKS_BACKEND=django_tasks.backends.immediate.
# ImmediateBackend runs them inside the request instead; README, «Фоновые задачи», says how to move to RQ.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"), "QUEUES": ["default"]}}
# A running job that has not shown a sign of life for this long is taken to be lost with its worker (killed,
# machine restarted); the next worker starts it again (people.jobs.recover_lost).
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 120)
# The worker's nightly backup (config/tasks.py, at 02:30): into BACKUP_ROOT, the newest BACKUP_KEEP copies kept;
# BACKUP_KEEP=0 turns it off (an installation that backs up by other means). `manage.py backup` writes there too.
BACKUP_ROOT = Path(env_str("BACKUP_ROOT", str(VAR_DIR / "backups")))
BACKUP_KEEP = env_int("BACKUP_KEEP", 7)

# One process needs nothing shared. Several gunicorn processes or machines share a cache with
# CACHE_URL=redis://127.0.0.1:6379/1 (or db://cache_table after `manage.py createcachetable`) and may keep sessions
# there with SESSION_ENGINE=cached_db (or cache); by default sessions live in the database, which every process sees.
# An installation with Redis (deploy/) sets only REDIS_URL=redis://127.0.0.1:6379/0: the cache goes there (Django's
# RedisCache) and sessions become cached_db (read from Redis, written to the database as well, so a restart of Redis
# signs nobody out). CACHE_URL and SESSION_ENGINE, when set, win over what REDIS_URL implies.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(
        f"Environment variable REDIS_URL must be redis://host:port/db (rediss:// with TLS), got {REDIS_URL!r}."
    )
CACHES = {"default": env_cache("CACHE_URL", REDIS_URL or "locmem://")}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # Figures are cached per organisation (people.changes): room for those of a whole municipality.
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": 5000}
# What one process computes for all of them (the municipal summary the worker recomputes, monitoring.
# municipal_report): the default cache when it is shared (Redis, a table), else a folder every process on this machine
# reads; SHARED_CACHE_URL overrides.
if env_str("SHARED_CACHE_URL", "") or CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")):
    CACHES["shared"] = env_cache("SHARED_CACHE_URL", f"file://{VAR_DIR / 'cache'}")
else:
    CACHES["shared"] = {**CACHES["default"]}
SESSION_ENGINE = env_session_engine("SESSION_ENGINE", "cached_db" if REDIS_URL else "db", CACHES["default"])

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "people.backends.StaffBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 30)  # after a withdrawn consent (152-ФЗ)
# An anonymous round shows its free-text answers only once this many people have answered: with fewer, a comment
# can be traced to its author by elimination.
ANONYMOUS_TEXTS_MIN_RESPONSES = env_int("ANONYMOUS_TEXTS_MIN_RESPONSES", 5)

# Login throttling (people.throttle): failures are counted by login alone; after LOGIN_DELAY_AFTER of them each
# further attempt waits LOGIN_DELAY_FIRST_SECONDS, doubling with every failure up to LOGIN_DELAY_MAX_SECONDS —
# never a lock of minutes that anyone who knows a login could set off. Failures are forgotten after
# LOGIN_FAILURES_FORGOTTEN_MINUTES of quiet, a successful login, or a new password set from the e-mailed link.
LOGIN_DELAY_AFTER = env_int("LOGIN_DELAY_AFTER", 5)
LOGIN_DELAY_FIRST_SECONDS = env_int("LOGIN_DELAY_FIRST_SECONDS", 10)
LOGIN_DELAY_MAX_SECONDS = env_int("LOGIN_DELAY_MAX_SECONDS", 120)
# Reverse proxies in front of the application: 0 — clients connect directly and X-Forwarded-For is ignored
# (anyone can write it); 1 — one proxy (nginx) whose X-Forwarded-For entry names the client; and so on.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_HANDLER = "people.throttle.ProgressiveHandler"
AXES_CLIENT_IP_CALLABLE = "people.throttle.client_address"
AXES_LOCKOUT_CALLABLE = "people.throttle.lockout_response"
AXES_FAILURE_LIMIT = LOGIN_DELAY_AFTER
AXES_LOCK_OUT_AT_FAILURE = False  # a failure never locks by itself; ProgressiveHandler.is_locked decides
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a refused attempt is not counted and does not add wait
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_FAILURES_FORGOTTEN_MINUTES", 60))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns that without the address rotating User-Agents dodges its limit. Counting by login alone sums every
# record of the login whatever the address or User-Agent, so nothing is dodged; the address is deliberately not
# a key (a shared address is how a lock was turned against colleagues).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)

LANGUAGE_CODE = "ru"
TIME_ZONE = env_timezone("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
if DEBUG:
    # Development keeps the SQLite file and collected static files under var/; make sure it exists.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Наставничество <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's address as people open it, for the links in letters (people.notices): required in production
# (`manage.py check --deploy` refuses to pass without it, config/checks.py); development has the local server.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

# The same address is printed in the QR code of a signed order (roadmap.signing): where anyone checks the document.
# An e-mail approval code is valid for ten minutes (people.second_factor).
OTP_EMAIL_TOKEN_VALIDITY = 600
OTP_TOTP_ISSUER = "Наставничество"

# A session ends after SESSION_IDLE_MINUTES without a request, and SESSION_ABSOLUTE_HOURS after sign-in whatever
# the activity (config.middleware.SessionTimeoutMiddleware); the cookie itself lives no longer than that.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 60) * 60
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_HOURS", 12) * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    # SECURE_COOKIES=0 only for plain http on loopback (the load run, `make load`): never in production.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_HTTPS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Scripts and styles only from our own static files, nothing inline: templates use classes from css/app.css
# (computed widths via |pct_step), and htmx's indicator styles are off (see base.html) so it injects no CSS.
# tests/security/test_headers.py walks the templates so that a new style="" fails CI.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

IMPORT_EXPORT_USE_TRANSACTIONS = True
# Formula cells are neutralised by core.exports.SafeExportResource, the base of every export (an apostrophe before
# «=», «+», «-», «@»). django-import-export's own escaping is off: it turns every cell into text, so dates and
# numbers stopped being dates and numbers in the workbooks.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

# Personal data stays out of logs: no request bodies, and the default formatter logs only paths.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Database errors quote row values, mail errors name addresses: config.logsafe rewrites them. A filter
    # on a logger sees only the records made by that logger, so the loggers that make such records get it too.
    "filters": {"personal_data": {"()": "config.logsafe.PersonalDataFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["personal_data"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        **{
            name: {"filters": ["personal_data"]}
            for name in ("django.request", "django.template", "roadmap.emails", "monitoring.questionnaires")
        },
    },
}
