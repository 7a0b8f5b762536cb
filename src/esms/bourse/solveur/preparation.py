"""What the solver, the greedy baseline and the exhaustive search share: distances, links, each need's
eligibility under the rules, and the necessary conditions that bound the search.

- A need can join an offer only if its solution is compatible, it is not already a member of an offer,
  and one of the offer's original members is within its maximum distance.
- Needs can form a new grappe together only inside one connected component of the links (links join
  needs of one territory, see `grappes.territoire`).
- Size thresholds (15, or 8 when every eligible member is in Corse or overseas) are read from the
  campaign parameters the rules resolve for the filing date; they only bound the model — the verdict of
  every grappe is the rules' own (`verifier_grappe`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from esms.bourse.solveur.entree import SOLUTION_A_CHOISIR
from esms.bourse.solveur.geo import matrice_km
from esms.bourse.solveur.grappes import compatible, dossier, membre_regles, territoire, verdict_type
from esms.bourse.solveur.modeles import Instance
from esms.rules import load_campagne, parse_dossier
from esms.rules.decisions.membre import evaluer_membre, normaliser_solution
from esms.rules.evaluation import date_des_parametres
from esms.rules.parametres import Campagne


@dataclass(frozen=True, slots=True)
class Seuils:
    taille_min: int
    taille_min_reduite: int
    regions_reduites: frozenset[str]


class Preparation:
    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        demandes = instance.demandes
        self.n = len(demandes)
        points = np.array([(d.latitude, d.longitude) for d in demandes], dtype=np.float64).reshape(-1, 2)
        portees = np.array([d.distance_max_km for d in demandes], dtype=np.float64)
        distances = matrice_km(points, points)
        np.fill_diagonal(distances, np.inf)
        # Links i → j: j within need i's own maximum distance.
        # Links i → j between needs of one territory (where a new grappe may form): j within i's reach.
        territoires = [territoire(d) for d in demandes]
        self.liens: list[dict[int, float]] = [
            {
                int(j): float(distances[i, j])
                for j in np.flatnonzero(distances[i] <= portees[i])
                if territoires[j] == territoires[i]
            }
            for i in range(self.n)
        ]
        engages = {
            str(m.get("finess_et", "")).upper() for offre in instance.offres for m in offre.membres
        }
        self.placables = [d.finess_et not in engages for d in demandes]
        # Distance of each need to the nearest original member of each offer (∞ beyond its reach).
        self.directs: list[dict[int, float]] = []
        for offre in instance.offres:
            vers_membres = matrice_km(points, np.array(offre.coordonnees, dtype=np.float64).reshape(-1, 2))
            proches = vers_membres.min(axis=1) if vers_membres.size else np.full(self.n, np.inf)
            self.directs.append({int(i): float(proches[i]) for i in np.flatnonzero(proches <= portees)})
        self._eligibles: dict[tuple[int, str], bool] = {}
        self._membres = (
            parse_dossier(
                {
                    "campaign": instance.campaign,
                    "submitted_at": instance.submitted_at,
                    "porteur": {"finess_ej": demandes[0].finess_ej, "nb_essms_geres": 1},
                    "members": [membre_regles(d, SOLUTION_A_CHOISIR) for d in demandes],
                }
            ).members
            if demandes
            else ()
        )

    @cached_property
    def campagne(self) -> Campagne:
        if self.instance.parametres is not None:
            return self.instance.parametres
        exemple = (
            dossier(self.instance, self.instance.offres[0], [])
            if self.instance.offres
            else dossier(self.instance, None, [0])
        )
        return load_campagne(self.instance.campaign, date_des_parametres(parse_dossier(exemple)))

    @cached_property
    def seuils(self) -> Seuils:
        grappe = self.campagne.grappe
        return Seuils(
            grappe.taille_min.valeur,
            grappe.taille_min_corse_outre_mer.valeur,
            frozenset(grappe.regions_corse_outre_mer.valeur),
        )

    def eligible(self, i: int, solution: str) -> bool:
        """Whether need i counts as an eligible member with this solution — the rules' member verdict
        (`esms.rules.decisions.membre.evaluer_membre`, the function `evaluate` applies to each member)."""
        cle = (i, normaliser_solution(solution))
        if cle not in self._eligibles:
            membre = self._membres[i]._replace(solution_dui=solution)
            self._eligibles[cle] = evaluer_membre(membre, self.campagne).ok
        return self._eligibles[cle]

    def base_eligibles(self, g: int) -> int:
        offre = self.instance.offres[g]
        return verdict_type(self.instance, dossier(self.instance, offre, [])).nb_membres_eligibles

    def reduite(self, region: str) -> bool:
        return region in self.seuils.regions_reduites

    def candidats(self, g: int) -> list[int]:
        """Needs that may join offer g: compatible, free, within reach of one of its original members."""
        offre = self.instance.offres[g]
        if offre.places == 0:
            return []
        return sorted(
            i
            for i in self.directs[g]
            if self.placables[i] and compatible(self.instance.demandes[i], offre.solution_dui)
        )

    @cached_property
    def entrants(self) -> list[list[int]]:
        entrants: list[list[int]] = [[] for _ in range(self.n)]
        for i, voisins in enumerate(self.liens):
            for j in voisins:
                entrants[j].append(i)
        return entrants

    @cached_property
    def composantes(self) -> list[list[int]]:
        """Connected components (links read both ways) of the placeable needs."""
        vus: set[int] = set()
        resultat: list[list[int]] = []
        for depart in range(self.n):
            if depart in vus or not self.placables[depart]:
                continue
            composante, pile = [], [depart]
            vus.add(depart)
            while pile:
                i = pile.pop()
                composante.append(i)
                for j in (*self.liens[i], *self.entrants[i]):
                    if j not in vus and self.placables[j]:
                        vus.add(j)
                        pile.append(j)
            resultat.append(sorted(composante))
        return resultat

    def solutions_de(self, composante: list[int]) -> list[str]:
        """The named solutions of a component's needs (one label per distinct normalised name)."""
        noms: dict[str, str] = {}
        for i in composante:
            nom = self.instance.demandes[i].solution_dui
            if nom is not None:
                noms.setdefault(normaliser_solution(nom), nom)
        return sorted(noms.values()) or [SOLUTION_A_CHOISIR]
