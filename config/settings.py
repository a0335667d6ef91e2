"""Settings for every environment, driven by environment variables (see README)."""

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
    "tenants.comuni",
    "tenants.identity",
    "tenants.union",
    "tenants.reporting",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, not a CDN
    "bootstrap_italia_template",
]

TENANT_APPS = [
    "django.contrib.admin",
    "django.contrib.contenttypes",
    "src.portal",
    "src.hubs",
    "src.desks",
    "src.bookings",
    "src.events",
]

INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]
# Benchmarks only: the plain-DRF floor that `python -m bench booking_path` sets the real
# endpoints beside (bench/floor/). Only the benchmark's gunicorn gets BENCH_FLOOR=1.
BENCH_FLOOR = env.bool("BENCH_FLOOR", default=False)
if BENCH_FLOOR:
    INSTALLED_APPS.append("bench.floor")

TENANT_MODEL = "comuni.Municipality"
TENANT_DOMAIN_MODEL = "comuni.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
# New comuni are cloned from this schema, kept migrated by `provision_union`/`migrate_comuni`:
# cloning is several times faster than running every migration (README, "Onboarding").
TENANT_BASE_SCHEMA = "comune_template"
TENANT_CREATION_FAKES_MIGRATIONS = env.bool("TENANT_CLONE_TEMPLATE", default=True)
# TENANT_LIMIT_SET_CALLS stays off: it has an open bug returning another tenant's rows.

MIDDLEWARE = [
    "tenants.comuni.middleware.MunicipalityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.identity.middleware.UnionSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

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

# Celery (config/celery.py): each task carries its comune's schema (tenant-schemas-celery);
# beat sends the periodic jobs to every comune each minute (config/beat.py). Production
# only: `make run` runs the same jobs with `run_booking_jobs --every 60`, without Redis.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or env("REDIS_URL", default="") or "redis://127.0.0.1:6379/0"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True  # the jobs write their effects; nobody waits for a return value
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "config.beat:ComuniScheduler"
from celery.schedules import crontab  # noqa: E402 - beside the schedule that uses it

CELERY_BEAT_SCHEDULE = {
    # One message per comune and minute; a round still queued after 55 s is dropped, not piled up.
    "comune-jobs": {"task": "bookings.comune_jobs_run", "schedule": 60.0, "options": {"expires": 55}},
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
# One sign-in for all comuni when the union domain can carry a shared cookie
# (browsers refuse a cookie for the bare "localhost").
SESSION_COOKIE_DOMAIN = ("." + UNION_DOMAIN) if "." in UNION_DOMAIN else None
CSRF_TRUSTED_ORIGINS = [f"{'https' if HTTPS else 'http'}://*.{UNION_DOMAIN}"] if "." in UNION_DOMAIN else []

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from config.sentry import init_sentry

    init_sentry(SENTRY_DSN, environment=env("SENTRY_ENVIRONMENT", default="production"))

# Union-wide reporting (tenants/reporting): queries run as the read-only role
# "hub_reporting"; "auto" reads live SQL across the comuni's schemas for a few
# comuni and the rollup tables (manage.py reporting_refresh) for many.
REPORTING_SOURCE = env("REPORTING_SOURCE", default="auto")
REPORTING_LIVE_MAX_COMUNI = env.int("REPORTING_LIVE_MAX_COMUNI", default=20)
if env("REPORTING_DATABASE_URL", default=""):
    # A read replica for the reports; its login role must be a member of hub_reporting.
    DATABASES["reporting"] = env.db("REPORTING_DATABASE_URL")
    DATABASES["reporting"]["TEST"] = {"MIRROR": "default"}
