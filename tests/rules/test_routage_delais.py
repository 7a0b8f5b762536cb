"""Call routing (regional / multi-regional / national), lead region, and deadlines around summer and
winter time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from esms.rules import campagne_from_dict, campagne_to_dict, evaluate_dossier, load_campagne, parse_dossier
from esms.rules.decisions.delais import verifier_delais
from esms.rules.decisions.routage import appel_attendu
from esms.rules.evaluation import evaluer_avec

from .fabrique import dossier, echecs, membre, membres, motif


def evaluer(
    liste: list[dict], campagne: str = "2024", submitted_at: str = "2024-03-01T10:00:00+01:00", **champs
) -> dict:  # type: ignore[type-arg]
    return evaluate_dossier(dossier(liste, campagne, submitted_at=submitted_at, **champs))


@pytest.mark.parametrize(
    ("campagne", "repartition", "appel"),
    [
        ("2024", {"84": 49}, "regional"),
        ("2024", {"84": 50}, "regional"),  # text 001: 15 or more in one region, whatever the size
        ("2024", {"84": 80}, "regional"),
        ("2023", {"84": 50}, "regional"),  # text 002 silent: parameter « à confirmer »
        ("2022", {"84": 50}, "national"),
        ("2024", {"84": 25, "11": 24}, "multiregional"),
        ("2024", {"84": 25, "11": 25}, "national"),
        ("2024", {"84": 15}, "regional"),
        ("2023", {"84": 30, "11": 19}, "multiregional"),
        ("2022", {"84": 30, "11": 19}, "regional"),
        ("2022", {"84": 30, "11": 20}, "national"),
        ("2021-2", {"84": 50}, "national"),
        ("2021-2", {"84": 30, "11": 19}, "regional"),
        ("2021-1", {"84": 30, "11": 30}, "regional"),
    ],
)
def test_routage(campagne: str, repartition: dict[str, int], appel: str) -> None:
    liste = [m for region, n in repartition.items() for m in membres(n, region)]
    depot = {
        "2024": "2024-03-01T10:00:00+01:00",
        "2023": "2023-05-01T10:00:00+02:00",
        "2022": "2022-06-01T10:00:00+02:00",
        "2021-2": "2021-09-01T10:00:00+02:00",
        "2021-1": "2021-03-01T10:00:00+01:00",
    }[campagne]
    verdict = evaluer(liste, campagne, depot)
    assert verdict["appel"] == appel
    assert motif(verdict, "appel.routage")["ok"]
    region_du_porteur = liste[0]["region"]  # the porteur is the OG of the first member
    assert verdict["region_pilote"] == max(
        repartition, key=lambda r: (repartition[r], r == region_du_porteur)
    )


def test_grappe_mono_regionale_de_50_parametrable() -> None:
    campagne = load_campagne("2024")
    assert appel_attendu(50, 1, campagne) == "regional"
    assert campagne.grappe.appel_grappe_mono_regionale.statut == "confirmé"
    data = campagne_to_dict(load_campagne("2023"))
    assert data["grappe"]["appel_grappe_mono_regionale"]["statut"] == "à confirmer"
    note = data["grappe"]["appel_grappe_mono_regionale"]["note"]
    assert "(1) régional" in note and "(2) national" in note  # both readings written down
    data["grappe"]["appel_grappe_mono_regionale"]["valeur"] = "national"
    autre_lecture = campagne_from_dict(data)
    assert appel_attendu(50, 1, autre_lecture) == "national"
    assert appel_attendu(50, 2, autre_lecture) == "national"
    assert appel_attendu(49, 1, autre_lecture) == "regional"


def test_appel_declare_different_du_routage() -> None:
    verdict = evaluer(membres(15), call="national")
    assert not verdict["eligible"]
    assert "appel.routage" in echecs(verdict)
    assert verdict["appel"] == "regional"
    assert evaluer(membres(15), call="regional")["eligible"]
    assert not evaluer(membres(15, "84"), "2022", "2022-06-01T10:00:00+02:00", call="multiregional")[
        "eligible"
    ]


class TestRegionPilote:
    def test_egalite_region_du_porteur_declaree(self) -> None:
        liste = membres(8, "11") + membres(8, "84")
        verdict = evaluer(
            liste, porteur={"finess_ej": liste[0]["finess_ej"], "nb_essms_geres": 40, "region": "84"}
        )
        assert verdict["region_pilote"] == "84"
        assert "région du porteur" in motif(verdict, "appel.region_pilote")["message"]

    def test_egalite_region_des_etablissements_du_porteur(self) -> None:
        liste = membres(8, "11") + membres(8, "84")
        verdict = evaluer(liste, porteur={"finess_ej": liste[10]["finess_ej"], "nb_essms_geres": 40})
        assert verdict["region_pilote"] == "84"

    def test_egalite_porteur_ailleurs_plus_petit_code(self) -> None:
        liste = membres(8, "84") + membres(8, "11")
        porteur = {"finess_ej": membre("93")["finess_ej"], "nb_essms_geres": 40, "region": "93"}
        verdict = evaluer(liste, porteur=porteur)
        assert verdict["region_pilote"] == "11"
        assert "plus petit code INSEE" in motif(verdict, "appel.region_pilote")["message"]

    def test_majorite(self) -> None:
        liste = membres(9, "84") + membres(7, "11")
        assert (
            evaluer(liste, porteur={"finess_ej": liste[-1]["finess_ej"], "nb_essms_geres": 4})[
                "region_pilote"
            ]
            == "84"
        )


# 2024 regional call: 15/01/2024 (winter time, UTC+1) → 15/09/2024 (summer time, UTC+2).
@pytest.mark.parametrize(
    ("instant", "ok"),
    [
        ("2024-09-15T23:59:59+02:00", True),
        ("2024-09-15T23:59:59.999999+02:00", True),
        ("2024-09-16T00:00:00+02:00", False),
        ("2024-09-15T21:59:59Z", True),
        ("2024-09-15T22:00:00Z", False),
        ("2024-09-15T17:59:59-04:00", True),  # filed from Martinique: 23:59:59 in Paris
        ("2024-09-15T18:00:00-04:00", False),
        ("2024-01-15T00:00:00+01:00", True),
        ("2024-01-14T23:59:59+01:00", False),
        ("2024-01-14T23:00:00Z", True),
        ("2024-01-14T22:59:59Z", False),
    ],
)
def test_delai_appel_regional_2024(instant: str, ok: bool) -> None:
    verdict = evaluer(membres(15), submitted_at=instant)
    assert verdict["dans_les_delais"] is ok
    assert verdict["eligible"] is ok
    assert verdict["date_limite"] == "2024-09-15"
    assert verdict["cloture"] == "2024-09-15T23:59:59+02:00"
    message = motif(verdict, "delais.depot")["message"]
    assert ("dans les délais" in message) is ok


@pytest.mark.parametrize(
    ("instant", "ok"),
    [("2024-06-01T23:59:59+02:00", True), ("2024-06-02T00:00:00+02:00", False)],
)
def test_delai_multiregional_plus_tot(instant: str, ok: bool) -> None:
    verdict = evaluer(membres(8, "84") + membres(8, "11"), submitted_at=instant)
    assert verdict["appel"] == "multiregional" and verdict["dans_les_delais"] is ok


@pytest.mark.parametrize(
    ("instant", "ok"),
    [
        ("2024-12-16T23:59:59+01:00", True),
        ("2024-12-16T22:59:59Z", True),
        ("2024-12-16T23:00:00Z", False),
        ("2024-12-17T00:00:00+01:00", False),
    ],
)
def test_delai_cloture_en_heure_d_hiver(instant: str, ok: bool) -> None:
    data = campagne_to_dict(load_campagne("2024"))
    data["calendrier"]["regional"]["cloture"]["valeur"] = "2024-12-16"
    campagne = campagne_from_dict(data)
    entree = parse_dossier(dossier(membres(15), submitted_at=instant))
    verdict = evaluer_avec(entree, campagne, date(2024, 12, 1))
    assert verdict.dans_les_delais is ok and verdict.eligible is ok
    assert verdict.cloture is not None and verdict.cloture.utcoffset().total_seconds() == 3600  # type: ignore[union-attr]


def test_delai_amorcage_apres_passage_a_l_heure_d_ete() -> None:
    campagne = load_campagne("2021-1")  # closes 31/03/2021, after the switch of 28/03/2021
    ok = verifier_delais(datetime(2021, 3, 31, 21, 59, 59, tzinfo=UTC), "regional", campagne)
    tard = verifier_delais(datetime(2021, 3, 31, 22, 0, 0, tzinfo=UTC), "regional", campagne)
    assert ok.ok and not tard.ok


def test_appel_absent_de_la_campagne() -> None:
    verdict = verifier_delais(datetime(2022, 6, 1, tzinfo=UTC), "multiregional", load_campagne("2022"))
    assert not verdict.ok and verdict.valeur.date_limite is None
    assert "n'a pas d'appel multirégional" in verdict.motifs[0].message


def test_depot_tardif_donne_un_refus_explique() -> None:
    verdict = evaluer(membres(15), submitted_at="2024-10-01T09:00:00+02:00")
    refus = [m for m in verdict["motifs"] if not m["ok"] and m["bloquant"]]
    assert [m["rule"] for m in refus] == ["delais.depot"]
    assert "après la clôture" in refus[0]["message"]
    assert verdict["financement"]["total"] == 0 and verdict["financement"]["total_si_eligible"] > 0
