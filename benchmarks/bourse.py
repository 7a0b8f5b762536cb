"""Benchmark of the bourse aux grappes: 2 000 isolated establishments and 200 open grappes, target ≤ 30 s.

Run: `uv run python benchmarks/bourse.py` (options: `--demandes 2000`, `--offres 200`, `--moteur cpsat|highs|tous`,
`--petites 10`, `--graine 1`). Needs and offers are drawn from the real FINESS extract
(`finess_et_20210108_flat.csv.gz` in the shared data folder: `ESMS_SHARED_DATA`, else `../shared/data`):
- an open grappe is a real organisme with 5 to 13 eligible establishments in one region (3 to 7 in
  Corse and overseas), its real coordinates, a DUI solution among four, and places to reach the size
  threshold plus 0 to 3;
- a need is an establishment of an organisme with one or two eligible establishments (isolated), drawn
  in every region, with its real coordinates, a maximum distance of 15 to 60 km and a solution (40 %
  « any »). The 2021 extract has no coordinates overseas: needs come from the 13 metropolitan regions
  (Corsica, with its reduced threshold, included).
Printed: needs placed by the solver (time, proven optimum or bound), by the greedy baseline (nearest
admissible grappe first) and, on `--petites` small instances (40 needs: ten around each of four distant
offers, see `petite_instance`), by the exhaustive search, with the ratios. Preparation of the instances is not timed; the solver is, with its
model building and every rules verdict.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from esms.bourse.solveur import lire_instance, proposer
from esms.bourse.solveur.exhaustif import exhaustif
from esms.bourse.solveur.geo import distance_km
from esms.bourse.solveur.glouton import glouton, nombre_places
from esms.rules import classify
from esms.rules.geographie import REGIONS

CIBLE_SECONDES = 30.0
FICHIER_FINESS = "finess_et_20210108_flat.csv.gz"
SOLUTIONS = ("Solution A", "Solution B", "Solution C", "Solution D")
REDUITES = {"94", "01", "02", "03", "04", "06"}
CAMPAGNE, DEPOT = "2024", "2024-05-02T10:00:00+02:00"


def dossier_partage() -> Path:
    env = os.environ.get("ESMS_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "data"


def charger(chemin: Path) -> dict[str, list[dict[str, Any]]]:
    """Eligible establishments with coordinates, by organisme (EJ)."""
    par_ej: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with gzip.open(chemin, "rt", encoding="utf-8", newline="") as flux:
        for ligne in csv.DictReader(flux, delimiter=";"):
            region = ligne["region_code_derive"]
            if ligne["domaine_categ"] != "SOC" or region not in REGIONS or not ligne["latitude"]:
                continue
            if not classify(ligne["categetab"]).eligible:
                continue
            try:
                lat, lon = float(ligne["latitude"]), float(ligne["longitude"])
            except ValueError:
                continue
            par_ej[ligne["nofinessej"]].append(
                {
                    "finess_et": ligne["nofinesset"],
                    "finess_ej": ligne["nofinessej"],
                    "categorie": ligne["categetab"],
                    "region": region,
                    "departement": ligne["dep_code_derive"],
                    "latitude": lat,
                    "longitude": lon,
                }
            )
    return par_ej


def _membre(etablissement: dict[str, Any], solution: str) -> dict[str, Any]:
    membre = {
        **etablissement,
        "cas": "acquisition",
        "solution_dui": solution,
        "solution_referencee_segur": True,
        "autres_fonds_ue": False,
    }
    if etablissement["categorie"] == "460":
        membre["part_heures_eligibles"] = 0.8
    return membre


def _offre(ej: str, etablissements: list[dict[str, Any]], alea: random.Random) -> dict[str, Any]:
    solution = alea.choice(SOLUTIONS)
    seuil = 8 if etablissements[0]["region"] in REDUITES else 15
    return {
        "id": f"G-{ej}",
        "porteur": {"finess_ej": ej, "nb_essms_geres": len(etablissements)},
        "solution_dui": solution,
        "places": seuil - len(etablissements) + alea.randint(0, 3),
        "membres": [_membre(e, solution) for e in etablissements],
    }


def _demande(etablissement: dict[str, Any], alea: random.Random) -> dict[str, Any]:
    demande = {
        **etablissement,
        "solution_dui": None if alea.random() < 0.4 else alea.choice(SOLUTIONS),
        "distance_max_km": float(alea.randint(15, 60)),
    }
    if etablissement["categorie"] == "460":
        demande["part_heures_eligibles"] = 0.8
    return demande


def grande_instance(par_ej: dict[str, list[dict[str, Any]]], nb_demandes: int, nb_offres: int, alea: random.Random) -> dict[str, Any]:
    porteurs = []
    for ej, liste in sorted(par_ej.items()):
        regions = {e["region"] for e in liste}
        if len(regions) != 1:
            continue
        bornes = (3, 7) if liste[0]["region"] in REDUITES else (5, 13)
        if bornes[0] <= len(liste) <= bornes[1]:
            porteurs.append(ej)
    # Overseas and Corsica first (a few), then the rest at random: every region is represented.
    choisis = alea.sample(porteurs, nb_offres)
    isoles_par_region: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ej, liste in sorted(par_ej.items()):
        if len(liste) <= 2 and ej not in choisis:
            isoles_par_region[liste[0]["region"]].extend(liste)
    total = sum(len(v) for v in isoles_par_region.values())
    demandes: list[dict[str, Any]] = []
    for _region, liste in sorted(isoles_par_region.items()):
        part = max(10, round(nb_demandes * len(liste) / total))
        demandes.extend(alea.sample(liste, min(part, len(liste))))
    demandes = alea.sample(demandes, min(nb_demandes, len(demandes)))
    return {
        "campaign": CAMPAGNE,
        "submitted_at": DEPOT,
        "demandes": [_demande(e, alea) for e in demandes],
        "offres": [_offre(ej, par_ej[ej], alea) for ej in choisis],
    }


def petite_instance(grande: dict[str, Any], alea: random.Random, nb_offres: int = 4, nb_max: int = 40) -> dict[str, Any]:
    """Four offers of the large instance, drawn among the 60 with most needs within 30 km and at least 150 km
    from each other, and the ten needs nearest to each (40 in all, the issue's largest small instance). Needs
    of distant offers never share a grappe, so the exhaustive search — exact, independent of the solver's
    model — takes each block of about ten needs alone, while the solver sees the 40 needs at once."""

    def centre(offre: dict[str, Any]) -> tuple[float, float]:
        return offre["membres"][0]["latitude"], offre["membres"][0]["longitude"]

    def voisins(offre: dict[str, Any]) -> int:
        return sum(distance_km(centre(offre), (d["latitude"], d["longitude"])) <= 30 for d in grande["demandes"])

    continentales = [o for o in grande["offres"] if o["membres"][0]["region"] not in REDUITES]
    candidates = sorted(continentales, key=voisins, reverse=True)[:60]
    alea.shuffle(candidates)
    offres: list[dict[str, Any]] = []
    for offre in candidates:
        if all(distance_km(centre(offre), centre(o)) >= 150 for o in offres):
            offres.append(offre)
        if len(offres) == nb_offres:
            break
    demandes: dict[str, dict[str, Any]] = {}
    for offre in offres:
        proches = sorted(grande["demandes"], key=lambda d: distance_km(centre(offre), (d["latitude"], d["longitude"])))
        for demande in proches[: nb_max // nb_offres]:
            demandes.setdefault(demande["finess_et"], demande)
    return {**grande, "demandes": list(demandes.values())[:nb_max], "offres": offres}


def main(argv: list[str] | None = None) -> int:
    analyseur = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    analyseur.add_argument("--demandes", type=int, default=2000)
    analyseur.add_argument("--offres", type=int, default=200)
    analyseur.add_argument("--moteur", choices=("cpsat", "highs", "tous"), default="tous")
    analyseur.add_argument("--petites", type=int, default=10)
    analyseur.add_argument("--graine", type=int, default=1)
    args = analyseur.parse_args(argv)
    chemin = dossier_partage() / FICHIER_FINESS
    if not chemin.exists():
        print(f"Extrait FINESS absent ({chemin}) : benchmark non exécuté.")
        return 1
    alea = random.Random(args.graine)
    par_ej = charger(chemin)
    donnees = grande_instance(par_ej, args.demandes, args.offres, alea)
    instance = lire_instance(donnees)
    regions = {d.region for d in instance.demandes}
    print(
        f"Instance : {len(instance.demandes)} besoins dans {len(regions)} régions, {len(instance.offres)} grappes ouvertes "
        f"({sum(o.places for o in instance.offres)} places), campagne {CAMPAGNE}."
    )
    debut = time.perf_counter()
    reference = nombre_places(glouton(instance))
    duree_glouton = time.perf_counter() - debut
    print(f"Glouton (grappe admissible la plus proche d'abord) : {reference} besoins placés en {duree_glouton:.1f} s.")
    moteurs = ("cpsat", "highs") if args.moteur == "tous" else (args.moteur,)
    echec = False
    for moteur in moteurs:
        debut, cpu = time.perf_counter(), time.process_time()
        resultat = proposer(instance, moteur=moteur, limite_s=CIBLE_SECONDES - 3)
        duree, duree_cpu = time.perf_counter() - debut, time.process_time() - cpu
        preuve = "optimum prouvé" if resultat.optimal else f"borne {resultat.borne}"
        ratio = resultat.places / reference if reference else float("inf")
        print(
            f"Solveur {moteur} : {resultat.places} besoins placés ({preuve}) dans {len(resultat.propositions)} grappes "
            f"dont {sum(p.offre is None for p in resultat.propositions)} nouvelles, distance totale "
            f"{resultat.distance_km:.0f} km, en {duree:.1f} s (CPU {duree_cpu:.1f} s, cible {CIBLE_SECONDES:.0f} s) ; "
            f"{resultat.statistiques['variables']} variables, {resultat.iterations} résolutions, "
            f"{resultat.statistiques['coupes']} coupes ; ratio solveur / glouton = {ratio:.3f}."
        )
        echec |= (moteur == "highs" and duree > CIBLE_SECONDES) or resultat.places < reference
    ecarts = 0
    for rang in range(args.petites):
        petite = lire_instance(petite_instance(donnees, alea))
        debut = time.perf_counter()
        optimum = exhaustif(petite)
        duree_exhaustif = time.perf_counter() - debut
        glou = nombre_places(glouton(petite))
        ligne = [f"Petite instance {rang + 1} ({len(petite.demandes)} besoins, {len(petite.offres)} grappes) : "
                 f"exhaustif {optimum} ({duree_exhaustif:.1f} s), glouton {glou}"]
        for moteur in moteurs:
            resultat = proposer(petite, moteur=moteur)
            ligne.append(f"{moteur} {resultat.places}{' (optimum prouvé)' if resultat.optimal else ''}")
            ecarts += resultat.places != optimum
            echec |= resultat.places < glou
        ratio = f"{(resultat.places / optimum):.3f}" if optimum else "—"
        print(", ".join(ligne) + f" ; ratio solveur / exhaustif = {ratio}.")
    print(f"Petites instances où le solveur diffère de l'optimum exhaustif : {ecarts}.")
    return 1 if echec or ecarts else 0


if __name__ == "__main__":
    sys.exit(main())
