"""Writes of the bourse: declare a need, open a grappe, compute proposals (the solver), answer them.

Keyword-only, one permission decision each, audited, in one transaction. A proposal becomes an invitation
to both sides; when both accept, the establishment joins the grappe as an accepted member (its side's
acceptance is its consent, `candidatures.adhesions`), and the grappe's live verdict counts it.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from esms.bourse import controles, selectors
from esms.bourse.models import Besoin, Ouverture, ProjetGrappe, Proposition
from esms.bourse.solveur import lire_instance, proposer
from esms.bourse.solveur.modeles import Proposition as PropositionSolveur
from esms.candidatures import adhesions, regles
from esms.candidatures import services as candidatures
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.etats import Etat
from esms.candidatures.models import Campagne, Dossier, Membre
from esms.comptes import audit
from esms.comptes.notifications import notifier
from esms.comptes.permissions import Acteur, decide, require, utilisateur_de
from esms.comptes.selectors import representants
from esms.referencement.selectors import solution_nommee
from esms.referentiel.models import Etablissement, Region
from esms.refus import hors_perimetre


@transaction.atomic
def declarer_besoin(*, actor: Acteur, finess_et: str, campagne: str, contact: str, solution_dui: str = "",
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
                                   solution_dui=solution_dui.strip(), solution=solution_nommee(solution_dui), distance_max_km=distance_max_km, cas=cas,
                                   commande_sons=commande_sons.strip(), declare_par=utilisateur_de(actor))
    audit.record(actor=actor, action="bourse.declarer_besoin", obj=besoin,
                 after={"etablissement": et.pk, "campagne": campagne, "distance_max_km": distance_max_km,
                        "solution": besoin.solution_id})
    return besoin


@transaction.atomic
def retirer_besoin(*, actor: Acteur, besoin: Besoin) -> Besoin:
    """The establishment's side withdraws its need: it leaves the market; the proposals still waiting for an
    answer are declined (the other side is told)."""
    besoin = Besoin.objects.select_for_update(of=("self",)).select_related("etablissement").get(pk=besoin.pk)
    require(actor, "bourse.declarer", besoin)
    if besoin.statut != Besoin.Statut.OUVERT:
        raise CandidatureRefusee(f"Ce besoin est « {Besoin.Statut(besoin.statut).label.lower()} » : "
                                 "il ne peut plus être retiré.")
    besoin.statut = Besoin.Statut.RETIRE
    besoin.save(update_fields=["statut"])
    en_attente = list(Proposition.objects.filter(besoin=besoin, statut=Proposition.Statut.PROPOSEE)
                      .select_related("ouverture__grappe__dossier", "ouverture__grappe__porteur"))
    Proposition.objects.filter(pk__in=[p.pk for p in en_attente]).update(statut=Proposition.Statut.REFUSEE)
    audit.record(actor=actor, action="bourse.retirer_besoin", obj=besoin, before={"statut": Besoin.Statut.OUVERT},
                 after={"statut": Besoin.Statut.RETIRE, "propositions_declinees": len(en_attente)})
    for p in en_attente:
        notifier([u for u in adhesions.cote_porteur(p.ouverture.grappe.dossier) if u != actor],
                 sujet=f"{besoin.etablissement.raison_sociale} a retiré son besoin : la proposition de rejoindre "
                       f"« {p.ouverture.grappe.nom} » est close", lien=reverse("bourse:marche"))
    return besoin


@transaction.atomic
def ouvrir_grappe(*, actor: Acteur, dossier: Dossier, places: int, cloture: date, secteurs: str = "") -> Ouverture:
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


def _exiger_marche(actor: Acteur, region: str | None) -> None:
    """One decision: a region's market is its agents' (and national administrators'); the whole country's is
    national administrators' only."""
    if region:
        objet = Region.objects.filter(pk=region).first()
        if objet is None:
            raise CandidatureRefusee(f"Région « {region} » inconnue.")
        require(actor, "bourse.proposer", objet)
    else:
        require(actor, "bourse.proposer_pays")


@transaction.atomic
def calculer_propositions(*, actor: Acteur, campagne: str, region: str | None) -> list[Proposition | ProjetGrappe]:
    """Run the solver (the same code as `esms bourse proposer`) on the region's market; each proposal to an
    open grappe becomes an invitation to both sides, each new grappe of needs alone a project proposed to its
    suggested porteur (`repondre_projet`)."""
    _exiger_marche(actor, region)
    donnees, besoins, offres = selectors.instance(campagne=campagne, region=region)
    if not donnees["demandes"]:
        return []  # without open grappes, needs alone may still form new ones
    # Judged under the campagne's parameter version in force today, as the grappe's live verdict.
    version = regles.version_en_vigueur(Campagne.objects.get(code=campagne))
    instance = dataclasses.replace(lire_instance(donnees), parametres=regles.campagne_de(version))
    resultat = proposer(instance)
    creees = []
    projets = []
    for proposition in resultat.propositions:
        if proposition.offre is None:
            projet = _projet(actor, campagne, proposition, [besoins[instance.demandes[i].finess_et]
                                                           for i in proposition.ajouts])
            if projet is not None:
                projets.append(projet)
            continue
        ouverture = offres[proposition.offre.id]
        for i in proposition.ajouts:
            besoin = besoins[instance.demandes[i].finess_et]
            if Proposition.objects.filter(besoin=besoin, ouverture=ouverture).exists():
                continue
            creees.append(Proposition.objects.create(besoin=besoin, ouverture=ouverture, creee_par=utilisateur_de(actor),
                                                     distance_km=round(proposition.distance_km / len(proposition.ajouts), 1)))
    for p in creees:
        lien = reverse("bourse:marche")
        notifier(adhesions.cote_etablissement(p.besoin.etablissement),
                 sujet=f"Proposition : rejoindre la grappe « {p.ouverture.grappe.nom} »", lien=lien)
        notifier(adhesions.cote_porteur(p.ouverture.grappe.dossier),
                 sujet=f"Proposition : {p.besoin.etablissement.raison_sociale} pourrait rejoindre votre grappe", lien=lien)
    for projet in projets:
        lien = reverse("bourse:marche")
        notifier(representants(organisme=projet.porteur_id),
                 sujet=f"Proposition : porter une nouvelle grappe de {projet.besoins.count()} établissements "
                       "de la bourse", lien=lien)
        for besoin in projet.besoins.select_related("etablissement"):
            notifier(adhesions.cote_etablissement(besoin.etablissement),
                     sujet=f"Proposition : former une nouvelle grappe portée par {projet.porteur}", lien=lien)
    audit.record(actor=actor, action="bourse.calculer_propositions", obj=None,
                 after={"campagne": campagne, "region": region, "places": resultat.places,
                        "optimal": resultat.optimal, "borne": resultat.borne, "propositions": len(creees),
                        "projets": len(projets)})
    return [*creees, *projets]


def _projet(actor: Acteur, campagne: str, proposition: PropositionSolveur, besoins: list[Besoin]) -> ProjetGrappe | None:
    """A new grappe of needs alone, proposed to its suggested porteur (none if these needs already have one)."""
    deja = ProjetGrappe.objects.filter(statut=ProjetGrappe.Statut.PROPOSE, besoins__in=besoins).exists()
    if deja:
        return None
    solutions = {b.solution_id for b in besoins if b.solution_id is not None}
    projet = ProjetGrappe.objects.create(
        campagne=Campagne.objects.get(code=campagne), porteur_id=proposition.porteur["finess_ej"],
        solution_dui=proposition.solution_dui, solution_id=solutions.pop() if len(solutions) == 1 else None,
        distance_km=round(proposition.distance_km, 1), creee_par=utilisateur_de(actor))
    projet.besoins.set(besoins)
    return projet


@transaction.atomic
def suggerer(*, actor: Acteur, besoin: Besoin, ouverture: Ouverture) -> Proposition:
    """An agent of the need's region (or a national administrator) suggests a match by hand: checked like the
    solver's (same campagne, places left, same DUI solution, distance to a member, the grappe still open)."""
    besoin = Besoin.objects.select_related("etablissement__region", "campagne").get(pk=besoin.pk)
    require(actor, "bourse.proposer", besoin.etablissement.region)
    ouverture = Ouverture.objects.select_related("grappe__dossier", "grappe__campagne").get(pk=ouverture.pk)
    erreurs = controles.suggestion(besoin, ouverture)
    if erreurs:
        raise CandidatureRefusee(erreurs)
    distance = controles.distance_au_plus_proche(besoin, ouverture)
    proposition = Proposition.objects.create(besoin=besoin, ouverture=ouverture, distance_km=round(distance or 0, 1),
                                             creee_par=utilisateur_de(actor))
    audit.record(actor=actor, action="bourse.suggerer", obj=proposition,
                 after={"besoin": besoin.etablissement_id, "grappe": ouverture.grappe_id})
    lien = reverse("bourse:marche")
    notifier(adhesions.cote_etablissement(besoin.etablissement),
             sujet=f"Proposition de l'ARS : rejoindre la grappe « {ouverture.grappe.nom} »", lien=lien)
    notifier(adhesions.cote_porteur(ouverture.grappe.dossier),
             sujet=f"Proposition de l'ARS : {besoin.etablissement.raison_sociale} pourrait rejoindre votre grappe",
             lien=lien)
    return proposition


@transaction.atomic
def repondre_projet(*, actor: Acteur, projet: ProjetGrappe, accepter: bool) -> ProjetGrappe:
    """The suggested porteur answers a proposed new grappe. Accepted: a draft grappe of that porteur is created
    with the needs' establishments still looking for a grappe — its own count at once, the others are proposed
    and count once their side consents (`candidatures.adhesions`, notified by `ajouter_membres`)."""
    projet = ProjetGrappe.objects.select_for_update(of=("self",)).select_related("porteur", "campagne").get(pk=projet.pk)
    require(actor, "bourse.porter", projet)
    if projet.statut != ProjetGrappe.Statut.PROPOSE:
        raise CandidatureRefusee("Ce projet de grappe a déjà reçu sa réponse.")
    besoins = list(projet.besoins.filter(statut=Besoin.Statut.OUVERT).select_related("etablissement"))
    if accepter:
        if not besoins:
            raise CandidatureRefusee("Plus aucun établissement de ce projet ne cherche de grappe.")
        dossier = candidatures.creer_grappe(
            actor=actor, campagne_code=projet.campagne.code, porteur=projet.porteur_id,
            nom=f"Grappe de la bourse — {projet.porteur.raison_sociale}"[:200], solution=projet.solution,
            solution_dui="" if projet.solution else projet.solution_dui)
        candidatures.ajouter_membres(actor=actor, dossier=dossier, finess_et=[b.etablissement_id for b in besoins])
        Besoin.objects.filter(pk__in=[b.pk for b in besoins]).update(statut=Besoin.Statut.PLACE)
        projet.statut, projet.dossier = ProjetGrappe.Statut.ACCEPTE, dossier
    else:
        projet.statut = ProjetGrappe.Statut.REFUSE
    projet.save(update_fields=["statut", "dossier"])
    audit.record(actor=actor, action="bourse.repondre_projet", obj=projet,
                 after={"accepter": accepter, "dossier": projet.dossier_id, "membres": len(besoins)})
    if not accepter:
        for besoin in besoins:
            notifier(adhesions.cote_etablissement(besoin.etablissement),
                     sujet=f"{projet.porteur} ne portera pas la nouvelle grappe proposée : votre besoin reste ouvert",
                     lien=reverse("bourse:marche"))
    return projet


@transaction.atomic
def repondre(*, actor: Acteur, proposition: Proposition, accepter: bool) -> Proposition:
    """One side answers; when both have accepted, the establishment joins the grappe (consent given)."""
    proposition = Proposition.objects.select_for_update(of=("self",)).select_related(
        "besoin__etablissement", "ouverture__grappe__dossier").get(pk=proposition.pk)
    if proposition.statut != Proposition.Statut.PROPOSEE:
        raise CandidatureRefusee("Cette proposition a déjà reçu sa réponse.")
    et = proposition.besoin.etablissement
    dossier = proposition.ouverture.grappe.dossier
    cote_et = bool(decide(actor, "bourse.declarer", et))
    cote_porteur = bool(decide(actor, "candidatures.deposer", dossier))
    if not (cote_et or cote_porteur):
        raise hors_perimetre("Vous ne représentez ni l'établissement ni le porteur de la grappe.")
    if dossier.etat != Etat.BROUILLON:
        raise CandidatureRefusee("La grappe n'est plus en préparation.")
    if not accepter:
        proposition.statut = Proposition.Statut.REFUSEE
    else:
        proposition.accord_etablissement |= cote_et
        proposition.accord_porteur |= cote_porteur
        if proposition.accord_etablissement and proposition.accord_porteur:
            membre, _ = Membre.objects.get_or_create(grappe=dossier.grappe, etablissement=et,
                                                     defaults={"cas": proposition.besoin.cas, "propose_par": utilisateur_de(actor)})
            membre.adhesion, membre.accepte_le = Membre.Adhesion.ACCEPTEE, timezone.now()
            membre.save()
            proposition.statut = Proposition.Statut.ACCEPTEE
            Besoin.objects.filter(pk=proposition.besoin_id).update(statut=Besoin.Statut.PLACE)
            # Placed once: its other proposals still waiting are declined.
            Proposition.objects.filter(besoin_id=proposition.besoin_id, statut=Proposition.Statut.PROPOSEE).exclude(
                pk=proposition.pk).update(statut=Proposition.Statut.REFUSEE)
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
