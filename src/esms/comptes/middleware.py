"""Refused actions enter the audit trail: every PermissionDenied raised by a page is recorded."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from esms.comptes import securite


class AuditRefusMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, PermissionDenied):
            securite.enregistrer_refus(request, exception)
        return None  # Django's handler403 still renders the French page
