"""Base settings: the one place that reads the environment.

With no environment at all this is the embedded default a newcomer gets from
`make demo`: a SQLite file, Celery running tasks eagerly in-process, the
in-memory channel layer and console messaging. Production only tightens this
module (see production.py); it reads nothing of its own.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from clienteling.settings import templating
from clienteling.settings.database import database
from clienteling.settings.layers import channel_layers

# Lets typed generics such as admin.ModelAdmin[Product] work at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# --- Core ---------------------------------------------------------------------
DEV_SECRET_KEY = "django-insecure-atelier-embedded-default-never-use-in-production"  # noqa: S105
SECRET_KEY: str = env.str("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG: bool = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS: list[str] = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS: list[str] = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL: str = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_htmx",
    "channels",
    "clienteling",
    "catalog",
    "clients",
    "consent",
    "stylists",
    "recommendations",
]

MIDDLEWARE = [
    # First: the request id and the one JSON line per request (core.observability).
    "core.observability.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Pages and API answers about people: Cache-Control private, no-store.
    "clienteling.middleware.PrivateNoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The client's language on the client side, English on the dashboard (clienteling/language.py).
    "clienteling.language.AudienceLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.two_factor.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a flagged lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clienteling.urls"
WSGI_APPLICATION = None
ASGI_APPLICATION = "clienteling.asgi.application"

TEMPLATES = templating.templates(BASE_DIR)  # Django's for pages, Jinja2 for rows
# Forms and widgets drawn from Django's own Jinja2 templates (clienteling/form_renderer.py).
# Named here: a setting only another module defines is no setting at all (from 6 Dec
# 2026 until this line, the forms were drawn by Django's default renderer).
FORM_RENDERER = templating.FORM_RENDERER

# --- Database: SQLite file by default, PostgreSQL (psycopg 3) via DATABASE_URL -
# (clienteling/settings/database.py: persistent connections, or a pool in web processes)
DATABASE_URL: str = env.str("DATABASE_URL", default="")
DATABASES: dict[str, dict[str, Any]] = {"default": database(env, DATABASE_URL, VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker, channel layer and cache; absent means in-process ---
REDIS_URL: str = env.str("REDIS_URL", default="")

CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Nothing reads a result; keeping one made each hand-off wait ~19 s on a Redis that is down.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Long tasks (training, nightly drafting, imports, privacy exports) have their
# own queue and worker (Procfile "worker_long"), so a night's drafting never
# holds up a message the advisor just sent. Both workers ack late, take one
# task at a time (prefetch 1) and requeue what a killed worker was running.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES: dict[str, dict[str, str]] = {
    "recommendations.tasks.train_recommender": {"queue": "long"},
    "recommendations.tasks.draft_lookbooks": {"queue": "long"},
    "clients.tasks.import_run": {"queue": "long"},
    "consent.tasks.build_export": {"queue": "long"},
}
# Redis hands an unacknowledged task (its worker was killed) to another worker
# after visibility_timeout: longer than the longest task (the hard time limit
# below), else a long task still running would start a second time. The fault
# drill shortens it (every task is idempotent, so an early re-run is harmless).
CELERY_VISIBILITY_TIMEOUT: int = env.int("CELERY_VISIBILITY_TIMEOUT", default=65 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
# A broker that blinks: the web gives up publishing within a second (the row is
# saved and a sweep re-queues it) instead of holding the request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # our JSON handler stays in place
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60

# The one beat schedule. Each entry says when it runs and why.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # 02:30 UTC, after the boutiques of all three time zones have closed the
    # day's tills: retrain on yesterday's orders, reactions and review choices.
    "train-recommender-nightly": {
        "task": "recommendations.tasks.train_recommender",
        "schedule": crontab(hour=2, minute=30),
    },
    # 04:00 UTC, once the new model is promoted (or not): draft lookbooks for
    # clients whose last draft is stale or whose occasion approaches, so they
    # are waiting in review queues when Tokyo opens.
    "draft-lookbooks-nightly": {
        "task": "recommendations.tasks.draft_lookbooks",
        "schedule": crontab(hour=4, minute=0),
    },
    # 03:30 UTC, after training: each consenting client's stage, churn risk and
    # 12-month value, ready for "whom to call this week" on Today.
    "client-outlooks-nightly": {
        "task": "recommendations.tasks.client_outlooks",
        "schedule": crontab(hour=3, minute=30),
    },
    # Every hour at :15: delete privacy exports whose 48-hour link has lapsed,
    # so no archive of a client's data outlives its promise.
    "privacy-exports-expire": {
        "task": "consent.tasks.expire_exports",
        "schedule": crontab(minute=15),
    },
    # 00:30 UTC: a new day has begun in Paris and Milan, and Tokyo (09:30)
    # has not opened yet: thank-yous, occasion reminders and lapsing-client
    # calls are waiting on every advisor's Today before their first client.
    "generate-follow-ups-daily": {
        "task": "stylists.tasks.generate_follow_ups",
        "schedule": crontab(hour=0, minute=30),
    },
    # Every five minutes: hand any message still queued after a lost
    # on-commit hand-off (broker down, worker restart) back to delivery.
    # deliver_message claims each one, so a message never goes out twice.
    "redeliver-queued-messages": {
        "task": "stylists.tasks.redeliver_queued_messages",
        "schedule": crontab(minute="*/5"),
    },
    # Every five minutes: appointment reminders whose moment (24 h, 1 h before)
    # has come. Each is claimed by a unique row, so a run that overlaps the
    # previous one, or a second beat, never sends a reminder twice.
    "appointment-reminders": {
        "task": "stylists.tasks.send_appointment_reminders",
        "schedule": crontab(minute="*/5"),
    },
    # Every five minutes: styling requests past their four-hour promise go to
    # the boutique manager (Today + a live notice), each exactly once.
    "escalate-requests": {
        "task": "stylists.tasks.escalate_styling_requests",
        "schedule": crontab(minute="*/5"),
    },
    # 00:05 UTC, before the follow-ups (00:30) read next dates: yearly
    # occasions that passed yesterday come back for next year. Idempotent.
    "roll-occasions-daily": {
        "task": "clients.tasks.roll_occasions_forward",
        "schedule": crontab(hour=0, minute=5),
    },
    # 01:30 UTC, after the day's imports and sign-ups: profiles that may be one
    # client (names a little different, same city or birthday) join the managers'
    # merge queue. A pair is stored once; a rejected pair never comes back.
    "merge-suggestions-nightly": {
        "task": "clients.tasks.suggest_merges",
        "schedule": crontab(hour=1, minute=30),
    },
}

CHANNEL_LAYERS = channel_layers(REDIS_URL)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="atelier"),
            # Redis blinking: fail within a second; callers degrade (core.ratelimit).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth ---------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: refuses locked-out username+IP pairs before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No guardian anonymous user row: anonymous visitors never hold permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = 60 * 60 * 12  # one boutique day
# An API token lasts a boutique day too, then is re-issued by POST /api/v1/auth/token/
# (a new token each time; two-factor set-up or reset and a role change revoke it sooner).
API_TOKEN_LIFETIME_SECONDS: int = env.int("API_TOKEN_LIFETIME_SECONDS", default=60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from a meta tag, not the cookie

# --- Hardening: lock-out, rate limits, two-factor, CSP (see docs/security.md) ---
# Reverse proxies in front of the app, each adding one X-Forwarded-For entry.
# 0 means REMOTE_ADDR is the client (the embedded default); lock-out and rate
# limits key on the address this yields.
TRUSTED_PROXY_COUNT: int = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # failures only: no log of every sign-in's IP address
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip_or_none"
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
AXES_USERNAME_CALLABLE = "accounts.views.axes_username"  # cut to axes' 255 characters
AXES_ENABLE_ADMIN = True
# Named limits, "<count>/<seconds|Ns|Nm|Nh|Nd>", used by core.ratelimit:
# @rate_limit("appointment_book") on a view, or RateLimitThrottle with
# throttle_scope on DRF. One scope per action (tests/security/test_rate_limit_scopes
# checks it): a client who books three fittings can still write to her advisor.
RATE_LIMITS: dict[str, str] = {
    "login": "30/5m",  # per IP (a boutique shares one), on top of the per-username lock-out
    "token": "20/5m",
    # One budget of code guesses across set-up and verify, deliberately shared.
    # per user: messages written in the live conversation (WebSocket); a lively chat
    # writes more than a form, so its own, looser limit (benchmarks raise it).
    "chat": env.str("ATELIER_CHAT_RATE_LIMIT", default="120/10m"),
    "two_factor": "10/5m",
    "appointment_book": "10/h",
    "appointment_cancel": "10/h",
    "appointment_reschedule": "10/h",
    "styling_request": "10/h",
    "client_message": "30/10m",  # the concierge thread
    "wishlist_share": "10/h",
    "advisor_message": "30/10m",  # an advisor writing to clients
    "lookbook_publish": "30/10m",  # publishing sends the client notices
    "privacy_export": "5/d",
    "client_export": "10/h",  # per advisor: CSV exports of the client book (GET)
    "quality_export": "10/h",  # per manager: the records to fix as CSV (client names)
}
# Two-factor (TOTP): required for head office, staff and superusers, optional
# for advisors. ATELIER_DEMO_SKIP_2FA lets `make demo` sign in without an
# authenticator; it only works with DEBUG and production settings refuse it.
OTP_TOTP_ISSUER = "Maison Verlaine Atelier"
ATELIER_DEMO_SKIP_2FA: bool = env.bool("ATELIER_DEMO_SKIP_2FA", default=False)
# Content-Security-Policy (django-csp 4): no inline script or style anywhere.
_WS_ORIGIN = SITE_URL.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'", _WS_ORIGIN],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# The twelve languages of the client side (the concierge, its e-mails and
# messages), each named in itself. The stylist dashboard stays in English.
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("it", "Italiano"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("pt", "Português"),
    ("ru", "Русский"),
    ("ar", "العربية"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
]
CLIENT_LANGUAGES = LANGUAGES
# Catalogues: locale/<lang>/LC_MESSAGES/django.po, compiled .mo committed
# (`make messages` extracts and compiles; docs/i18n.md).
LOCALE_PATHS = [BASE_DIR / "locale"]
# The visitor's choice before sign-in (and the switcher's memory on this browser).
LANGUAGE_COOKIE_NAME = "atelier_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
HOUSE_CURRENCY = "EUR"
# The separator of the CSV files the house hands out: "," or ";" (Excel in French or
# Italian settings expects ";"). The book export also offers the other one.
CSV_SEPARATOR: str = env.str("CSV_SEPARATOR", default=",")
# Seconds a user's sidebar badges (drafts waiting, unread messages) stay cached; 0 counts
# them on every page (stylists.pages.conversations.badge_counts).
SIDEBAR_BADGES_SECONDS: int = env.int("SIDEBAR_BADGES_SECONDS", default=10)
if CSV_SEPARATOR not in (",", ";"):
    raise ImproperlyConfigured("CSV_SEPARATOR must be ',' or ';'.")

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
PRIVATE_STORAGE_ROOT = VAR_DIR / "private"
# A privacy export stays downloadable (once) for this long after it is ready.
PRIVACY_EXPORT_TTL = dt.timedelta(hours=48)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Compressed, content-hashed static files (whitenoise) whenever DEBUG is off or
# asked for: `make serve` and the container run collectstatic first.
STATIC_MANIFEST: bool = env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
if STATIC_MANIFEST:
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# CSV imports (clients.imports, docs/imports.md). The admin refuses uploads over
# IMPORT_UPLOAD_MAX_BYTES (and gzip files that inflate past the second limit);
# uploads up to IMPORT_SYNC_MAX_BYTES run in the request, bigger ones in a Celery
# task. `manage.py import_clients/import_orders` read files of any size.
IMPORT_UPLOAD_MAX_BYTES: int = env.int("IMPORT_UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
IMPORT_UPLOAD_MAX_INFLATED_BYTES: int = 10 * IMPORT_UPLOAD_MAX_BYTES
IMPORT_SYNC_MAX_BYTES: int = 1024 * 1024
# Rejected rows kept in detail on an ImportRun (counts by reason cover them all).
IMPORT_REJECTIONS_KEPT: int = 10_000
# The Online Retail COPY checks its lines' foreign keys once per batch (locking the set)
# instead of by a trigger per line, where the database role may (clients.imports.writers.
# key_checks). Off: PostgreSQL checks every line, as for any other insert.
IMPORT_SET_BASED_KEY_CHECKS: bool = env.bool("IMPORT_SET_BASED_KEY_CHECKS", default=True)

# --- API ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so anonymous calls get 401 with a WWW-Authenticate header.
        "accounts.api_access.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Signed in is not enough: the account must still be an active advisor, a client or
    # an admin, asked on every call (a deactivated advisor's token or session gets 403).
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api_access.ActiveAccountPermission"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Atelier API",
    "DESCRIPTION": "Client books and reviewed lookbooks for client advisors.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two choice sets named "kind" (appointments, occasions): each its own enum.
    "ENUM_NAME_OVERRIDES": {
        "AppointmentKindEnum": "stylists.models.AppointmentKind",
        "OccasionKindEnum": "clients.models.OccasionKind",
    },
}

# --- Messaging (e-mail, SMS, WhatsApp) ----------------------------------------
EMAIL_BACKEND: str = env.str(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL: str = env.str(
    "DEFAULT_FROM_EMAIL", default="Maison Verlaine <concierge@maison-verlaine.example>"
)
MESSAGING_BACKEND: str = env.str("MESSAGING_BACKEND", default="console")
if MESSAGING_BACKEND not in ("console", "twilio"):
    raise ImproperlyConfigured("MESSAGING_BACKEND must be 'console' or 'twilio'")
TWILIO_ACCOUNT_SID: str = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN: str = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_SMS_FROM: str = env.str("TWILIO_SMS_FROM", default="")
TWILIO_WHATSAPP_FROM: str = env.str("TWILIO_WHATSAPP_FROM", default="")
if MESSAGING_BACKEND == "twilio" and not (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN):
    raise ImproperlyConfigured("MESSAGING_BACKEND=twilio needs TWILIO_ACCOUNT_SID and TOKEN")

# --- Video consultations (stylists.services.video) -------------------------------
# With an API key (and TWILIO_ACCOUNT_SID) calls run in Twilio Video rooms;
# without, peer to peer in the browsers, signalled over the app's WebSocket.
TWILIO_API_KEY_SID: str = env.str("TWILIO_API_KEY_SID", default="")
TWILIO_API_KEY_SECRET: str = env.str("TWILIO_API_KEY_SECRET", default="")
if bool(TWILIO_API_KEY_SID) != bool(TWILIO_API_KEY_SECRET):
    raise ImproperlyConfigured("TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET go together")
if TWILIO_API_KEY_SID and not TWILIO_ACCOUNT_SID:
    raise ImproperlyConfigured("Twilio Video needs TWILIO_ACCOUNT_SID with the API key")
if TWILIO_API_KEY_SID:  # the SDK signals and reports to Twilio from the video page
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"] += [
        "wss://global.vss.twilio.com",
        "wss://*.twilio.com",
        "https://*.twilio.com",
    ]
# ICE servers handed to the browsers for peer-to-peer calls, as JSON, e.g.
# [{"urls": "turn:turn.example.com:3478", "username": "u", "credential": "p"}].
# Empty: calls connect on the same network only (see README, "Video consultations").
VIDEO_ICE_SERVERS: list[dict[str, Any]] = env.json("VIDEO_ICE_SERVERS", default=[])
if not isinstance(VIDEO_ICE_SERVERS, list) or not all(
    isinstance(server, dict) and server.get("urls") for server in VIDEO_ICE_SERVERS
):
    raise ImproperlyConfigured("VIDEO_ICE_SERVERS must be a JSON list of {urls, ...} objects")
# Signed lookbook links in messages and e-mails stay valid this many days.
LOOKBOOK_LINK_MAX_AGE_DAYS: int = env.int("LOOKBOOK_LINK_MAX_AGE_DAYS", default=14)

# The frequency guard (stylists.services.messaging): at most one proactive message per
# client per FREQUENCY_GUARD_DAYS, across channels, and none in the client's quiet hours
# (their own time zone): QUIET_HOURS="21-9" means from 21:00 until 09:00. Service
# messages (answers, confirmations) are not held.
FREQUENCY_GUARD_DAYS: int = env.int("FREQUENCY_GUARD_DAYS", default=7)
_quiet = env.str("QUIET_HOURS", default="21-9").strip().lower()
QUIET_HOURS: tuple[int, int] | None = None  # "off" switches quiet hours off
if _quiet not in ("", "off", "none"):
    try:
        _quiet_start, _quiet_end = (int(hour) for hour in _quiet.split("-", 1))
    except ValueError:
        raise ImproperlyConfigured(f"QUIET_HOURS must look like 21-9, not {_quiet!r}") from None
    if not (0 <= _quiet_start <= 23 and 0 <= _quiet_end <= 23):
        raise ImproperlyConfigured(f"QUIET_HOURS must be two hours 0-23, not {_quiet!r}")
    QUIET_HOURS = (_quiet_start, _quiet_end)
if FREQUENCY_GUARD_DAYS < 0:
    raise ImproperlyConfigured("FREQUENCY_GUARD_DAYS cannot be negative")

# Follow-ups (stylists.services.followups), generated nightly by a beat task.
FOLLOW_UP_THANK_YOU_DAYS: int = env.int("FOLLOW_UP_THANK_YOU_DAYS", default=3)
# Days before an occasion that its reminder falls due, by kind ("*": any kind not listed).
FOLLOW_UP_OCCASION_LEAD_DAYS: dict[str, int] = {
    "birthday": 21,
    "anniversary": 21,
    "wedding": 30,
    "gala": 30,
    "travel": 14,
    "milestone": 14,
    "holiday": 30,
    "*": 21,
}
# Lapsing clients worth a call: VIC or spend >= the threshold, no purchase nor contact in N days.
FOLLOW_UP_LAPSING_DAYS: int = env.int("FOLLOW_UP_LAPSING_DAYS", default=90)
FOLLOW_UP_LAPSING_MIN_SPEND: int = env.int("FOLLOW_UP_LAPSING_MIN_SPEND", default=30000)

# --- Encryption of personal data at rest --------------------------------------
# FIELD_ENCRYPTION_KEYS: comma-separated Fernet keys, newest first. Encrypting uses the
# first; decrypting tries each (rotation: see docs/architecture.md). The embedded default
# derives one from the dev secret key (`make demo` needs no set-up); production refuses it.
_DEV_FERNET_KEY = base64.urlsafe_b64encode(
    hashlib.sha256(DEV_SECRET_KEY.encode()).digest()
).decode()
FIELD_ENCRYPTION_KEYS: list[str] = env.list("FIELD_ENCRYPTION_KEYS", default=[_DEV_FERNET_KEY])
# Keyed hash for exact look-ups of encrypted values (e-mail, phone).
FIELD_LOOKUP_KEY: str = env.str("FIELD_LOOKUP_KEY", default="atelier-dev-lookup-key")

# --- Recommendations ----------------------------------------------------------
MODEL_ARTIFACT_DIR = Path(env.str("MODEL_ARTIFACT_DIR", default=str(VAR_DIR / "models")))
LOOKBOOK_DRAFT_SIZE: int = env.int("LOOKBOOK_DRAFT_SIZE", default=12)
# Machine drafts that may wait in one advisor's queue (0: no cap). Styling requests and
# near occasions are drafted regardless (docs/recommendations.md, "Review capacity").
RECOMMENDER_DRAFTS_PER_ADVISOR: int = env.int("RECOMMENDER_DRAFTS_PER_ADVISOR", default=40)

# --- Benchmarks ------------------------------------------------------------------
# ATELIER_BENCH_PLAIN_VIEW=1 serves /bench/plain/: a small template through the
# same middleware, the baseline of benchmarks/production_load.py.
BENCH_PLAIN_VIEW: bool = env.bool("ATELIER_BENCH_PLAIN_VIEW", default=False)
# RATE_LIMITS_OVERRIDE="client_message=1000/10m,appointment_book=1000/h": an
# operator's knob (and the load benchmark's, whose users share two logins).
for _pair in env.list("RATE_LIMITS_OVERRIDE", default=[]):
    _scope, _, _rate = _pair.partition("=")
    if _scope.strip() not in RATE_LIMITS or not _rate.strip():
        raise ImproperlyConfigured(f"RATE_LIMITS_OVERRIDE: unknown scope or empty rate {_pair!r}")
    RATE_LIMITS[_scope.strip()] = _rate.strip()

# --- Logging -------------------------------------------------------------------
# LOG_FORMAT=json: one JSON object per line (core.observability), what `make
# serve` and the container use; plain text otherwise (the demo's console).
LOG_FORMAT: str = env.str("LOG_FORMAT", default="text")
LOG_LEVEL: str = env.str("LOG_LEVEL", default="INFO")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "core.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},  # not its start-up banner on every command
        # One JSON line per request (RequestLogMiddleware) in the layout; the
        # demo's runserver already prints its own.
        "atelier.request": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
        "atelier.task": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
    },
}
