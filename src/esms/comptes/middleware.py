"""Session idle expiry, and refused actions in the audit trail (every PermissionDenied raised by a page)."""

from __future__ import annotations

import time

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from esms.comptes import securite


class InactiviteMiddleware:
    """Activity keeps a session alive: its expiry (now + SESSION_COOKIE_AGE) is rewritten when the session is
    saved, which this forces at most once a minute instead of on every request (no write per page view)."""

    CLE = "esms_activite"
    RESOLUTION = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and "_auth_user_id" in session:
            maintenant = int(time.time())
            if maintenant - session.get(self.CLE, 0) >= self.RESOLUTION:
                session[self.CLE] = maintenant  # modified: SessionMiddleware saves it with a new expiry
        return response


class AuditRefusMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, PermissionDenied):
            securite.enregistrer_refus(request, exception)
        return None  # Django's handler403 still renders the French page
