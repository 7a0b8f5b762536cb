"""Envelope ledger writes. Commitments are serialised per envelope so that concurrent decisions never
over-commit: `SELECT … FOR UPDATE` on PostgreSQL; on SQLite every write transaction starts with
BEGIN IMMEDIATE (see settings), which already serialises writers.
"""

from __future__ import annotations

from django.db import transaction

from esms.comptes import audit
from esms.comptes.permissions import require, utilisateur_de
from esms.financement import selectors
from esms.financement.erreurs import EnveloppeInsuffisante, EnveloppeIntrouvable
from esms.financement.models import Enveloppe, LigneEnveloppe


def _lock(enveloppe_id: int) -> Enveloppe:
    return Enveloppe.objects.select_for_update().get(pk=enveloppe_id)


def _euros(montant: int) -> str:
    return f"{montant:,}".replace(",", "\u202f") + " €"


@transaction.atomic
def creer_enveloppe(*, actor, campagne, region=None, libelle: str = "") -> Enveloppe:
    require(actor, "enveloppes.doter")
    libelle = libelle or f"Enveloppe {campagne.code} – {region.nom if region else 'nationale'}"
    enveloppe, created = Enveloppe.objects.get_or_create(campagne=campagne, region=region,
                                                         defaults={"libelle": libelle})
    if created:
        audit.record(actor=actor, action="enveloppes.creer", obj=enveloppe, after={"libelle": libelle})
    return enveloppe


@transaction.atomic
def doter(*, actor, enveloppe: Enveloppe, montant: int, libelle: str) -> LigneEnveloppe:
    require(actor, "enveloppes.doter")
    if montant <= 0:
        raise ValueError("Le montant d'une dotation doit être strictement positif.")
    enveloppe = _lock(enveloppe.pk)
    avant = selectors.etat(enveloppe)
    ligne = LigneEnveloppe.objects.create(enveloppe=enveloppe, type=LigneEnveloppe.Type.DOTATION,
                                          montant=montant, libelle=libelle, acteur=utilisateur_de(actor))
    audit.record(actor=actor, action="enveloppes.doter", obj=enveloppe, before={"disponible": avant.disponible},
                 after={"disponible": avant.disponible + montant}, comment=libelle)
    return ligne


def engager(*, actor, dossier, montant: int) -> LigneEnveloppe:
    """Commit `montant` for `dossier` on its envelope. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("engager() doit être appelé dans une transaction.")
    enveloppe = selectors.enveloppe_du_dossier(dossier)
    if enveloppe is None:
        cible = "nationale" if dossier.appel == "national" else f"de la région {dossier.region_pilote}"
        raise EnveloppeIntrouvable(f"Aucune enveloppe {cible} n'existe pour la campagne {dossier.grappe.campagne.code}.")
    enveloppe = _lock(enveloppe.pk)
    disponible = selectors.etat(enveloppe).disponible
    if montant > disponible:
        raise EnveloppeInsuffisante(
            f"Décision refusée : {_euros(montant)} dépasseraient le disponible de « {enveloppe} » "
            f"({_euros(disponible)})."
        )
    ligne = LigneEnveloppe.objects.create(enveloppe=enveloppe, type=LigneEnveloppe.Type.ENGAGEMENT,
                                          montant=-montant, dossier=dossier, acteur=actor,
                                          libelle=f"Engagement du dossier {dossier}")
    audit.record(actor=actor, action="enveloppes.engager", obj=enveloppe, before={"disponible": disponible},
                 after={"disponible": disponible - montant, "dossier": str(dossier)})
    return ligne


def liberer(*, actor, dossier, libelle: str) -> LigneEnveloppe | None:
    """Give back what `dossier` still holds on its envelope (net of earlier releases). In a transaction."""
    lignes = LigneEnveloppe.objects.filter(dossier=dossier)
    net = -sum(lignes.values_list("montant", flat=True))
    if net <= 0:
        return None
    enveloppe = _lock(lignes.first().enveloppe_id)
    ligne = LigneEnveloppe.objects.create(enveloppe=enveloppe, type=LigneEnveloppe.Type.LIBERATION, montant=net,
                                          dossier=dossier, acteur=actor, libelle=libelle)
    audit.record(actor=actor, action="enveloppes.liberer", obj=enveloppe, after={"montant": net}, comment=libelle)
    return ligne
