"""Envelope ledger writes. Commitments are serialised per envelope so that concurrent decisions never
over-commit: `SELECT … FOR UPDATE` on PostgreSQL; on SQLite every write transaction starts with
BEGIN IMMEDIATE (see settings), which already serialises writers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from esms.comptes import audit
from esms.comptes.permissions import Acteur, require, utilisateur_de
from esms.financement import selectors
from esms.financement.erreurs import EnveloppeInsuffisante, EnveloppeIntrouvable, LiberationRefusee
from esms.financement.models import Enveloppe, LigneEnveloppe, Versement
from esms.nombres import MONTANT_MAX

if TYPE_CHECKING:  # types only: financement sits below candidatures and referentiel
    from esms.candidatures.models import Campagne, Dossier
    from esms.referentiel.models import Region


def _lock(enveloppe_id: int) -> Enveloppe:
    return Enveloppe.objects.select_for_update().get(pk=enveloppe_id)


def _euros(montant: int) -> str:
    return f"{montant:,}".replace(",", "\u202f") + " €"


@transaction.atomic
def creer_enveloppe(*, actor: Acteur, campagne: Campagne, region: Region | None = None, libelle: str = "") -> Enveloppe:
    require(actor, "enveloppes.doter")
    libelle = libelle or f"Enveloppe {campagne.code} – {region.nom if region else 'nationale'}"
    enveloppe, created = Enveloppe.objects.get_or_create(campagne=campagne, region=region,
                                                         defaults={"libelle": libelle})
    if created:
        audit.record(actor=actor, action="enveloppes.creer", obj=enveloppe, after={"libelle": libelle})
    return enveloppe


@transaction.atomic
def doter(*, actor: Acteur, enveloppe: Enveloppe, montant: int, libelle: str) -> LigneEnveloppe:
    require(actor, "enveloppes.doter")
    if isinstance(montant, Decimal) and montant == montant.to_integral_value():
        montant = int(montant)
    if isinstance(montant, bool) or not isinstance(montant, int) or not 0 < montant <= MONTANT_MAX:
        raise ValueError("Le montant d'une dotation est un nombre entier d'euros, de 1 à "
                         + f"{MONTANT_MAX:,}".replace(",", "\u202f") + " €.")
    enveloppe = _lock(enveloppe.pk)
    avant = selectors.etat(enveloppe)
    ligne = LigneEnveloppe.objects.create(enveloppe=enveloppe, type=LigneEnveloppe.Type.DOTATION,
                                          montant=montant, libelle=libelle, acteur=utilisateur_de(actor))
    audit.record(actor=actor, action="enveloppes.doter", obj=enveloppe, before={"disponible": avant.disponible},
                 after={"disponible": avant.disponible + montant}, comment=libelle)
    return ligne


def engager(*, actor: Acteur, dossier: Dossier, montant: int) -> LigneEnveloppe:
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
                                          montant=-montant, dossier=dossier, acteur=utilisateur_de(actor),
                                          libelle=f"Engagement du dossier {dossier}")
    audit.record(actor=actor, action="enveloppes.engager", obj=enveloppe, before={"disponible": disponible},
                 after={"disponible": disponible - montant, "dossier": str(dossier)})
    return ligne


def a_liberer(dossier: Dossier) -> int:
    """What `dossier` still holds on its envelope: its commitments net of earlier releases, less what was
    already paid or ordered to it (never negative)."""
    net = -sum(LigneEnveloppe.objects.filter(dossier=dossier).values_list("montant", flat=True))
    verse = sum(Versement.objects.filter(dossier=dossier).exclude(statut=Versement.Statut.ANNULE)
                .values_list("montant", flat=True))
    return max(net - verse, 0)


@transaction.atomic
def liberer(*, actor: Acteur, dossier: Dossier, motif: str, montant_attendu: int | None = None) -> LigneEnveloppe:
    """Release what `dossier` still holds on its envelope (commitment less payments), with a required reason:
    by the lead region's ARS agent or the national administrator; audited; the amount returns to the
    envelope's available balance. Serialised on the envelope row, so two releases never give back twice.
    With `montant_attendu` (the amount the agent confirmed on the page), a different amount is refused."""
    require(actor, "enveloppes.liberer", dossier)  # role, scope and lead region (comptes.permissions)
    motif = (motif or "").strip()
    if not motif:
        raise LiberationRefusee("Le motif de la libération est obligatoire.")
    premiere = LigneEnveloppe.objects.filter(dossier=dossier).order_by("id").first()
    if premiere is None:
        raise LiberationRefusee(f"Le dossier {dossier} n'a aucun engagement sur une enveloppe.")
    enveloppe = _lock(premiere.enveloppe_id)
    montant = a_liberer(dossier)
    if montant <= 0:
        raise LiberationRefusee(f"Le dossier {dossier} ne détient plus rien sur « {enveloppe} » : engagement déjà "
                                "libéré ou entièrement versé.")
    if montant_attendu is not None and montant != montant_attendu:
        raise LiberationRefusee(f"Le montant à libérer du dossier {dossier} est désormais de {_euros(montant)} "
                                f"(vous aviez confirmé {_euros(montant_attendu)}) : vérifiez-le et recommencez.")
    avant = selectors.etat(enveloppe).disponible
    ligne = LigneEnveloppe.objects.create(enveloppe=enveloppe, type=LigneEnveloppe.Type.LIBERATION, montant=montant,
                                          dossier=dossier, acteur=utilisateur_de(actor),
                                          libelle=f"Libération de l'engagement du dossier {dossier} : {motif}"[:300])
    audit.record(actor=actor, action="enveloppes.liberer", obj=enveloppe, comment=motif,
                 before={"disponible": avant}, after={"disponible": avant + montant, "montant": montant,
                                                      "dossier": str(dossier)})
    return ligne
