"""Settings for the Pilaro AS website: one module, driven by environment variables.

Every variable is listed with its default in `.env.example` and described in README.md.
Production is "DJANGO_DEBUG off": then a secret key, a database URL and allowed hosts are
required, and the security settings are on.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from pilaro_site.env import (
    env_bool,
    env_cache,
    env_contact_uris,
    env_database,
    env_email,
    env_fernet_keys,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production (DJANGO_DEBUG off) refuses to start "
            "without it; generate one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'"
        )
    # Development only: a fresh key per process, never a key written in the repository.
    from django.core.management.utils import get_random_secret_key

    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. In production list the site's host names, "
        "comma-separated (for example: pilaro.no,www.pilaro.no)."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Staff pages live under this path; not /admin/, where every scanner knocks first.
ADMIN_PATH = env_str("DJANGO_ADMIN_PATH", "intern/").strip("/") + "/"
if ADMIN_PATH == "/":
    raise ImproperlyConfigured("DJANGO_ADMIN_PATH must not be empty.")

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    # Django's admin with our site, which refuses a session that has not passed the
    # second factor (staff/sites.py); `admin.site` is that site.
    "staff.sites.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # /sitemap.xml (pilaro_site/seo.py); its template comes with the app.
    "django.contrib.sitemaps",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    # Site-wide pieces with a table of their own: the cache's (pilaro_site/cache.py).
    "pilaro_site",
    # The second factor for staff: authenticator apps (TOTP), one-time recovery codes,
    # passkeys (WebAuthn). Their own admin pages are taken out again in staff/admin.py.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "privacy",
    "contacts",
    "staff",
    # The job queue (its tables in our PostgreSQL), then our jobs app, whose admin module
    # takes the queue's tables out of the staff admin.
    "procrastinate.contrib.django",
    "jobs",
]

MIDDLEWARE = [
    # Outermost: an answer to HEAD goes out with GET's headers and no body.
    "pilaro_site.middleware.head_without_body",
    # Staff pages ask search engines not to index them (pilaro_site/seo.py).
    "pilaro_site.seo.noindex_staff_pages",
    # Bodies bounded before anything reads them, whatever their encoding.
    "pilaro_site.middleware.bounded_body",
    "django.middleware.security.SecurityMiddleware",
    # django-csp's, with the one policy built once (pilaro_site/csp.py).
    "pilaro_site.csp.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # The callback form's bot posts (hidden field filled; too fast with the hour's
    # quarantine full): answered here, before anything costly (contacts/intake/edge.py).
    "contacts.intake.edge.refuse_bot_posts",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages declared @shared_page, for anonymous readers, from memory: see pagecache/.
    "pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second factor?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff sessions end when idle or old; a session without the second factor sees no
    # admin page but the second-factor and enrolment pages (staff/middleware.py).
    "staff.middleware.SessionLimitsMiddleware",
    "staff.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pilaro_site.urls"
WSGI_APPLICATION = "pilaro_site.wsgi.application"

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
                "pilaro_site.context_processors.company",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# PostgreSQL in production and tests. Only a development run (DJANGO_DEBUG on) may fall
# back to an SQLite file, and it says so on stderr.
_database_url = env_str("DATABASE_URL")
# Two roles (README, "Database roles"): DATABASE_OWNER_URL's owns the schema and runs
# `migrate` (with PILARO_DB_AS_OWNER=1); DATABASE_URL's runs the site and the worker with
# only the rights pilaro_site/roles.py grants it after each migrate. Without it, one role.
DATABASE_OWNER_URL = env_str("DATABASE_OWNER_URL")
DATABASE_AS_OWNER = env_bool("PILARO_DB_AS_OWNER", default=False)
RUNTIME_DATABASE_ROLE = ""
if DATABASE_OWNER_URL and _database_url:
    RUNTIME_DATABASE_ROLE = env_database("DATABASE_URL", _database_url)["USER"]
if DATABASE_OWNER_URL and DATABASE_AS_OWNER:
    _default_db = env_database("DATABASE_OWNER_URL", DATABASE_OWNER_URL)
elif _database_url:
    _default_db = env_database("DATABASE_URL", _database_url)
elif DEBUG:
    _sqlite_path = BASE_DIR / "db.sqlite3"
    _default_db = {"ENGINE": "django.db.backends.sqlite3", "NAME": _sqlite_path}
    if not os.environ.get("PILARO_SQLITE_NOTICE_SHOWN"):
        # The marker is inherited by runserver's reloader child, so one start says it once.
        os.environ["PILARO_SQLITE_NOTICE_SHOWN"] = "1"
        print(
            f"WARNING DATABASE_URL is not set: using the SQLite file {_sqlite_path.name} "
            "(development only; production and tests use PostgreSQL).",
            file=sys.stderr,
        )
else:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Production needs PostgreSQL, for example "
        "postgres://USER:PASSWORD@HOST:5432/NAME"
    )
if _default_db["ENGINE"].endswith("postgresql"):
    # Django's backend with a health check that sends no query (pilaro_site/postgresql).
    _default_db["ENGINE"] = "pilaro_site.postgresql"
    # Persistent connections, checked before reuse so a restarted database is survived.
    _default_db.setdefault("CONN_MAX_AGE", env_int("DJANGO_CONN_MAX_AGE", 60, minimum=0))
    _default_db["CONN_HEALTH_CHECKS"] = True
    _default_db.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DJANGO_DB_CONNECT_TIMEOUT", 5, minimum=1)
    )
DATABASES = {"default": _default_db}
if not _default_db["ENGINE"].endswith("postgresql"):
    # The queue's tables are PostgreSQL only; on SQLite jobs run in-process (jobs/queue.py).
    MIGRATION_MODULES = {"procrastinate": None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
# The rate limits' counters (common/limits.py) follow the cache: with a redis:// URL they
# are in Redis, shared between several machines and off the database; without one, in a
# table of their own in our database (made by migrate), shared by all workers of `make
# serve`, no server to run. The cache itself is then a table in our database too
# (pilaro_site/cache.py), holding only what may be computed again.
_cache_url = env_str("CACHE_URL")
CACHES = {
    "default": env_cache("CACHE_URL", _cache_url)
    if _cache_url
    else {"BACKEND": "pilaro_site.cache.DatabaseCache", "LOCATION": "pilaro_cache"}
}

# --- Authentication -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff login throttling: after this many failures for one user name from one address,
# that pair is locked out for the cool-off time, with a Norwegian page.
AXES_FAILURE_LIMIT = env_int("PILARO_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("PILARO_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The address is the client's behind our trusted proxies (PILARO_TRUSTED_PROXIES), an IPv6
# client's /64: never nginx's own address, which would make one pair of every user name
# and lock the user out from everywhere. Spraying many names from one source is held back
# in front, by nginx's limit_req on login posts.
AXES_CLIENT_IP_CALLABLE = "common.clients.client_network"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # no log of successful logins: failures are what we need
AXES_VERBOSE = False

# --- Staff login: a second factor, and sessions that end ------------------------------------
# "required": every staff login needs a passkey or an authenticator-app code (or a one-time
# recovery code) after the password; a staff user without one can only enrol. "optional" is
# for development only: with DJANGO_DEBUG off the system check refuses it (staff/checks.py).
STAFF_2FA = env_str("PILARO_STAFF_2FA", "required").strip().lower()
# A staff session ends after this many minutes without a request, and this many hours
# after the login whatever happens.
STAFF_IDLE_MINUTES = env_int("PILARO_STAFF_IDLE_MINUTES", 30, minimum=1)
STAFF_SESSION_MAX_HOURS = env_int("PILARO_STAFF_SESSION_MAX_HOURS", 10, minimum=1)
# A passkey is a second factor only, after the password (never a login by itself).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Refused codes count in django-axes like refused passwords (staff/factors.py). django-otp's
# own back-off per device (1, 2, 4... seconds after each refusal) stays on as well: it holds
# across client addresses, where django-axes counts per address.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Authenticator-app keys are stored encrypted (Fernet) with PILARO_FIELD_KEY (staff/crypto.py):
# comma-separated keys, the first encrypts, all decrypt; `manage.py rotate_field_key`
# re-encrypts under the first, after which an old key can be dropped. Required in
# production; development uses a fixed stand-in (like PILARO_PERSON_HASH_KEY's below), so
# that the SQLite file's apps keep working from one `make run` to the next.
STAFF_FIELD_KEYS = env_fernet_keys("PILARO_FIELD_KEY")
if not STAFF_FIELD_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "PILARO_FIELD_KEY is not set. Production (DJANGO_DEBUG off) refuses to start "
            "without it; generate one with: python -c 'from cryptography.fernet import "
            "Fernet; print(Fernet.generate_key().decode())'"
        )
    STAFF_FIELD_KEYS = ["ZGV2ZWxvcG1lbnQtb25seS1maWVsZC1rZXktcGlsYXI="]

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål")]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
# Our own bokmål for the admin strings Django 5.2 ships untranslated (locale/nb/LC_MESSAGES);
# `make install` compiles the .po file (the .mo is build output, not committed).
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static files ---------------------------------------------------------------------
# Our own files live in static/; Bootstrap's CSS comes from the npm package installed by
# `npm ci` (package-lock.json). WhiteNoise serves compressed, hashed, far-future files.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist" / "css"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 0 if DEBUG else 60 * 60  # unhashed names; hashed ones are immutable

# --- E-mail ---------------------------------------------------------------------------
# EMAIL_URL examples: smtp+tls://user:password@smtp.example.no:587, consolemail://
_email_url = env_str("EMAIL_URL", "consolemail://" if DEBUG else "smtp://localhost:25")
_email = env_email("EMAIL_URL", _email_url)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "nettsted@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 10, minimum=1)
# Error reports by e-mail would carry request data (form contents): never send them.
ADMINS: list[tuple[str, str]] = []
MANAGERS: list[tuple[str, str]] = []

# --- Security -------------------------------------------------------------------------
# Messages to staff ("Henvendelse #37 ble endret") ride on the session they already have,
# not on a cookie of their own: the cookies the site sets are the data map's.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # The proxy's and the load balancer's health probes speak plain HTTP to the app.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
# Content-Security-Policy (django-csp), in every environment so development shows a
# violation before production does: our own origin only, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws check marks and select arrows as data: SVG images in its CSS.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): every powerful feature off.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        # Passkeys: allowed for our own origin on the second-factor page only
        # (permissions_policy_override in staff/views.py).
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
# Bounded request bodies: the callback form is a few kilobytes; anything far larger is
# refused with a 400 before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = 128 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 128 * 1024

if env_bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    # Only behind a proxy that sets this header itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Forms ----------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Privacy notice -------------------------------------------------------------------
# One Markdown file per version, with its declarations; see privacy/registry.py and
# docs/declarations.md. Another directory only for trying out a publication on a copy.
PRIVACY_NOTICE_DIR = Path(env_str("PILARO_NOTICE_DIR") or BASE_DIR / "privacy" / "notices")
# What a draft's page shows staff besides the text: the callback form as it will be.
PRIVACY_DRAFT_PREVIEWS = ["contacts.intake.preview.draft_form"]
# Every processing of personal data the site performs (pilaro_site/datamap/): the notice
# versions, the record of processing and the system checks measure against it.
PRIVACY_DATA_MAP = "pilaro_site.datamap.DATA_MAP"

# --- Callback form and enquiries ---------------------------------------------------------
# Retention is declared here once; a notice version that promises other periods fails the
# system check (privacy/map_checks.py, against the data map).
CONTACTS_RETENTION_DAYS = env_int("PILARO_RETENTION_DAYS", 365, minimum=1)
CONTACTS_RETENTION_MAX_DAYS = env_int("PILARO_RETENTION_MAX_DAYS", 730, minimum=1)
# An enquiry marked as spam is erased this many days after it was marked (never later
# than it would have been anyway).
CONTACTS_SPAM_RETENTION_DAYS = env_int("PILARO_SPAM_RETENTION_DAYS", 30, minimum=1)
# --- Data subjects: "Dine opplysninger" (/personvern/mine-opplysninger/) ------------------
# The key of the keyed hashes that recognise an address again without keeping it
# (suppression list, subject requests, per-address limits, erasure records). Its own key,
# never the secret key: rotating that must not orphan the suppression list. Required in
# production (contacts.E020 in check --deploy); development uses a fixed stand-in.
CONTACTS_PERSON_HASH_KEY = env_str("PILARO_PERSON_HASH_KEY") or (
    "development-only-person-hash-key" if DEBUG else ""
)
# How long the link e-mailed to a visitor works (single use), and how long the page it
# opens stays open without activity.
CONTACTS_SELF_SERVICE_LINK_MINUTES = env_int("PILARO_SELF_SERVICE_LINK_MINUTES", 30, minimum=1)
CONTACTS_SELF_SERVICE_SESSION_MINUTES = env_int(
    "PILARO_SELF_SERVICE_SESSION_MINUTES", 15, minimum=1
)
# Link requests per client address and per target address (5/10m, 100/h, ...: common/limits.py).
CONTACTS_SELF_SERVICE_CLIENT_RATE = env_str("PILARO_SELF_SERVICE_CLIENT_RATE", "10/h")
CONTACTS_SELF_SERVICE_ADDRESS_RATE = env_str("PILARO_SELF_SERVICE_ADDRESS_RATE", "5/h")
# Double opt-in: days a marketing consent ticked on the form waits for its confirmation by
# e-mail before it lapses, recorded as not confirmed (contacts/intake/confirmation.py).
CONTACTS_MARKETING_CONFIRM_DAYS = env_int("PILARO_MARKETING_CONFIRM_DAYS", 7, minimum=1)
# Staff are e-mailed (no personal data) when an open request is this close to its due date.
CONTACTS_SUBJECT_REQUEST_WARN_DAYS = env_int("PILARO_SUBJECT_REQUEST_WARN_DAYS", 7, minimum=1)
if CONTACTS_RETENTION_MAX_DAYS < CONTACTS_RETENTION_DAYS:
    raise ImproperlyConfigured(
        "PILARO_RETENTION_MAX_DAYS must not be below PILARO_RETENTION_DAYS."
    )
# Staff who get a notification (with no personal data) for each new enquiry.
CONTACTS_NOTIFY_EMAILS = env_list("PILARO_NOTIFY_EMAILS")
# Absolute address of the site (https://pilaro.no): every link in every e-mail, canonical
# links, the sitemap, security.txt. Production refuses to start without it: an address
# taken from a request's Host header is the client's choice, not ours.
SITE_URL = env_str("PILARO_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if not DEBUG and not SITE_URL:
    raise ImproperlyConfigured(
        "PILARO_SITE_URL is not set. Production refuses to start without the site's "
        "address, which every link in every e-mail needs (for example: https://pilaro.no)."
    )
# Spam and abuse: a form filled faster than this is a bot; a form older than the maximum
# age is re-issued; POSTs per client address are limited (common/limits.py: a table in
# the database, or Redis when CACHE_URL names one; shared by every worker and server).
CONTACTS_MIN_FILL_SECONDS = env_int("PILARO_MIN_FILL_SECONDS", 3, minimum=0)
CONTACTS_FORM_MAX_AGE_SECONDS = env_int("PILARO_FORM_MAX_AGE_SECONDS", 60 * 60 * 24, minimum=60)
CONTACTS_RATE_LIMIT = env_str("PILARO_RATE_LIMIT", "5/10m")
# Proxies in front of the app that append to X-Forwarded-For; 0 means use the peer address.
CONTACTS_TRUSTED_PROXIES = env_int("PILARO_TRUSTED_PROXIES", 0, minimum=0)
# A post that is valid but sent faster than PILARO_MIN_FILL_SECONDS (a browser's autofill
# can be that fast) is kept apart, in quarantine, for staff to let in: no staff e-mail,
# erased after this many days, and at most this many an hour (beyond that, discarded).
CONTACTS_QUARANTINE_RETENTION_DAYS = env_int("PILARO_QUARANTINE_RETENTION_DAYS", 14, minimum=1)
CONTACTS_QUARANTINE_MAX_PER_HOUR = env_int("PILARO_QUARANTINE_MAX_PER_HOUR", 60, minimum=0)
# The callback promise: each enquiry is due for a call within this many working hours
# ("innen 1 virkedag" with 8-hour days), counted in the working hours below, on weekdays
# that are neither Norwegian public holidays (the `holidays` package) nor days the company
# has declared closed (ISO dates, or ranges FROM..TO, comma-separated).
CONTACTS_CALLBACK_WORKING_HOURS = env_int("PILARO_CALLBACK_WORKING_HOURS", 8, minimum=1)
CONTACTS_CALLBACK_PROMISE = env_str("PILARO_CALLBACK_PROMISE", "innen 1 virkedag")
CONTACTS_WORKDAY = env_str("PILARO_WORKDAY", "08:00-16:00")
CONTACTS_CLOSED_DAYS = env_list("PILARO_CLOSED_DAYS")
# Attempts before a notification is left as failed for staff to see. Retries wait the
# first delay, then twice as long each time, at most an hour: 10 s, 20 s, 40 s, ... so
# ten attempts span about 1.5 hours.
CONTACTS_NOTIFY_MAX_ATTEMPTS = env_int("PILARO_NOTIFY_MAX_ATTEMPTS", 10, minimum=1)
CONTACTS_NOTIFY_FIRST_RETRY_SECONDS = env_int("PILARO_NOTIFY_FIRST_RETRY_SECONDS", 10, minimum=1)

# --- Background jobs (jobs/) ----------------------------------------------------------
# The queue is procrastinate's, in the same PostgreSQL database; `make worker` runs it.
# Jobs run at once by one worker (threads): sending mail waits on the network, not the CPU.
JOBS_WORKER_CONCURRENCY = env_int("PILARO_WORKER_CONCURRENCY", 4, minimum=1)
# Seconds between a worker's heartbeats; a worker silent for four of them has died, and
# its jobs are run again by another.
JOBS_HEARTBEAT_SECONDS = env_int("PILARO_WORKER_HEARTBEAT_SECONDS", 10, minimum=1)
# The worker's CPU priority below the web server's (nice): on a machine that serves both,
# a visitor's request comes before a background e-mail. 0 gives them equal shares.
JOBS_WORKER_NICE = env_int("PILARO_WORKER_NICE", 10, minimum=0)
# Seconds a stopping worker waits for its running jobs before it leaves them to others.
JOBS_SHUTDOWN_SECONDS = env_int("PILARO_WORKER_SHUTDOWN_SECONDS", 30, minimum=1)
# /healthz/ answers 503 when a job due now has waited longer than this (no worker runs).
JOBS_STUCK_MINUTES = env_int("PILARO_QUEUE_STUCK_MINUTES", 10, minimum=1)
PROCRASTINATE_WORKER_DEFAULTS = {
    "update_heartbeat_interval": JOBS_HEARTBEAT_SECONDS,
    "stalled_worker_timeout": JOBS_HEARTBEAT_SECONDS * 4,
    # Without LISTEN/NOTIFY (or when a retry comes due), how often a worker looks.
    "fetch_job_polling_interval": 2,
}

# --- Company facts --------------------------------------------------------------------
# The one place for facts about the company. Nothing here is invented: every value but the
# name stays empty until Pilaro AS supplies it, and templates show only what is set.
COMPANY = {
    "name": env_str("PILARO_COMPANY_NAME", "Pilaro AS"),
    "email": env_str("PILARO_COMPANY_EMAIL"),
    "phone": env_str("PILARO_COMPANY_PHONE"),
    "address": env_str("PILARO_COMPANY_ADDRESS"),
    "org_number": env_str("PILARO_COMPANY_ORG_NUMBER"),
    # For the record of processing (GDPR art. 30), not shown on the site: the data
    # protection officer (or that there is none), and transfers outside the EEA.
    "dpo": env_str("PILARO_COMPANY_DPO"),
    "transfers": env_str("PILARO_COMPANY_TRANSFERS"),
}
# The processors (GDPR art. 28) the data map names: who they are, and whether a data
# processing agreement is in place ("ja"/"nei"), as the company says.
PROCESSORS = {
    "hosting": {
        "name": env_str("PILARO_PROCESSOR_HOSTING"),
        "agreement": env_str("PILARO_PROCESSOR_HOSTING_AGREEMENT"),
    },
    "epost": {
        "name": env_str("PILARO_PROCESSOR_EMAIL"),
        "agreement": env_str("PILARO_PROCESSOR_EMAIL_AGREEMENT"),
    },
}

# --- The site on the open web (pilaro_site/seo.py) --------------------------------------
# /.well-known/security.txt (RFC 9116): where to report a vulnerability, as mailto:,
# https:// or tel:+ addresses, comma-separated, the preferred first. Unset: the file is not
# served (404) and check --deploy warns. Canonical links, the sitemap and security.txt use
# PILARO_SITE_URL (above), or each request's own address when it is unset.
SECURITY_CONTACTS = env_contact_uris("PILARO_SECURITY_CONTACT")

# --- Staff login: passkeys and authenticator apps ------------------------------------------
# The name an authenticator app and a passkey prompt show.
OTP_TOTP_ISSUER = COMPANY["name"]
OTP_WEBAUTHN_RP_NAME = COMPANY["name"]
# The origins where staff use passkeys. A passkey is bound to a domain (the first origin's
# host; any others must be it or its subdomains) and must be enrolled again if it changes.
# By default the site's address when that is HTTPS (or localhost), else development's
# http://localhost:8000: then production's passkeys do not work until PILARO_SITE_URL or
# PILARO_PASSKEY_ORIGINS is set (check --deploy warns; authenticator apps work anywhere).
_passkey_site = [SITE_URL] if SITE_URL.startswith(("https://", "http://localhost")) else []
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    origin.rstrip("/") for origin in env_list("PILARO_PASSKEY_ORIGINS", default=_passkey_site)
] or ["http://localhost:8000"]
OTP_WEBAUTHN_RP_ID = urlsplit(OTP_WEBAUTHN_ALLOWED_ORIGINS[0]).hostname or ""

# --- Logging --------------------------------------------------------------------------
# Everything to stdout, one line per event. Request logging names status and path only;
# no handler prints request bodies, and error e-mails to admins are off (ADMINS is empty).
LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in logging.getLevelNamesMapping():
    raise ImproperlyConfigured(f"DJANGO_LOG_LEVEL is not a logging level: {LOG_LEVEL!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "filters": {
        "withhold_database_error_text": {"()": "pilaro_site.logging.WithholdDatabaseErrorText"},
        "disallowed_host_line": {"()": "pilaro_site.logging.DisallowedHostLine"},
        # Last on every handler: no secret of a link's path in any line (common/secret_paths).
        "redact_secret_paths": {"()": "common.secret_paths.RedactSecretPaths"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
            "filters": ["withhold_database_error_text", "redact_secret_paths"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        # A request for a host we do not serve: one WARNING line, no traceback.
        "django.security.DisallowedHost": {
            "handlers": ["stdout"],
            "level": "WARNING",
            "filters": ["disallowed_host_line"],
            "propagate": False,
        },
        # SQL logging would print the values of every INSERT: never below WARNING.
        "django.db.backends": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
        # The queue's own chatter (tasks registered, each job started and ended) is not an
        # event an operator acts on; its warnings and errors are.
        "procrastinate": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
    },
}
