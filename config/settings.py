"""Settings for every environment, driven by environment variables (see README)."""

import os
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# HTTPS: on behind a TLS-terminating proxy in production (HTTPS=1).
HTTPS = env.bool("HTTPS", default=False)


def _local_secret_key() -> str:
    """A per-checkout key for local runs, kept under .data/ (never committed)."""
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management.utils import get_random_secret_key

    if HTTPS:
        raise ImproperlyConfigured("SECRET_KEY must be set in production (HTTPS=1).")
    path = BASE_DIR / ".data" / "secret_key"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(get_random_secret_key())
    return path.read_text().strip()


SECRET_KEY = env("SECRET_KEY", default="") or _local_secret_key()

# The union site lives on UNION_DOMAIN; each comune on <slug>.UNION_DOMAIN.
UNION_DOMAIN = env("UNION_DOMAIN", default="localhost")
# Institutional hostnames of the comuni (e.g. servizi.comune.cesena.fc.it), comma-separated:
# they must also be registered as domains of their comune (see README).
UNION_NAME = env("UNION_NAME", default="Unione Valle del Savio")
# Port that links built outside a request carry (":8000" locally, empty behind a proxy).
SITE_PORT = env("SITE_PORT", default="")
EXTRA_HOSTS = env.list("EXTRA_HOSTS", default=[])
ALLOWED_HOSTS = [UNION_DOMAIN, "." + UNION_DOMAIN, *EXTRA_HOSTS]
if DEBUG:
    ALLOWED_HOSTS += ["127.0.0.1", "testserver"]

SHARED_APPS = [
    "django_tenants",
    "django_prometheus",
    "tenants.comuni",
    "tenants.identity",
    # Who read or changed personal data: append-only, in the public schema (tenants/audit/).
    "tenants.audit",
    "tenants.account",
    "tenants.union",
    "tenants.reporting",
    # Web push: the browsers each person allowed to notify (public schema, one person everywhere).
    "tenants.webpush",
    # The cooperatives that run hubs for the comuni: organisations, service contracts, staff.
    "tenants.operators",
    # Firms, their mobility managers, agreements (convenzioni) and enrolled employees.
    "tenants.firms",
    # Failed sign-ins and lockouts, in the public schema only: one count per union, whatever
    # comune's host the attempts come through (tenants/identity/lockout.py).
    "axes",
    # Second factor of staff (tenants/identity/second_factor.py): TOTP apps and one-time recovery
    # codes, in the public schema only, so one device serves every host of the union.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    # The union is the OAuth 2.0 authorization server of the citizens' app: its clients and
    # tokens live in the public schema only, so one token works on every comune's host.
    "oauth2_provider",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, not a CDN
    "bootstrap_italia_template",
    "csp",  # Content-Security-Policy (settings below, middleware in src/common/middleware.py)
]

TENANT_APPS = [
    "django.contrib.admin",
    "django.contrib.contenttypes",
    "src.common",
    "src.idempotency",
    "src.outbox",
    "src.portal",
    "src.hubs",
    "src.desks",
    "src.appointments",
    "src.bookings",
    "src.events",
    "src.payments",
    "src.sensors",
]

INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]
# Benchmarks only: the plain-DRF floor that `python -m bench booking_path` sets the real
# endpoints beside (bench/floor/). Only the benchmark's gunicorn gets BENCH_FLOOR=1.
BENCH_FLOOR = env.bool("BENCH_FLOOR", default=False)
if BENCH_FLOOR:
    INSTALLED_APPS.append("bench.floor")
# Benchmarks only: one added migration in every comune's schema (`python -m bench migrations`).
if env.bool("BENCH_MIGRATION_PROBE", default=False):
    TENANT_APPS.append("bench.migration_probe")
    INSTALLED_APPS.append("bench.migration_probe")
# Processes of `migrate_schemas --executor=multiprocessing` (the release step): one per core.
TENANT_MULTIPROCESSING_MAX_PROCESSES = env.int("MIGRATION_PROCESSES", default=os.cpu_count() or 2)
# Schemas that already have every migration are skipped by one query (tenants/comuni/release.py).
GET_EXECUTOR_FUNCTION = "tenants.comuni.release.get_executor"

TENANT_MODEL = "comuni.Municipality"
TENANT_DOMAIN_MODEL = "comuni.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
# New comuni are cloned from this schema, kept migrated by `provision_union`/`migrate_comuni`:
# cloning is several times faster than running every migration (README, "Onboarding").
TENANT_BASE_SCHEMA = "comune_template"
TENANT_CREATION_FAKES_MIGRATIONS = env.bool("TENANT_CLONE_TEMPLATE", default=True)
# One `SET search_path` per request and connection instead of one per query. The bug that
# kept it off (a savepoint rollback reverting the path while the flag said it was set)
# is fixed in django-tenants 4: rollback and savepoint_rollback forget the flag;
# tests/foundation/test_search_path.py proves it on our schemas.
TENANT_LIMIT_SET_CALLS = True

MIDDLEWARE = [
    # Before everything: the Content-Security-Policy (with this response's nonce), Permissions-Policy
    # and the rest of the security headers go on every response, the 503 page and the probes included.
    "src.common.middleware.SecurityHeadersMiddleware",
    # Counts every request, probes and refusals included (metrics: src/common/observability.py).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # A request id on every log line and in the response (X-Request-ID).
    "src.common.observability.RequestContextMiddleware",
    # Then: /healthz and /readyz on any host, and a 503 (never a stack trace) while
    # the database is unreachable, even when the comune (host) lookup below is what fails.
    "src.common.middleware.ServiceGuardMiddleware",
    "tenants.comuni.middleware.MunicipalityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.identity.middleware.UnionSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.otp_device / is_verified(): the second factor this session gave, if any.
    "django_otp.middleware.OTPMiddleware",
    # Staff sessions: the second factor before anything else, the idle timeout, and a new
    # session key (and the second factor again) when the person's roles change.
    "tenants.identity.middleware.StaffSessionMiddleware",
    # On a comune's host, a browser's first page asks the union who is signed in (single sign-on).
    "tenants.identity.middleware.SignOnCheckMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A 405 on a page (not the API) says so in Italian instead of an empty body.
    "src.common.refusals.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in refused for a lockout into the Italian page (or JSON) saying when to retry.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

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
                "tenants.comuni.context_processors.site",
                "tenants.identity.context_processors.identity",
                # The header's staff tools (front desk, agendas, statistics, administration) by role.
                "src.portal.staff_nav.staff_tools",
                "tenants.webpush.context_processors.webpush",
                "csp.context_processors.nonce",  # CSP_NONCE: the nonce of this response's policy
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/postgres")}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
# Persistent connections: a new connection per request costs about 4x the throughput.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A database that does not answer makes a request fail fast (503) instead of hanging a worker.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
)
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

AUTH_USER_MODEL = "identity.User"
# The lockout backend first: every authenticate() call (site and admin sign-in forms, the
# OAuth token endpoint, anything later) is refused while the account or address is locked out.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# Signed links sent by e-mail (tenants/identity/links.py): the sign-in link is single use.
LOGIN_LINK_MAX_AGE = 15 * 60
EMAIL_VERIFICATION_MAX_AGE = 3 * 24 * 3600

# SPID and CIE through the union's OpenID Connect proxy (tenants/identity/oidc.py, README).
# Off, buttons hidden, unless the provider (OIDC_ISSUER or OIDC_DISCOVERY_URL) and OIDC_CLIENT_ID are set.
OIDC_ISSUER = env("OIDC_ISSUER", default="").rstrip("/")
OIDC_DISCOVERY_URL = env("OIDC_DISCOVERY_URL", default="") or (
    f"{OIDC_ISSUER}/.well-known/openid-configuration" if OIDC_ISSUER else ""
)
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", default="")
OIDC_SCOPES = env("OIDC_SCOPES", default="openid profile email")
# The claim carrying the fiscal number ("TINIT-" + code), as the SPID/CIE attribute registry names it.
OIDC_FISCAL_NUMBER_CLAIM = env("OIDC_FISCAL_NUMBER_CLAIM", default="https://attributes.eid.gov.it/fiscal_number")
# The authorization request names the button pressed ("spid" or "cie") in this parameter; the proxy decides.
OIDC_IDP_HINT_PARAM = env("OIDC_IDP_HINT_PARAM", default="idp_hint")
OIDC_ACR_VALUES = env("OIDC_ACR_VALUES", default="")  # e.g. https://www.spid.gov.it/SpidL2
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)  # seconds, for each call to the provider
OIDC_ID_TOKEN_ALGORITHMS = ["RS256"]
# A comune with its own client at the proxy: OIDC_CLIENT_ID__<SLUG> and OIDC_CLIENT_SECRET__<SLUG>.
OIDC_COMUNE_CLIENTS = {
    name.removeprefix("OIDC_CLIENT_ID__").lower(): {
        "client_id": value,
        "client_secret": env(f"OIDC_CLIENT_SECRET__{name.removeprefix('OIDC_CLIENT_ID__')}", default=""),
    }
    for name, value in sorted(env.ENVIRON.items())
    if name.startswith("OIDC_CLIENT_ID__") and value
}

LANGUAGE_CODE = "it"
LANGUAGES = [("it", "Italiano"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Signed agreements (PDF): outside MEDIA_ROOT, never served by the web server; only the
# agreement's view hands them out, to the people allowed (tenants/firms/views.py).
FIRMS_PRIVATE_ROOT = env.path("FIRMS_PRIVATE_ROOT", default=BASE_DIR / ".data" / "private")
FIRMS_DOCUMENT_MAX_BYTES = env.int("FIRMS_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Uploaded files (hub photos, MEDIA_ROOT/<schema>/hubs/) served by Django itself: `make run` and
# the tests. In production nginx serves MEDIA_ROOT (deploy/nginx.conf, README "Production").
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache keys carry the schema, so one comune never reads another's entries.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}
        if env("REDIS_URL", default="")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CACHES["default"]["KEY_FUNCTION"] = "django_tenants.cache.make_key"
CACHES["default"]["REVERSE_KEY_FUNCTION"] = "django_tenants.cache.reverse_key"
# Sessions live in the public schema and are shared by every host of the union: their
# cached copies must not be keyed by the comune, or signing out on one host would
# leave the session alive in another host's cache.
CACHES["sessions"] = {k: v for k, v in CACHES["default"].items() if "KEY_FUNCTION" not in k}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"
# Request rates and daily quotas count a client across every comune: keys without the schema.
CACHES["throttle"] = {**CACHES["sessions"], "KEY_PREFIX": "throttle"}

# --- No guessing, no flooding (docs/security.md) ---
# The client's address: behind our proxy (HTTPS=1) from X-Forwarded-For, which deploy/nginx.conf
# overwrites with the address it sees, so a client cannot choose it; otherwise the socket's.
TRUST_X_FORWARDED_FOR = env.bool("TRUST_X_FORWARDED_FOR", default=HTTPS)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUST_X_FORWARDED_FOR else ("REMOTE_ADDR",)
)
# Exactly one address in the header (the proxy's own): a longer chain is not ours, and falls back to REMOTE_ADDR.
AXES_IPWARE_PROXY_COUNT = 0 if TRUST_X_FORWARDED_FOR else None
# Sign-in lockout (django-axes, tenants/identity/lockout.py), counted in the public schema:
# - one account from one address: AXES_FAILURE_LIMIT failures lock that pair;
# - one account from anywhere: LOCKOUT_ACCOUNT_FAILURE_LIMIT failures lock the account
#   (a guess spread over many addresses), higher so one pest does not lock a person out quickly;
# - one address on any account: LOCKOUT_ADDRESS_FAILURE_LIMIT failures lock the address
#   (spraying), highest because a school or a library shares one address.
# Failures count for AXES_COOLOFF_TIME after the last one; a sign-in that succeeds clears the pair and the account.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_FAILURE_LIMIT = env.int("LOCKOUT_FAILURE_LIMIT", default=5)
LOCKOUT_ACCOUNT_FAILURE_LIMIT = env.int("LOCKOUT_ACCOUNT_FAILURE_LIMIT", default=20)
LOCKOUT_ADDRESS_FAILURE_LIMIT = env.int("LOCKOUT_ADDRESS_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOCKOUT_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
# Tries while locked out are refused without being counted: the time the page gives stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "tenants.identity.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "tenants.identity.lockout.lockout_response"
# The form's field is "username" (the e-mail); the same address in any case is one account.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "tenants.identity.lockout.attempted_username"
# Failures are kept only while they count; successful sign-ins are not logged (personal data).
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False  # shown in the union admin instead (tenants/union/admin.py)
AXES_VERBOSE = False

# Second factor of staff (tenants/identity/second_factor.py, docs/security.md): wrong codes in a
# row lock the verification for the cool-off after the last one (django-otp's own delays, 1, 2,
# 4 … seconds, come on top); staff sessions end after this many minutes without a request.
SECOND_FACTOR_FAILURE_LIMIT = env.int("SECOND_FACTOR_FAILURE_LIMIT", default=5)
SECOND_FACTOR_COOLOFF = timedelta(minutes=env.int("SECOND_FACTOR_COOLOFF_MINUTES", default=15))
STAFF_IDLE_TIMEOUT_MINUTES = env.int("STAFF_IDLE_TIMEOUT_MINUTES", default=30)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default=UNION_NAME)
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Request rates (DRF throttles and tenants/identity/throttling.py for plain views), per client
# across every comune: "number/period" with period s, min, h or day. Every one can be set
# from the environment as THROTTLE_<SCOPE>, e.g. THROTTLE_ANON=30/min.
THROTTLE_RATES = {
    scope: env(f"THROTTLE_{scope.upper()}", default=rate)
    for scope, rate in {
        "anon": "60/min",  # any API request without an account, per address
        "user": "120/min",  # any API request with an account, per account
        "signup": "20/h",  # new accounts, per address (a class signing up together in a library)
        "password_reset": "10/h",  # reset e-mails asked, per address
        "password_reset_email": "3/h",  # reset e-mails sent to one address
        "email_link": "10/h",  # e-mail sign-in links asked, per address
        "appointment_anon": "10/h",  # appointments booked without an account, per address
        "check_in": "30/min",  # check-in by code, per account (operators) or address
    }.items()
}
# Appointments without an account: the slot is held this long, until the link in the e-mail confirms it,
# and one e-mail address or one client address holds at most this many a day across the union.
APPOINTMENT_HOLD_MINUTES = env.int("APPOINTMENT_HOLD_MINUTES", default=15)
APPOINTMENT_ANON_DAILY_LIMIT = env.int("APPOINTMENT_ANON_DAILY_LIMIT", default=3)

# Celery (config/celery.py): each task carries its comune's schema (tenant-schemas-celery);
# beat sends the periodic jobs to every comune each minute (config/beat.py). Production
# only: `make run` runs the same jobs with `run_comune_jobs --every 60` (and the outbox
# alone every 2 s), without Redis.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or env("REDIS_URL", default="") or "redis://127.0.0.1:6379/0"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True  # the jobs write their effects; nobody waits for a return value
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "config.beat:ComuniScheduler"
# With a broker (production), a committed outbox message is drained at once by the task
# `outbox.drain` (src/outbox/tasks.py), not at the next minute's round; `make run` has none
# and drains every few seconds instead (config/devserver.py).
OUTBOX_CELERY = env.bool(
    "OUTBOX_CELERY", default=bool(env("CELERY_BROKER_URL", default="") or env("REDIS_URL", default=""))
)
# Sent messages are deleted this many days after sending (the comune job `outbox_purged`):
# their payloads can name people. Failed ones stay until someone has looked at them.
OUTBOX_SENT_RETENTION_DAYS = env.int("OUTBOX_SENT_RETENTION_DAYS", default=30)
from celery.schedules import crontab  # noqa: E402 - beside the schedule that uses it

CELERY_BEAT_SCHEDULE = {
    # One message per comune and minute; a round still queued after 55 s is dropped, not piled up.
    "comune-jobs": {"task": "common.comune_jobs_run", "schedule": 60.0, "options": {"expires": 55}},
    # Union-level, once in the public schema: the reporting rollups (tenants/reporting/README.md).
    "reporting-rollups": {
        "task": "reporting.rollups_refresh",
        "schedule": 300.0,
        "options": {"expires": 290},
        "tenant_schemas": ["public"],
    },
    "reporting-rollups-full": {
        "task": "reporting.rollups_refresh",
        "schedule": crontab(hour=3, minute=20),
        "kwargs": {"full": True},
        "tenant_schemas": ["public"],
    },
}

# --- Sensors (src/sensors): readings over MQTT, ingested by `manage.py sensors_ingest` ---
# The broker; user and password in the URL for the ingestion's own account (deploy/mosquitto/).
MQTT_URL = env("MQTT_URL", default="mqtt://127.0.0.1:1883")
SENSORS_TOPIC = env("SENSORS_TOPIC", default="+/+/+/+")  # <comune>/<hub>/<space>/<device>
SENSORS_RAW_RETENTION_DAYS = env.int("SENSORS_RAW_RETENTION_DAYS", default=30)
# EN 16798-1 puts 1000 ppm between categories I/II and III; above it for this long, operators are told.
SENSORS_CO2_ALERT_PPM = env.float("SENSORS_CO2_ALERT_PPM", default=1000.0)
SENSORS_ALERT_MINUTES = env.int("SENSORS_ALERT_MINUTES", default=10)
# A reading older than the newest by more than this, or this far in the future, is dropped as out of range.
SENSORS_MAX_AGE_HOURS = env.int("SENSORS_MAX_AGE_HOURS", default=48)
SENSORS_RECENT_MINUTES = env.int("SENSORS_RECENT_MINUTES", default=15)  # newer than this is "adesso"

# --- Notification channels (src/outbox/channels/): e-mail, App IO, web push ---
APP_IO_URL = env("APP_IO_URL", default="https://api.io.pagopa.it/api/v1").rstrip("/")
APP_IO_TIMEOUT = env.float("APP_IO_TIMEOUT", default=10.0)
# One service key per comune, from the environment only: APP_IO_KEY__CESENA=..., never committed.
APP_IO_KEYS = {
    name.removeprefix("APP_IO_KEY__").lower().replace("_", "-"): value
    for name, value in sorted(env.ENVIRON.items())
    if name.startswith("APP_IO_KEY__") and value
}
# The comune's fiscal code as pagoPA payee, per comune: APP_IO_PAYEE__CESENA=00143280402.
APP_IO_PAYEES = {
    name.removeprefix("APP_IO_PAYEE__").lower().replace("_", "-"): value
    for name, value in sorted(env.ENVIRON.items())
    if name.startswith("APP_IO_PAYEE__") and value
}
# Web push (VAPID, RFC 8292): the private key (PEM or base64url raw) and the contact.
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY", default="")
VAPID_PUBLIC_KEY = env("VAPID_PUBLIC_KEY", default="")
VAPID_SUBJECT = env("VAPID_SUBJECT", default=f"mailto:hub@{UNION_DOMAIN}")

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"hub@{UNION_DOMAIN}")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Explicit, though it is Django's default: other hosts of the union get only the origin.
SECURE_REFERRER_POLICY = "same-origin"
# One sign-in for all comuni when the union domain can carry a shared cookie
# (browsers refuse a cookie for the bare "localhost").
SESSION_COOKIE_DOMAIN = ("." + UNION_DOMAIN) if "." in UNION_DOMAIN else None
CSRF_TRUSTED_ORIGINS = [f"{'https' if HTTPS else 'http'}://*.{UNION_DOMAIN}"] if "." in UNION_DOMAIN else []
# Under /api/ a CSRF refusal is the API's JSON error; elsewhere Django's page (config/api.py).
CSRF_FAILURE_VIEW = "config.api.csrf_failure"

# --- Content-Security-Policy (django-csp 4, docs/security.md "What a page may load") ---
# Everything comes from our own origin: no inline script, style or handler; the few inline
# elements (JSON data blocks) carry the response's nonce, which differs on every response.
from csp.constants import NONCE, NONE, SELF  # noqa: E402 - beside the policy that uses them


def _union_hosts() -> list[str]:
    """The union's hosts as CSP sources: forms on one host may end on another (the sign-in
    passes through the union and back; sign-out everywhere)."""
    hosts = [UNION_DOMAIN, f"*.{UNION_DOMAIN}", *EXTRA_HOSTS]
    if HTTPS:
        return [f"https://{host}" for host in hosts]
    return [f"http://{host}:*" for host in hosts]  # any port: a developer's runserver, the tests' live server


def _origin(url: str) -> str | None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# Where a form may send the browser, redirects after the post included (Chromium checks them):
# our hosts, the SPID/CIE proxy (linking an identity posts, then goes to the provider), and
# CSP_FORM_ACTION_EXTRA (e.g. a payment provider's checkout). The OAuth consent page adds the
# app's own redirect URI (tenants/identity/oauth.py).
FORM_ACTION_SOURCES = [
    SELF,
    *_union_hosts(),
    *sorted({o for o in (_origin(OIDC_ISSUER), _origin(OIDC_DISCOVERY_URL)) if o}),
    *env.list("CSP_FORM_ACTION_EXTRA", default=[]),
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # The one inline style element we cannot move: the YouTube tech of Video.js, in Bootstrap
        # Italia's bundle, writes it as the bundle loads (its text is fixed, so its hash is).
        "style-src": [SELF, NONCE, "'sha256-2irhcufRPQSZQZlPcQHSTEybF70/fg05aUNPkk/YE0Y='"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],  # Video.js's icon font is a data: URL inside bootstrap-italia.min.css
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": FORM_ACTION_SOURCES,
        **({"upgrade-insecure-requests": True} if HTTPS else {}),
    },
}
# Browser features no page of ours uses are off for every page and anything embedded in it;
# payments stay possible on our own pages (the Payment Request API for paid bookings).
PERMISSIONS_POLICY = env(
    "PERMISSIONS_POLICY",
    default="camera=(), microphone=(), geolocation=(), payment=(self), usb=()",
)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # A bearer token (the app) first, then the browser's session: the first one's challenge
    # makes a missing or refused credential a 401 with `WWW-Authenticate: Bearer`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.identity.bearer.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # JSON bounded in depth and numbers (a 400, never a RecursionError or an overflow).
    "DEFAULT_PARSER_CLASSES": [
        "src.common.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # ?limit= is capped (max_limit): an enormous one overflowed SQL's LIMIT.
    "DEFAULT_PAGINATION_CLASS": "src.common.pagination.CappedLimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_THROTTLE_CLASSES": [
        "tenants.identity.throttling.AnonThrottle",
        "tenants.identity.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": THROTTLE_RATES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hub di comunità - Unione Valle del Savio",
    "DESCRIPTION": "API of a comune's community hubs (one comune per subdomain).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Several models have a `state`: name each set of choices, or the schema gets "State1e8Enum".
    "ENUM_NAME_OVERRIDES": {
        "BookingStateEnum": "src.bookings.models.Booking.State",
        "WaitlistStateEnum": "src.bookings.models.WaitlistEntry.State",
    },
}

# The citizens' app signs in with OAuth 2.0 (django-oauth-toolkit) on the union site: the
# authorization code grant with PKCE (S256) for a public client, short access tokens and
# rotating refresh tokens. Tokens are stored hashed. See README, "The app".
from django.utils.translation import gettext_lazy as _  # noqa: E402 - scope descriptions shown on the consent page

# Private-use URI schemes of the native apps' redirect URIs (RFC 8252), comma-separated.
OAUTH_APP_SCHEMES = env.list("OAUTH_APP_SCHEMES", default=["it.unionevallesavio.hub"])
OAUTH2_PROVIDER = {
    "SCOPES": {
        # The scope names are in tenants/identity/oauth.py; the API's views ask for them.
        "read": _("vedere i tuoi dati: prenotazioni, appuntamenti e iscrizioni agli eventi in ogni comune"),
        "bookings": _("prenotare e annullare a tuo nome: postazioni, sale, appuntamenti, eventi"),
        "profile": _("vedere il tuo profilo: nome, e-mail, codice fiscale, telefono, comune di residenza"),
        "export": _("scaricare una copia di tutti i tuoi dati"),
    },
    "DEFAULT_SCOPES": ["read"],
    "PKCE_REQUIRED": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,  # a month without opening the app: sign in again
    "ROTATE_REFRESH_TOKEN": True,
    # A refresh token used twice (stolen and replayed) revokes every token descended from it.
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # Consent once: while the person holds a valid token for the same scopes, no second page.
    "REQUEST_APPROVAL_PROMPT": "auto",
    # Plain http only for local runs (loopback redirects of a developer's client).
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", *OAUTH_APP_SCHEMES] + ([] if HTTPS else ["http"]),
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["none", "client_secret_basic"],
    # RFC 9700 (OAuth 2.0 Security BCP): no implicit or password grant, S256 only, tokens
    # never in a URL, `iss` in the authorization response, tokens hashed at rest; and
    # `check --deploy` fails rather than warns if a setting above drifts from it.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": HTTPS,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}

# Logs go to standard output, each record with its request id and comune; one JSON object a
# line behind HTTPS (for the log collector), plain text on a developer's machine.
LOG_FORMAT = env("LOG_FORMAT", default="json" if HTTPS else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "src.common.observability.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(comune)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(comune)s %(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# Prometheus metrics at /metrics, only for a scraper presenting this bearer token (off when unset).
METRICS_TOKEN = env("METRICS_TOKEN", default="")

# Personal data that no account holder manages (appointments, front-desk bookings for people
# without an account) is anonymised this many months after the fact (src/common/retention.py);
# the privacy notice states it.
GDPR_RETENTION_MONTHS = env.int("GDPR_RETENTION_MONTHS", default=24)

SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from config.sentry import init_sentry

    SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
    # Performance tracing: a sample of requests, by environment unless set explicitly.
    SENTRY_TRACES_SAMPLE_RATE = env.float(
        "SENTRY_TRACES_SAMPLE_RATE", default={"production": 0.05, "staging": 0.5}.get(SENTRY_ENVIRONMENT, 0.0)
    )
    init_sentry(SENTRY_DSN, environment=SENTRY_ENVIRONMENT, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE)

# Payments (src/payments, docs/payments.md). Stripe: destination charges to each creditor's
# Connect account; one webhook endpoint on the union's site for the platform's and the
# connected accounts' events, each with its own signing secret. STRIPE_API_BASE points the
# SDK elsewhere (tests' local server); empty is Stripe's own.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_CONNECT_WEBHOOK_SECRET = env("STRIPE_CONNECT_WEBHOOK_SECRET", default="")
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
# pagoPA: GPD (debt positions), GPD payments (receipts), Checkout v2 (cart). Each creditor's
# subscription keys come from PAGOPA_<KEY NAME>_GPD_KEY and PAGOPA_<KEY NAME>_CHECKOUT_KEY
# (the creditor's "nome delle chiavi"), else PAGOPA_GPD_KEY and PAGOPA_CHECKOUT_KEY.
PAGOPA_GPD_URL = env("PAGOPA_GPD_URL", default="https://api.platform.pagopa.it/gpd/debt-positions-service/v1")
PAGOPA_GPD_PAYMENTS_URL = env(
    "PAGOPA_GPD_PAYMENTS_URL", default="https://api.platform.pagopa.it/gpd/payments-receipts-service/v1"
)
PAGOPA_CHECKOUT_URL = env("PAGOPA_CHECKOUT_URL", default="https://api.platform.pagopa.it/checkout/ec/v2")
PAGOPA_TIMEOUT = env.float("PAGOPA_TIMEOUT", default=10.0)
# Paying leaves, after the form's post, for the provider's own checkout page: its origin must be a
# form-action of the Content-Security-Policy (the list above, shared by reference).
if STRIPE_SECRET_KEY:
    FORM_ACTION_SOURCES.append("https://checkout.stripe.com")
FORM_ACTION_SOURCES.append(env("PAGOPA_CHECKOUT_PAGE_ORIGIN", default="https://checkout.pagopa.it"))

# Union-wide reporting (tenants/reporting): queries run as the read-only role
# "hub_reporting"; "auto" reads live SQL across the comuni's schemas for a few
# comuni and the rollup tables (manage.py reporting_refresh) for many.
REPORTING_SOURCE = env("REPORTING_SOURCE", default="auto")
REPORTING_LIVE_MAX_COMUNI = env.int("REPORTING_LIVE_MAX_COMUNI", default=20)
if env("REPORTING_DATABASE_URL", default=""):
    # A read replica for the reports; its login role must be a member of hub_reporting.
    DATABASES["reporting"] = env.db("REPORTING_DATABASE_URL")
    DATABASES["reporting"]["TEST"] = {"MIRROR": "default"}

# Web push: the public key browsers subscribe with is the sending channel's VAPID_PUBLIC_KEY (above);
# without it no page offers push notifications.
WEBPUSH_VAPID_PUBLIC_KEY = VAPID_PUBLIC_KEY
