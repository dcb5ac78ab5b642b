"""Settings for blogsync, read from the environment.

Every variable is optional on a developer's machine. In production (BLOGSYNC_DEBUG off)
SECRET_KEY must be set, and DATABASE_URL selects PostgreSQL. See docs/deploy.md.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from blogsync.envvars import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("BLOGSYNC_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("BLOGSYNC_DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string, or set "
            "BLOGSYNC_DEBUG=true for local development."
        )
    # Local development only: a fixed, clearly unsafe key is acceptable because
    # DEBUG must be on to reach this line.
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The public address of the hub, used in links inside emails, feeds and embeds that
# are read away from any request.
SITE_URL = env_str("BLOGSYNC_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "blogsync.syncs",
    "blogsync.embeds",
    "blogsync.fetching",
    "blogsync.mentions",
    "blogsync.following",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "blogsync.mentions.middleware.advertise_endpoints",
]

ROOT_URLCONF = "blogsync.urls"
# Only coordinators log in, and they do so through the admin.
LOGIN_URL = "admin:login"
WSGI_APPLICATION = "blogsync.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "blogsync" / "templates"],
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

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'blogsync.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The project-wide stylesheet lives outside any app, so the finders need its folder.
STATICFILES_DIRS = [BASE_DIR / "blogsync" / "static"]
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

TASKS = {
    "default": {
        "BACKEND": env_str("BLOGSYNC_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Mail: SMTP by default; `make run` writes messages to files under var/mail instead.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "blogsync <hub@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Sign-up confirmation links stop working after this many seconds.
BLOGSYNC_CONFIRMATION_MAX_AGE = env_int("BLOGSYNC_CONFIRMATION_MAX_AGE", 3 * 24 * 3600, minimum=60)
# A sign-up gets another confirmation email only when its last one was queued at
# least this many seconds ago, so that repeated forms cannot flood an inbox.
BLOGSYNC_CONFIRMATION_RESEND_SECONDS = env_int(
    "BLOGSYNC_CONFIRMATION_RESEND_SECONDS", 600, minimum=0
)

# A worker that dies while sending leaves outbox rows marked "sending". Another
# delivery takes them over after this many seconds, so it must exceed EMAIL_TIMEOUT.
BLOGSYNC_MAIL_LEASE_SECONDS = env_int("BLOGSYNC_MAIL_LEASE_SECONDS", 600, minimum=1)

# The safe fetcher refuses loopback and other non-public addresses. Tests and local
# development may allow loopback; `manage.py check --deploy` warns when this is on.
BLOGSYNC_FETCH_ALLOW_LOOPBACK = env_bool("BLOGSYNC_FETCH_ALLOW_LOOPBACK", False)
# How many feeds or links are fetched at once by the periodic tasks.
BLOGSYNC_FETCH_WORKERS = env_int("BLOGSYNC_FETCH_WORKERS", 8, minimum=1)
# A writer is emailed once when their feed has failed this many polls in a row.
BLOGSYNC_FEED_FAILURES_BEFORE_NOTICE = env_int(
    "BLOGSYNC_FEED_FAILURES_BEFORE_NOTICE", 3, minimum=1
)
# An entry's link counts as dead after this many failed checks in a row.
BLOGSYNC_LINK_FAILURES_BEFORE_DEAD = env_int("BLOGSYNC_LINK_FAILURES_BEFORE_DEAD", 3, minimum=1)

# The entry form reads a post's title from its page: each client address may ask for
# this many titles a minute, and a page that takes longer than this many seconds is
# given up on.
BLOGSYNC_TITLE_LOOKUPS_PER_MINUTE = env_int("BLOGSYNC_TITLE_LOOKUPS_PER_MINUTE", 10, minimum=1)
BLOGSYNC_TITLE_LOOKUP_TIMEOUT = env_int("BLOGSYNC_TITLE_LOOKUP_TIMEOUT", 5, minimum=1)

# Public pages may be cached by any HTTP cache in front of the hub for this long.
BLOGSYNC_PUBLIC_CACHE_SECONDS = env_int("BLOGSYNC_PUBLIC_CACHE_SECONDS", 60, minimum=0)

# Mentions (Webmention, Pingback): requests counted per client address and per source
# host in fixed windows of this many seconds; 0 turns a limit off.
BLOGSYNC_MENTION_RATE_WINDOW = env_int("BLOGSYNC_MENTION_RATE_WINDOW", 3600, minimum=1)
BLOGSYNC_MENTION_LIMIT_PER_CLIENT = env_int("BLOGSYNC_MENTION_LIMIT_PER_CLIENT", 60, minimum=0)
BLOGSYNC_MENTION_LIMIT_PER_HOST = env_int("BLOGSYNC_MENTION_LIMIT_PER_HOST", 20, minimum=0)
# A mentioned post on the blog of a writer signed up for the topic goes straight into
# the list instead of waiting for a coordinator.
BLOGSYNC_MENTION_AUTO_APPROVE_OWN_BLOG = env_bool("BLOGSYNC_MENTION_AUTO_APPROVE_OWN_BLOG", False)
# Pingbacks are verified during the request; the source fetch stops after this many seconds.
BLOGSYNC_PINGBACK_TIMEOUT = env_int("BLOGSYNC_PINGBACK_TIMEOUT", 5, minimum=1)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# HTTPS hardening; leave at 0/off when the reverse proxy sends HSTS and redirects.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BLOGSYNC_BEHIND_TLS_PROXY", False) else None
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "blogsync": {
            "handlers": ["console"],
            "level": env_str("BLOGSYNC_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        "django_tasks": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
