"""Writes of the bourse: declare a need, open a grappe, compute proposals (the solver), answer them.

Keyword-only, one permission decision each, audited, in one transaction. A proposal becomes an invitation
to both sides; when both accept, the establishment joins the grappe as an accepted member (its side's
acceptance is its consent, `candidatures.adhesions`), and the grappe's live verdict counts it.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from esms.bourse import selectors
from esms.bourse.models import Besoin, Ouverture, Proposition
from esms.bourse.solveur import lire_instance, proposer
from esms.candidatures import adhesions, regles
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.etats import Etat
from esms.candidatures.models import Campagne, Dossier, Membre
from esms.comptes import audit
from esms.comptes.notifications import notifier
from esms.comptes.permissions import has_perm, in_scope, require
from esms.referentiel.models import Etablissement


@transaction.atomic
def declarer_besoin(*, actor, finess_et: str, campagne: str, contact: str, solution_dui: str = "",
                    distance_max_km: int = 30, cas: str = "acquisition", commande_sons: str = "") -> Besoin:
    et = Etablissement.objects.filter(pk=finess_et.strip()).select_related("categorie").first()
    if et is None:
        raise CandidatureRefusee(f"{finess_et} : aucun établissement avec ce numéro FINESS.")
    require(actor, "bourse.declarer", et)
    erreurs = []
    campagne_ = Campagne.objects.filter(code=campagne).first()
    if campagne_ is None:
        erreurs.append(f"Campagne : « {campagne} » inconnue.")
    if not 1 <= distance_max_km <= 300:
        erreurs.append("Distance maximale : entre 1 et 300 km.")
    if not contact.strip():
        erreurs.append("Contact : obligatoire.")
    if et.latitude is None:
        erreurs.append(f"{et.pk} : le référentiel n'a pas de coordonnées pour cet établissement.")
    if Besoin.objects.filter(etablissement=et, campagne__code=campagne, statut=Besoin.Statut.OUVERT).exists():
        erreurs.append(f"{et.pk} : un besoin est déjà ouvert pour cette campagne.")
    if erreurs:
        raise CandidatureRefusee(erreurs)
    assert campagne_ is not None
    besoin = Besoin.objects.create(etablissement=et, campagne=campagne_, contact=contact.strip(),
                                   solution_dui=solution_dui.strip(), distance_max_km=distance_max_km, cas=cas,
                                   commande_sons=commande_sons.strip(), declare_par=actor)
    audit.record(actor=actor, action="bourse.declarer_besoin", obj=besoin,
                 after={"etablissement": et.pk, "campagne": campagne, "distance_max_km": distance_max_km})
    return besoin


@transaction.atomic
def ouvrir_grappe(*, actor, dossier: Dossier, places: int, cloture: date, secteurs: str = "") -> Ouverture:
    require(actor, "bourse.ouvrir")
    require(actor, "candidatures.deposer", dossier)
    if dossier.etat != Etat.BROUILLON:
        raise CandidatureRefusee("Seule une grappe en préparation (brouillon) peut accueillir de nouveaux membres.")
    erreurs = []
    if places < 1:
        erreurs.append("Places : au moins une.")
    if cloture < timezone.localdate():
        erreurs.append("Date de clôture : aujourd'hui ou plus tard.")
    if erreurs:
        raise CandidatureRefusee(erreurs)
    if not dossier.grappe.solution_dui:
        raise CandidatureRefusee("Indiquez la solution DUI de la grappe avant de l'ouvrir.")
    ouverture, _ = Ouverture.objects.update_or_create(
        grappe=dossier.grappe, defaults={"places": places, "cloture": cloture, "secteurs": secteurs, "ouverte": True})
    audit.record(actor=actor, action="bourse.ouvrir_grappe", obj=dossier.grappe,
                 after={"places": places, "cloture": cloture.isoformat()})
    return ouverture


@transaction.atomic
def calculer_propositions(*, actor, campagne: str, region: str | None) -> list[Proposition]:
    """Run the solver (the same code as `esms bourse proposer`) on the region's market; each proposal to an
    open grappe becomes an invitation to both sides."""
    require(actor, "bourse.proposer")
    if has_perm(actor, "pilotage.national") is False and region != getattr(actor, "region_id", None):
        raise PermissionDenied("Un agent ARS calcule les propositions de sa région.")
    donnees, besoins, offres = selectors.instance(campagne=campagne, region=region)
    if not donnees["demandes"] or not donnees["offres"]:
        return []
    # Judged under the campagne's parameter version in force today, as the grappe's live verdict.
    version = regles.version_en_vigueur(Campagne.objects.get(code=campagne))
    instance = dataclasses.replace(lire_instance(donnees), parametres=regles.campagne_de(version))
    resultat = proposer(instance)
    creees = []
    for proposition in resultat.propositions:
        if proposition.offre is None:
            continue  # new grappes of needs alone are shown by the CLI; here only joins are invited
        ouverture = offres[proposition.offre.id]
        for i in proposition.ajouts:
            besoin = besoins[instance.demandes[i].finess_et]
            if Proposition.objects.filter(besoin=besoin, ouverture=ouverture).exists():
                continue
            creees.append(Proposition.objects.create(besoin=besoin, ouverture=ouverture, creee_par=actor,
                                                     distance_km=round(proposition.distance_km / len(proposition.ajouts), 1)))
    for p in creees:
        lien = reverse("bourse:marche")
        notifier(adhesions.cote_etablissement(p.besoin.etablissement),
                 sujet=f"Proposition : rejoindre la grappe « {p.ouverture.grappe.nom} »", lien=lien)
        notifier(adhesions.cote_porteur(p.ouverture.grappe.dossier),
                 sujet=f"Proposition : {p.besoin.etablissement.raison_sociale} pourrait rejoindre votre grappe", lien=lien)
    audit.record(actor=actor, action="bourse.calculer_propositions", obj=None,
                 after={"campagne": campagne, "region": region, "places": resultat.places,
                        "optimal": resultat.optimal, "borne": resultat.borne, "propositions": len(creees)})
    return creees


@transaction.atomic
def repondre(*, actor, proposition: Proposition, accepter: bool) -> Proposition:
    """One side answers; when both have accepted, the establishment joins the grappe (consent given)."""
    proposition = Proposition.objects.select_for_update(of=("self",)).select_related(
        "besoin__etablissement", "ouverture__grappe__dossier").get(pk=proposition.pk)
    if proposition.statut != Proposition.Statut.PROPOSEE:
        raise CandidatureRefusee("Cette proposition a déjà reçu sa réponse.")
    et = proposition.besoin.etablissement
    dossier = proposition.ouverture.grappe.dossier
    cote_et = has_perm(actor, "bourse.declarer") and in_scope(actor, et)
    cote_porteur = has_perm(actor, "candidatures.deposer") and in_scope(actor, dossier)
    if not (cote_et or cote_porteur):
        raise PermissionDenied("Vous ne représentez ni l'établissement ni le porteur de la grappe.")
    if dossier.etat != Etat.BROUILLON:
        raise CandidatureRefusee("La grappe n'est plus en préparation.")
    if not accepter:
        proposition.statut = Proposition.Statut.REFUSEE
    else:
        proposition.accord_etablissement |= cote_et
        proposition.accord_porteur |= cote_porteur
        if proposition.accord_etablissement and proposition.accord_porteur:
            membre, _ = Membre.objects.get_or_create(grappe=dossier.grappe, etablissement=et,
                                                     defaults={"cas": proposition.besoin.cas, "propose_par": actor})
            membre.adhesion, membre.accepte_le = Membre.Adhesion.ACCEPTEE, timezone.now()
            membre.save()
            proposition.statut = Proposition.Statut.ACCEPTEE
            Besoin.objects.filter(pk=proposition.besoin_id).update(statut=Besoin.Statut.PLACE)
    proposition.save()
    audit.record(actor=actor, action="bourse.repondre_proposition", obj=proposition,
                 after={"accepter": accepter, "cote": "etablissement" if cote_et else "porteur",
                        "statut": proposition.statut})
    autres = adhesions.cote_porteur(dossier) if cote_et else adhesions.cote_etablissement(et)
    notifier([u for u in autres if u != actor],
             sujet=f"Proposition {et.raison_sociale} → « {dossier.grappe.nom} » : "
                   f"{Proposition.Statut(proposition.statut).label.lower() if proposition.statut != 'proposee' else 'acceptée par l’autre partie'}",
             lien=reverse("bourse:marche"))
    return proposition
