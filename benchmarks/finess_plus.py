"""Generate FINESS+ Structures files (JSON, gzip) from the national Etalab extract of ../shared/data.

The layout is the published one (`schema-structures-v1.json`, validated record by record by the importer):
one `pmej` per entité juridique with its `ege` nested. What the Etalab extract does not carry is synthesised
and marked so: the PMEJ name (« GESTIONNAIRE DE <first establishment> »), SIREN (the first 9 digits of an
establishment's SIRET when there is one), legal status `60` and creation date. Coordinates are written as
FINESS+ writes them: WGS84 degrees, and Lambert-93 metres with X and Y swapped.

    uv run python benchmarks/finess_plus.py SORTIE.json.gz [--date 2026-06-01] [--journalier N --base FICHIER]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import os
import random
from collections import defaultdict
from datetime import date
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
ETALAB = "etalab-cs1100507-stock-20210108-0427.reconstructed.csv.gz"
PLAT = "finess_et_20210108_flat.csv.gz"


def dossier_partage() -> Path:
    return Path(os.environ.get("ESMS_SHARED_DATA", RACINE.parent / "shared" / "data"))


def _coordonnees(dossier: Path) -> dict[str, tuple[str, str]]:
    with gzip.open(dossier / PLAT, "rt", encoding="utf-8") as flux:
        return {ligne["nofinesset"]: (ligne["latitude"], ligne["longitude"])
                for ligne in csv.DictReader(flux, delimiter=";")}


def _lire_etalab(dossier: Path) -> tuple[list[list[str]], dict[str, tuple[str, str]]]:
    structures: list[list[str]] = []
    geo: dict[str, tuple[str, str]] = {}
    with gzip.open(dossier / ETALAB, "rb") as brut:
        for ligne in io.TextIOWrapper(brut, encoding="cp1252", errors="replace", newline="\n"):
            champs = ligne.rstrip("\n").split(";")
            if champs[0] == "structureet":
                structures.append([c.replace('"', "") for c in champs])
            elif champs[0] == "geolocalisation":
                geo[champs[1]] = (champs[2], champs[3])
    return structures, geo


def _adresse(champs: list[str], usage: str, latlon: tuple[str, str] | None,
             lambert: tuple[str, str] | None) -> list[dict]:
    code_postal, _, ville = champs[15].partition(" ")
    if not champs[12]:
        return []  # the schema requires cogCommune in an address
    departement = champs[13]
    prefixe = {"9A": "971", "9B": "972", "9C": "973", "9D": "974"}.get(departement, departement)
    adresse = {"usageAdresse": usage}
    for cle, rang in (("numeroVoie", 7), ("typeVoie", 8), ("libelleVoie", 9), ("lieuDit", 11)):
        if champs[rang]:
            adresse[cle] = champs[rang]
    adresse["cogCommune"] = prefixe[:2] + champs[12]  # the field holds the INSEE code's last 3 characters
    adresse["ligneAcheminement"] = ville
    adresse["codePostal"] = code_postal
    if latlon and latlon[0] and lambert and lambert[0] and len(prefixe) == 2:
        adresse["coordonneesGeographique"] = {
            "coordonneeX": lambert[1], "coordonneeY": lambert[0],  # FINESS+ swaps the Lambert-93 axes
            "directionLatitude": latlon[0], "directionLongitude": latlon[1]}
    return [adresse]


def _evenement(numero: int, objet: str, type_objet: str, code: str, jour: str) -> dict:
    return {"evenementId": str(numero), "dateEnregistrement": "2026-01-01 00:00:00", "dateEvenement": jour,
            "etatObjet1": code, "identifiantObjet1": objet, "systemeMaitre": "01", "typeObjet1": type_objet,
            "codeEvenement": code}


def _ege(champs: list[str], latlon, lambert, suffixe_nom: str = "") -> dict:
    infos = {"egeId": champs[1], "nomEgeCourt": champs[3] + suffixe_nom, "nomEgeLong": champs[3] + suffixe_nom,
             "numFinessEge": champs[1]}
    infos["dateOuverture"] = infos["datePremiereAutorisation"] = champs[28] or "1900-01-01"
    if champs[22]:
        infos["siret"] = champs[22]
    ege = {"informationsGeneralesEGE": infos, "categorieentiteGeographiqueExercice": champs[18],
           "adresse": _adresse(champs, "03", latlon, lambert), "contact": [], "engagement": [],
           "evenement": [_evenement(int(champs[1][2:]), champs[1], "EG", "003", champs[28] or "1900-01-01")],
           "roleEge": [], "etatObjet": "A", "dateDerniereMaj": (champs[30] or "2021-01-08") + " 00:00:00"}
    if champs[16]:
        ege["contact"] = [{"typeContact": {"roleContact": "01"}, "telecom": {"telephone": champs[16]}}]
    return ege


def _pmej(numero: str, eges: list[dict], premier: list[str]) -> dict:
    siret = next((e["informationsGeneralesEGE"].get("siret", "") for e in eges
                  if e["informationsGeneralesEGE"].get("siret")), "")
    nom = f"GESTIONNAIRE DE {premier[3]}"[:60]
    infos = {"pmSmsseId": numero, "dateCreation": "1990-01-01", "denominationLonguePmSmsse": nom,
             "denominationPm": nom, "numFinessPm": numero, "statutJuridique": "60", "typePersonneMorale": "01"}
    if siret:
        infos["siren"] = siret[:9]
    return {"informationsGeneralesPMEJ": infos, "adresse": _adresse(premier, "02", None, None), "contact": [],
            "engagement": [], "evenement": [], "ege": eges, "etatObjet": "A",
            "dateDerniereMaj": "2021-01-08 00:00:00"}


def _ecrire(sortie: Path, pmej: list[dict], genere: str) -> None:
    with gzip.open(sortie, "wt", encoding="utf-8", compresslevel=3) as flux:
        flux.write(f'{{"schemaVersion": "v1.0.0", "generatedAt": "{genere}", "gcc": [], "gco": [], "pmej": [')
        for rang, entite in enumerate(pmej):
            if rang:
                flux.write(",")
            flux.write(json.dumps(entite, ensure_ascii=False, separators=(",", ":")))
        flux.write("]}")


def generer(sortie: Path, *, jour: date, journalier: int = 0, graine: int = 11) -> dict[str, int]:
    """Write a national snapshot (journalier=0) or a daily flow of `journalier` changes; return its counts.

    A daily flow changes the name of 60 % of the picked establishments, closes 20 % (etatObjet I, dateFermeture)
    and moves 20 % to another SIRET; each under its PMEJ, which lists only the changed EGE."""
    dossier = dossier_partage()
    structures, geo = _lire_etalab(dossier)
    latlon = _coordonnees(dossier)
    par_ej: dict[str, list[list[str]]] = defaultdict(list)
    for champs in structures:
        par_ej[champs[2]].append(champs)
    choisis: dict[str, int] = {}
    if journalier:
        tirage = random.Random(graine).sample(range(len(structures)), journalier)
        choisis = {structures[i][1]: rang for rang, i in enumerate(tirage)}
    pmej = []
    nb_ege = 0
    for numero, lignes in par_ej.items():
        eges = []
        for champs in lignes:
            if journalier and champs[1] not in choisis:
                continue
            rang = choisis.get(champs[1], -1)
            ege = _ege(champs, latlon.get(champs[1]), geo.get(champs[1]),
                       " (RENOMME)" if journalier and rang % 5 < 3 else "")
            if journalier and rang % 5 == 3:
                ege["etatObjet"] = "I"
                ege["informationsGeneralesEGE"]["dateFermeture"] = jour.isoformat()
            elif journalier and rang % 5 == 4:
                ege["informationsGeneralesEGE"]["siret"] = f"{90000000000000 + rang:014d}"
            eges.append(ege)
        if eges:
            pmej.append(_pmej(numero, eges, lignes[0]))
            nb_ege += len(eges)
    _ecrire(sortie, pmej, f"{jour.isoformat()}T03:00:00Z")
    return {"pmej": len(pmej), "ege": nb_ege}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sortie", type=Path)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 6, 1))
    parser.add_argument("--journalier", type=int, default=0, help="nombre de changements d'un flux quotidien")
    arguments = parser.parse_args()
    print(generer(arguments.sortie, jour=arguments.date, journalier=arguments.journalier))


if __name__ == "__main__":
    main()
