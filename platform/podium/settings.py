"""Podium settings: one module, every value read through the typed helpers in podium.env.

With no environment at all Podium runs on one machine: SQLite and files under var/, and a
Celery broker kept in var/ that a real worker process reads (no server needed).
"""

import ipaddress
import re
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from podium.env import envbool, envchoice, envint, envlist, envsecret, envstr

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(envstr("PODIUM_VAR_DIR", str(BASE_DIR / "var")))

PODIUM_ENV = envchoice("PODIUM_ENV", "development", ("development", "production", "test"))
PRODUCTION = PODIUM_ENV == "production"

DEBUG = envbool("DEBUG", not PRODUCTION)

SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("PODIUM_ENV=production needs SECRET_KEY (or SECRET_KEY_FILE)")
    # A per-process random key: sessions do not survive a restart, which is fine for development.
    SECRET_KEY = secrets.token_urlsafe(50)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("PODIUM_ENV=production needs ALLOWED_HOSTS (comma-separated)")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    # django.contrib.admin, with the site of podium.accounts.admin_site as admin.site.
    "podium.accounts.apps.PodiumAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "podium.sharedtasks",
    "podium.programs",
    "podium.teams",
    "podium.submissions",
    "podium.leaderboards",
    "podium.baselineruns",
    "podium.accounts",
    "podium.api",
    "podium.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "podium.urls"
WSGI_APPLICATION = "podium.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = envstr("DATABASE_URL")
if DATABASE_URL:
    # Persistent connections suit gunicorn's long-lived workers; runserver opens a thread per
    # request, and there they would pile up until PostgreSQL refuses new clients.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0, minimum=0),
            conn_health_checks=True,
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "podium.sqlite3"),
            # SQLite serialises writers; wait instead of failing when the worker holds the lock.
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# Files participants may download (public inputs, their own submissions) go through views that
# check permissions; MEDIA_URL is deliberately not routed anywhere.
MEDIA_ROOT = Path(envstr("PODIUM_MEDIA_ROOT", str(VAR_DIR / "media")))
# Gold files live outside MEDIA_ROOT in a storage that has no base URL at all: no URL serves them.
GOLD_ROOT = Path(envstr("PODIUM_GOLD_ROOT", str(VAR_DIR / "gold")))

STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    },
    "gold": {
        "BACKEND": "podium.storage.GoldStorage",
        "OPTIONS": {"location": GOLD_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Password-reset links go to the console in development; production sends mail over SMTP, since
# links printed to a server log would hand accounts to whoever reads the log.
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "podium@localhost")

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/tasks/"

if PRODUCTION:
    # Serves the collected static files under gunicorn; runserver serves them in development.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
    SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0, minimum=0)
    # Only behind a proxy that always sets X-Forwarded-Proto may the header be believed.
    if envbool("TRUST_X_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

API_RATE = envstr("PODIUM_API_RATE", "1200/minute")
if API_RATE != "off" and not re.fullmatch(r"[1-9]\d*/(second|minute|hour|day)", API_RATE):
    raise ImproperlyConfigured(
        f"PODIUM_API_RATE={API_RATE!r}: expected N/second, N/minute, N/hour, N/day or off"
    )
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every API view counts requests per user (per address when anonymous); see
    # podium.api.throttling for the X-RateLimit-* headers. PODIUM_API_RATE=off turns it off.
    "DEFAULT_THROTTLE_CLASSES": ["podium.api.throttling.ApiRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "auth": envstr("PODIUM_AUTH_RATE", "10/minute"),
        "api": None if API_RATE == "off" else API_RATE,
        # Failed logins (web page and token API), see podium.accounts.login_limits.
        "login_address": envstr("PODIUM_LOGIN_FAILURES_PER_ADDRESS", "30/hour"),
        "login_username": envstr("PODIUM_LOGIN_FAILURES_PER_USERNAME", "10/hour"),
    },
}

# Proxies (addresses or networks) whose X-Forwarded-For is believed; none by default, so a header
# sent by a client never changes the address that rate limits key on.
PODIUM_TRUSTED_PROXIES = envlist("PODIUM_TRUSTED_PROXIES", [])
for _proxy in PODIUM_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"PODIUM_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network"
        ) from None

# How long an upload's Idempotency-Key is remembered (podium.api.idempotency): retries within it
# replay the first answer; after it the key is forgotten (beat sweeps it) and counts as new.
PODIUM_IDEMPOTENCY_KEY_HOURS = envint("PODIUM_IDEMPOTENCY_KEY_HOURS", 24, minimum=1)

# Rate limits count in the cache: with several web processes it must be one they share (Redis).
CACHE_URL = envstr("CACHE_URL")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("CACHE_URL must be a redis:// or rediss:// URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Podium API",
    "DESCRIPTION": "Submit predictions and read leaderboards of NLP shared tasks.",
    "VERSION": "1",
    # Swagger UI at /api/docs/ from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "podium.api.schema.document_common_answers",
    ],
}

# --- Celery -------------------------------------------------------------------------------------
# Without CELERY_BROKER_URL the broker is a folder under var/: a real worker process polls it, so
# the demo needs no Redis. Its transport (podium/broker.py) writes and takes message files
# atomically, so several processes can share it. Production sets CELERY_BROKER_URL=redis://...
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL")
CELERY_BROKER_DIR = VAR_DIR / "broker"
if not CELERY_BROKER_URL:
    # An explicit host: kombu otherwise warns on every connection that it assumed localhost.
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT = "podium.broker:Transport"
    # Broadcasts (remote control) would go through fanout files in the control folder; nothing
    # uses them, and upstream they crash workers with the same half-written-file race.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
    for folder in ("queue", "control"):
        (CELERY_BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 3600)
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "scoring"
# Scoring and housekeeping share the CPU workers' queue; baselines go to GPU workers.
CELERY_TASK_ROUTES = {"podium.baselines.*": {"queue": "gpu"}}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "sweep-submissions": {
        "task": "podium.submissions.tasks.sweep_submissions",
        "schedule": envint("PODIUM_SWEEP_SECONDS", 15, minimum=1),
    },
    "sweep-baselines": {
        "task": "podium.baselineruns.sweep",
        "schedule": envint("PODIUM_SWEEP_SECONDS", 15, minimum=1),
    },
    "reveal-due-phases": {
        "task": "leaderboards.reveal_due_phases",
        "schedule": 60,
    },
    "sweep-boards": {
        "task": "leaderboards.sweep_boards",
        "schedule": 60,
    },
    "expire-idempotency-keys": {
        "task": "podium.api.expire_idempotency_keys",
        "schedule": 3600,
    },
}
# Seconds a board waits after a change before its snapshot is rebuilt: the uploads of a deadline
# rush that arrive meanwhile share one rebuild.
PODIUM_BOARD_DEBOUNCE_S = envint("PODIUM_BOARD_DEBOUNCE_S", 2, minimum=0)

# --- Scoring ------------------------------------------------------------------------------------
PODIUM_SCORING_TIMEOUT = envint("PODIUM_SCORING_TIMEOUT", 300, minimum=1)
# Runs whose worker died (the sweeper finds them) before the submission is marked failed.
PODIUM_SCORING_MAX_ATTEMPTS = envint("PODIUM_SCORING_MAX_ATTEMPTS", 3, minimum=1)
PODIUM_SCORING_MEMORY_MB = envint("PODIUM_SCORING_MEMORY_MB", 4096, minimum=64)
# Scoring without bubblewrap runs participants' files through the scorer with the worker's own
# privileges; only an operator who knows the host is isolated otherwise may allow it.
PODIUM_ALLOW_UNSANDBOXED_SCORING = envbool("PODIUM_ALLOW_UNSANDBOXED_SCORING", False)
PODIUM_BWRAP_PATH = envstr("PODIUM_BWRAP_PATH", "/usr/bin/bwrap")
# Baselines train in a child process of a `gpu` worker; past this many seconds it is killed.
PODIUM_BASELINE_TIMEOUT = envint("PODIUM_BASELINE_TIMEOUT", 6 * 3600, minimum=1)
# Runs whose worker died (the baseline sweeper finds them) before the run is marked failed.
PODIUM_BASELINE_MAX_ATTEMPTS = envint("PODIUM_BASELINE_MAX_ATTEMPTS", 2, minimum=1)
# The module run as `python -m MODULE score ...` in the sandbox: the built-in scorers by default.
PODIUM_SCORER_MODULE = envstr("PODIUM_SCORER_MODULE", "scorers")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
}
