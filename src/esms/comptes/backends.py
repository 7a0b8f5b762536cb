"""django-axes' lockout backend, marking the request when the username was already locked before this attempt.

The mark lets the audit trail tell a failed password (`comptes.connexion_echouee`) from an attempt refused
because of an earlier lockout (`comptes.connexion_refusee`), whatever the order of the signal receivers.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied


class VerrouillageBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            request.esms_deja_verrouille = True
            raise
