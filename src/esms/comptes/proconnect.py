"""ProConnect (OpenID Connect) login for State agents, on mozilla-django-oidc.

mozilla-django-oidc runs the authorization code flow with `state`, `nonce` and PKCE (S256), checks the
ID token's signature against the provider's JWKS and its nonce. This backend adds what it leaves out: the
audience (our client id), the issuer, and the presence of `exp`/`iat`/`sub` (an expired token is refused).
An agent's account is matched by e-mail among active ARS agents and national administrators: nobody is
created here, roles and regions are granted by a national administrator. Every refusal is audited and told
to the user in French.
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import redirect, resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from esms.comptes import audit
from esms.comptes.models import Role

logger = logging.getLogger(__name__)

ROLES_PROCONNECT = (Role.AGENT_ARS, Role.ADMIN_NATIONAL)
CLE_REFUS = "esms_proconnect_refus"


def actif() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID and settings.OIDC_OP_AUTHORIZATION_ENDPOINT)


class ProConnectBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if request is None or not actif() or "code" not in request.GET:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, jwt.InvalidTokenError) as exc:
            self._refuser(request, f"jeton d'identité refusé ({exc})")
        except requests.RequestException as exc:
            logger.exception("ProConnect injoignable")
            self._refuser(request, f"fournisseur d'identité injoignable ({type(exc).__name__})")
        return None

    def _refuser(self, request, motif: str, email: str = "") -> None:
        setattr(request, CLE_REFUS, motif)
        audit.record(actor=None, action="comptes.proconnect_refuse", object_type="comptes.User",
                     object_id=email[:100], object_repr=email[:300], comment=motif[:1000],
                     after={"ip": request.META.get("REMOTE_ADDR", "")})

    def verify_token(self, token, **kwargs):
        self._jeton_identite = "nonce" in kwargs  # the ID token (the userinfo JWT carries no nonce nor exp)
        return super().verify_token(token, **kwargs)

    def _verify_jws(self, payload, key):
        alg = jwt.get_unverified_header(payload).get("alg")
        if alg != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"algorithme de signature inattendu : {alg}")
        exigees = ["exp", "iat", "iss", "aud", "sub"] if getattr(self, "_jeton_identite", False) else ["iss", "sub"]
        return jwt.decode(payload, key, algorithms=[alg], audience=self.OIDC_RP_CLIENT_ID,
                          issuer=settings.OIDC_OP_ISSUER, leeway=30, options={"require": exigees})

    def verify_claims(self, claims):
        return bool(claims.get("email"))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(email__iexact=claims.get("email", ""), is_active=True,
                                             role__in=ROLES_PROCONNECT)

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            email = str(self._derniere_identite.get("email", ""))
            self._refuser(self.request, f"aucun compte d'agent actif pour l'adresse {email}", email=email)
        return user

    def get_userinfo(self, access_token, id_token, payload):
        self._derniere_identite = super().get_userinfo(access_token, id_token, payload)
        return self._derniere_identite

    def update_user(self, user, claims):
        prenom, nom = claims.get("given_name", ""), claims.get("usual_name", "")
        if (prenom and prenom != user.first_name) or (nom and nom != user.last_name):
            user.first_name, user.last_name = prenom or user.first_name, nom or user.last_name
            user.save(update_fields=["first_name", "last_name"])
        return user


class ConnexionView(OIDCAuthenticationRequestView):
    def get(self, request):
        if not actif():
            messages.error(request, "La connexion ProConnect n'est pas configurée sur cette plateforme.")
            return redirect("comptes:login")
        return super().get(request)


class RetourView(OIDCAuthenticationCallbackView):
    def login_failure(self):
        motif = getattr(self.request, CLE_REFUS, None)
        if self.request.GET.get("error"):
            motif = f"ProConnect a interrompu la connexion ({self.request.GET.get('error')})"
        messages.error(self.request, "Connexion ProConnect refusée : " + (motif or "réponse invalide") + ".")
        return redirect("comptes:login")


def url_deconnexion(request, id_token: str) -> str:
    """The provider's end-session URL (RP-initiated logout), coming back to our home page."""
    return settings.OIDC_OP_LOGOUT_ENDPOINT + "?" + urlencode({
        "id_token_hint": id_token, "state": secrets.token_urlsafe(16),
        "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL)),
    })
