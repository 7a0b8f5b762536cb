"""Base settings: SQLite under var/ by default, PostgreSQL through DATABASE_URL, French locale.

Everything that differs between machines comes from the environment (see README, « Configuration »).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = Path(__file__).resolve().parents[1]
VAR_DIR = Path(os.environ.get("ESMS_VAR_DIR", BASE_DIR / "var"))
SHARED_DATA_DIR = Path(os.environ.get("ESMS_SHARED_DATA", BASE_DIR.parent / "shared" / "data"))

SECRET_KEY = os.environ.get("ESMS_SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
DEBUG = os.environ.get("ESMS_DEBUG", "1") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("ESMS_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("ESMS_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "widget_tweaks",
    "dsfr",
    "django_htmx",
    "esms.comptes",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "esms.referentiel",
    "esms.candidatures",
    "esms.financement",
    "esms.seances",
    "esms.usages",
    "esms.bourse",
    "esms.referencement",
    "ninja",
    "esms.api",
    "esms.pilotage",
    "esms.exploitation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "esms.comptes.middleware.InactiviteMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "esms.comptes.double_facteur.DoubleFacteurMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "esms.comptes.middleware.AuditRefusMiddleware",
    # Last, as django-axes requires: turns a locked-out login attempt into the French lockout page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp), the same in every environment so that the tests and the demo run under
# it: scripts and styles come from the platform's own static files only — never 'unsafe-inline', no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

ROOT_URLCONF = "esms.urls"
WSGI_APPLICATION = "esms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "esms.context_processors.site",
            ],
        },
    }
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'esms.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN: concurrent writers queue instead of failing mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# Uploads (esms.televersements): a size limit per kind, in bytes, checked while streaming to a temporary file;
# caps on decompressed size and ratio for compressed inputs. Values given here override the defaults of
# esms.televersements (LIMITES_PAR_DEFAUT, DECOMPRESSION_PAR_DEFAUT, RATIO_PAR_DEFAUT).
# From the environment: « genre=octets,genre=octets », e.g. ESMS_LIMITES_TELEVERSEMENT="finess=209715200".


def _limites(variable: str) -> dict[str, int]:
    paires = (paire.partition("=") for paire in os.environ.get(variable, "").split(",") if paire.strip())
    return {genre.strip(): int(valeur) for genre, _, valeur in paires}


ESMS_LIMITES_TELEVERSEMENT: dict[str, int] = _limites("ESMS_LIMITES_TELEVERSEMENT")
ESMS_LIMITES_DECOMPRESSION: dict[str, int] = _limites("ESMS_LIMITES_DECOMPRESSION")
ESMS_RATIO_DECOMPRESSION_MAX = int(os.environ.get("ESMS_RATIO_DECOMPRESSION_MAX", "100"))
FILE_UPLOAD_HANDLERS = [
    "esms.televersements.GestionnaireLimite",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# DuckDB's memory cap while checking one evidence file (it spills to disk beyond); the DUI grouping uses one
# thread per 320 MB of it (esms.usages.preuves.lecture.fils_de_groupement).
ESMS_DUCKDB_MEMOIRE = os.environ.get("ESMS_DUCKDB_MEMOIRE", "350MB")

# Background jobs (FINESS imports uploaded from the UI): a database queue, run by `esms db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Shared by every worker process of a server (dashboard aggregates are computed once, not once per worker).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
        "TIMEOUT": 300,
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "comptes.User"
LOGIN_URL = "comptes:login"
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "accueil"

# django-axes first: it refuses a locked-out username before any password is checked.
AUTHENTICATION_BACKENDS = [
    "esms.comptes.backends.VerrouillageBackend",
    "django.contrib.auth.backends.ModelBackend",
    "esms.comptes.proconnect.ProConnectBackend",
]

# ProConnect (OpenID Connect) for State agents: enabled when ESMS_OIDC_CLIENT_ID and the endpoints are set
# (see README, « ProConnect »). Code flow with PKCE (S256), state and nonce; RS256 ID tokens checked against
# the provider's JWKS, with audience, issuer and expiry.
OIDC_RP_CLIENT_ID = os.environ.get("ESMS_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("ESMS_OIDC_CLIENT_SECRET", "")
OIDC_OP_ISSUER = os.environ.get("ESMS_OIDC_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("ESMS_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("ESMS_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("ESMS_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("ESMS_OIDC_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("ESMS_OIDC_LOGOUT_ENDPOINT", "")
OIDC_RP_SCOPES = os.environ.get("ESMS_OIDC_SCOPES", "openid email given_name usual_name")
OIDC_AUTH_REQUEST_EXTRA_PARAMS = (
    {"acr_values": os.environ["ESMS_OIDC_ACR_VALUES"]} if os.environ.get("ESMS_OIDC_ACR_VALUES") else {}
)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_CREATE_USER = False
OIDC_STORE_ID_TOKEN = True  # for the logout at the provider (id_token_hint)
OIDC_TIMEOUT = 15
OIDC_AUTHENTICATION_CALLBACK_URL = "comptes:proconnect_retour"

# Login throttling (django-axes): after ESMS_LOGIN_MAX_ECHECS failed attempts on one username, that username
# is locked for ESMS_LOGIN_VERROUILLAGE_MINUTES, even with the right password. Counting by username (not by IP)
# stops a guesser who changes address, without locking out everyone behind an administration's shared proxy.
AXES_FAILURE_LIMIT = int(os.environ.get("ESMS_LOGIN_MAX_ECHECS", "5"))
AXES_COOLOFF_TIME = int(os.environ.get("ESMS_LOGIN_VERROUILLAGE_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]  # counting by username is the choice explained above
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "comptes/verrouille.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("ESMS_PROXY_COUNT", "0")) or None

# Password reset links are valid ESMS_REINITIALISATION_HEURES hours and once (Django's token includes the
# password hash and the last login, so using it or logging in makes it void).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("ESMS_REINITIALISATION_HEURES", "1")) * 3600
OTP_TOTP_ISSUER = "ESMS numérique"

# Idle sessions expire: activity pushes the expiry ESMS_SESSION_INACTIVITE_MINUTES further (written at most once
# a minute by esms.comptes.middleware.InactiviteMiddleware); a session left idle longer is gone server-side
# (the database session store ignores expired rows).
SESSION_COOKIE_AGE = int(os.environ.get("ESMS_SESSION_INACTIVITE_MINUTES", "30")) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"


# An import closing more than this share of the open establishments waits for a national administrator.
FINESS_SEUIL_FERMETURES = float(os.environ.get("ESMS_FINESS_SEUIL_FERMETURES", "0.02"))
# data.gouv.fr dataset API of the ANS « FINESS - Structures » flows (FINESS+), read by `import_finess
# --telecharger`. Hypothèse : the dataset's slug; set ESMS_FINESS_API to the dataset's API address if it differs.
FINESS_API = os.environ.get("ESMS_FINESS_API", "https://www.data.gouv.fr/api/1/datasets/finess-structures/")

EMAIL_BACKEND = os.environ.get("ESMS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("ESMS_FROM_EMAIL", "ne-pas-repondre@esms-numerique.example")
EMAIL_HOST = os.environ.get("ESMS_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ESMS_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ESMS_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ESMS_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("ESMS_SMTP_STARTTLS", "0") == "1"
EMAIL_TIMEOUT = 30
# Attempts before an e-mail is marked « échec définitif » (then shown to national administrators).
ESMS_COURRIEL_TENTATIVES = int(os.environ.get("ESMS_COURRIEL_TENTATIVES", "5"))
# Self-service: verification links and invitations validity (days) (the supporting document of a claim is
# bounded by the « justificatifs » kind of ESMS_LIMITES_TELEVERSEMENT).
ESMS_VERIFICATION_JOURS = int(os.environ.get("ESMS_VERIFICATION_JOURS", "3"))
ESMS_INVITATION_JOURS = int(os.environ.get("ESMS_INVITATION_JOURS", "14"))
# Public address of the platform, for the links in e-mails.
ESMS_BASE_URL = os.environ.get("ESMS_BASE_URL", "http://127.0.0.1:8000")

SITE_TITLE = "ESMS numérique"
SITE_TAGLINE = "Plateforme du programme de financement du dossier usager informatisé"

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ESMS_LOG_LEVEL", "WARNING")},
}

# Evidence files above this size (bytes) are checked and recounted by the task worker, with their progress
# shown on the usage page; smaller ones are processed in the request.
ESMS_PREUVE_SEUIL_ARRIERE_PLAN = int(os.environ.get("ESMS_PREUVE_SEUIL_ARRIERE_PLAN", 20 * 1024 * 1024))
