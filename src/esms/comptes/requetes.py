"""Request types for type checking: what the middlewares add to Django's request.

`Requete` carries django-htmx's details (`request.htmx`); `RequeteConnectee` is the request of a view behind
`@login_required`, whose `user` is a `User` (never the anonymous user). Annotations only: Django builds the
request as usual."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from esms.comptes.models import User


class Requete(HttpRequest):
    htmx: HtmxDetails


class RequeteConnectee(Requete):
    user: User  # type: ignore[assignment]  # narrower than HttpRequest's User | AnonymousUser on purpose
