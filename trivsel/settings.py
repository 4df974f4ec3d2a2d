"""Trivsel settings: one module, driven by environment variables.

SQLite under DATA_DIR by default, so a fresh checkout just runs; DATABASE_URL selects
PostgreSQL in production. See README.md for every variable.
"""

from datetime import date
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from trivsel.core.env import env_bool, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("TRIVSEL_DATA_DIR", str(BASE_DIR / "data")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "trivsel.core.errors.csrf_failure"  # our own page, not Django's

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "mozilla_django_oidc",
    "trivsel.core",
    "trivsel.organisation",
    "trivsel.accounts",
    "trivsel.instruments",
    "trivsel.measurements",
    "trivsel.survey",
    "trivsel.results",
    "trivsel.cycle",
    "trivsel.reports",
    "trivsel.dialogue",
    "trivsel.support",
    "trivsel.apv",
    "trivsel.keyfigures",
    "trivsel.demo",
    "trivsel.bench",
]

MIDDLEWARE = [
    "trivsel.core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "trivsel.core.middleware.AnonymousBodyLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "trivsel.accounts.twofactor.SecondFactorMiddleware",
    "trivsel.core.audit.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "trivsel.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "trivsel.urls"
WSGI_APPLICATION = "trivsel.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "trivsel" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "trivsel.organisation.context_processors.access",
                "trivsel.accounts.context_processors.sign_in",
            ],
        },
    },
]

_sqlite_path = DATA_DIR / "trivsel.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{_sqlite_path}"),
        # Keep connections between requests (a new PostgreSQL connection per request
        # costs more than most of our views); checked before reuse.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; secure_delete zeroes what is
    # deleted (a closed measurement's tokens, sealing.py); IMMEDIATE avoids
    # "database is locked" on upgrade from a read to a write transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "trivsel.accounts.passwords.DanishCommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in. Local passwords (username and password kept here) suit a small installation; a
# municipality signs in with its own identity provider over OpenID Connect (Entra ID, AD FS;
# README "Sign-in"), and may then switch local passwords off.
LOCAL_PASSWORDS = env_bool("LOCAL_PASSWORDS", True)
# OpenID Connect (mozilla-django-oidc): on when a client id is set. Authorization code flow
# with PKCE; the ID token must be signed with RS256 by a key from the provider's JWKS.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
# The issuer the ID token must name (its `iss`; the discovery document's "issuer").
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER", "")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10, minimum=1)
# How a signed-in person is found in the employee register: the claim that carries the value
# (e.g. email, upn, or a claim with the employee number) and the register's field it is
# compared with ("email" or "number").
OIDC_MATCH_CLAIM = env_str("OIDC_MATCH_CLAIM", "email")
OIDC_MATCH_FIELD = env_str("OIDC_MATCH_FIELD", "email")
# Optional: a group (from the claim OIDC_GROUPS_CLAIM) whose members are HR administrators of
# the whole organisation. When set, the provider decides: membership gives the role at each
# sign-in, and someone no longer in the group loses it.
OIDC_HR_GROUP = env_str("OIDC_HR_GROUP", "")
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
# The text of the sign-in button ("Log ind med …"): the name people know the provider by.
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "")
LOGIN_REDIRECT_URL_FAILURE = "/login/?failed=provider"
AUTHENTICATION_BACKENDS = (
    ["trivsel.accounts.backends.RegisterModelBackend"] if LOCAL_PASSWORDS else []
) + (["trivsel.accounts.oidc.RegisterOIDCBackend"] if OIDC_ENABLED else [])
# HR administrators (and staff with the admin site) confirm each sign-in with a six-digit
# code from an authenticator app (TOTP, django-otp), whichever way they signed in.
SECOND_FACTOR_FOR_HR = env_bool("SECOND_FACTOR_FOR_HR", True)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Trivsel")

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
FORMAT_MODULE_PATH = ["trivsel.core.formats"]  # unambiguous English dates
LOCALE_PATHS = [BASE_DIR / "trivsel" / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "trivsel" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Background jobs (Django's tasks API). The database backend needs `manage.py db_worker`;
# TRIVSEL_TASKS_IMMEDIATE=1 runs them in the request instead (tests, tiny installs).
TASKS: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}
if env_bool("TRIVSEL_TASKS_IMMEDIATE", False):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The demo writes mail to files in the data folder; production sets the SMTP backend.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "trivsel@localhost")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
# The SMTP backend's server (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
SMS_GATEWAY = env_str("SMS_GATEWAY", "trivsel.survey.sms.LoggingSmsGateway")
# Anonymity (PRODUCT.md): the smallest group whose figures are shown, and for sensitive items.
RESULTS_MIN_GROUP = env_int("RESULTS_MIN_GROUP", 5, minimum=3, maximum=10)
RESULTS_MIN_GROUP_SENSITIVE = env_int("RESULTS_MIN_GROUP_SENSITIVE", 10, minimum=3, maximum=50)
RESULTS_MIN_GROUP_COMMENTS = env_int("RESULTS_MIN_GROUP_COMMENTS", 10, minimum=3, maximum=50)
# An import that would deactivate or close more than this share (%) of the active employees
# or open units is refused unless HR confirms the numbers (a broken export, not a reorganisation).
IMPORT_MASS_CHANGE_PERCENT = env_int("IMPORT_MASS_CHANGE_PERCENT", 10, minimum=0, maximum=100)
# A background job whose heartbeat is older than this has lost its worker: the clock puts it
# back on the queue (trivsel/core/jobs.py).
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 180, minimum=1)
# An SMTP server that stops answering must not hold a sending job for longer than that.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 60, minimum=1)
# Where the invitations send people to read how their data are processed (the
# municipality's privacy notice for the survey); and who answers questions about it.
PRIVACY_URL = env_str("PRIVACY_URL", "")
SURVEY_CONTACT = env_str("SURVEY_CONTACT", "")
# The dimension that key drivers are measured against ("an outcome such as job satisfaction").
RESULTS_DRIVER_OUTCOME = env_str("RESULTS_DRIVER_OUTCOME", "job_satisfaction")
# Days after the release that a unit's dialogue (meeting and plan) should be done by, when the
# measurement sets no dialogue deadline of its own.
DIALOGUE_WINDOW_DAYS = env_int("DIALOGUE_WINDOW_DAYS", 28, minimum=1, maximum=180)

# A work accident is reported through EASY when the absence beyond the day of the injury
# reaches this many days (BEK 941/2022: 1). Dated, because the rule may change (L 31,
# 2025-26 proposed 3 days from 1 July 2026): "FROM:DAYS,FROM:DAYS", e.g.
# Covid absence counts as own illness from this day (Aarhus: 2021-09-01); before it, it is
# kept apart, so the sickness absence before it is "without covid". Empty: always apart.
# See docs/keyfigures.md.
# How many complete months before this one a later import still recomputes; older months
# keep the figures they were shown with (HR can recompute them all, audited). See
# docs/keyfigures.md.
KEYFIGURES_REVISABLE_MONTHS = env_int("KEYFIGURES_REVISABLE_MONTHS", 2, minimum=0, maximum=120)
_covid_from = env_str("KEYFIGURES_COVID_AS_ILLNESS_FROM", "2022-01-01").strip()
KEYFIGURES_COVID_AS_ILLNESS_FROM = date.fromisoformat(_covid_from) if _covid_from else None

# EASY_ABSENCE_THRESHOLDS="2000-01-01:1,2026-07-01:3". See docs/apv.md.
EASY_ABSENCE_THRESHOLDS = [
    (date.fromisoformat(since.strip()), int(days))
    for since, days in (
        part.split(":")
        for part in env_str("EASY_ABSENCE_THRESHOLDS", "2000-01-01:1").split(",")
        if part.strip()
    )
]
SMS_LOG_FILE = env_str("SMS_LOG_FILE", str(DATA_DIR / "sms.log"))  # the logging gateway's
# Where respondents reach the app; personal links in e-mails, SMS and letters use it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind HTTPS (SECURE_COOKIES=1): plain HTTP is redirected and browsers are told to use only
# HTTPS for a year (HSTS). Whether the request came over HTTPS is read from the TLS proxy's
# X-Forwarded-Proto, believed only from TRUSTED_PROXIES (core/middleware.TrustedProxyMiddleware
# removes it, and X-Forwarded-For, from anyone else).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SESSION_COOKIE_SECURE)
SECURE_HSTS_SECONDS = env_int(
    "SECURE_HSTS_SECONDS", 365 * 24 * 3600 if SESSION_COOKIE_SECURE else 0, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reverse proxies in front of the app (addresses): the client's address is taken from
# X-Forwarded-For only when the request comes from one of them.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"])
# Every page may load scripts, styles, images and fonts from the app itself only: no inline
# script or style (the survey and every page work without inline code), no other sites, and
# no framing. The PDF reports' own <style> is read by WeasyPrint, not by a browser.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# HSTS preloading is a decision for whoever owns the municipality's domain, not the app.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)

# Retention (days; the clock deletes on schedule, docs/data-protection.md): the file mail
# backend's messages and the logging SMS gateway's lines; the HR files kept with an import
# after it ended; the raw responses after a measurement closed (one APV cycle; the stored
# results are kept).
RETAIN_MESSAGE_FILES_DAYS = env_int("RETAIN_MESSAGE_FILES_DAYS", 30, minimum=1)
RETAIN_IMPORT_FILES_DAYS = env_int("RETAIN_IMPORT_FILES_DAYS", 30, minimum=1)
RETAIN_RESPONSES_DAYS = env_int("RETAIN_RESPONSES_DAYS", 3 * 365, minimum=365)
RETAIN_AUDIT_DAYS = env_int("RETAIN_AUDIT_DAYS", 5 * 365, minimum=365)  # the audit log
# Wrong kiosk codes all kiosks together accept in an hour (each device also stops after 5 in
# 15 minutes): a bound on guessing from many devices at once.
KIOSK_WRONG_CODES_PER_HOUR = env_int("KIOSK_WRONG_CODES_PER_HOUR", 300, minimum=20)
# ... and those one client address accepts in an hour, whichever devices it claims to be (a
# site's tablets behind one NAT share it): one client alone cannot pause every kiosk.
KIOSK_WRONG_CODES_PER_ADDRESS = env_int("KIOSK_WRONG_CODES_PER_ADDRESS", 20, minimum=5)
# The largest body of a form anyone can send (survey, kiosk, login): a page of answers with
# a few 5,000-character comments is well below it.
ANONYMOUS_MAX_BODY = env_int("ANONYMOUS_MAX_BODY", 256 * 1024, minimum=64 * 1024)
# Largest upload of an HR file. 45,000 employees as CSV is ~5 MB, as XLSX ~3 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint (PDF reports) and fontTools narrate every step at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}
