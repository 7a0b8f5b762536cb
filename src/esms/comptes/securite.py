"""Security events in the audit trail: logins, logouts, failed logins, lockouts and refused actions.

Connected to Django's authentication signals and to django-axes' lockout signal in `ComptesConfig.ready`.
A failed login is recorded with the username typed (never the password) and the client address.
"""

from __future__ import annotations

import time

from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver
from django.http import HttpRequest

from esms.comptes import audit


def adresse_ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")


def _contexte(request: HttpRequest | None) -> dict:
    if request is None:
        return {}
    return {"ip": adresse_ip(request), "chemin": request.path[:300], "methode": request.method}


@receiver(auth_signals.user_logged_in, dispatch_uid="esms-audit-connexion")
def _connexion(sender, request, user, **kwargs) -> None:
    from esms.comptes.middleware import InactiviteMiddleware

    if request is not None and hasattr(request, "session"):
        request.session[InactiviteMiddleware.CLE] = int(time.time())  # saved with the login: no write next request
    audit.record(actor=user, action="comptes.connexion", obj=user, after=_contexte(request))


@receiver(auth_signals.user_logged_out, dispatch_uid="esms-audit-deconnexion")
def _deconnexion(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit.record(actor=user, action="comptes.deconnexion", obj=user, after=_contexte(request))


@receiver(auth_signals.user_login_failed, dispatch_uid="esms-audit-echec")
def _echec(sender, credentials, request=None, **kwargs) -> None:
    identifiant = str(credentials.get("username", ""))[:150]
    verrouille = bool(getattr(request, "esms_deja_verrouille", False))
    audit.record(
        actor=None, action="comptes.connexion_refusee" if verrouille else "comptes.connexion_echouee",
        object_type="comptes.User", object_id=identifiant, object_repr=identifiant,
        after=_contexte(request), comment="compte verrouillé" if verrouille else "identifiant ou mot de passe incorrect",
    )


def _verrouillage(sender, request, username, ip_address, **kwargs) -> None:
    if getattr(request, "esms_deja_verrouille", False):
        return  # axes signals again on each attempt refused during the lockout: recorded as connexion_refusee
    audit.record(actor=None, action="comptes.verrouillage", object_type="comptes.User",
                 object_id=str(username or "")[:100], object_repr=str(username or "")[:300],
                 after={"ip": ip_address}, comment="trop d'échecs de connexion : compte verrouillé temporairement")


def enregistrer_refus(request: HttpRequest, exception: Exception) -> None:
    """One refused action (a page or API call that raised PermissionDenied)."""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    audit.record(actor=actor, action="acces.refuse", object_type="url", object_id=request.path[:100],
                 object_repr=f"{request.method} {request.path}"[:300], after=_contexte(request),
                 comment=str(exception)[:1000])


def connecter() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_verrouillage, dispatch_uid="esms-audit-verrouillage")
