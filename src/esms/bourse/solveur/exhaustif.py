"""Exhaustive search of the maximum number of needs placed, for small instances (tests, benchmark).

Needs interact only inside a block: the needs that can join a same offer (`Preparation.candidats`) or
form a new grappe together (a connected component of the links). Each block is searched alone by
enumerating, need by need, every choice — left alone, any candidate offer with places left, any new
grappe already opened in this branch, or a new one — and every complete assignment is judged by
`verifier_grappe` (places, solution, distance, rules). Branches that cannot beat the best are cut (bound:
the needs left, or the offers' places left when no new grappe can be formed in the block).

It is exact, and independent of the solver's model (no linear relaxation, no lazy cuts: every assignment
of a block is judged by the rules). Its cost grows with the largest block, not with the instance: a
40-need instance made of blocks of about ten needs is searched in well under a second, which is how the
tests and the benchmark compare the solver with it up to 40 needs.
"""

from __future__ import annotations

from collections.abc import Sequence

from esms.bourse.solveur.grappes import compatible, verifier_grappe
from esms.bourse.solveur.modeles import Instance
from esms.bourse.solveur.preparation import Preparation


def blocs(prep: Preparation) -> list[tuple[list[int], dict[int, set[int]]]]:
    """Independent blocks: (needs, {offer: its candidates in the block})."""
    parent = list(range(prep.n))

    def racine(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def unir(groupe: Sequence[int]) -> None:
        for j in groupe[1:]:
            parent[racine(j)] = racine(groupe[0])

    candidats = {g: prep.candidats(g) for g in range(len(prep.instance.offres))}
    for liste in candidats.values():
        if liste:
            unir(liste)
    for composante in prep.composantes:
        unir(composante)
    par_racine: dict[int, list[int]] = {}
    for i in range(prep.n):
        if prep.placables[i]:
            par_racine.setdefault(racine(i), []).append(i)
    resultat = []
    for besoins in par_racine.values():
        dedans = set(besoins)
        offres = {g: set(liste) & dedans for g, liste in candidats.items() if set(liste) & dedans}
        resultat.append((besoins, offres))
    return resultat


def _optimum_bloc(instance: Instance, prep: Preparation, besoins: list[int], offres: dict[int, set[int]]) -> int:
    reduit = any(prep.reduite(instance.demandes[i].region) for i in besoins)
    seuil_bas = prep.seuils.taille_min_reduite if reduit else prep.seuils.taille_min
    nouvelles_possibles = len(besoins) >= seuil_bas
    cache: dict[tuple[int | None, tuple[int, ...]], bool] = {}

    def admissible(g: int | None, ajouts: list[int]) -> bool:
        cle = (g, tuple(sorted(ajouts)))
        if cle not in cache:
            offre = instance.offres[g] if g is not None else None
            cache[cle] = verifier_grappe(instance, offre, cle[1]).admissible
        return cache[cle]

    meilleur = 0
    dans_offre: dict[int, list[int]] = {g: [] for g in offres}
    nouvelles: list[list[int]] = []

    def explorer(rang: int, places: int) -> None:
        nonlocal meilleur
        restants = len(besoins) - rang
        # Bound: each need still to place takes an offer's place left, or a new grappe when possible.
        capacite = restants if nouvelles_possibles else sum(
            instance.offres[g].places - len(liste) for g, liste in dans_offre.items())
        if places + min(restants, capacite) <= meilleur:
            return
        if any(len(groupe) + restants < seuil_bas for groupe in nouvelles):
            return
        if rang == len(besoins):
            if all(admissible(g, a) for g, a in dans_offre.items() if a) and all(
                admissible(None, groupe) for groupe in nouvelles
            ):
                meilleur = places
            return
        i = besoins[rang]
        demande = instance.demandes[i]
        for g, liste in dans_offre.items():
            if i in offres[g] and len(liste) < instance.offres[g].places:
                liste.append(i)
                explorer(rang + 1, places + 1)
                liste.pop()
        if nouvelles_possibles:
            for groupe in nouvelles:
                nommees = {s for j in groupe if (s := instance.demandes[j].solution_dui) is not None}
                if all(compatible(demande, s) for s in nommees):
                    groupe.append(i)
                    explorer(rang + 1, places + 1)
                    groupe.pop()
            nouvelles.append([i])
            explorer(rang + 1, places + 1)
            nouvelles.pop()
        explorer(rang + 1, places)

    explorer(0, 0)
    return meilleur


def exhaustif(instance: Instance) -> int:
    """The maximum number of needs that can be placed in admissible grappes."""
    prep = Preparation(instance)
    return sum(_optimum_bloc(instance, prep, besoins, offres) for besoins, offres in blocs(prep))
