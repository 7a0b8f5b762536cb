"""Read queries on API tokens: a user's own tokens, and the token behind a token string."""

from __future__ import annotations

from django.db.models import QuerySet

from esms.api import chaine_jeton
from esms.api.models import JetonAPI
from esms.comptes.permissions import Acteur, compte_de, require


def jetons_de(*, actor: Acteur) -> QuerySet[JetonAPI]:
    require(actor, "api.jetons")
    return JetonAPI.objects.filter(utilisateur=compte_de(actor)).order_by("revoque_le", "-cree_le", "-id")


def jeton_par_chaine(chaine: str) -> JetonAPI | None:
    """The token whose string this is (prefix found and secret matching), revoked or expired included."""
    clair = chaine_jeton.lire(chaine)
    if clair is None:
        return None
    jeton = JetonAPI.objects.select_related("utilisateur").filter(prefixe=clair.prefixe).first()
    if jeton is None or not chaine_jeton.secret_valide(clair.secret, jeton.empreinte):
        return None
    return jeton
