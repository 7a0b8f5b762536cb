"""The platform's URLs plus one that fails, to see the 500 page (tests only)."""

from django.urls import path

from esms.urls import handler403, handler404  # noqa: F401 — the handlers
from esms.urls import urlpatterns as urls_plateforme


def panne(request):
    raise RuntimeError("/srv/esms/var/secret.sqlite3 : panne simulée")


urlpatterns = [*urls_plateforme, path("panne/", panne)]
