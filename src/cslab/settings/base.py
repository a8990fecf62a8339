"""Settings read from the environment; production is this module plus the environment.

Every variable is documented in `.env.example`. Integrations switch on when their variable
is set (REDIS_URL, AWS_STORAGE_BUCKET_NAME, OIDC_SERVER_URL).
"""

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cslab.settings.paths import PACKAGE_DIR, VAR_DIR, env
from cslab.settings.secret import secret_key_from_environment

VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
# Demo mode serves a local, production-like site without asking for a secret or HTTPS.
DEMO = env.bool("CSLAB_DEMO", default=False)
# How many observations `cslab demo` spreads over the three demo forms.
DEMO_OBSERVATIONS = env.int("CSLAB_DEMO_OBSERVATIONS", default=5000)
# Check published XLSForms with ODK Validate (JavaRosa): true, false, or unset (when Java is there).
XLSFORM_ODK_VALIDATE = env.bool("XLSFORM_ODK_VALIDATE", default=None)
# What one published XLSForm may hold (anyone who starts a project may publish): real forms are
# a few hundred KB and a few thousand rows; each limit is checked before the expensive work.
XLSFORM_MAX_BYTES = env.int("XLSFORM_MAX_BYTES", default=5 * 1024 * 1024)
XLSFORM_MAX_ROWS = env.int("XLSFORM_MAX_ROWS", default=10_000)
XLSFORM_MAX_EXPRESSION_LENGTH = env.int("XLSFORM_MAX_EXPRESSION_LENGTH", default=5_000)
# A form with more rows than this (all sheets together), and every form when ODK Validate runs,
# is converted and published by a background job rather than in the web request.
XLSFORM_INLINE_MAX_ROWS = env.int("XLSFORM_INLINE_MAX_ROWS", default=1_000)
# Files attached to a hub resource: the largest one in bytes, and how many one resource may hold.
HUB_MAX_FILE_BYTES = env.int("HUB_MAX_FILE_BYTES", default=20 * 1024 * 1024)
HUB_MAX_FILES_PER_RESOURCE = env.int("HUB_MAX_FILES_PER_RESOURCE", default=10)
HTTPS = env.bool("CSLAB_HTTPS", default=not (DEBUG or DEMO))

SECRET_KEY = secret_key_from_environment(
    env.str("SECRET_KEY", default=""),
    generate_into=VAR_DIR / "secret_key",
    may_generate=DEBUG or DEMO,
)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = [origin for origin in env.list("CSRF_TRUSTED_ORIGINS", default=[]) if origin]
# The site's public address and name: every absolute link in e-mails and feeds starts with
# SITE_URL, and e-mails name the site SITE_NAME; Django's Site row follows both (core.site).
# Without SITE_URL in the environment, `cslab serve` and `cslab demo --serve` set it from
# their --host and --port, so links point where the site runs.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SITE_NAME = env.str("SITE_NAME", default="cslab — Citizen Science Lab")
# The address the privacy notice gives for questions and requests about personal data.
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", default="")
# Cookie-free page-view counts (cslab.privacy.analytics): one UPDATE per HTML page view.
PAGE_VIEW_COUNTING = env.bool("PAGE_VIEW_COUNTING", default=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django_htmx",
    "js_lib_htmx",
    "js_lib_leaflet",
    "js_lib_bootstrap5",  # Reboot, the CSS foundation cslab.css builds on
    "ninja",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "cslab.core",
    "cslab.accounts",
    "cslab.projects",
    "cslab.ppsr",
    "cslab.questions",
    "cslab.collection",
    "cslab.forms",
    "cslab.observations",
    "cslab.media",
    "cslab.consensus",
    "cslab.openrosa",
    "cslab.notifications",
    "cslab.classification",
    "cslab.hub",
    "cslab.events",
    "cslab.training",
    "cslab.consent",
    "cslab.participants",
    "cslab.privacy",
    "cslab.impact",
    "cslab.exports",
    "cslab.api",
]

MIDDLEWARE = [
    "cslab.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cslab.accounts.sessions.SessionLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cslab.core.middleware.TimeZoneMiddleware",
    "cslab.core.middleware.DomainErrorMiddleware",
    "cslab.privacy.analytics.PageViewCountMiddleware",
]

ROOT_URLCONF = "cslab.urls"
WSGI_APPLICATION = "cslab.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cslab.core.context_processors.navigation",
                "cslab.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another engine.
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'cslab.sqlite3'}"
_SUPPORTED_DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql", "psql")
if DATABASE_URL.split(":", 1)[0] not in _SUPPORTED_DATABASE_SCHEMES:
    raise ImproperlyConfigured(
        f"DATABASE_URL has an unsupported scheme {DATABASE_URL.split(':', 1)[0]!r}; "
        "use sqlite:///path or postgres://user@host:port/name"
    )
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE avoids upgrade deadlocks.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    INSTALLED_APPS.append("django_rq")  # the RQ task backend and `rqworker` live there

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # A file cache is shared by all processes on one machine (login throttling needs that).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

from cslab.settings.accounts import *  # noqa: E402, F403
from cslab.settings.logging import *  # noqa: E402, F403
from cslab.settings.security import *  # noqa: E402, F403
from cslab.settings.storage import *  # noqa: E402, F403
from cslab.settings.tasks import *  # noqa: E402, F403

# Every e-mail's subject (allauth's, notifications', invitations') starts with the site's name.
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

# The form builder posts about 19 fields per question: Django's default of 1,000 fields stopped a
# form at about 50 questions. 10,000 fits the builder's own limit of 300 questions with room for
# their choices, and is still a bound on what one request may make the server parse.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

STATIC_URL = "static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
# The sender's name is the site's, as in the subjects.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f'"{SITE_NAME}" <noreply@localhost>')
SERVER_EMAIL = DEFAULT_FROM_EMAIL

NINJA_PAGINATION_PER_PAGE = 50

# Covering indexes (INCLUDE columns) speed up the map on PostgreSQL; SQLite builds the same
# indexes on their key columns, which is what models.W040 warns about.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "models.W040"]  # noqa: F405
