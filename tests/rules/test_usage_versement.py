"""Usage-target attainment (with the 2025 AHI exemption) and the payment due (advance, balance, nothing)."""

from __future__ import annotations

from typing import Any

import pytest

from esms.rules import campagne_from_dict, campagne_to_dict, evaluate_dossier, load_campagne
from esms.rules.decisions.versement import calculer_versement
from esms.rules.modeles import AtteinteUsage, VersementInput

from .fabrique import dossier, membres, motif


def _atteints(campagne: str = "2024", **surcharges: Any) -> dict[str, float]:
    """Indicator values that meet every target of the campaign (computed from its thresholds)."""
    valeurs: dict[str, float] = {}
    for code, parametre in load_campagne(campagne).usage.indicateurs.items():
        seuil = float(parametre.valeur.seuil)
        valeurs[code] = {">=": seuil, ">": seuil + 1, "<=": seuil, "<": seuil - 1, "==": seuil}[
            parametre.valeur.operateur
        ]
    valeurs.update(surcharges)
    return valeurs


def evaluer(
    liste: list[dict], campagne: str = "2024", submitted_at: str = "2024-03-01T10:00:00+01:00", **champs: Any
) -> dict:  # type: ignore[type-arg]
    return evaluate_dossier(dossier(liste, campagne, submitted_at=submitted_at, **champs))


def test_pas_d_atteinte_sans_indicateurs() -> None:
    verdict = evaluer(membres(15))
    assert verdict["usage"] is None and verdict["versement"] is None


def test_cibles_atteintes() -> None:
    verdict = evaluer(membres(15, indicateurs=_atteints()))
    assert verdict["usage"]["cibles_atteintes"] is True
    assert verdict["usage"]["nb_membres_atteints"] == 15
    assert motif(verdict, "usage.cibles")["ok"]


def test_cible_manquee_et_valeur_absente() -> None:
    seuil = float(load_campagne("2024").usage.indicateurs["taux_dui_actifs"].valeur.seuil)
    liste = membres(13, indicateurs=_atteints())
    liste += membres(1, indicateurs=_atteints(taux_dui_actifs=seuil - 0.01))
    incomplet = _atteints()
    del incomplet["messages_mssante"]
    liste += membres(1, indicateurs=incomplet)
    verdict = evaluer(liste)
    usage = verdict["usage"]
    assert usage["cibles_atteintes"] is False and usage["nb_membres_atteints"] == 13
    echecs = [m for m in verdict["motifs"] if m["rule"] == "usage.cibles" and m["finess_et"]]
    assert [m["finess_et"] for m in echecs] == [liste[13]["finess_et"], liste[14]["finess_et"]]
    assert "taux_dui_actifs" in echecs[0]["message"] and "non déclaré" in echecs[1]["message"]
    assert verdict["eligible"]  # usage targets do not change eligibility


@pytest.mark.parametrize(
    ("depot", "atteint"), [("2025-05-01T10:00:00+02:00", False), ("2025-09-02T10:00:00+02:00", True)]
)
def test_exemption_ahi_non_sons_2025(depot: str, atteint: bool) -> None:
    valeurs = _atteints("2025")
    del valeurs["messages_mssante"], valeurs["documents_dmp"]
    ahi = membres(
        15, categorie="214", sons_eligible=False, solution_referencee_segur=True, indicateurs=valeurs
    )
    verdict = evaluer(ahi, "2025", depot)
    assert verdict["usage"]["cibles_atteintes"] is atteint
    detail = verdict["usage"]["par_membre"][0]["indicateurs"]
    assert detail["messages_mssante"]["exempte"] is atteint
    sons = membres(15, categorie="214", sons_eligible=True, indicateurs=valeurs)
    assert evaluer(sons, "2025", depot)["usage"]["cibles_atteintes"] is False


def test_indicateur_inconnu_ignore() -> None:
    verdict = evaluer(membres(15, indicateurs=_atteints(autre_chose=3)))
    assert verdict["usage"]["cibles_atteintes"]
    assert verdict["usage"]["par_membre"][0]["indicateurs"]["ignores"] == {
        "indicateurs_inconnus": ["autre_chose"]
    }


def _versement(
    montant: int,
    deja: int,
    signee: bool = True,
    indicateurs: dict[str, float] | None = None,
    campagne: str = "2023",
) -> dict:  # type: ignore[type-arg]
    depot = {"2023": "2023-05-01T10:00:00+02:00", "2024": "2024-03-01T10:00:00+01:00"}[campagne]
    liste = membres(15, indicateurs=indicateurs) if indicateurs is not None else membres(15)
    versement = {"montant_convention": montant, "deja_verse": deja, "convention_signee": signee}
    return evaluer(liste, campagne, depot, versement=versement)["versement"]


def test_versement_2023_cinquante_cinquante() -> None:
    assert _versement(375_001, 0) == {
        "etape": "avance",
        "montant_du": 187_500,
        "montant_convention": 375_001,
        "deja_verse": 0,
        "avance": 187_500,
        "droits_acquis": 187_500,
        "trop_percu": 0,
    }
    assert _versement(375_001, 187_500)["etape"] == "aucun"  # balance waits for the usage evidence
    solde = _versement(375_001, 187_500, indicateurs=_atteints("2023"))
    assert (solde["etape"], solde["montant_du"]) == ("solde", 187_501)
    assert _versement(375_001, 375_001, indicateurs=_atteints("2023"))["montant_du"] == 0
    assert _versement(375_001, 0, signee=False)["montant_du"] == 0


def test_versement_atteinte_partielle_aucun_ou_prorata() -> None:
    campagne = load_campagne("2024")
    assert campagne.versement.solde_atteinte_partielle.valeur == "aucun"
    partielle = AtteinteUsage(cibles_atteintes=False, nb_membres=15, nb_membres_atteints=12, par_membre=())
    entree = VersementInput(montant_convention=300_000, deja_verse=150_000)
    assert calculer_versement(entree, partielle, campagne).valeur.montant_du == 0
    data = campagne_to_dict(campagne)
    data["versement"]["solde_atteinte_partielle"]["valeur"] = "prorata"
    prorata = calculer_versement(entree, partielle, campagne_from_dict(data)).valeur
    assert (prorata.etape, prorata.montant_du) == ("solde", 150_000 * 12 // 15)


def test_trop_percu() -> None:
    resultat = _versement(100_000, 120_000, indicateurs=_atteints("2023"))
    assert resultat["montant_du"] == 0 and resultat["trop_percu"] == 20_000
