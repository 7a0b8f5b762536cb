"""Proposals by a 0-1 linear model solved with HiGHS (default, chosen by measurement: docs/bourse.md) or
OR-Tools CP-SAT, with lazy checks.

Variables: x[i,g] need i joins offer g (only for candidates, see `preparation`); x[i,s] need i joins the
new-grappe slot s of its component (⌊eligible needs / smallest threshold⌋ slots per component, used in
order); y/r: a grappe is used / uses the Corse-overseas threshold; w: a slot's DUI solution.

Constraints: each need at most once; places; same solution (candidates only, one solution per slot);
each member of a new grappe has another member within its reach; size: eligible members (each need's eligibility is the
rules' member verdict) ≥ 15·y − 7·r, r only when every eligible member is in Corse or overseas.

Lazy loop (the rules cannot be linearised exactly, and connectivity would need exponentially many rows):
solve, then check every resulting grappe — chains of links must reach an original member (or hold a new
grappe together) and `verifier_grappe` must find it admissible under the rules; a disconnected set gets
a connectivity cut, a grappe the rules refuse gets a no-good cut on exactly that set; solve again.
Objective, lexicographic: (1) maximise needs placed; (2) with that number fixed, minimise the total
distance: for an open grappe, each added need's distance to its nearest original member (exact); for a new
grappe, each member's distance to its nearest linkable need (a lower bound of its distance in the grappe,
which keeps the model linear without one variable per link and slot; the output reports true distances). `optimal` means both the solver proved phase 1 optimal and the loop converged; otherwise
`borne` is the solver's upper bound on needs placed (cuts only remove infeasible sets, so it stays valid).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from esms.bourse.solveur.glouton import glouton
from esms.bourse.solveur.grappes import Verification, verifier_grappe
from esms.bourse.solveur.modeles import Instance, Proposition, Resultat
from esms.bourse.solveur.moteurs import INFINI, ModeleLineaire, Solution, resoudre
from esms.bourse.solveur.preparation import Preparation
from esms.rules.decisions.membre import normaliser_solution

LIMITE_S = 25.0


@dataclass
class Groupe:
    """An offer (offre = g) or a new-grappe slot (offre = None) and its variables."""

    offre: int | None
    composante: int | None
    x: dict[int, int] = field(default_factory=dict)  # need → variable
    y: int = -1
    originaux_points: int = 0


@dataclass
class Construction:
    modele: ModeleLineaire
    groupes: list[Groupe]
    couts: dict[int, int]  # z variable → metres
    places: dict[int, int]  # x variable → 1
    slots_par_composante: dict[int, list[int]]


def construire(prep: Preparation) -> Construction:
    instance, seuils = prep.instance, prep.seuils
    m = ModeleLineaire()
    groupes: list[Groupe] = []
    couts: dict[int, int] = {}
    ecart = seuils.taille_min - seuils.taille_min_reduite
    par_besoin: dict[int, list[int]] = {}

    def taille(groupe: Groupe, eligibles_base: int, reductible: bool, besoins: Iterable[int], solution: str) -> None:
        indices, coefficients = [], []
        for i in besoins:
            if prep.eligible(i, solution):
                indices.append(groupe.x[i])
                coefficients.append(1)
        indices.append(groupe.y)
        coefficients.append(-seuils.taille_min)
        if reductible:
            r = m.variable()
            indices.append(r)
            coefficients.append(ecart)
            m.contrainte([r, groupe.y], [1, -1], -INFINI, 0)
            for i in besoins:
                if not prep.reduite(instance.demandes[i].region) and prep.eligible(i, solution):
                    m.contrainte([groupe.x[i], r], [1, 1], -INFINI, 1)
        m.contrainte(indices, coefficients, -eligibles_base, INFINI)

    def liens(groupe: Groupe) -> None:
        """Each member of a new grappe has another member within its reach; its cost is the nearest link."""
        for i, xi in groupe.x.items():
            voisins = [groupe.x[j] for j in prep.liens[i] if j in groupe.x]
            m.contrainte([xi, *voisins], [1] + [-1] * len(voisins), -INFINI, 0)
            couts[xi] = round(min(prep.liens[i].values(), default=0.0) * 1000)

    for g, offre in enumerate(instance.offres):
        candidats = prep.candidats(g)
        if not candidats:
            continue
        groupe = Groupe(offre=g, composante=None, y=m.variable())
        for i in candidats:
            groupe.x[i] = m.variable()
            par_besoin.setdefault(i, []).append(groupe.x[i])
            m.contrainte([groupe.x[i], groupe.y], [1, -1], -INFINI, 0)
        m.contrainte(list(groupe.x.values()), [1] * len(groupe.x), 0, offre.places)
        reductible = all(prep.reduite(str(mb.get("region"))) for mb in offre.membres)
        taille(groupe, prep.base_eligibles(g), reductible, candidats, offre.solution_dui)
        for i, xi in groupe.x.items():  # the nearest original member is within reach (candidates)
            couts[xi] = round(prep.directs[g][i] * 1000)
        groupes.append(groupe)

    slots_par_composante: dict[int, list[int]] = {}
    for c, composante in enumerate(prep.composantes):
        solutions = prep.solutions_de(composante)
        eligibles = [i for i in composante if any(prep.eligible(i, s) for s in solutions)]
        reductible = any(prep.reduite(instance.demandes[i].region) for i in eligibles)
        seuil = seuils.taille_min_reduite if reductible else seuils.taille_min
        nb_slots = len(eligibles) // seuil if seuil > 0 else 0
        precedent: Groupe | None = None
        for _ in range(nb_slots):
            groupe = Groupe(offre=None, composante=c, y=m.variable())
            for i in composante:
                groupe.x[i] = m.variable()
                par_besoin.setdefault(i, []).append(groupe.x[i])
                m.contrainte([groupe.x[i], groupe.y], [1, -1], -INFINI, 0)
            if len(solutions) > 1:
                w = {normaliser_solution(s): m.variable() for s in solutions}
                m.contrainte(list(w.values()), [1] * len(w), -INFINI, 1)
                for i in composante:
                    nom = instance.demandes[i].solution_dui
                    if nom is not None:
                        m.contrainte([groupe.x[i], w[normaliser_solution(nom)]], [1, -1], -INFINI, 0)
            meilleure = max(solutions, key=lambda s: sum(prep.eligible(i, s) for i in composante))
            taille(groupe, 0, reductible, composante, meilleure)
            liens(groupe)
            if precedent is not None:  # slots used in order (symmetry)
                m.contrainte([groupe.y, precedent.y], [1, -1], -INFINI, 0)
            slots_par_composante.setdefault(c, []).append(len(groupes))
            groupes.append(groupe)
            precedent = groupe

    for variables in par_besoin.values():
        if len(variables) > 1:
            m.contrainte(variables, [1] * len(variables), -INFINI, 1)
    places = {x: 1 for groupe in groupes for x in groupe.x.values()}
    return Construction(m, groupes, couts, places, slots_par_composante)


def _coupes(prep: Preparation, c: Construction, k: int, ajouts: list[int]) -> int:
    """Add the cuts that forbid this refused grappe (connectivity cut when links do not hold, else no-good)."""
    groupe = c.groupes[k]
    m = c.modele
    presents = set(ajouts)
    ajoutees = 0
    if groupe.offre is None:
        morceaux = _morceaux(prep, ajouts)
        if len(morceaux) > 1:
            for slot in c.slots_par_composante[groupe.composante or 0]:
                autre = c.groupes[slot]
                for rang, morceau in enumerate(morceaux):
                    voisin = morceaux[(rang + 1) % len(morceaux)][0]
                    bord = {
                        j
                        for i in morceau
                        for j in (*prep.liens[i], *prep.entrants[i])
                        if j not in morceau and j in autre.x
                    }
                    indices = [autre.x[i] for i in morceau] + [autre.x[voisin]] + [autre.x[j] for j in bord]
                    coefficients = [1] * len(morceau) + [1] + [-1] * len(bord)
                    m.contrainte(indices, coefficients, -INFINI, len(morceau))
                    ajoutees += 1
            return ajoutees
    cibles = [groupe] if groupe.offre is not None else [c.groupes[s] for s in c.slots_par_composante[groupe.composante or 0]]
    for cible in cibles:
        dedans = [cible.x[i] for i in ajouts]
        dehors = [x for i, x in cible.x.items() if i not in presents]
        m.contrainte(dedans + dehors, [1] * len(dedans) + [-1] * len(dehors), -INFINI, len(dedans) - 1)
        ajoutees += 1
    return ajoutees


def _morceaux(prep: Preparation, ajouts: list[int]) -> list[list[int]]:
    restants = set(ajouts)
    morceaux = []
    while restants:
        depart = min(restants)
        morceau, pile = [depart], [depart]
        restants.discard(depart)
        while pile:
            i = pile.pop()
            for j in (*prep.liens[i], *prep.entrants[i]):
                if j in restants:
                    restants.discard(j)
                    morceau.append(j)
                    pile.append(j)
        morceaux.append(sorted(morceau))
    return morceaux


@dataclass
class _Etat:
    iterations: int = 0
    coupes: int = 0
    converge: bool = True


def _grappes(c: Construction, solution: Solution) -> list[tuple[int, list[int]]]:
    resultat = []
    for k, groupe in enumerate(c.groupes):
        ajouts = sorted(i for i, x in groupe.x.items() if solution.valeurs[x])
        if ajouts:
            resultat.append((k, ajouts))
    return resultat


Bonne = tuple[int, list[int], Verification]


def _depart(prep: Preparation, c: Construction, resultat: dict[int | None, list[list[int]]]) -> tuple[dict[int, int], list[Bonne]]:
    """The greedy baseline as a starting point: a partial assignment of the model and its grappes."""
    indice = {x: 0 for x in c.places}
    bonnes: list[Bonne] = []
    par_offre = {groupe.offre: k for k, groupe in enumerate(c.groupes) if groupe.offre is not None}
    libres = {composante: list(slots) for composante, slots in c.slots_par_composante.items()}
    for g, grappes in resultat.items():
        for ajouts in grappes:
            if g is not None:
                k = par_offre[g]
            else:
                composante = next(n for n, liste in enumerate(prep.composantes) if ajouts[0] in liste)
                k = libres[composante].pop(0)
            groupe = c.groupes[k]
            indice[groupe.y] = 1
            for i in ajouts:
                indice[groupe.x[i]] = 1
            offre = prep.instance.offres[g] if g is not None else None
            bonnes.append((k, ajouts, verifier_grappe(prep.instance, offre, ajouts)))
    return indice, bonnes


def _boucle(
    prep: Preparation,
    c: Construction,
    objectif: dict[int, int],
    maximiser: bool,
    moteur: str,
    fin: float,
    etat: _Etat,
    depart: tuple[dict[int, int], list[Bonne]],
) -> tuple[Solution | None, list[Bonne]]:
    """Solve and cut until every grappe passes; returns the last solution and the best set of good
    grappes seen (the start's, or a solve's whose grappes all passed)."""
    indice, meilleures = depart
    valeur = _valeur(meilleures, objectif, c, prep)
    while True:
        solution = resoudre(c.modele, objectif, maximiser, moteur, fin - time.monotonic(), indice)
        if solution is None:
            etat.converge = False
            return None, meilleures
        etat.iterations += 1
        bonnes, refusees = [], 0
        for k, ajouts in _grappes(c, solution):
            groupe = c.groupes[k]
            offre = prep.instance.offres[groupe.offre] if groupe.offre is not None else None
            verification = verifier_grappe(prep.instance, offre, ajouts)
            if verification.admissible:
                bonnes.append((k, ajouts, verification))
            else:
                refusees += 1
                etat.coupes += _coupes(prep, c, k, ajouts)
        nouvelle = _valeur(bonnes, objectif, c, prep)
        if (nouvelle > valeur) if maximiser else (nouvelle < valeur and not refusees):
            meilleures, valeur = bonnes, nouvelle
        if not refusees:
            return solution, meilleures
        if time.monotonic() >= fin:
            etat.converge = False
            return solution, meilleures
        indice = {v: val for v, val in enumerate(solution.valeurs)}


def _valeur(bonnes: list[Bonne], objectif: dict[int, int], c: Construction, prep: Preparation) -> float:
    return sum(objectif.get(c.groupes[k].x[i], 0) for k, ajouts, _ in bonnes for i in ajouts)


def proposer(instance: Instance, moteur: str = "highs", limite_s: float = LIMITE_S) -> Resultat:
    """Compute the proposals for every open need and offer of the instance."""
    debut = time.monotonic()
    fin = debut + limite_s
    prep = Preparation(instance)
    c = construire(prep) if instance.demandes else None
    if c is None or not c.places:
        return Resultat((), tuple(range(len(instance.demandes))), 0, True, 0, moteur, 0.0)
    depart = _depart(prep, c, glouton(instance, prep))
    duree_construction = time.monotonic() - debut
    etat = _Etat()
    fin_phase1 = debut + duree_construction + (fin - debut - duree_construction) * 0.7
    solution, bonnes = _boucle(prep, c, c.places, True, moteur, fin_phase1, etat, depart)
    placees = sum(len(a) for _, a, _ in bonnes)
    optimal = solution is not None and solution.optimal and etat.converge
    borne = placees if optimal else max(placees, math.floor((solution.borne if solution else len(instance.demandes)) + 1e-6))
    if etat.converge and solution is not None and placees > 0:
        c.modele.contrainte(list(c.places), [1] * len(c.places), placees, INFINI)
        etat2 = _Etat()
        indice = {v: 0 for v in c.places} | {c.groupes[k].x[i]: 1 for k, a, _ in bonnes for i in a}
        solution2, bonnes2 = _boucle(
            prep, c, c.couts, False, moteur, max(fin, time.monotonic() + 1.0), etat2, (indice, bonnes)
        )
        etat.iterations += etat2.iterations
        etat.coupes += etat2.coupes
        if sum(len(a) for _, a, _ in bonnes2) >= placees:
            bonnes = bonnes2
    propositions = []
    for k, ajouts, verification in bonnes:
        groupe = c.groupes[k]
        assert verification.verdict is not None
        propositions.append(
            Proposition(
                offre=instance.offres[groupe.offre] if groupe.offre is not None else None,
                ajouts=tuple(ajouts),
                porteur=verification.porteur,
                solution_dui=verification.solution_dui,
                verdict=verification.verdict,
                distance_km=verification.distance_km,
            )
        )
    places_ = {i for p in propositions for i in p.ajouts}
    return Resultat(
        propositions=tuple(propositions),
        non_places=tuple(i for i in range(len(instance.demandes)) if i not in places_),
        places=len(places_),
        optimal=optimal,
        borne=borne,
        moteur=moteur,
        distance_km=sum(p.distance_km for p in propositions),
        iterations=etat.iterations,
        statistiques={
            "variables": c.modele.nb_variables,
            "contraintes": len(c.modele.lignes),
            "coupes": etat.coupes,
            "duree_s": round(time.monotonic() - debut, 3),
        },
    )
