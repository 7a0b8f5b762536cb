"""Campaign parameters: YAML files, resolution at a date, validation from a dict, serialisation."""

from __future__ import annotations

import copy
import dataclasses
from datetime import date
from importlib import resources
from typing import Any

import pytest
import yaml

from esms.rules import (
    CODES_CAMPAGNES,
    CampagneInconnue,
    ParametresInvalides,
    campagne_from_dict,
    campagne_to_dict,
    list_campagnes,
    load_campagne,
)
from esms.rules.chargement import donnees_campagne
from esms.rules.parametres import STATUTS


def _feuilles(noeud: Any, chemin: str = "") -> list[tuple[str, dict[str, Any]]]:
    if isinstance(noeud, dict) and "valeur" in noeud:
        return [(chemin, noeud)]
    if isinstance(noeud, dict):
        return [
            f for cle, sous in noeud.items() for f in _feuilles(sous, f"{chemin}.{cle}" if chemin else cle)
        ]
    return []


def _yaml(code: str) -> dict[str, Any]:
    texte = (
        resources.files("esms.rules")
        .joinpath("campagnes")
        .joinpath(f"{code}.yaml")
        .read_text(encoding="utf-8")
    )
    return yaml.safe_load(texte)


@pytest.mark.parametrize("code", CODES_CAMPAGNES)
def test_chaque_feuille_a_valeur_source_statut(code: str) -> None:
    brut = donnees_campagne(code)  # the file resolved over the campaign it inherits from
    sections = {k: v for k, v in brut.items() if k not in ("code", "libelle", "annee", "amendements")}
    feuilles = _feuilles(sections)
    for amendement in brut.get("amendements", []):
        feuilles += _feuilles(amendement["modifications"])
    assert len(feuilles) > 50
    for chemin, feuille in feuilles:
        assert set(feuille) <= {"valeur", "source", "statut", "note"}, chemin
        assert feuille["statut"] in STATUTS, chemin
        assert isinstance(feuille["source"], str) and len(feuille["source"]) > 5, chemin


@pytest.mark.parametrize("code", CODES_CAMPAGNES)
def test_aller_retour_dict(code: str) -> None:
    campagne = load_campagne(code)
    assert campagne.code == code
    brut = campagne_to_dict(campagne)
    assert campagne_from_dict(brut) == campagne
    assert campagne_from_dict(yaml.safe_load(yaml.safe_dump(brut, allow_unicode=True))) == campagne


def test_liste_et_alias() -> None:
    assert [r.code for r in list_campagnes()] == list(CODES_CAMPAGNES)
    assert load_campagne("2021").code == "2021-2"
    assert load_campagne(2024) is load_campagne("2024")  # cached
    with pytest.raises(CampagneInconnue, match="2019"):
        load_campagne("2019")


def test_parametres_immuables() -> None:
    campagne = load_campagne("2024")
    with pytest.raises(dataclasses.FrozenInstanceError):
        campagne.grappe.taille_min = campagne.grappe.taille_min_corse_outre_mer  # type: ignore[misc]
    with pytest.raises(TypeError):
        campagne.usage.indicateurs["x"] = campagne.usage.indicateurs["taux_dui_actifs"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("jour", "total", "exemptions", "amendements"),
    [
        (date(2025, 4, 16), 83_000_000, 0, ()),
        (date(2025, 9, 1), 83_000_000, 0, ()),
        (date(2025, 9, 2), 76_500_000, 1, ("2025/100",)),
        (None, 76_500_000, 1, ("2025/100",)),
    ],
)
def test_amendement_2025_date(
    jour: date | None, total: int, exemptions: int, amendements: tuple[str, ...]
) -> None:
    campagne = load_campagne("2025", jour)
    assert campagne.enveloppes.total.valeur == total
    assert len(campagne.usage.exemptions.valeur) == exemptions
    assert tuple(a.code for a in campagne.amendements_appliques) == amendements
    # Parameters the amendment does not touch keep their base value and source.
    assert campagne.grappe.taille_min.valeur == 15


def test_valeurs_confirmees_des_sources() -> None:
    amorcage = load_campagne("2021-1")
    assert amorcage.financement.forfaits.acquisition.valeur == 25_000
    assert amorcage.financement.forfaits.mise_a_niveau.valeur == 10_000
    assert amorcage.financement.petit_og.equipement_plafond_par_essms.valeur == 20_000
    assert amorcage.financement.nb_essms_finances_max.valeur == 30
    assert (amorcage.grappe.nb_og_min.valeur, amorcage.grappe.nb_og_min_corse_outre_mer.valeur) == (3, 2)
    temps2 = load_campagne("2021-2")
    assert (
        temps2.financement.petit_og.marche_par_projet.valeur,
        temps2.financement.petit_og.pilotage_par_projet.valeur,
    ) == (15_000, 100_000)
    assert load_campagne("2024").financement.petit_og.equipement_plafond_par_essms.statut == "confirmé"
    assert load_campagne("2023").versement.part_avance.statut == "confirmé"
    assert str(load_campagne("2023").versement.part_avance.valeur) == "0.5"
    for code in ("2022", "2023", "2024", "2025"):
        forfaits = load_campagne(code).financement.forfaits
        assert all(
            forfaits.pour(cas).statut == "à confirmer" for cas in ("acquisition", "usage", "mise_a_niveau")
        )
        assert set(load_campagne(code).grappe.regions_corse_outre_mer.valeur) == {
            "94",
            "01",
            "02",
            "03",
            "04",
            "06",
        }


def _erreurs(data: Any, as_of: date | None = None) -> tuple[str, ...]:
    with pytest.raises(ParametresInvalides) as exc:
        campagne_from_dict(data, as_of)
    return exc.value.erreurs


def test_erreurs_localisees() -> None:
    data = donnees_campagne("2024")
    data["calendrier"]["regional"]["cloture"]["valeur"] = "2024-13-45"
    data["grappe"]["taille_min"]["statut"] = "probable"
    data["grappe"]["taille_min"]["valeur"] = "quinze"
    del data["financement"]["arrondi"]
    data["usage"]["inconnu"] = {"valeur": 1, "source": "x", "statut": "confirmé"}
    data["enveloppes"]["total"].pop("source")
    erreurs = _erreurs(data)
    assert any(e.startswith("calendrier.regional.cloture : date invalide") for e in erreurs), erreurs
    assert (
        "grappe.taille_min.statut : statut « probable » inconnu (attendu : confirmé, à confirmer)" in erreurs
    )
    assert any(e.startswith("grappe.taille_min : nombre entier") for e in erreurs)
    assert "financement.arrondi : paramètre manquant" in erreurs
    assert "usage.inconnu : paramètre inconnu" in erreurs
    assert any(e.startswith("enveloppes.total.source : source manquante") for e in erreurs)


def test_coherence_du_calendrier() -> None:
    data = donnees_campagne("2024")
    data["calendrier"]["national"]["cloture"]["valeur"] = "2024-01-01"
    erreurs = _erreurs(data)
    assert any(
        e.startswith("calendrier.national.cloture : la clôture (2024-01-01) précède l'ouverture")
        for e in erreurs
    )


def test_amendement_sur_un_parametre_inconnu() -> None:
    data = donnees_campagne("2025")
    data["amendements"][0]["modifications"]["grappe"] = {
        "taille_maxi": {"valeur": 3, "source": "x", "statut": "confirmé"}
    }
    assert "amendements[0].modifications.grappe.taille_maxi : paramètre absent du texte de base" in _erreurs(
        data
    )
    # Before its date the amendment is not applied, so its mistakes do not matter.
    assert campagne_from_dict(data, date(2025, 5, 1)).enveloppes.total.valeur == 83_000_000


def test_version_editee_par_un_administrateur() -> None:
    data = copy.deepcopy(campagne_to_dict(load_campagne("2024")))
    data["financement"]["forfaits"]["usage"] = {
        "valeur": 7_000,
        "source": "Annexe 2 de l'instruction",
        "statut": "confirmé",
    }
    version = campagne_from_dict(data)
    assert version.financement.forfaits.usage.valeur == 7_000
    assert version.financement.forfaits.usage.statut == "confirmé"
    assert version != load_campagne("2024")


def test_exemption_sur_indicateur_inconnu() -> None:
    data = donnees_campagne("2024")
    data["usage"]["exemptions"]["valeur"] = [{"secteur": "ahi", "indicateurs": ["pas_un_indicateur"]}]
    assert any("pas_un_indicateur" in e for e in _erreurs(data))


def test_racine_invalide() -> None:
    assert _erreurs([]) == ("(racine) : dictionnaire de paramètres attendu",)
