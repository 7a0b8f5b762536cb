"""Funding per member and in total: lump sums per case, small-OG additions, domicile pro-rating,
the 2021-1 cap of 30 ESSMS, whole euros."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

import pytest

from esms.rules import evaluate_dossier, load_campagne

from .fabrique import dossier, membre, membres, motif

DEPOTS = {
    "2021-1": "2021-03-01T10:00:00+01:00",
    "2021-2": "2021-09-01T10:00:00+02:00",
    "2024": "2024-03-01T10:00:00+01:00",
}


def evaluer(liste: list[dict], campagne: str = "2024", **champs) -> dict:  # type: ignore[type-arg]
    return evaluate_dossier(dossier(liste, campagne, submitted_at=DEPOTS[campagne], **champs))


def _forfait(campagne: str, cas: str) -> int:
    valeur = load_campagne(campagne).financement.forfaits.pour(cas).valeur
    assert valeur is not None
    return valeur


@pytest.mark.parametrize("campagne", ["2021-2", "2024"])
def test_forfaits_par_cas(campagne: str) -> None:
    liste = membres(5, cas="acquisition") + membres(10, cas="mise_a_niveau")
    verdict = evaluer(liste, campagne, nb_essms_geres=40)
    attendu = 5 * _forfait(campagne, "acquisition") + 10 * _forfait(campagne, "mise_a_niveau")
    assert verdict["financement"]["total"] == attendu
    assert [p["montant"] for p in verdict["financement"]["par_membre"]] == [
        p["detail"]["forfait"] for p in verdict["financement"]["par_membre"]
    ]


def test_amorcage_2021_montants_confirmes() -> None:
    verdict = evaluer(
        membres(5, cas="acquisition") + membres(10, cas="mise_a_niveau"), "2021-1", nb_essms_geres=40
    )
    assert verdict["financement"]["total"] == 5 * 25_000 + 10 * 10_000


def test_usage_seul_pour_un_dui_mis_a_niveau_par_sons() -> None:
    verdict = evaluer(membres(15, cas="usage"))
    assert {p["montant"] for p in verdict["financement"]["par_membre"]} == {_forfait("2024", "usage")}


def test_petit_og_equipement_plafonne_2024() -> None:
    plafond = load_campagne("2024").financement.petit_og.equipement_plafond_par_essms.valeur
    assert plafond == 10_000
    liste = membres(15, finess_ej=membre()["finess_ej"])  # one OG
    liste[0]["montant_equipement_demande"] = 4_000
    liste[1]["montant_equipement_demande"] = 25_000
    verdict = evaluer(liste, nb_essms_geres=14)  # small OG: fewer than 15 ESSMS
    equipements = [p["detail"]["equipement"] for p in verdict["financement"]["par_membre"]]
    assert equipements[0] == 4_000 and equipements[1] == plafond and set(equipements[2:]) == {plafond}
    assert verdict["financement"]["total"] == 15 * _forfait("2024", "acquisition") + 4_000 + 14 * plafond
    assert evaluer(membres(15), nb_essms_geres=15)["financement"]["total"] == 15 * _forfait(
        "2024", "acquisition"
    )


def test_petit_og_seulement_pour_les_membres_de_cet_og() -> None:
    autre_og = membre()["finess_ej"]
    liste = membres(10) + membres(5, finess_ej=autre_og)
    porteur = {"finess_ej": liste[0]["finess_ej"], "nb_essms_geres": 200}
    verdict = evaluer(liste, porteur=porteur, organismes=[{"finess_ej": autre_og, "nb_essms_geres": 5}])
    petits = [p["detail"]["petit_og"] for p in verdict["financement"]["par_membre"]]
    assert petits == [False] * 10 + [True] * 5
    sans_declaration = evaluer(liste, porteur=porteur)  # OG size unknown: no small-OG addition
    assert all(not p["detail"]["petit_og"] for p in sans_declaration["financement"]["par_membre"])


def test_petit_og_temps_2_marche_et_pilotage() -> None:
    ej = membre()["finess_ej"]
    verdict = evaluer(membres(15, cas="acquisition", finess_ej=ej), "2021-2", nb_essms_geres=10)
    assert verdict["financement"]["projet"] == {"marche": 15_000, "pilotage": 100_000, "amoa": 0}
    assert verdict["financement"]["total"] == 15 * (25_000 + 20_000) + 115_000
    mise_a_niveau = evaluer(membres(15, cas="mise_a_niveau", finess_ej=ej), "2021-2", nb_essms_geres=10)
    assert mise_a_niveau["financement"]["projet"]["marche"] == 0  # no procurement without an acquisition
    grand = evaluer(membres(15, finess_ej=ej), "2021-2", nb_essms_geres=60)
    assert grand["financement"]["projet"] == {"marche": 0, "pilotage": 0, "amoa": 0}


@pytest.mark.parametrize("part", [0.75, 0.5, 1 / 3, 0.999, 0.01])
def test_prorata_domicile(part: float) -> None:
    ej = membre()["finess_ej"]
    saad = membre(categorie="460", part_heures_eligibles=part, finess_ej=ej)
    verdict = evaluer(membres(15, finess_ej=ej) + [saad], nb_essms_geres=10)
    ligne = verdict["financement"]["par_membre"][-1]
    base = _forfait("2024", "acquisition") + 10_000
    attendu = int((Decimal(base) * Decimal(str(part))).to_integral_value(ROUND_FLOOR))
    assert ligne["montant"] == attendu and isinstance(ligne["montant"], int)
    assert ligne["montant"] <= base
    domicile = [m for m in verdict["motifs"] if m["rule"] == "membre.domicile"]
    assert len(domicile) == 1 and domicile[0]["ok"] and domicile[0]["finess_et"] == saad["finess_et"]


def test_domicile_sans_heure_eligible_exclu() -> None:
    saad = membre(categorie="460", part_heures_eligibles=0)
    verdict = evaluer(membres(14) + [saad])
    assert not verdict["eligible"] and verdict["nb_membres_eligibles"] == 14


def test_part_ignoree_hors_aide_a_domicile() -> None:
    ehpad = membre(part_heures_eligibles=0.5)
    verdict = evaluer(membres(14) + [ehpad])
    ligne = verdict["financement"]["par_membre"][-1]
    assert ligne["montant"] == _forfait("2024", "acquisition")
    assert "ignorée" in ligne["detail"]["part_heures_note"]


def test_plafond_de_30_essms_en_2021_temps_1() -> None:
    ej = membre()["finess_ej"]
    verdict = evaluer(membres(34, finess_ej=ej), "2021-1", nb_essms_geres=34)
    montants = [p["montant"] for p in verdict["financement"]["par_membre"]]
    assert montants == [25_000] * 30 + [0] * 4
    assert verdict["financement"]["total"] == 30 * 25_000
    assert "seuls les 30 premiers" in motif(verdict, "financement.plafond_essms")["message"]
    assert (
        evaluer(membres(34, finess_ej=ej), "2021-2", nb_essms_geres=34)["financement"]["total"] == 34 * 25_000
    )


def test_dossier_non_eligible_sans_financement() -> None:
    verdict = evaluer(membres(14))
    assert verdict["financement"]["total"] == 0
    assert all(p["montant"] == 0 for p in verdict["financement"]["par_membre"])
    assert verdict["financement"]["total_si_eligible"] == 14 * _forfait("2024", "acquisition")
    assert "aucun financement" in motif(verdict, "financement.calcul")["message"]


def test_trace_du_calcul() -> None:
    verdict = evaluer(membres(15, cas="usage"))
    calcul = motif(verdict, "financement.calcul")
    assert calcul["parameters"] == {
        "financement.arrondi": "euro_inferieur",
        "financement.forfaits.usage": _forfait("2024", "usage"),
    }
    assert "à confirmer" not in calcul["source"] and calcul["source"]
