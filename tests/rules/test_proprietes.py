"""Property-based tests (hypothesis): funding bounds, refusals always explained, routing depends only on
member count and regions, whole euros, output contract, fast and detailed input paths agree."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esms.rules import CODES_CAMPAGNES, campagne_from_dict, campagne_to_dict, evaluate_dossier, load_campagne
from esms.rules.decisions.routage import categorie_essms
from esms.rules.entree import _Lecteur, _lire_membre, _membre_rapide
from esms.rules.geographie import REGIONS

from .fabrique import departement_de, finess

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "rules.schema.json").read_text(encoding="utf-8")
)
VALIDATEUR_SORTIE = jsonschema.Draft202012Validator({**SCHEMA, "$ref": "#/$defs/sortie"})
CATEGORIES = [
    "500",
    "202",
    "460",
    "354",
    "209",
    "183",
    "255",
    "214",
    "443",
    "340",
    "197",
    "177",
    "362",
    "247",
    "101",
    "999",
]
REGIONS_TESTS = ["84", "11", "93", "94", "01", "04", "06"]
PARAMETRES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def membres_st(draw: st.DrawFn, region: str | None = None) -> dict[str, Any]:
    region = region or draw(st.sampled_from(REGIONS_TESTS))
    departement = departement_de(region)
    solution = draw(st.sampled_from(["Solution A", "Solution A", "Solution A", "Solution B"]))
    membre: dict[str, Any] = {
        "finess_et": finess(departement),
        "finess_ej": finess(departement, draw(st.integers(1, 5))),
        "categorie": draw(st.sampled_from(CATEGORIES)),
        "region": region,
        "departement": departement,
        "cas": draw(st.sampled_from(["acquisition", "usage", "mise_a_niveau"])),
        "solution_dui": solution,
        "solution_referencee_segur": draw(st.booleans()),
        "autres_fonds_ue": draw(st.sampled_from([False, False, False, True])),
    }
    optionnels = {
        "deja_finance_pour": st.sampled_from([None, solution, "Autre DUI"]),
        "part_heures_eligibles": st.sampled_from([None, 0, 0.2, 1 / 3, 0.5, 0.75, 0.999, 1]),
        "sons_eligible": st.sampled_from([None, True, False]),
        "solution_candidate_segur": st.booleans(),
        "montant_equipement_demande": st.one_of(st.none(), st.integers(0, 40_000)),
        "indicateurs": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {},
                optional={
                    "taux_dui_actifs": st.floats(0, 1),
                    "taux_ins_qualifiee": st.floats(0, 1),
                    "documents_dmp": st.integers(0, 5),
                    "messages_mssante": st.integers(0, 50),
                },
            ),
        ),
    }
    for cle, strategie in optionnels.items():
        if draw(st.booleans()):
            membre[cle] = draw(strategie)
    return membre


@st.composite
def dossiers_st(draw: st.DrawFn) -> dict[str, Any]:
    campagne = draw(st.sampled_from(CODES_CAMPAGNES))
    parametres = load_campagne(campagne)
    cloture = parametres.calendrier.regional.cloture.valeur
    assert cloture is not None
    depot = datetime.combine(cloture, datetime.min.time(), UTC) + timedelta(
        seconds=draw(st.integers(-200 * 86400, 2 * 86400))
    )
    liste = draw(st.lists(membres_st(), min_size=1, max_size=55))
    if draw(st.booleans()) and len(liste) > 1:
        liste.append(dict(liste[0]))  # a duplicate
    porteur = {"finess_ej": liste[0]["finess_ej"], "nb_essms_geres": draw(st.integers(1, 100))}
    donnees: dict[str, Any] = {
        "campaign": campagne,
        "submitted_at": depot.isoformat(),
        "porteur": porteur,
        "members": liste,
    }
    if draw(st.booleans()):
        donnees["call"] = draw(st.sampled_from(["regional", "multiregional", "national"]))
    if draw(st.booleans()):
        donnees["versement"] = {
            "montant_convention": draw(st.integers(0, 2_000_000)),
            "deja_verse": draw(st.integers(0, 2_000_000)),
        }
    return donnees


def _argent(verdict: dict[str, Any]) -> list[Any]:
    financement = verdict["financement"]
    valeurs = [financement["total"], financement["total_si_eligible"], *financement["projet"].values()]
    for ligne in financement["par_membre"]:
        valeurs += [ligne["montant"], ligne["detail"]["montant_si_eligible"]]
        valeurs += [ligne["detail"][c] for c in ("forfait", "equipement") if c in ligne["detail"]]
    if verdict["versement"]:
        valeurs += [v for k, v in verdict["versement"].items() if k != "etape"]
    return valeurs


@PARAMETRES
@given(dossiers_st())
def test_financement_borne_et_en_euros_entiers(donnees: dict[str, Any]) -> None:
    verdict = evaluate_dossier(donnees)
    campagne = load_campagne(verdict["campaign"], date.fromisoformat(verdict["parametres_au"]))
    financement = campagne.financement
    for valeur in _argent(verdict):
        assert type(valeur) is int and valeur >= 0
    plafond_equipement = financement.petit_og.equipement_plafond_par_essms.valeur or 0
    finances = 0
    for ligne in verdict["financement"]["par_membre"]:
        detail = ligne["detail"]
        forfait = financement.forfaits.pour(detail["cas"]).valeur or 0
        assert detail["montant_si_eligible"] <= forfait + plafond_equipement
        assert ligne["montant"] <= detail["montant_si_eligible"]
        finances += detail["montant_si_eligible"] > 0
    if financement.nb_essms_finances_max.valeur is not None:
        assert finances <= financement.nb_essms_finances_max.valeur
    projet = verdict["financement"]["projet"]
    petit = financement.petit_og
    for cle, parametre in (
        ("marche", petit.marche_par_projet),
        ("pilotage", petit.pilotage_par_projet),
        ("amoa", petit.amoa_par_projet),
    ):
        assert projet[cle] <= (parametre.valeur or 0)
    total = sum(ligne["montant"] for ligne in verdict["financement"]["par_membre"]) + sum(projet.values())
    assert verdict["financement"]["total"] == total
    if not verdict["eligible"]:
        assert total == 0
    if verdict["versement"]:
        versement = verdict["versement"]
        assert versement["montant_du"] <= max(0, versement["montant_convention"] - versement["deja_verse"])


@PARAMETRES
@given(dossiers_st())
def test_un_refus_a_toujours_une_regle_bloquante_en_echec(donnees: dict[str, Any]) -> None:
    verdict = evaluate_dossier(donnees)
    bloquants_en_echec = [m for m in verdict["motifs"] if m["bloquant"] and not m["ok"]]
    assert verdict["eligible"] is (not bloquants_en_echec)
    assert all(m["finess_et"] is None for m in bloquants_en_echec)
    if not verdict["dans_les_delais"]:
        assert not verdict["eligible"]
    VALIDATEUR_SORTIE.validate(verdict)


@PARAMETRES
@given(
    st.sampled_from(CODES_CAMPAGNES),
    st.lists(st.sampled_from(REGIONS_TESTS), min_size=1, max_size=70),
    st.randoms(use_true_random=False),
    st.data(),
)
def test_le_routage_ne_depend_que_du_nombre_et_des_regions(
    campagne: str, regions: list[str], aleatoire, data
) -> None:  # type: ignore[no-untyped-def]
    cloture = load_campagne(campagne).calendrier.regional.cloture.valeur
    depot = f"{cloture}T12:00:00+02:00"

    def construire() -> dict[str, Any]:
        liste = [data.draw(membres_st(region)) for region in regions]
        aleatoire.shuffle(liste)
        porteur = {"finess_ej": liste[0]["finess_ej"], "nb_essms_geres": data.draw(st.integers(1, 100))}
        return {"campaign": campagne, "submitted_at": depot, "porteur": porteur, "members": liste}

    un, deux = construire(), construire()
    premier, second = evaluate_dossier(un), evaluate_dossier(deux)

    def essms(dossier: dict[str, Any]) -> list[str]:
        """Regions of the members that are ESSMS under art. L.312-1 CASF (the only ones that count)."""
        return [m["region"] for m in dossier["members"] if categorie_essms(m["categorie"])[0]]

    comptes_un, comptes_deux = essms(un), essms(deux)
    assert premier["nb_essms_routage"] == len(comptes_un)
    if sorted(comptes_un) == sorted(comptes_deux):
        assert premier["appel"] == second["appel"]
    multi = len(set(comptes_un)) > 1
    if premier["appel"] == "national":
        assert len(comptes_un) >= 50
    if premier["appel"] == "multiregional":
        assert multi and len(comptes_un) < 50


@PARAMETRES
@given(membres_st())
def test_chemin_rapide_et_chemin_detaille_d_accord(brut: dict[str, Any]) -> None:
    lecteur = _Lecteur()
    detaille = _lire_membre(lecteur, brut, "members[0]")
    rapide = _membre_rapide(brut)
    if rapide is not None:
        assert rapide == detaille and not lecteur.erreurs
    else:
        assert detaille is not None or lecteur.erreurs


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(CODES_CAMPAGNES), st.dates(date(2020, 1, 1), date(2026, 12, 31)))
def test_parametres_aller_retour_a_toute_date(code: str, jour: date) -> None:
    campagne = load_campagne(code, jour)
    assert campagne_from_dict(campagne_to_dict(campagne)) == campagne
    assert set(campagne.grappe.regions_corse_outre_mer.valeur) <= set(REGIONS)
