"""The one check of a proposed grappe, used by the solver, the greedy baseline, the exhaustive search and
the tests: places, DUI solution, distance, and the rules' verdict (`esms.rules.evaluate`, never a copy).

Distance rule (issue 13, point 3): every added establishment lies within its own maximum distance of at
least one other member of the final grappe. Our reading, stricter and stated in docs/bourse.md:
- joining an open grappe (« rejoindre une grappe existante », text 004) means being within that distance
  of one of its original members — not merely of another newcomer, or two needs next to each other could
  "join" a grappe at the other end of the country;
- a new grappe of needs alone stays in one territory (the département; the region in Corse and overseas,
  where the reduced threshold applies) and is connected by such links.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from esms.bourse.solveur.entree import SOLUTION_A_CHOISIR
from esms.bourse.solveur.geo import distance_km
from esms.bourse.solveur.modeles import Demande, Instance, Offre
from esms.rules import DossierVerdict, evaluate, evaluer_avec, parse_dossier
from esms.rules.decisions.membre import normaliser_solution
from esms.rules.evaluation import date_des_parametres
from esms.rules.sortie import verdict_vers_dict

REGIONS_TERRITOIRE_REGIONAL = frozenset({"94", "01", "02", "03", "04", "06"})


def territoire(demande: Demande) -> str:
    """Where a new grappe of needs alone must stay: the département, or the region in Corse and overseas."""
    if demande.region in REGIONS_TERRITOIRE_REGIONAL:
        return f"région {demande.region}"
    return f"département {demande.membre['departement']}"


def compatible(demande: Demande, solution: str) -> bool:
    return demande.solution_dui is None or normaliser_solution(demande.solution_dui) == normaliser_solution(solution)


def membre_regles(demande: Demande, solution: str) -> dict[str, Any]:
    return {**demande.membre, "solution_dui": solution}


def porteur_suggere(demandes: Sequence[Demande]) -> dict[str, Any]:
    """The organisme with most establishments among the needs (smallest FINESS number on ties)."""
    par_ej = Counter(d.finess_ej for d in demandes)
    maximum = max(par_ej.values())
    choisi = min(ej for ej, n in par_ej.items() if n == maximum)
    return {"finess_ej": choisi, "nb_essms_geres": maximum}


def solution_nouvelle(demandes: Sequence[Demande]) -> str:
    """A new grappe's solution: the one its needs ask for (« Solution à choisir » when all accept any)."""
    nommees = sorted({d.solution_dui for d in demandes if d.solution_dui is not None})
    return nommees[0] if nommees else SOLUTION_A_CHOISIR


def dossier(instance: Instance, offre: Offre | None, ajouts: Sequence[int]) -> dict[str, Any]:
    """The dossier the rules evaluate: the offer's members (if any) plus the added needs."""
    demandes = [instance.demandes[i] for i in ajouts]
    if offre is not None:
        solution, porteur, membres = offre.solution_dui, dict(offre.porteur), [dict(m) for m in offre.membres]
    else:
        solution, porteur, membres = solution_nouvelle(demandes), porteur_suggere(demandes), []
    membres.extend(membre_regles(d, solution) for d in demandes)
    return {
        "campaign": instance.campaign,
        "submitted_at": instance.submitted_at,
        "porteur": porteur,
        "members": membres,
    }


def verdict_regles(instance: Instance, donnees: dict[str, Any]) -> dict[str, Any]:
    """The rules' verdict: `evaluate`, or `evaluer_avec` the instance's stored parameters."""
    return verdict_vers_dict(verdict_type(instance, donnees))


def verdict_type(instance: Instance, donnees: dict[str, Any]) -> DossierVerdict:
    dossier_ = parse_dossier(donnees)
    if instance.parametres is None:
        return evaluate(dossier_)
    return evaluer_avec(dossier_, instance.parametres, date_des_parametres(dossier_))


def liens(points: Sequence[tuple[float, float]], portees: Sequence[float]) -> list[list[tuple[int, float]]]:
    """For each added point i (those with a finite reach), the points j ≠ i with d(i, j) ≤ reach(i)."""
    resultat: list[list[tuple[int, float]]] = []
    for i, (p, portee) in enumerate(zip(points, portees, strict=True)):
        voisins: list[tuple[int, float]] = []
        if portee >= 0:
            for j, q in enumerate(points):
                if j != i:
                    d = distance_km(p, q)
                    if d <= portee:
                        voisins.append((j, d))
        resultat.append(voisins)
    return resultat


def probleme_distance(instance: Instance, offre: Offre | None, ajouts: Sequence[int]) -> tuple[str | None, float]:
    """(None, total distance) when the distance rule holds, else (French reason, nan)."""
    demandes = [instance.demandes[i] for i in ajouts]
    originaux = list(offre.coordonnees) if offre is not None else []
    points = originaux + [(d.latitude, d.longitude) for d in demandes]
    portees = [-1.0] * len(originaux) + [d.distance_max_km for d in demandes]
    voisins = liens(points, portees)
    total = 0.0
    for rang, demande in enumerate(demandes):
        proches = voisins[len(originaux) + rang]
        if not proches:
            return (
                f"{demande.finess_et} n'a aucun autre membre à moins de {demande.distance_max_km:g} km",
                float("nan"),
            )
        initiaux = [d for j, d in proches if j < len(originaux)]
        # Open grappe: distance to the nearest original member; new grappe: to the nearest other member.
        total += min(initiaux) if initiaux else min(d for _, d in proches)
    ajoutes = range(len(originaux), len(points))
    if originaux:
        loin = [
            demandes[i - len(originaux)].finess_et
            for i in ajoutes
            if not any(j < len(originaux) for j, _ in voisins[i])
        ]
        if loin:
            return f"{', '.join(loin)} : aucun membre initial de la grappe à distance", float("nan")
    elif points:
        territoires = {territoire(d) for d in demandes}
        if len(territoires) > 1:
            return f"la nouvelle grappe s'étend sur plusieurs territoires ({', '.join(sorted(territoires))})", float("nan")
        adjacence: dict[int, set[int]] = {i: set() for i in ajoutes}
        for i in ajoutes:
            for j, _ in voisins[i]:
                adjacence[i].add(j)
                adjacence[j].add(i)
        vus, pile = {0}, [0]
        while pile:
            for j in adjacence[pile.pop()]:
                if j not in vus:
                    vus.add(j)
                    pile.append(j)
        if len(vus) < len(points):
            return "la nouvelle grappe n'est pas d'un seul tenant (distances)", float("nan")
    return None, total


@dataclass(frozen=True, slots=True)
class Verification:
    admissible: bool
    raisons: tuple[str, ...]
    verdict: dict[str, Any] | None
    distance_km: float
    porteur: dict[str, Any]
    solution_dui: str


def verifier_grappe(instance: Instance, offre: Offre | None, ajouts: Sequence[int]) -> Verification:
    """Check one proposed grappe; `admissible` is True only when every condition holds."""
    raisons: list[str] = []
    demandes = [instance.demandes[i] for i in ajouts]
    if len(set(ajouts)) != len(ajouts):
        raisons.append("un établissement est ajouté deux fois")
    if not ajouts:
        raisons.append("aucun ajout")
    donnees = dossier(instance, offre, ajouts) if ajouts else None
    solution = offre.solution_dui if offre is not None else solution_nouvelle(demandes) if demandes else ""
    if offre is not None:
        if len(ajouts) > offre.places:
            raisons.append(f"{len(ajouts)} ajouts pour {offre.places} place(s)")
        deja = {str(m.get("finess_et", "")).upper() for m in offre.membres}
        raisons.extend(f"{d.finess_et} est déjà membre de l'offre {offre.id}" for d in demandes if d.finess_et in deja)
    raisons.extend(
        f"{d.finess_et} demande la solution « {d.solution_dui} », la grappe a « {solution} »"
        for d in demandes
        if not compatible(d, solution)
    )
    probleme, total = probleme_distance(instance, offre, ajouts)
    if probleme:
        raisons.append(probleme)
    verdict = verdict_regles(instance, donnees) if donnees is not None else None
    if verdict is not None and not verdict["eligible"]:
        echecs = [m["message"] for m in verdict["motifs"] if m["bloquant"] and not m["ok"]]
        raisons.append("règles : " + " ; ".join(echecs))
    porteur = donnees["porteur"] if donnees is not None else {}
    return Verification(not raisons, tuple(raisons), verdict, total, porteur, solution)
