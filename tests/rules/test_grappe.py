"""Grappe validity at every edge, per campaign: size (Corse/overseas minimum), one DUI solution,
duplicates, excluded members (USLD, EU funds, already funded), 2021-1 OG count, software condition."""

from __future__ import annotations

import pytest

from esms.rules import evaluate_dossier

from .fabrique import dossier, echecs, membre, membres, motif

DEPOTS = {
    "2021-1": "2021-03-01T10:00:00+01:00",
    "2021-2": "2021-09-01T10:00:00+02:00",
    "2022": "2022-06-01T10:00:00+02:00",
    "2023": "2023-05-01T10:00:00+02:00",
    "2024": "2024-03-01T10:00:00+01:00",
    "2025": "2025-05-01T10:00:00+02:00",
}


def evaluer(liste: list[dict], campagne: str = "2024", **champs) -> dict:  # type: ignore[type-arg]
    champs.setdefault("submitted_at", DEPOTS[campagne])
    return evaluate_dossier(dossier(liste, campagne, **champs))


@pytest.mark.parametrize("campagne", list(DEPOTS))
@pytest.mark.parametrize(("nombre", "eligible"), [(14, False), (15, True)])
def test_taille_minimale_metropole(campagne: str, nombre: int, eligible: bool) -> None:
    verdict = evaluer(membres(nombre, "84"), campagne)
    assert verdict["eligible"] is eligible
    assert motif(verdict, "grappe.taille")["ok"] is eligible
    assert motif(verdict, "grappe.taille")["parameters"]["grappe.taille_min"] == 15
    assert verdict["nb_membres_eligibles"] == nombre


@pytest.mark.parametrize("region", ["94", "01", "02", "03", "04", "06"])
@pytest.mark.parametrize(("nombre", "eligible"), [(7, False), (8, True)])
def test_taille_minimale_corse_outre_mer(region: str, nombre: int, eligible: bool) -> None:
    verdict = evaluer(membres(nombre, region))
    assert verdict["eligible"] is eligible, verdict["motifs"]
    taille = motif(verdict, "grappe.taille")
    assert taille["ok"] is eligible
    assert "Corse ou outre-mer" in taille["message"]
    assert verdict["region_pilote"] == region


def test_corse_et_outre_mer_ensemble_gardent_le_minimum_reduit() -> None:
    verdict = evaluer(membres(4, "94") + membres(4, "04"))
    assert verdict["eligible"] and verdict["appel"] == "multiregional"


def test_un_membre_hors_corse_impose_le_minimum_general() -> None:
    verdict = evaluer(membres(8, "94") + membres(1, "93"))
    assert not verdict["eligible"]
    assert "grappe.taille" in echecs(verdict)
    assert "minimum requis : 15" in motif(verdict, "grappe.taille")["message"]


def test_solutions_dui_melangees() -> None:
    liste = membres(14) + [membre(solution_dui="Solution B")]
    verdict = evaluer(liste)
    assert not verdict["eligible"]
    assert "grappe.solution_unique" in echecs(verdict)
    assert "Solution B" in motif(verdict, "grappe.solution_unique")["message"]


def test_solution_comparee_sans_casse_ni_espaces() -> None:
    liste = membres(14) + [membre(solution_dui="  solution   a ")]
    assert evaluer(liste)["eligible"]


def test_etablissement_en_double() -> None:
    liste = membres(15)
    liste.append(dict(liste[3]))
    verdict = evaluer(liste)
    assert not verdict["eligible"]
    assert liste[3]["finess_et"] in motif(verdict, "grappe.doublons")["message"]
    assert verdict["financement"]["par_membre"][-1]["detail"]["eligible"] is False


@pytest.mark.parametrize("campagne", ["2021-2", "2024", "2025"])
def test_membre_usld_exclu(campagne: str) -> None:
    usld = membre(categorie="362")
    verdict = evaluer(membres(14) + [usld], campagne)
    assert not verdict["eligible"]
    assert verdict["nb_membres_eligibles"] == 14
    motifs_usld = [m for m in verdict["motifs"] if m["rule"] == "membre.usld"]
    assert len(motifs_usld) == 1 and motifs_usld[0]["finess_et"] == usld["finess_et"]
    assert "USLD" in motifs_usld[0]["message"] and not motifs_usld[0]["bloquant"]
    verdict = evaluer(membres(15) + [usld], campagne)
    assert verdict["eligible"]
    ligne = next(p for p in verdict["financement"]["par_membre"] if p["finess_et"] == usld["finess_et"])
    assert ligne["montant"] == 0


@pytest.mark.parametrize(
    ("champs", "regle"),
    [
        ({"autres_fonds_ue": True}, "membre.fonds_ue"),
        ({"deja_finance_pour": "Solution A"}, "membre.deja_finance"),
        ({"deja_finance_pour": "Autre DUI"}, "membre.deja_finance"),
        ({"categorie": "247"}, "membre.categorie"),
        ({"categorie": "999"}, "membre.categorie"),
    ],
)
def test_membre_exclu(champs: dict, regle: str) -> None:  # type: ignore[type-arg]
    exclu = membre(**champs)
    verdict = evaluer(membres(15) + [exclu])
    assert verdict["eligible"] and verdict["nb_membres_eligibles"] == 15
    failed = [m for m in verdict["motifs"] if not m["ok"]]
    assert [(m["rule"], m["finess_et"]) for m in failed] == [(regle, exclu["finess_et"])]
    verdict = evaluer(membres(14) + [exclu])
    assert not verdict["eligible"]


def test_deja_finance_meme_logiciel_ou_autre() -> None:
    meme = evaluer(membres(15) + [membre(deja_finance_pour="solution a")])
    autre = evaluer(membres(15) + [membre(deja_finance_pour="Autre DUI")])
    assert "même logiciel" in next(m for m in meme["motifs"] if m["rule"] == "membre.deja_finance")["message"]
    assert "autre DUI" in next(m for m in autre["motifs"] if m["rule"] == "membre.deja_finance")["message"]


def test_cas_usage_non_finance_en_2021() -> None:
    verdict = evaluer(membres(15, cas="usage"), "2021-2")
    assert not verdict["eligible"]
    assert {m["rule"] for m in verdict["motifs"] if not m["ok"]} == {"membre.cas", "grappe.taille"}
    assert evaluer(membres(15, cas="usage"), "2022")["eligible"]


class TestAmorcageTemps1:
    def test_trois_og_minimum(self) -> None:
        og = [membre()["finess_ej"] for _ in range(3)]
        deux = membres(8, finess_ej=og[0]) + membres(7, finess_ej=og[1])
        verdict = evaluer(deux, "2021-1")
        assert not verdict["eligible"] and "grappe.nb_og" in echecs(verdict)
        trois = membres(5, finess_ej=og[0]) + membres(5, finess_ej=og[1]) + membres(5, finess_ej=og[2])
        assert evaluer(trois, "2021-1")["eligible"]
        assert evaluer(deux, "2024")["eligible"]  # no OG minimum after the amorçage

    def test_og_seul_de_15_essms(self) -> None:
        ej = membre()["finess_ej"]
        verdict = evaluer(membres(15, finess_ej=ej), "2021-1")
        assert verdict["eligible"]
        assert "sans le minimum d'OG" in motif(verdict, "grappe.nb_og")["message"]

    def test_corse_deux_og(self) -> None:
        og = [membre("94")["finess_ej"] for _ in range(2)]
        liste = membres(4, "94", finess_ej=og[0]) + membres(4, "94", finess_ej=og[1])
        assert evaluer(liste, "2021-1")["eligible"]
        un_seul = membres(7, "94", finess_ej=og[0]) + membres(1, "94", finess_ej=og[0])
        assert "grappe.nb_og" not in echecs(evaluer(un_seul, "2021-1"))  # one OG with 8 ESSMS in Corse

    def test_priorite_alerte_non_bloquante(self) -> None:
        liste = membres(7) + membres(8, categorie="214")  # CHRS: not a 2021 T1 priority category
        verdict = evaluer(liste, "2021-1")
        priorite = motif(verdict, "grappe.priorite")
        assert priorite["ok"] is False and priorite["bloquant"] is False
        assert verdict["eligible"]
        assert motif(evaluer(membres(15), "2021-1"), "grappe.priorite")["ok"]


class TestConditionLogicielle:
    @pytest.mark.parametrize(("campagne", "eligible"), [("2022", False), ("2023", True), ("2024", True)])
    def test_projet_uniquement_ahi_non_reference(self, campagne: str, eligible: bool) -> None:
        liste = membres(10, categorie="214", solution_referencee_segur=False) + membres(
            5, categorie="340", solution_referencee_segur=False
        )
        verdict = evaluer(liste, campagne)
        assert verdict["eligible"] is eligible
        assert motif(verdict, "grappe.logiciel")["ok"] is eligible

    @pytest.mark.parametrize("campagne", ["2023", "2024"])
    def test_projet_mixte_ahi_et_ehpad_non_reference(self, campagne: str) -> None:
        liste = membres(10, categorie="214", solution_referencee_segur=False) + membres(
            5, solution_referencee_segur=False
        )
        verdict = evaluer(liste, campagne)
        assert not verdict["eligible"] and "grappe.logiciel" in echecs(verdict)

    def test_amorcage_sans_referencement(self) -> None:
        assert evaluer(membres(15, solution_referencee_segur=False), "2021-2")["eligible"]
        assert not evaluer(membres(15, solution_referencee_segur=False), "2024")["eligible"]

    @pytest.mark.parametrize(
        ("champs", "avril", "septembre"),
        [
            ({"categorie": "214", "sons_eligible": False}, False, True),
            ({"categorie": "214", "sons_eligible": True}, False, False),
            ({"categorie": "214"}, False, False),
            ({"categorie": "214", "sons_eligible": True, "solution_candidate_segur": True}, True, True),
            ({"categorie": "340"}, True, True),
            ({"categorie": "500"}, False, False),
            ({"categorie": "500", "solution_candidate_segur": True}, False, False),
        ],
    )
    def test_2025_avril_et_septembre(self, champs: dict, avril: bool, septembre: bool) -> None:  # type: ignore[type-arg]
        liste = membres(15, solution_referencee_segur=False, **champs)
        verdict_avril = evaluer(liste, "2025", submitted_at="2025-05-01T10:00:00+02:00")
        verdict_septembre = evaluer(liste, "2025", submitted_at="2025-09-02T10:00:00+02:00")
        assert verdict_avril["amendements"] == [] and verdict_septembre["amendements"] == ["2025/100"]
        assert verdict_avril["eligible"] is avril
        assert verdict_septembre["eligible"] is septembre

    def test_date_des_parametres_explicite(self) -> None:
        liste = membres(15, categorie="214", sons_eligible=False, solution_referencee_segur=False)
        verdict = evaluer(
            liste, "2025", submitted_at="2025-05-01T10:00:00+02:00", date_parametres="2025-09-10"
        )
        assert verdict["parametres_au"] == "2025-09-10" and verdict["eligible"]
