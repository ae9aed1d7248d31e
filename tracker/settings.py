"""Settings for the commitments tracker, driven by environment variables.

- ``DATABASE_URL``: PostgreSQL (``postgres://user@host:port/name``) through psycopg;
  without it, SQLite in the project folder.
- ``DJANGO_DEBUG``: "1" for development; off by default.
- ``DJANGO_SECRET_KEY``: required when debug is off.
- ``DJANGO_ALLOWED_HOSTS``: comma-separated host names.
- ``DJANGO_STATIC_ROOT``: where collectstatic puts static files (default staticfiles/).
- ``DJANGO_LOG_LEVEL``: level of Django's log messages on stderr (default INFO).
- ``DJANGO_EMAIL_URL`` (or ``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``,
  ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS``), ``DEFAULT_FROM_EMAIL``, ``DJANGO_SITE_URL``:
  e-mail alerts.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string, "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DJANGO_DEBUG"  # noqa: S105

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "commitments",
    "alerts",
    "api",
    "feedback",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tracker.middleware.RejectNulBytesMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before the session and CSRF middleware, to see the cookies they set.
    "tracker.caching.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tracker.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns lockouts into a clear 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tracker.context_processors.language_links",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
# Small result sets (the choices of a filter form) are read with .iterator(); on
# PostgreSQL a server-side cursor costs more round trips than the rows themselves. The
# large reads (CSV exports) stream with COPY instead.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# PostgreSQL compiles a query whose estimated cost is high (JIT): for the aggregates the
# scorecards run over every commitment that took longer than running them (50 ms to
# 1.5 s per query at full scale; see benchmarks/README.md). A page's queries are
# planned and run once, so the compilation never pays off here.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    # The scorecards' covering indexes (``include=``) serve PostgreSQL; SQLite makes them
    # plain indexes on their key columns, which is all it needs, and would say so on every
    # command.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# In each process's memory: the dashboard's figures ("default"), and rendered public pages
# ("pages", see tracker/caching.py), kept PUBLIC_PAGE_CACHE_SECONDS (0: not kept; the
# default with debug on, so that edits show at once).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": 200},
    },
}
PUBLIC_PAGE_CACHE_SECONDS = int(
    os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "0" if DEBUG else "300")
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
# Date formats per language (lower-case Dutch month names): tracker/formats/<language>/.
FORMAT_MODULE_PATH = ["tracker.formats"]

STATIC_URL = "static/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]

# Logging: to stderr, where the process manager (systemd, docker, gunicorn) collects it.
# Server errors are logged by django.request with their traceback, also with debug off.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "django": {
            "handlers": ["stderr"],
            "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO").upper(),
            "propagate": False,
        },
    },
}

# The admin shows past versions, but never saves one back (see TrackerAdmin).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Backups (manage.py export_all) keep times to the microsecond.
SERIALIZATION_MODULES = {"json-exact": "commitments.exact_json"}

SEEDS_DIR = BASE_DIR / "seeds"
FIXTURES_DIR = BASE_DIR / "fixtures"

# Login throttling (django-axes): five failed sign-ins for a username from one address
# lock that combination for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# Content-Security-Policy (django-csp): no inline scripts anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Production hardening; all on unless DJANGO_DEBUG=1.
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_flag("DJANGO_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Every request then comes from the proxy's address. django-axes (through
    # django-ipware) takes the client's address from X-Forwarded-For instead: its last
    # entry, the one the proxy set or appended; anything a client sent before it is ignored.
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    AXES_IPWARE_PROXY_COUNT = 0  # no further proxies listed in the header
    IPWARE_STRICT = False  # take the last entry even when a client sent its own
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]


# E-mail (alerts). DJANGO_EMAIL_URL is smtp://user:password@host:587?tls=1 (or smtps://
# for implicit TLS); else EMAIL_HOST and friends; else, with DJANGO_DEBUG=1, the console.
def email_settings(environ):
    url = environ.get("DJANGO_EMAIL_URL", "").strip()
    if url:
        parts = urlsplit(url)
        options = parse_qs(parts.query)
        if parts.scheme not in {"smtp", "smtps"}:
            raise ImproperlyConfigured("DJANGO_EMAIL_URL must start with smtp:// or smtps://")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": parts.scheme == "smtps",
            "EMAIL_USE_TLS": options.get("tls", ["0"])[0].lower() in {"1", "true", "yes", "on"},
        }
    if environ.get("EMAIL_HOST"):
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": environ["EMAIL_HOST"],
            "EMAIL_PORT": int(environ.get("EMAIL_PORT", "25")),
            "EMAIL_HOST_USER": environ.get("EMAIL_HOST_USER", ""),
            "EMAIL_HOST_PASSWORD": environ.get("EMAIL_HOST_PASSWORD", ""),
            "EMAIL_USE_TLS": env_flag("EMAIL_USE_TLS"),
        }
    if DEBUG:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    return {}


globals().update(email_settings(os.environ))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tracker@localhost")
EMAIL_TIMEOUT = 30
# The address of the site in links in e-mails sent outside a request (send_alerts).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


# The open data API (api/): read-only, anonymous, throttled per client address. The rate
# is shared by all of a process's requests to /api/ (Django's cache: per process unless
# CACHES names a shared cache). Behind the TLS proxy the client's address is the last
# entry of X-Forwarded-For, as for django-axes; otherwise the connection's address.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.KeyCursorPagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.VisitorThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_THROTTLE_RATE", "120/minute")},
    "NUM_PROXIES": 1 if env_flag("DJANGO_BEHIND_TLS_PROXY") else 0,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Commitment tracker API",
    "DESCRIPTION": (
        "Read-only open data: commitments (toezeggingen), motions, letters to parliament, "
        "ministers and state secretaries, status updates, and the scorecards (how many "
        "promises were kept, overall and per ministry, person, cabinet and theme, each "
        "figure with the list of its rows). Records are named by their key. Messages "
        "are Dutch, or English when Accept-Language prefers it. Lists take the "
        "parameters of the site's lists and are paged with a cursor "
        "(follow `next`). Anonymous; at most API_THROTTLE_RATE requests per client "
        "address (120 a minute unless the site sets another), then 429 with Retry-After. "
        "The tracker's own data is licensed CC BY 4.0."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "ENUM_NAME_OVERRIDES": {"DatePrecisionEnum": "commitments.models.DatePrecision"},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}
