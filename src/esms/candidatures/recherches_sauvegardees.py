"""An agent's saved filters of the instruction queue: list, save (a name replaces its earlier filters), delete.

A saved search is the agent's own bookmark: only its owner sees, saves or deletes it. The writes are audited
like every other one (`instruction.recherche_sauvegardee`, `instruction.recherche_supprimee`)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from esms.candidatures.models import RechercheSauvegardee
from esms.comptes import audit
from esms.comptes.permissions import Acteur, compte_de, require


def de(actor: Acteur) -> QuerySet[RechercheSauvegardee]:
    """The actor's saved searches, by name."""
    return RechercheSauvegardee.objects.filter(utilisateur=compte_de(actor))


@transaction.atomic
def sauvegarder(*, actor: Acteur, nom: str, parametres: str) -> RechercheSauvegardee:
    require(actor, "candidatures.instruire")
    recherche, _ = RechercheSauvegardee.objects.update_or_create(
        utilisateur=compte_de(actor), nom=nom.strip(), defaults={"parametres": parametres})
    audit.record(actor=actor, action="instruction.recherche_sauvegardee", obj=recherche,
                 after={"nom": recherche.nom, "parametres": parametres})
    return recherche


@transaction.atomic
def supprimer(*, actor: Acteur, pk: int) -> RechercheSauvegardee:
    """Delete one of the actor's own saved searches (404 for anybody else's)."""
    require(actor, "candidatures.instruire")
    recherche = get_object_or_404(RechercheSauvegardee, pk=pk, utilisateur=actor)
    audit.record(actor=actor, action="instruction.recherche_supprimee", obj=recherche,
                 before={"nom": recherche.nom, "parametres": recherche.parametres})
    recherche.delete()
    return recherche
