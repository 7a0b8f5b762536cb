"""The convention steps of the dossier workflow: recording the signed convention (« conventionné », the advance
scheduled) and scheduling the balance (« soldé »). The convention itself and the payments ledger are in
`financement.conventions`, which these steps call through the workflow's effects."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from esms.candidatures import services as candidatures
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.models import Document, Dossier
from esms.financement.conventions import convention_de, deja_verse
from esms.financement.models import Convention, Versement
from esms.televersements import Source

if TYPE_CHECKING:
    from esms.comptes.permissions import Acteur


@transaction.atomic
def signer(*, actor: Acteur, dossier: Dossier, date_signature: date, scan: Source) -> Convention:
    """Record the signed convention: the dossier becomes « conventionné » and the advance is scheduled
    (the effect `programmer_l_avance` of the workflow's `signer_convention`)."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if date_signature > timezone.localdate():
        raise CandidatureRefusee("La date de signature ne peut pas être dans le futur.")
    document = candidatures.deposer_document(actor=actor, dossier=dossier, type=Document.Type.CONVENTION_SIGNEE,
                                             fichier=scan)
    convention = convention_de(dossier)
    convention.date_signature, convention.scan_signe = date_signature, document
    convention.save()
    candidatures.transitionner(actor=actor, dossier=dossier, nom="signer_convention",
                               commentaire=f"Convention {convention.numero} signée le {date_signature:%d/%m/%Y}",
                               donnees={"convention": convention})
    return convention


@transaction.atomic
def solder(*, actor: Acteur, dossier: Dossier, commentaire: str) -> Versement:
    """Schedule the balance (what remains of the convention after the payments already ordered) and move
    the dossier to « soldé » (the effect `programmer_le_solde` of the workflow's `solder`). The ARS validates
    usage targets before calling it."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    convention = Convention.objects.filter(dossier=dossier).first()
    if convention is None or convention.date_signature is None:
        raise CandidatureRefusee("Aucune convention signée : le solde ne peut pas être programmé.")
    reste = convention.montant - deja_verse(dossier)
    if reste <= 0:
        raise CandidatureRefusee("La convention est déjà entièrement versée.")
    contexte = candidatures.transitionner(actor=actor, dossier=dossier, nom="solder", commentaire=commentaire,
                                          donnees={"convention": convention, "reste": reste})
    versement: Versement = contexte.resultat  # set by the effect `programmer_le_solde`
    return versement
