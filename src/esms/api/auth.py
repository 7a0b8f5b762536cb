"""Bearer authentication by API token, and the scope (portée) check of each group of routes.

A token acts as its user: `request.user` becomes the token's user, so the permission layer applies
unchanged; the token's scopes further restrict which routes it reaches (403 `portee_insuffisante`).
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from esms.api.erreurs import ErreurAPI
from esms.api.models import JetonAPI
from esms.api.portees import PORTEES
from esms.api.selectors import jeton_par_chaine
from esms.comptes.models import User

# The last use is written at most once a minute per token (no write on every request).
RESOLUTION_DERNIERE_UTILISATION = timedelta(minutes=1)


def marquer_utilisation(jeton: JetonAPI) -> None:
    maintenant = timezone.now()
    derniere = jeton.derniere_utilisation
    if derniere is None or maintenant - derniere >= RESOLUTION_DERNIERE_UTILISATION:
        JetonAPI.objects.filter(pk=jeton.pk).update(derniere_utilisation=maintenant)
        jeton.derniere_utilisation = maintenant


def jeton_valide(chaine: str) -> JetonAPI:
    """The active token of this string, else the 401 error saying why."""
    jeton = jeton_par_chaine(chaine)
    if jeton is None:
        raise ErreurAPI("jeton_invalide", "Jeton d'API inconnu ou mal formé (forme attendue : esms_<préfixe>_<secret>).")
    if jeton.revoque_le is not None:
        raise ErreurAPI("jeton_revoque", f"Le jeton d'API « {jeton.affichage} » a été révoqué.")
    if jeton.est_expire():
        raise ErreurAPI("jeton_expire", f"Le jeton d'API « {jeton.affichage} » a expiré le "
                                        f"{timezone.localtime(jeton.expire_le):%d/%m/%Y à %H:%M}.")
    if not jeton.utilisateur.is_active:
        raise ErreurAPI("compte_inactif", "Le compte de ce jeton d'API est désactivé.")
    return jeton


class RequeteAPI(HttpRequest):
    """The request of a route behind `BearerJeton` (annotations only): its user is the token's account, and
    ninja sets `auth` to the token."""

    user: User  # type: ignore[assignment]  # narrower than HttpRequest's User | AnonymousUser on purpose
    auth: JetonAPI


class BearerJeton(HttpBearer):
    """`Authorization: Bearer esms_<prefix>_<secret>`; `portee`: the scope the routes need (None: any token)."""

    def __init__(self, portee: str | None = None) -> None:
        if portee is not None and portee not in PORTEES:
            raise KeyError(f"Portée inconnue : {portee}")
        self.portee = portee
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> JetonAPI:
        jeton = jeton_valide(token)
        if self.portee is not None and self.portee not in jeton.portees:
            raise ErreurAPI("portee_insuffisante", f"Ce jeton n'a pas la portée « {self.portee} » "
                            f"({PORTEES[self.portee].libelle.lower()}) : créez un jeton qui l'inclut.")
        marquer_utilisation(jeton)
        request.user = jeton.utilisateur
        return jeton
