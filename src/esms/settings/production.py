"""Production settings: secrets and hosts from the environment, HTTPS only; `esms check --deploy` is clean."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ.get("ESMS_SECRET_KEY", "")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("ESMS_SECRET_KEY doit contenir une clé secrète aléatoire d'au moins 50 caractères.")
if not os.environ.get("ESMS_ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ESMS_ALLOWED_HOSTS doit lister les noms de domaine servis (séparés par des virgules).")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = os.environ.get("ESMS_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
LOGGING["root"]["level"] = os.environ.get("ESMS_LOG_LEVEL", "INFO")  # noqa: F405
