"""SPM settings, read from environment variables.

Every variable is listed in ``ENVIRONMENT`` below with its default and meaning, and
``.env.example`` repeats them. The defaults give the *embedded* setup — SQLite and
in-process tasks — so ``make demo`` needs nothing else. Production sets
``SPM_DEBUG=0``, ``SPM_SECRET_KEY``, ``DATABASE_URL`` and ``REDIS_URL``.

At start-up, :func:`spm.checks.check_setting_names` refuses an ``SPM_*`` variable that is
not in ``ENVIRONMENT`` and a ``CELERY_*`` setting that Celery does not know, because a
misspelt name is otherwise silently ignored.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap as xstatic_bootstrap
from celery.schedules import crontab
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent

# name -> (default, meaning). The single list of what can be configured.
ENVIRONMENT: dict[str, tuple[str, str]] = {
    "SPM_DEBUG": ("1", "1 for development (the embedded default), 0 in production."),
    "SPM_SECRET_KEY": ("", "Django secret key; required when SPM_DEBUG=0."),
    "SPM_ALLOWED_HOSTS": ("localhost,127.0.0.1,[::1]", "Comma-separated host names."),
    "SPM_CSRF_TRUSTED_ORIGINS": ("", "Comma-separated origins, e.g. https://spm.example.com."),
    "DATABASE_URL": ("", "Database URL; empty means SQLite in var/db.sqlite3."),
    "REDIS_URL": ("", "Redis URL for the Celery broker; empty means tasks run in-process."),
    "SPM_TASKS_EAGER": ("", "1 to run Celery tasks in-process even with REDIS_URL set."),
    "SPM_TASK_TIME_LIMIT": ("1800", "Hard time limit of a Celery task, in seconds."),
    "SPM_JOB_LEASE_SECONDS": (
        "300",
        "Seconds a worker holds a job without a sign of life before it may be re-queued.",
    ),
    "SPM_SESSION_IDLE_SECONDS": ("1800", "Idle time after which a session expires."),
    "SPM_LOCKOUT_FAILURES": ("5", "Failed logins before an account and address are locked."),
    "SPM_LOCKOUT_MINUTES": ("15", "Minutes a lockout lasts."),
    "SPM_SECURE_SSL_REDIRECT": ("1", "With SPM_DEBUG=0: redirect HTTP to HTTPS."),
    "SPM_HSTS_SECONDS": ("31536000", "With SPM_DEBUG=0: Strict-Transport-Security max-age."),
    "SPM_EMAIL_URL": ("", "SMTP host:port for warnings by e-mail; empty logs to console."),
    "SPM_DEFAULT_FROM_EMAIL": ("spm@localhost", "Sender of SPM e-mails."),
    "SPM_BASE_URL": ("http://localhost:8000", "Address of the site, for links in e-mails."),
    "SPM_MEDIA_ROOT": ("", "Where uploaded and generated files go; default var/media."),
    "SPM_LOG_LEVEL": ("INFO", "Log level of the spm loggers."),
    "SPM_API_TOKEN_HOURS": ("12", "Hours an API token lasts; logout or a new password revokes it."),
    "SPM_TODAY": ("", "YYYY-MM-DD pins the app's clock to that day (demos, tests); empty: now."),
}


def env(name: str) -> str:
    return os.environ.get(name, ENVIRONMENT[name][0])


def env_bool(name: str) -> bool:
    return env(name).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in env(name).split(",") if item.strip()]


DEBUG = env_bool("SPM_DEBUG")
# The day the clock is pinned to (spm.clock); None follows the real time.
SPM_TODAY = date.fromisoformat(env("SPM_TODAY")) if env("SPM_TODAY") else None
SECRET_KEY = env("SPM_SECRET_KEY") or (
    "django-insecure-embedded-development-key-change-me" if DEBUG else ""
)
ALLOWED_HOSTS = env_list("SPM_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("SPM_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "simple_history",
    "csp",
    "spm.apps.SpmConfig",
    "org.apps.OrgConfig",
    "strategy.apps.StrategyConfig",
    "scorecard.apps.ScorecardConfig",
    "notifications.apps.NotificationsConfig",
    "lightup.apps.LightupConfig",
    "assessment.apps.AssessmentConfig",
    "reviews.apps.ReviewsConfig",
    "incentives.apps.IncentivesConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, renewing the idle expiry at most once a minute (spm/sessions.py).
    "spm.sessions.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside the CSP middleware: under DEBUG only, the technical 500 page is exempt.
    "spm.debug.DebugErrorPageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that a lockout answers before the view runs (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "spm.urls"
WSGI_APPLICATION = "spm.wsgi.application"

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
                "csp.context_processors.nonce",
                "spm.context_processors.navigation",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=0 if DEBUG else 60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Wait for a writer instead of failing at once: the demo runs tasks in threads.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle timeout: a request renews the session; after this much silence it expires. Renewing
# is a write, so it happens at most once every SESSION_RENEW_SECONDS per session (not on
# every request, as SESSION_SAVE_EVERY_REQUEST would): spm/sessions.py. Sessions stay in
# the database: a cache ("cached_db") would save one primary-key read a request at the cost
# of a Redis round trip, and a per-process cache would keep a signed-out session alive in
# the other gunicorn workers.
SESSION_ENGINE = "spm.sessions"
SESSION_COOKIE_AGE = int(env("SPM_SESSION_IDLE_SECONDS"))
SESSION_RENEW_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AXES_FAILURE_LIMIT = int(env("SPM_LOCKOUT_FAILURES"))
AXES_COOLOFF_TIME = int(env("SPM_LOCKOUT_MINUTES")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our overrides of Django's locale formats (spm/formats/<locale>/formats.py).
FORMAT_MODULE_PATH = ["spm.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", xstatic_bootstrap.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True  # serve straight from the apps' and packages' folders
# collectstatic keeps only the hashed copies (the pages ask for those; the finders above still
# serve an original name) and does not compress source maps (only a developer's tools fetch
# them): at every start of the web service, 72 s of CPU compressing 44 MB became 14 s.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("SPM_MEDIA_ROOT") or VAR_DIR / "media")

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous API call gets 401 with a WWW-Authenticate header.
        "spm.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "spm.api_parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "spm.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "spm.api.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "EXCEPTION_HANDLER": "spm.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SPM API",
    "DESCRIPTION": "Strategic performance management: org tree, strategy, scorecards, "
    "assessment and incentives. Every endpoint is scoped by the org tree.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the sidecar package: no CDN, and a separate script for the CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AssessmentCycleStatusEnum": "assessment.models.cycles.CycleStatus",
        "AssessmentGradeEnum": "assessment.models.results.Grade",
        "KeyTaskGradeEnum": "assessment.models.inputs.KeyTaskGradeChoice",
        "AssessmentDecisionStatusEnum": "assessment.models.inputs.DecisionStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "spm.api.document_errors",
    ],
}

# --- Celery ---------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
TASK_TIME_LIMIT = int(env("SPM_TASK_TIME_LIMIT"))
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL or env_bool("SPM_TASKS_EAGER")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = TASK_TIME_LIMIT
CELERY_TASK_SOFT_TIME_LIMIT = TASK_TIME_LIMIT - 60
CELERY_RESULT_EXPIRES = 24 * 3600
# A late-acked task that is not acknowledged within the visibility timeout is delivered
# again; it must therefore outlast the longest task, or work would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": TASK_TIME_LIMIT * 2}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": TASK_TIME_LIMIT * 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# A running job's lease (spm.jobs): a worker renews it with each progress report; once it
# lapses, a redelivered task or the sweep below takes the job over.
SPM_JOB_LEASE_SECONDS = int(env("SPM_JOB_LEASE_SECONDS"))
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "purge-finished-jobs": {"task": "spm.tasks.job_purge_finished", "schedule": 24 * 3600},
    "sweep-stale-jobs": {"task": "spm.tasks.job_sweep_stale", "schedule": 60},
    # After each month end, once the 10-day grace for actuals has passed (DESIGN §3.7).
    "lightup-monthly-sweep": {
        "task": "lightup.tasks.lightup_sweep_previous_month",
        "schedule": crontab(minute=0, hour=2, day_of_month=11),
    },
    # Reminders at the deadlines of assessment cycle steps; before the digest that lists them.
    "assessment-cycle-reminders": {
        "task": "assessment.tasks.cycle_reminders_daily",
        "schedule": crontab(minute=30, hour=6),
    },
    "notifications-daily-digest": {
        "task": "notifications.tasks.notification_digest_daily",
        "schedule": crontab(minute=0, hour=7),
    },
}

# --- E-mail ---------------------------------------------------------------------------
if env("SPM_EMAIL_URL"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, _sep, _port = env("SPM_EMAIL_URL").partition(":")
    EMAIL_PORT = int(_port or 25)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("SPM_DEFAULT_FROM_EMAIL")
SPM_BASE_URL = env("SPM_BASE_URL")

# --- Security -------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SPM_SECURE_SSL_REDIRECT")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("SPM_HSTS_SECONDS"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# API tokens last this long after they are issued; logout and a password change revoke them.
SPM_API_TOKEN_LIFETIME = timedelta(hours=int(env("SPM_API_TOKEN_HOURS")))

# Everything comes from this origin: no CDN, no inline script without the nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # csp.constants.NONCE: a fresh nonce per request, in the header when a page uses it.
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        name: {"level": env("SPM_LOG_LEVEL"), "propagate": True}
        for name in ("spm", "org", "strategy", "scorecard", "assessment", "incentives")
    },
}
