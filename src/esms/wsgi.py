"""WSGI entry point (gunicorn esms.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esms.settings.base")
application = get_wsgi_application()
