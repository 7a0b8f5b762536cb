"""Greedy baseline for the benchmark: nearest admissible grappe first.

1. Every (need, offer) pair within reach is taken in order of distance to the offer's nearest member; a
   need joins the offer when it has places, the same solution and the distance rule holds. Offers the
   rules then refuse give their needs back.
2. Needs left alone grow new grappes: from each remaining need (north to south), the nearest remaining
   compatible needs within reach are added until the rules find the grappe admissible, or none is left.
"""

from __future__ import annotations

from esms.bourse.solveur.grappes import compatible, probleme_distance, verifier_grappe
from esms.bourse.solveur.modeles import Instance
from esms.bourse.solveur.preparation import Preparation


def glouton(instance: Instance, prep: Preparation | None = None) -> dict[int | None, list[list[int]]]:
    """{offer index: [added needs]} and, under None, the new grappes; every grappe is admissible."""
    prep = prep or Preparation(instance)
    paires = sorted(
        (distance, i, g)
        for g, directs in enumerate(prep.directs)
        for i, distance in directs.items()
        if prep.placables[i] and compatible(instance.demandes[i], instance.offres[g].solution_dui)
    )
    ajouts: dict[int, list[int]] = {}
    places: set[int] = set()
    for _, i, g in paires:
        courant = ajouts.setdefault(g, [])
        if i in places or len(courant) >= instance.offres[g].places:
            continue
        if probleme_distance(instance, instance.offres[g], [*courant, i])[0] is None:
            courant.append(i)
            places.add(i)
    resultat: dict[int | None, list[list[int]]] = {}
    for g, liste in ajouts.items():
        if liste and verifier_grappe(instance, instance.offres[g], liste).admissible:
            resultat[g] = [liste]
        else:
            places.difference_update(liste)
    nouvelles: list[list[int]] = []
    ordre = sorted(
        (i for i in range(prep.n) if prep.placables[i] and i not in places),
        key=lambda i: (-instance.demandes[i].latitude, instance.demandes[i].longitude),
    )
    for depart in ordre:
        if depart in places:
            continue
        groupe = [depart]
        solution = instance.demandes[depart].solution_dui
        while True:
            voisins = sorted(
                (d, j)
                for i in groupe
                for j, d in {**prep.liens[i], **{k: prep.liens[k][i] for k in prep.entrants[i]}}.items()
                if j not in places
                and j not in groupe
                and (solution is None or compatible(instance.demandes[j], solution))
            )
            if not voisins:
                break
            suivant = voisins[0][1]
            groupe.append(suivant)
            solution = solution or instance.demandes[suivant].solution_dui
            seuil = (
                prep.seuils.taille_min_reduite
                if all(prep.reduite(instance.demandes[i].region) for i in groupe)
                else prep.seuils.taille_min
            )
            if len(groupe) >= seuil and verifier_grappe(instance, None, groupe).admissible:
                nouvelles.append(sorted(groupe))
                places.update(groupe)
                break
    if nouvelles:
        resultat[None] = nouvelles
    return resultat


def nombre_places(resultat: dict[int | None, list[list[int]]]) -> int:
    return sum(len(grappe) for grappes in resultat.values() for grappe in grappes)
