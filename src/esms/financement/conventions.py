"""Conventions ARS–porteur and the payments ledger: the payment schedule from the campagne's rules, the PDF
(WeasyPrint), payment orders (advance, balance) and what the dossier already holds.

The workflow steps that move the dossier (signature, balance) are in `candidatures.conventions`: financement
sits below candidatures and never imports it (docs/architecture.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.template.loader import render_to_string
from django.utils import timezone

from esms import rules
from esms.comptes import audit
from esms.comptes.permissions import Acteur, require, utilisateur_de
from esms.financement.erreurs import ConventionIntrouvable
from esms.financement.models import Convention, Versement
from esms.rules.decisions.versement import calculer_versement
from esms.rules.modeles import VersementInput
from esms.rules.repartition import repartir_prorata

if TYPE_CHECKING:  # types only: the dossier is the model `Convention.dossier` points to
    from esms.candidatures.models import Dossier


class Echeance(TypedDict):
    """One payment of a convention's schedule (stored as JSON on the convention)."""

    type: str
    montant: int
    condition: str
    part: str


class PartMembre(TypedDict):
    """A member's share of the amount retained."""

    finess_et: str
    montant: int


def echeancier(dossier: Dossier, campagne: rules.Campagne) -> list[Echeance]:
    """Advance at signature and balance on usage targets, as the rules compute them under `campagne` (the
    parameters of the dossier's version)."""
    montant = dossier.montant_retenu or 0
    avance = calculer_versement(VersementInput(montant_convention=montant), None, campagne).valeur.avance
    part = campagne.versement.part_avance.valeur
    return [
        {"type": "avance", "montant": avance, "condition": "à la signature de la convention", "part": str(part)},
        {"type": "solde", "montant": montant - avance,
         "condition": "à l'atteinte des cibles d'usage validée par l'ARS", "part": str(1 - part)},
    ]


def repartition(dossier: Dossier) -> list[PartMembre]:
    """Each member's share of the amount retained, pro rata of the rules' computed amounts (whole euros,
    adding up exactly to the amount retained)."""
    par_membre = dossier.verdict["financement"]["par_membre"] if dossier.verdict else []
    parts = repartir_prorata(dossier.montant_retenu or 0, {m["finess_et"]: int(m["montant"]) for m in par_membre})
    return [{"finess_et": m["finess_et"], "montant": parts[m["finess_et"]]} for m in par_membre]


def preparer(dossier: Dossier, *, campagne: rules.Campagne) -> Convention:
    """The convention of a dossier just retained (in the decision's transaction), with its schedule."""
    return Convention.objects.create(dossier=dossier, numero=f"CONV-{dossier.numero}",
                                     montant=dossier.montant_retenu or 0, echeancier=echeancier(dossier, campagne))


def convention_de(dossier: Dossier) -> Convention:
    convention = Convention.objects.filter(dossier=dossier).first()
    if convention is None:
        raise ConventionIntrouvable("Le dossier n'est pas retenu : aucune convention à éditer.")
    return convention


def pdf(*, actor: Acteur, dossier: Dossier) -> bytes:
    require(actor, "candidatures.consulter", dossier)
    from weasyprint import HTML  # imported here: it loads Pango, needed only for PDFs

    convention = convention_de(dossier)
    noms = dict(dossier.grappe.membres.values_list("etablissement_id", "etablissement__raison_sociale"))
    membres = [{**m, "nom": noms.get(m["finess_et"], "")} for m in repartition(dossier)]
    html = render_to_string("financement/convention.html", {
        "convention": convention, "dossier": dossier, "grappe": dossier.grappe, "membres": membres,
        "echeancier": convention.echeancier, "edite_le": timezone.localdate(),
    })
    pdf: bytes = HTML(string=html).write_pdf()  # weasyprint is untyped
    return pdf


def programmer_versement(*, actor: Acteur, dossier: Dossier, type: str, montant: int, libelle: str) -> Versement:
    """The one place a payment order is created (scheduled, to be ordered), with its audit event. Runs inside the
    caller's transaction; the caller checks it stays within the convention (`deja_verse`)."""
    versement = Versement.objects.create(dossier=dossier, type=type, montant=montant, acteur=utilisateur_de(actor),
                                         libelle=libelle)
    audit.record(actor=actor, action="versements.programmer", obj=dossier, after={"type": type, "montant": montant})
    return versement


def programmer_avance(*, actor: Acteur, dossier: Dossier, convention: Convention) -> Versement:
    """The advance of the convention's schedule, as a payment order to be ordered."""
    avance = next(e for e in convention.echeancier if e["type"] == "avance")
    return programmer_versement(actor=actor, dossier=dossier, type=Versement.Type.AVANCE, montant=avance["montant"],
                                libelle=f"Avance de la convention {convention.numero}")


def programmer_solde(*, actor: Acteur, dossier: Dossier, convention: Convention, montant: int) -> Versement:
    """The balance of the convention, as a payment order to be ordered."""
    return programmer_versement(actor=actor, dossier=dossier, type=Versement.Type.SOLDE, montant=montant,
                                libelle=f"Solde de la convention {convention.numero}")


def deja_verse(dossier: Dossier) -> int:
    """What the dossier's payment orders already hold (cancelled ones excepted): the one « already paid »."""
    return sum(Versement.objects.filter(dossier=dossier).exclude(statut=Versement.Statut.ANNULE)
               .values_list("montant", flat=True))
