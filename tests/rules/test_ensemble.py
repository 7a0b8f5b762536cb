"""The set-based evaluation gives the verdicts of the per-dossier rules (hypothesis), under the shipped
parameters and under drafts that move the parameters the simulation is for."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from esms.rules import ParametresInvalides, campagne_from_dict, campagne_to_dict, load_campagne, parse_dossier
from esms.rules.ensemble import Table, evaluer_table
from esms.rules.evaluation import date_des_parametres, evaluer_avec
from esms.rules.simulation import simuler

from .test_proprietes import PARAMETRES, REGIONS_TESTS, dossiers_st

SECTEURS_REGISTRE = ["personnes_agees", "handicap_adultes", "domicile", "ahi", "protection_enfance"]


@st.composite
def dossier_complet_st(draw: st.DrawFn) -> dict[str, Any]:
    """A dossier of `test_proprietes` with what the platform also sends: register referencing, SONS orders,
    declared referencing types, a chosen lead region, other organismes."""
    donnees = draw(dossiers_st())
    donnees.pop("versement", None)
    for membre in donnees["members"]:
        membre.pop("indicateurs", None)
        choix = draw(st.integers(0, 5))
        if choix == 1:
            membre.pop("solution_referencee_segur")
            membre["referencement_segur"] = {
                "solution": membre["solution_dui"], "version": "1", "editeur": "Éditeur",
                "vague": draw(st.sampled_from([1, 2])),
                "couloir": draw(st.sampled_from(["medico_social", "hospitalier"])),
                "secteurs": draw(st.lists(st.sampled_from(SECTEURS_REGISTRE), min_size=1, max_size=3, unique=True)),
                "date_referencement": draw(st.dates(date(2022, 1, 1), date(2026, 1, 1))).isoformat(),
            }
        elif choix == 2:
            membre["referencement"] = draw(st.sampled_from(["segur", "resah", "segur_hospitalier", "aucun"]))
            membre["ght"] = draw(st.booleans())
            membre["date_referencement"] = draw(st.dates(date(2021, 1, 1), date(2026, 1, 1))).isoformat()
        if draw(st.integers(0, 2)) == 0:
            membre["commande_sons"] = draw(st.one_of(st.none(), st.fixed_dictionaries({
                "solution": st.sampled_from([membre["solution_dui"]] * 3 + ["Autre DUI"]),
                "vague": st.sampled_from([1, 1, 2]),
                "date_commande": st.dates(date(2022, 2, 2), date(2024, 2, 28)).map(date.isoformat),
                "statut": st.sampled_from(["commande", "deploye"]),
            })))
    if draw(st.booleans()):
        donnees["region_pilote"] = draw(st.sampled_from(REGIONS_TESTS))
    if draw(st.booleans()):
        autres = sorted({m["finess_ej"] for m in donnees["members"]} - {donnees["porteur"]["finess_ej"]})
        donnees["organismes"] = [{"finess_ej": ej, "nb_essms_geres": draw(st.integers(1, 40))} for ej in autres]
    return donnees


@st.composite
def brouillon_st(draw: st.DrawFn, code: str) -> dict[str, Any]:
    """The campaign's parameters with some of them moved, as a national administrator's draft would."""
    d = copy.deepcopy(campagne_to_dict(load_campagne(code)))
    mouvements = {
        ("grappe", "taille_min"): st.integers(d["grappe"]["taille_min_corse_outre_mer"]["valeur"], 30),
        ("grappe", "seuil_national"): st.one_of(st.none(), st.integers(5, 80)),
        ("grappe", "ars_pilote_au_choix"): st.booleans(),
        ("grappe", "solution_dui_unique"): st.booleans(),
        ("grappe", "nb_og_min"): st.integers(1, 4),
        ("eligibilite", "usld_exclue"): st.booleans(),
        ("eligibilite", "cumul_fonds_ue_interdit"): st.booleans(),
        ("financement", "nb_essms_finances_max"): st.one_of(st.none(), st.integers(1, 40)),
        ("financement", "prorata_domicile"): st.booleans(),
        ("financement", "arrondi"): st.sampled_from(["euro_inferieur", "euro_le_plus_proche"]),
        ("logiciel", "referencement_segur_requis"): st.booleans(),
        ("logiciel", "exemption_projet_ahi_pjm"): st.booleans(),
    }
    for (section, cle), strategie in mouvements.items():
        if draw(st.booleans()):
            d[section][cle]["valeur"] = draw(strategie)
    for cas in ("acquisition", "usage", "mise_a_niveau"):
        if draw(st.booleans()):
            d["financement"]["forfaits"][cas]["valeur"] = draw(st.one_of(st.none(), st.integers(0, 60_000)))
    return d


def _attendu(dossier, campagne) -> dict[str, Any]:
    verdict = evaluer_avec(dossier, campagne, date_des_parametres(dossier))
    return {
        "eligible": verdict.eligible,
        "echecs": {m.rule for m in verdict.motifs if m.bloquant and not m.ok},
        "appel": verdict.appel,
        "region_pilote": verdict.region_pilote,
        "nb": verdict.nb_membres_eligibles,
        "total": verdict.financement.total,
        "total_si": verdict.financement.total_si_eligible,
        "montants": [ligne.detail["montant_si_eligible"] for ligne in verdict.financement.par_membre],
    }


def _obtenu(table: Table, resultat, rang: int) -> dict[str, Any]:
    debut, fin = table.debuts[rang], table.debuts[rang + 1]
    return {
        "eligible": resultat.eligible[rang],
        "echecs": set(resultat.echecs[rang]),
        "appel": resultat.appel[rang],
        "region_pilote": resultat.region_pilote[rang],
        "nb": resultat.nb_membres_eligibles[rang],
        "total": resultat.total[rang],
        "total_si": resultat.total_si_eligible[rang],
        "montants": list(resultat.montant_membre[debut:fin]),
    }


@PARAMETRES
@given(st.lists(dossier_complet_st(), min_size=1, max_size=3), st.data())
def test_memes_verdicts_que_les_regles_par_dossier(liste: list[dict[str, Any]], data) -> None:  # type: ignore[no-untyped-def]
    code = liste[0]["campaign"]
    for donnees in liste:
        donnees["campaign"] = code
    dossiers = [parse_dossier(d) for d in liste]
    table = Table.depuis(dossiers)
    try:
        brouillon = campagne_from_dict(data.draw(brouillon_st(code)))
    except ParametresInvalides:
        assume(False)  # the rules refuse this draft (e.g. a national threshold below the minimum size)
    for campagne in (load_campagne(code), brouillon):
        resultat = evaluer_table(table, campagne)
        for rang, dossier in enumerate(dossiers):
            assert _obtenu(table, resultat, rang) == _attendu(dossier, campagne)


def test_simulation_attribue_le_changement_a_la_regle_responsable() -> None:
    """A draft raising the minimum size makes 15-member grappes ineligible because of `grappe.taille`."""
    from tests.rules.fabrique import departement_de, finess

    departement = departement_de("84")
    ej = finess(departement, 7)
    membres = [{"finess_et": finess(departement), "finess_ej": ej, "categorie": "500", "region": "84",
                "departement": departement, "cas": "acquisition", "solution_dui": "Solution A",
                "solution_referencee_segur": True, "autres_fonds_ue": False} for _ in range(15)]
    cloture = load_campagne("2025").calendrier.regional.cloture.valeur
    dossier = parse_dossier({"campaign": "2025", "submitted_at": f"{cloture}T12:00:00+02:00",
                             "porteur": {"finess_ej": ej, "nb_essms_geres": 40}, "members": membres})
    brouillon = campagne_to_dict(load_campagne("2025"))
    brouillon["grappe"]["taille_min"]["valeur"] = 20
    brouillon["eligibilite"]["usld_exclue"]["valeur"] = False
    simulation = simuler(Table.depuis([dossier]), load_campagne("2025"), campagne_from_dict(brouillon),
                         [("840000001", "362", "84"), ("840000002", "500", "84")])
    (change,) = simulation.verdicts_changes
    assert (change.eligible_avant, change.eligible_apres, change.regles) == (True, False, ("grappe.taille",))
    assert change.total_avant > 0 and change.total_apres == 0
    region = next(r for r in simulation.regions if r.region == "84")
    assert (region.nb_avant, region.nb_apres, region.enveloppe_apres) == (1, 0, 8_300_000)
    # USLD (category 362) become eligible in the draft.
    assert [(e.finess_et, e.eligible_avant, e.eligible_apres) for e in simulation.referentiel] == [
        ("840000001", False, True)]
