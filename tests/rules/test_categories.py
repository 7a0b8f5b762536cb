"""FINESS category classification: eligibility under art. L.312-1 CASF and programme sector."""

from __future__ import annotations

import csv
import dataclasses
import gzip
from collections import Counter
from pathlib import Path

import pytest

from esms.rules.categories import (
    CATEGORIES_AIDE_A_DOMICILE,
    SECTEUR_LIBELLES,
    SECTEURS,
    CategoryClass,
    classify,
    est_aide_a_domicile,
    est_usld,
)
from esms.rules.nomenclature import CATEGORIES_FINESS, PAR_CODE


def _lire_csv(chemin: Path) -> list[dict[str, str]]:
    with chemin.open(encoding="utf-8", newline="") as flux:
        return list(csv.DictReader(flux, delimiter=";"))


def test_secteurs_et_libelles() -> None:
    assert tuple(SECTEUR_LIBELLES) == SECTEURS
    assert set(SECTEURS) == {
        "personnes_agees",
        "handicap_adultes",
        "handicap_enfants",
        "domicile",
        "protection_enfance",
        "ahi",
        "pjm",
        "difficultes_specifiques",
        "autre",
    }


def test_resultat_fige() -> None:
    resultat = classify("500")
    assert isinstance(resultat, CategoryClass)
    with pytest.raises(dataclasses.FrozenInstanceError):
        resultat.eligible = False  # type: ignore[misc]


@pytest.mark.parametrize("categorie", CATEGORIES_FINESS, ids=lambda c: c.code)
def test_invariants_de_chaque_categorie(categorie) -> None:  # type: ignore[no-untyped-def]
    resultat = classify(categorie.code, categorie.agr3, categorie.agr2, categorie.domaine)
    assert resultat.secteur in SECTEURS
    assert categorie.code in resultat.motif and resultat.source
    if categorie.domaine != "SOC":
        assert not resultat.eligible, (
            "une catégorie sanitaire, d'enseignement ou d'administration n'est jamais éligible"
        )
        assert resultat.secteur == "autre"
    if categorie.agr2 == "4400":
        assert resultat.secteur == "personnes_agees"
    if categorie.agr2 == "4500":
        assert resultat.secteur == "protection_enfance" and resultat.eligible
    if categorie.agr2 == "4100":
        assert resultat.secteur == "handicap_enfants" and resultat.eligible
    if categorie.agr3 == "4608":
        assert resultat.secteur == "pjm"
    if categorie.agr3 == "4604":
        assert resultat.secteur == "difficultes_specifiques" and resultat.eligible
    if resultat.eligible:
        assert "L.312-1" in resultat.motif and categorie.domaine == "SOC"
    else:
        assert "non éligible" in resultat.motif or "exclue" in resultat.motif


@pytest.mark.parametrize(
    ("code", "secteur"),
    [
        ("500", "personnes_agees"),  # EHPAD
        ("202", "personnes_agees"),  # résidence autonomie
        ("460", "domicile"),  # SAAD
        ("354", "domicile"),  # SSIAD
        ("209", "domicile"),  # SPASAD
        ("182", "handicap_enfants"),  # SESSAD
        ("183", "handicap_enfants"),  # IME
        ("255", "handicap_adultes"),  # MAS
        ("437", "handicap_adultes"),  # FAM
        ("246", "handicap_adultes"),  # ESAT
        ("177", "protection_enfance"),  # MECS
        ("214", "ahi"),  # CHRS
        ("443", "ahi"),  # CADA
        ("340", "pjm"),  # mandataire judiciaire
        ("197", "difficultes_specifiques"),  # CSAPA
        ("178", "difficultes_specifiques"),  # CAARUD
        ("180", "difficultes_specifiques"),  # LHSS
        ("165", "difficultes_specifiques"),  # ACT
    ],
)
def test_categories_eligibles_connues(code: str, secteur: str) -> None:
    resultat = classify(code)
    assert resultat.eligible, resultat.motif
    assert resultat.secteur == secteur


def test_usld_exclue_avec_son_motif() -> None:
    usld = PAR_CODE["362"]
    assert usld.domaine == "SAN" and "Longue Durée" in usld.libelle
    resultat = classify("362")
    assert not resultat.eligible
    assert "USLD" in resultat.motif and "sanitaire" in resultat.motif
    assert est_usld("362") and not est_usld("500")
    assert classify("101").motif != resultat.motif  # a hospital gets the generic health motif


@pytest.mark.parametrize(
    ("code", "mot"), [("247", "code du travail"), ("220", "hors art. L.312-1"), ("259", "logement")]
)
def test_categories_sociales_hors_champ(code: str, mot: str) -> None:
    resultat = classify(code)
    assert not resultat.eligible
    assert mot in resultat.motif


def test_code_inconnu() -> None:
    resultat = classify("999")
    assert not resultat.eligible and resultat.secteur == "autre"
    assert "inconnue" in resultat.motif
    indice = classify("998", agr3="4401", agr2="4400", domaine="SOC")
    assert not indice.eligible and indice.secteur == "autre" and "4401" in indice.motif


def test_codes_normalises() -> None:
    assert classify(" 500 ") == classify("500")
    assert classify("3") == classify("003")


def test_services_aide_a_domicile() -> None:
    for code in CATEGORIES_AIDE_A_DOMICILE:
        assert classify(code).eligible and est_aide_a_domicile(code)
    assert not est_aide_a_domicile("354")  # SSIAD: nursing care, no confort activity


@pytest.mark.realdata
def test_table_conforme_au_fichier_de_nomenclature(donnees_partagees: Path) -> None:
    lignes = _lire_csv(donnees_partagees / "finess_nomenclature_categories_etab.csv")
    assert len(lignes) == len(CATEGORIES_FINESS)
    for ligne in lignes:
        categorie = PAR_CODE[ligne["code"]]
        assert (categorie.libelle, categorie.domaine, categorie.agr3, categorie.agr2) == (
            ligne["libelle"],
            ligne["domaine"],
            ligne["codeagr3"],
            ligne["codeagr2"],
        )
        assert categorie.date_fin == (ligne["datefin"] or None)
        resultat = classify(ligne["code"], ligne["codeagr3"], ligne["codeagr2"], ligne["domaine"])
        if ligne["domaine"] == "SAN":
            assert not resultat.eligible


@pytest.mark.realdata
def test_coherence_avec_la_table_cnsa(donnees_partagees: Path) -> None:
    attendus = {"1": {"handicap_enfants"}, "2": {"handicap_adultes"}, "3": {"personnes_agees"}}
    for ligne in _lire_csv(donnees_partagees / "cnsa_corresp_categories_esms.csv"):
        resultat = classify(ligne["categorie"])
        assert resultat.eligible, (ligne["categorie"], resultat.motif)
        secteurs = attendus.get(ligne["code_domaine"], {"domicile", "handicap_adultes", "protection_enfance"})
        assert resultat.secteur in secteurs, (ligne["categorie"], resultat.secteur)


@pytest.mark.realdata
def test_etablissements_finess_2021(donnees_partagees: Path) -> None:
    """Classify the 95 333 ET of the national extract; print the eligible count per sector."""
    par_secteur: Counter[str] = Counter()
    total = eligibles = soc = 0
    with gzip.open(
        donnees_partagees / "finess_et_20210108_flat.csv.gz", "rt", encoding="utf-8", newline=""
    ) as flux:
        for ligne in csv.DictReader(flux, delimiter=";"):
            total += 1
            resultat = classify(
                ligne["categetab"], ligne["categagretab"], ligne["categ_agr2"], ligne["domaine_categ"]
            )
            soc += ligne["domaine_categ"] == "SOC"
            if resultat.eligible:
                eligibles += 1
                par_secteur[resultat.secteur] += 1
                assert ligne["domaine_categ"] == "SOC"
            if ligne["categetab"] in ("500", "460", "354", "214", "177"):
                assert resultat.eligible
    assert total == 95333
    assert eligibles == sum(par_secteur.values())
    assert 0 < eligibles < soc
    assert "autre" not in par_secteur
