"""Readers of the geography (INSEE COG) and FINESS nomenclature files, as unsaved model instances.

Files (UTF-8, `;`, one header line) shipped in the package (`donnees/`, with their source, date and licence in
its README), or in another folder given explicitly:
`cog_regions.csv`, `cog_departements.csv`, `cog_communes.csv.gz`, `finess_nomenclature_categories_etab.csv`,
`finess_nomenclature_statuts_juridiques.csv`.

Choices:
- Only the 13 metropolitan regions and the 5 DROM are loaded, with their 101 départements: each has an ARS.
  The collectivités d'outre-mer (`est_com = 1`: Saint-Pierre-et-Miquelon, Saint-Barthélemy, Saint-Martin,
  Pacific) have 3-character region codes and no ARS region; FINESS files Saint-Barthélemy and Saint-Martin
  under Guadeloupe (9A). An ET of département 9E (SPM) is therefore rejected as an unknown département.
- FINESS département codes: `01`…`95`, `2A`, `2B` as INSEE; overseas 971→9A, 972→9B, 973→9C, 974→9D,
  975→9E, 976→9F.
- Communes: every code of the COG file of a loaded département (current communes, Paris/Lyon/Marseille
  arrondissements, and the communes déléguées/associées whose code is not a current commune), because FINESS
  numbers of 2021 may still use codes of communes merged since.
- Categories: eligibility and sector are decided by `esms.rules.categories.classify`, once per category.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from esms.referentiel.erreurs import FichierIntrouvable
from esms.referentiel.models import Categorie, Commune, Departement, Region, StatutJuridique

DOSSIER_PAQUET = Path(__file__).resolve().parent / "donnees"
FICHIER_REGIONS = "cog_regions.csv"
FICHIER_DEPARTEMENTS = "cog_departements.csv"
FICHIER_COMMUNES = "cog_communes.csv.gz"
FICHIER_CATEGORIES = "finess_nomenclature_categories_etab.csv"
FICHIER_STATUTS = "finess_nomenclature_statuts_juridiques.csv"
FICHIERS = (FICHIER_REGIONS, FICHIER_DEPARTEMENTS, FICHIER_COMMUNES, FICHIER_CATEGORIES, FICHIER_STATUTS)

CODES_FINESS_OUTRE_MER = {"971": "9A", "972": "9B", "973": "9C", "974": "9D", "975": "9E", "976": "9F"}

# Priority when a commune code appears several times in the COG file (lower wins).
_PRIORITE_TYPE_COMMUNE = {"commune-actuelle": 0, "arrondissement-municipal": 1, "commune-deleguee": 2,
                          "commune-associee": 3}


def code_finess_departement(code_insee: str) -> str:
    """FINESS code of a département: the INSEE code, except overseas (971 → 9A …)."""
    return CODES_FINESS_OUTRE_MER.get(code_insee, code_insee)


def verifier_dossier(dossier: Path) -> None:
    """Raise a French error naming every missing file."""
    manquants = [nom for nom in FICHIERS if not (dossier / nom).is_file()]
    if manquants:
        raise FichierIntrouvable(
            f"Fichier(s) de référence introuvable(s) dans {dossier} : {', '.join(manquants)}. "
            "Indiquez un dossier complet avec l'option --dossier (par défaut, les fichiers livrés avec la "
            "plateforme dans src/esms/referentiel/donnees/)."
        )


def _lignes(chemin: Path) -> Iterator[dict[str, str]]:
    """The file's rows, streamed."""
    ouvrir = gzip.open if chemin.suffix == ".gz" else open
    with ouvrir(chemin, "rb") as flux:
        texte = io.TextIOWrapper(flux, encoding="utf-8-sig", newline="")
        yield from csv.DictReader(texte, delimiter=";")


def _date(valeur: str) -> date | None:
    return date.fromisoformat(valeur) if valeur else None


@dataclass
class Nomenclatures:
    regions: list[Region]
    departements: list[Departement]
    communes: list[Commune]
    categories: list[Categorie]
    statuts: list[StatutJuridique]


def lire_regions(dossier: Path) -> list[Region]:
    return [
        Region(code=r["code_region"], nom=r["nom_region"], est_corse=r["est_corse"] == "1",
               est_outre_mer=r["est_drom"] == "1")
        for r in _lignes(dossier / FICHIER_REGIONS) if r["est_com"] != "1"
    ]


def lire_departements(dossier: Path) -> list[Departement]:
    return [
        Departement(code=d["code_departement"], code_finess=code_finess_departement(d["code_departement"]),
                    nom=d["nom_departement"], region_id=d["code_region"], est_corse=d["est_corse"] == "1",
                    est_outre_mer=d["est_drom"] == "1")
        for d in _lignes(dossier / FICHIER_DEPARTEMENTS) if d["est_com"] != "1"
    ]


def lire_communes(dossier: Path, departements: set[str]) -> list[Commune]:
    retenues: dict[str, tuple[int, Commune]] = {}
    for c in _lignes(dossier / FICHIER_COMMUNES):
        if c["code_departement"] not in departements:
            continue
        priorite = _PRIORITE_TYPE_COMMUNE.get(c["type"], 9)
        deja = retenues.get(c["code_insee"])
        if deja is not None and deja[0] <= priorite:
            continue
        population = int(c["population"]) if c["population"].isdigit() else None
        retenues[c["code_insee"]] = (priorite, Commune(
            code_insee=c["code_insee"], nom=c["nom"], departement_id=c["code_departement"],
            codes_postaux=c["codes_postaux"][:200], population=population))
    return [commune for _, commune in retenues.values()]


def lire_categories(dossier: Path) -> list[Categorie]:
    from esms.rules.categories import classify

    categories = []
    for c in _lignes(dossier / FICHIER_CATEGORIES):
        classe = classify(c["code"], agr3=c["codeagr3"], agr2=c["codeagr2"], domaine=c["domaine"])
        categories.append(Categorie(
            code=c["code"], libelle=c["libelle"], libelle_court=c["libellecourt"], domaine=c["domaine"],
            code_agr3=c["codeagr3"], libelle_agr3=c["libelleagr3"], code_agr2=c["codeagr2"],
            libelle_agr2=c["libelleagr2"], code_agr1=c["codeagr1"], libelle_agr1=c["libelleagr1"],
            date_fin=_date(c["datefin"]), eligible=classe.eligible, secteur=classe.secteur,
            motif_eligibilite=classe.motif, source_eligibilite=classe.source,
        ))
    return categories


def lire_statuts(dossier: Path) -> list[StatutJuridique]:
    return [
        StatutJuridique(code=s["code"], libelle=s["libelle"], code_agr2=s["codeagr2"], libelle_agr2=s["libelleagr2"],
                        code_agr1=s["codeagr1"], libelle_agr1=s["libelleagr1"])
        for s in _lignes(dossier / FICHIER_STATUTS)
    ]


def lire_nomenclatures(dossier: Path) -> Nomenclatures:
    verifier_dossier(dossier)
    regions = lire_regions(dossier)
    departements = lire_departements(dossier)
    return Nomenclatures(
        regions=regions, departements=departements,
        communes=lire_communes(dossier, {d.code for d in departements}),
        categories=lire_categories(dossier), statuts=lire_statuts(dossier),
    )
