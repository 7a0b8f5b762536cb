"""What-if simulation of a draft parameter version on a campaign in the database (reads only).

Every filed dossier of the campaign (any state but « brouillon ») is turned into the rules' input in a fixed
number of queries (dossiers, members, organisme sizes, SONS orders, the référentiel), then
`esms.rules.simulation.simuler` evaluates them under the version in force and the draft, set-based.
Nothing is written: a draft changes no verdict until it is published (`brouillons.publier`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from esms import rules
from esms.candidatures.etats import Etat
from esms.candidatures.models import Campagne, Dossier, Membre
from esms.candidatures.regles import _solution, tailles_organismes
from esms.referencement.models import CommandeSons
from esms.referencement.selectors import libelle_dui
from esms.referentiel.models import Etablissement
from esms.rules.ensemble import Table
from esms.rules.simulation import Simulation, simuler


@dataclass(frozen=True)
class SimulationCampagne:
    simulation: Simulation
    numeros: list[str]  # the dossier of each row of the table
    dossiers: list[Dossier]


def _commandes(finess: list[str]) -> dict[str, list[dict]]:
    """Every SONS order of these establishments, oldest first (one query)."""
    par_et: dict[str, list[dict]] = defaultdict(list)
    for commande in (CommandeSons.objects.filter(etablissement_id__in=finess).select_related("solution__editeur")
                     .order_by("date_commande", "vague")):
        par_et[commande.etablissement_id].append({
            "solution": libelle_dui(commande.solution), "version": commande.solution.version,
            "editeur": commande.solution.editeur.nom, "vague": commande.vague,
            "date_commande": commande.date_commande.isoformat(), "statut": commande.statut,
            "date_deploiement": commande.date_deploiement.isoformat() if commande.date_deploiement else None})
    return par_et


def entrees(campagne: Campagne) -> tuple[list[Dossier], list[rules.DossierInput]]:
    """The filed dossiers of the campaign and their rules input (as `regles.entree` builds it per dossier)."""
    dossiers = list(Dossier.objects.filter(grappe__campagne=campagne).exclude(etat=Etat.BROUILLON)
                    .select_related("grappe__porteur", "grappe__solution__editeur", "grappe__campagne")
                    .order_by("numero", "pk"))
    membres: dict[int, list[Any]] = defaultdict(list)
    for ligne in (Membre.objects.filter(grappe__dossier__in=dossiers, adhesion=Membre.Adhesion.ACCEPTEE)
                  .order_by("grappe_id", "etablissement_id")
                  .values("grappe_id", "etablissement_id", "etablissement__organisme_id",
                          "etablissement__categorie_id", "etablissement__region_id",
                          "etablissement__departement_id", "cas", "autres_fonds_ue", "deja_finance_pour",
                          "part_heures_eligibles", "sons_eligible", "montant_equipement_demande")):
        membres[ligne["grappe_id"]].append(ligne)
    organismes = {m["etablissement__organisme_id"] for lignes in membres.values() for m in lignes}
    tailles = tailles_organismes(sorted(organismes | {d.grappe.porteur_id for d in dossiers}))
    commandes = _commandes(sorted({m["etablissement_id"] for lignes in membres.values() for m in lignes}))
    resultat, gardes = [], []
    for dossier in dossiers:
        grappe = dossier.grappe
        if not membres[grappe.pk]:
            continue  # a dossier without any accepted member has nothing to evaluate
        gardes.append(dossier)
        depose = dossier.depose_le or timezone.now()
        le = timezone.localdate(depose).isoformat()
        solution = _solution(grappe)
        lignes = membres[grappe.pk]
        siens = {m["etablissement__organisme_id"] for m in lignes}
        membres_regles: list[dict[str, Any]] = []
        donnees: dict[str, Any] = {
            "campaign": campagne.code,
            "submitted_at": timezone.localtime(depose).isoformat(),
            **({"call": dossier.appel} if dossier.appel else {}),
            **({"region_pilote": grappe.region_pilote_choisie_id} if grappe.region_pilote_choisie_id else {}),
            "porteur": {"finess_ej": grappe.porteur_id, "nb_essms_geres": max(tailles.get(grappe.porteur_id, 0), 1)},
            "organismes": [{"finess_ej": ej, "nb_essms_geres": tailles[ej]} for ej in sorted(siens)
                           if ej != grappe.porteur_id and ej in tailles],
            "members": membres_regles,
        }
        for m in lignes:
            connues = [c for c in commandes.get(m["etablissement_id"], ()) if c["date_commande"] <= le]
            membres_regles.append({
                "finess_et": m["etablissement_id"], "finess_ej": m["etablissement__organisme_id"],
                "categorie": m["etablissement__categorie_id"], "region": m["etablissement__region_id"],
                "departement": m["etablissement__departement_id"], "cas": m["cas"], **solution,
                **({"commande_sons": connues[-1]} if connues else {}),
                "autres_fonds_ue": m["autres_fonds_ue"], "deja_finance_pour": m["deja_finance_pour"] or None,
                "part_heures_eligibles": float(m["part_heures_eligibles"]), "sons_eligible": m["sons_eligible"],
                **({"montant_equipement_demande": m["montant_equipement_demande"]}
                   if m["montant_equipement_demande"] is not None else {}),
            })
        resultat.append(rules.parse_dossier(donnees))
    return gardes, resultat


def referentiel() -> list[tuple[str, str, str]]:
    """(FINESS ET, category, region) of every open establishment (one query)."""
    return list(Etablissement.objects.filter(ouvert=True).order_by("pk")
                .values_list("pk", "categorie_id", "region_id"))


def simuler_campagne(campagne: Campagne, courante: rules.Campagne, brouillon: rules.Campagne) -> SimulationCampagne:
    dossiers, entrees_regles = entrees(campagne)
    simulation = simuler(Table.depuis(entrees_regles), courante, brouillon, referentiel())
    return SimulationCampagne(simulation, [d.numero or f"brouillon-{d.pk}" for d in dossiers], dossiers)
