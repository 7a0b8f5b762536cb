"""Writes on API tokens (keyword-only, permission-checked, audited, transactional).

- `creer_jeton`: a new token for a user, with its scopes and an optional expiry; returns the token and its
  string, which is shown once and never stored (only the SHA-256 of its secret is).
- `revoquer_jeton`: a revoked token stops working at once; it is kept for the record.

A user manages their own tokens (`api.jetons`); a national administrator (`comptes.gerer`) may manage anyone's;
`actor=SYSTEME` is reserved to system commands (`esms jeton creer`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from esms.api import chaine_jeton
from esms.api.models import JetonAPI
from esms.api.portees import PORTEES
from esms.comptes import audit
from esms.comptes.models import User
from esms.comptes.permissions import ACTION_LABELS, PERMISSIONS, Acteur, has_perm, require, role_of
from esms.refus import hors_perimetre

MAX_JETONS_ACTIFS = 20


def _verifier_acteur(actor: Acteur, utilisateur: User) -> None:
    require(actor, "api.jetons")
    if (actor.pk if actor is not None else None) != utilisateur.pk and not has_perm(actor, "comptes.gerer"):
        raise hors_perimetre("Vous ne pouvez gérer que vos propres jetons d'API.")


def _erreurs_portees(utilisateur: User, portees: list[str]) -> list[str]:
    if not portees:
        return ["Choisissez au moins une portée."]
    erreurs = []
    for code in portees:
        portee = PORTEES.get(code)
        if portee is None:
            erreurs.append(f"Portée inconnue : « {code} ». Portées possibles : {', '.join(PORTEES)}.")
        elif portee.action in PERMISSIONS and not has_perm(utilisateur, portee.action):
            erreurs.append(f"La portée « {code} » n'est pas ouverte à ce compte : son rôle ne permet pas de "
                           f"{ACTION_LABELS.get(portee.action, portee.action)}.")
    return erreurs


def _snapshot(jeton: JetonAPI) -> dict[str, Any]:
    return {"utilisateur": jeton.utilisateur.get_username(), "nom": jeton.nom, "prefixe": jeton.prefixe,
            "portees": jeton.portees, "expire_le": jeton.expire_le.isoformat() if jeton.expire_le else None,
            "revoque_le": jeton.revoque_le.isoformat() if jeton.revoque_le else None}


@transaction.atomic
def creer_jeton(*, actor: Acteur, utilisateur: User, nom: str, portees: Iterable[str],
                expire_le: datetime | None = None) -> tuple[JetonAPI, str]:
    """Create a token for `utilisateur`; returns it with its string (`esms_<prefix>_<secret>`), shown once."""
    _verifier_acteur(actor, utilisateur)
    nom = (nom or "").strip()
    portees = sorted(set(portees))
    erreurs: dict[str, list[str]] = {}
    if not nom:
        erreurs["nom"] = ["Donnez un nom au jeton (par exemple le nom du logiciel qui l'utilise)."]
    elif len(nom) > 100:
        erreurs["nom"] = ["Le nom du jeton ne doit pas dépasser 100 caractères."]
    if role_of(utilisateur) is None:
        erreurs["utilisateur"] = ["Ce compte n'a pas de rôle actif : il ne peut pas recevoir de jeton d'API."]
    elif erreurs_portees := _erreurs_portees(utilisateur, portees):
        erreurs["portees"] = erreurs_portees
    if expire_le is not None and expire_le <= timezone.now():
        erreurs["expire_le"] = ["La date d'expiration doit être dans le futur."]
    actifs = JetonAPI.objects.filter(utilisateur=utilisateur, revoque_le__isnull=True).exclude(
        expire_le__lte=timezone.now()).count()
    if actifs >= MAX_JETONS_ACTIFS:
        erreurs["nom"] = [*erreurs.get("nom", []), f"Ce compte a déjà {actifs} jetons actifs : révoquez-en un "
                          "avant d'en créer un autre."]
    if erreurs:
        raise ValidationError(erreurs)
    clair = chaine_jeton.generer()
    while JetonAPI.objects.filter(prefixe=clair.prefixe).exists():  # 2^40 prefixes: practically never
        clair = chaine_jeton.generer()
    jeton = JetonAPI.objects.create(utilisateur=utilisateur, nom=nom, prefixe=clair.prefixe,
                                    empreinte=chaine_jeton.empreinte(clair.secret), portees=portees,
                                    expire_le=expire_le)
    audit.record(actor=actor, action="api.jeton_creer", obj=jeton, after=_snapshot(jeton))
    return jeton, clair.chaine


@transaction.atomic
def revoquer_jeton(*, actor: Acteur, jeton: JetonAPI) -> JetonAPI:
    """Revoke a token at once (kept for the record). Revoking a revoked token is refused."""
    jeton = JetonAPI.objects.select_for_update().select_related("utilisateur").get(pk=jeton.pk)
    _verifier_acteur(actor, jeton.utilisateur)
    if jeton.revoque_le is not None:
        raise ValidationError(f"Le jeton « {jeton.nom} » est déjà révoqué depuis le "
                              f"{timezone.localtime(jeton.revoque_le):%d/%m/%Y à %H:%M}.")
    avant = _snapshot(jeton)
    jeton.revoque_le = timezone.now()
    jeton.save(update_fields=["revoque_le"])
    audit.record(actor=actor, action="api.jeton_revoquer", obj=jeton, before=avant, after=_snapshot(jeton))
    return jeton
