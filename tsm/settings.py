"""One settings module, read from the environment.

DATABASE_URL picks the database (SQLite by default); DEBUG, SECRET_KEY and
ALLOWED_HOSTS come from the environment too.  Helpers fail loudly on bad values.

Safe by default: DEBUG is off unless DEBUG=true, and then SECRET_KEY and
ALLOWED_HOSTS must be given; the site is served over HTTPS behind a front
server unless HTTPS=off.  scripts/demo.sh and scripts/test.sh ask for DEBUG.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be a boolean, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return default if not raw else int(raw)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def required(name: str, value, example: str):
    """A value production cannot run without: stop at start-up, naming it."""
    if not value:
        raise ImproperlyConfigured(
            f"{name} 未设置：DEBUG 关闭（生产模式）时必须设置 / {name} must be set when DEBUG is off, "
            f"e.g. {name}={example}  (or DEBUG=true for development)"
        )
    return value


DEBUG = env_bool("DEBUG", False)
if DEBUG:
    # Development only: a known key and the local hosts (the test client is "testserver").
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-secret-tsm"
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
else:
    SECRET_KEY = required("SECRET_KEY", os.environ.get("SECRET_KEY", "").strip(),
                          "$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')")
    ALLOWED_HOSTS = required("ALLOWED_HOSTS", env_list("ALLOWED_HOSTS"), "tsm.example.com")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Production is HTTPS behind a front server (nginx …) that sets
# X-Forwarded-Proto; HTTPS=off serves plain HTTP (an intranet without TLS, a
# local load test) and turns all of this off.
HTTPS = not DEBUG and env_bool("HTTPS", True)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    # Covers only the site's own subdomains; preload lets the owner of the
    # domain submit it to the browsers' list (nothing happens without that).
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_tasks_db",
    "tsm",
    "teams",
    "customers",
    "pipeline",
    "planning",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tsm.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # last, as django-axes asks: it turns a locked-out login into the lockout page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tsm.urls"
WSGI_APPLICATION = "tsm.wsgi.application"

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
                "django.template.context_processors.i18n",
                "tsm.context_processors.navigation",
            ],
            "builtins": ["tsm.templatetags.tsm"],
        },
    }
]
# Django's form templates, with the <select> written in Python (tsm.lib.forms).
FORM_RENDERER = "tsm.lib.forms.FormRenderer"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while an import writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "teams.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): 5 wrong passwords for one username from one
# address lock that pair for 15 minutes, so one person's typos do not lock out
# a whole office behind one NAT address, nor the same user elsewhere. Axes
# sits first and refuses a locked pair before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "teams.views.login_locked_out"
# The client's address. Behind PROXY_COUNT front servers, each appending the
# address it saw to X-Forwarded-For, the client is that many entries from the
# right; entries further left are whatever the client sent, so they are not
# trusted. Without front servers (0, the default) it is REMOTE_ADDR.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
if PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR"]
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1  # ipware counts the proxies listed inside the header
    IPWARE_STRICT = False  # a longer (client-forged) header still has the right entry at that place

# Argon2id first, as Django's documentation recommends (stronger against GPU
# guessing than PBKDF2), at OWASP's configuration (tsm.lib.hashers): 0.05 s
# of CPU per login instead of 0.34 s with Django's parameters or 0.62 s with
# PBKDF2 — 30 people signing in at nine o'clock queue behind it on two cores.
# Hashes made with the others still verify and are upgraded at the next login.
PASSWORD_HASHERS = [
    "tsm.lib.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
# Django's zh-hans formats print no thousands separator; ours do (tsm/formats)
# where a template asks for a number to be shown (the money, count and number
# filters). Not for every integer a template prints: a record's key in an id,
# a form value or a URL must stay "1282", never "1,282".
FORMAT_MODULE_PATH = ["tsm.formats"]
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
if not DEBUG:
    # collectstatic's staticfiles/ served by the application itself (runserver
    # serves the source folders while DEBUG is on)
    MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                      "whitenoise.middleware.WhiteNoiseMiddleware")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # compressed copies next to the files; no manifest, so a page never fails
    # for want of a collectstatic run
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "tsm.staticfinders.VendorFinder",  # plotly.js from the installed plotly package
]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Uploads: the workbook limit is enforced by the import form with a clear
# message; Django streams anything over 2.5 MB to a temporary file.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 1024 * 1024 * 1024)
IMPORT_MAX_MEMBERS = env_int("IMPORT_MAX_MEMBERS", 200)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }

# Background work (judging a large region again after an import, a threshold
# change or a new day) goes through Django's tasks API; django-tasks-db keeps
# the queue in the database and `manage.py db_worker` runs it (the demo
# command starts one beside the server). TASKS_BACKEND=immediate runs a task
# in the request that enqueues it (the tests).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if os.environ.get("TASKS_BACKEND") == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Mail of the plan's workflow (planning.notify): the console for the demo
# (DEBUG); otherwise SMTP at EMAIL_HOST:EMAIL_PORT, or the EMAIL_BACKEND named.
_EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend")
MAILERS = {"default": {
    "BACKEND": _EMAIL_BACKEND,
    "OPTIONS": ({"host": os.environ.get("EMAIL_HOST", "localhost"), "port": env_int("EMAIL_PORT", 25)}
                if _EMAIL_BACKEND.endswith("smtp.EmailBackend") else {}),
}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tsm@localhost")
# The address people open the application at: a mail's links are absolute
# on it (a mail client has no page to resolve a relative link against).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
