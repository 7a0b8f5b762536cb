"""SONS « Prestation Ségur » rules: exclusion of a different solution, the usage case, the wave deadlines
(both sides of each date), the part of the funding the Prestation covers, and the referencing derived from
the register entry."""

from __future__ import annotations

from datetime import date

import pytest

from esms.rules import evaluate_dossier, load_campagne
from esms.rules.erreurs import RulesInputError
from esms.rules.sons import load_sons

from .fabrique import dossier, membre, membres, motif

DEPOT = "2024-03-01T10:00:00+01:00"


def commande(solution: str = "Solution A", vague: int = 1, le: str = "2023-11-15", **champs) -> dict:
    return {"solution": solution, "vague": vague, "date_commande": le, **champs}


def evaluer(premier: dict, *, submitted_at: str = DEPOT, date_parametres: str | None = None,
            autres: int = 14, campagne: str = "2024") -> dict:
    liste = [premier, *membres(autres)]
    extra = {"date_parametres": date_parametres} if date_parametres else {}
    return evaluate_dossier(dossier(liste, campagne, submitted_at=submitted_at, **extra))


def motifs_de(verdict: dict, regle: str) -> list[dict]:
    return [m for m in verdict["motifs"] if m["rule"] == regle]


def _forfait(cas: str) -> int:
    return load_campagne("2024").financement.forfaits.pour(cas).valeur


def test_les_dates_de_la_vague_1_sont_des_parametres_sources() -> None:
    sons = load_sons()
    vague1, vague2 = sons.vagues[1], sons.vagues[2]
    assert vague1.date_limite_commande.valeur == date(2024, 2, 28)
    assert vague1.date_limite_deploiement.valeur == date(2024, 12, 19)
    assert "esante.gouv.fr" in vague1.date_limite_commande.source
    assert "ahi" in vague2.secteurs.valeur and "ahi" not in vague1.secteurs.valeur
    assert vague2.date_limite_commande.source.startswith("Hypothèse :") and vague2.date_limite_commande.a_confirmer


@pytest.mark.parametrize(("le", "exclu"), [("2024-02-28", True), ("2024-02-29", False)])
def test_commande_pour_une_autre_solution_exclut_le_membre(le: str, exclu: bool) -> None:
    premier = membre(commande_sons=commande("Solution B", le=le))
    verdict = evaluer(premier, submitted_at="2024-03-10T10:00:00+01:00")
    ligne = verdict["financement"]["par_membre"][0]
    if exclu:
        (refus,) = motifs_de(verdict, "membre.sons_exclusion")
        assert refus["ok"] is False and refus["finess_et"] == premier["finess_et"]
        assert "« Solution B »" in refus["message"] and "autre solution (« Solution A »)" in refus["message"]
        assert "sons.vagues.1.date_limite_commande" in refus["parameters"]
        assert ligne["montant"] == 0 and verdict["nb_membres_eligibles"] == 14
    else:
        (info,) = motifs_de(verdict, "membre.sons")
        assert info["ok"] is True and "hors de la fenêtre de commande de la vague 1" in info["message"]
        assert "n'exclut aucun financement" in info["message"]
        assert ligne["montant"] == _forfait("acquisition") and verdict["nb_membres_eligibles"] == 15


def test_commande_avant_l_ouverture_de_la_vague_ne_compte_pas() -> None:
    verdict = evaluer(membre(commande_sons=commande("Solution B", le="2022-02-01")))
    assert not motifs_de(verdict, "membre.sons_exclusion") and verdict["nb_membres_eligibles"] == 15
    verdict = evaluer(membre(commande_sons=commande("Solution B", le="2022-02-02")))
    assert motifs_de(verdict, "membre.sons_exclusion")


def test_meme_solution_n_exclut_pas_mais_retire_la_part_de_la_prestation() -> None:
    premier = membre(commande_sons=commande("solution  a"))  # same DUI, other spelling
    verdict = evaluer(premier)
    ligne = verdict["financement"]["par_membre"][0]
    exclu = _forfait("acquisition") - _forfait("usage")
    assert ligne["montant"] == _forfait("usage")
    assert ligne["detail"]["prestation_segur"]["forfait_exclu"] == "acquisition"
    assert ligne["detail"]["prestation_segur"]["montant_exclu"] == exclu
    assert "installation" in ligne["detail"]["prestation_segur"]["couvre"]
    (trace,) = motifs_de(verdict, "financement.prestation_segur")
    assert f"{premier['finess_et']} : forfait « acquisition » remplacé par le forfait « usage »" in trace["message"]
    sans = evaluer(membre())
    assert sans["financement"]["total"] - verdict["financement"]["total"] == exclu


@pytest.mark.parametrize(("deploiement", "ok"), [("2024-12-19", True), ("2024-12-20", False)])
def test_cas_usage_deploiement_dans_les_delais(deploiement: str, ok: bool) -> None:
    premier = membre(cas="usage", commande_sons=commande(date_deploiement=deploiement, statut="deploye"))
    verdict = evaluer(premier, submitted_at="2025-03-01T10:00:00+01:00", date_parametres="2024-06-01")
    (usage,) = motifs_de(verdict, "membre.sons_usage")
    assert usage["ok"] is ok
    assert (verdict["financement"]["par_membre"][0]["detail"]["eligible"]) is ok
    if not ok:
        assert "déploiement le 20/12/2024, après la date limite de la vague 1 (19/12/2024)" in usage["message"]


@pytest.mark.parametrize(("au", "ok"), [("2024-12-19", True), ("2024-12-20", False)])
def test_cas_usage_non_deploye_apres_la_date_limite(au: str, ok: bool) -> None:
    premier = membre(cas="usage", commande_sons=commande())
    verdict = evaluer(premier, date_parametres=au)
    (usage,) = motifs_de(verdict, "membre.sons_usage")
    assert usage["ok"] is ok


def test_cas_usage_sans_commande_ou_pour_une_autre_solution() -> None:
    verdict = evaluer(membre(cas="usage", commande_sons=None))
    (usage,) = motifs_de(verdict, "membre.sons_usage")
    assert usage["ok"] is False and "aucune commande SONS connue" in usage["message"]
    verdict = evaluer(membre(cas="usage", commande_sons=commande("Solution B")))
    assert motifs_de(verdict, "membre.sons_exclusion") and verdict["nb_membres_eligibles"] == 14


def test_sans_champ_commande_le_contrat_reste_inchange() -> None:
    verdict = evaluer(membre(cas="usage"))
    assert not motifs_de(verdict, "membre.sons_usage") and verdict["nb_membres_eligibles"] == 15


@pytest.mark.parametrize(("vague", "le", "exclu"), [(1, "2023-11-15", False), (2, "2025-03-01", True)])
def test_ahi_eligible_a_la_vague_2_seulement(vague: int, le: str, exclu: bool) -> None:
    premier = membre(categorie="214", commande_sons=commande("Solution B", vague=vague, le=le))  # CHRS (AHI)
    verdict = evaluer(premier, submitted_at="2025-04-01T10:00:00+02:00", campagne="2025")
    assert bool(motifs_de(verdict, "membre.sons_exclusion")) is exclu
    if not exclu:
        assert "n'est pas couvert par la vague 1" in motifs_de(verdict, "membre.sons")[0]["message"]


def test_vague_2_date_limite_hypothese() -> None:
    for le, exclu in (("2025-12-31", True), ("2026-01-01", False)):
        premier = membre(commande_sons=commande("Solution B", vague=2, le=le))
        verdict = evaluer(premier, submitted_at="2026-03-01T10:00:00+01:00", date_parametres="2026-01-15",
                          campagne="2025")
        assert bool(motifs_de(verdict, "membre.sons_exclusion")) is exclu


REFERENCEMENT = {"solution": "Solution A", "version": "3.2", "editeur": "Éditeur A", "vague": 1,
                 "secteurs": ["personnes_agees"], "date_referencement": "2023-06-15"}


def _sans_declaration(**champs) -> dict:
    m = membre(referencement_segur={**REFERENCEMENT, **champs})
    del m["solution_referencee_segur"]
    return m


@pytest.mark.parametrize(("debut", "ok"), [("2024-03-01", True), ("2024-03-02", False)])
def test_referencement_derive_du_registre_a_la_date(debut: str, ok: bool) -> None:
    liste = [_sans_declaration(date_referencement=debut) for _ in range(15)]
    verdict = evaluate_dossier(dossier(liste, "2024", submitted_at=DEPOT))
    (trace,) = motifs_de(verdict, "grappe.referencement")
    assert trace["ok"] is ok and "d'après le registre au 01/03/2024 (non déclaré)" in trace["message"]
    assert motif(verdict, "grappe.logiciel")["ok"] is ok
    if not ok:
        assert "n'est référencée qu'à partir du 02/03/2024" in trace["message"]


def test_referencement_secteur_retrait_et_couloir_hospitalier() -> None:
    verdict = evaluate_dossier(dossier([_sans_declaration(secteurs=["ahi"]) for _ in range(15)], "2024",
                                       submitted_at=DEPOT))
    assert "n'est pas référencée pour le secteur personnes âgées" in motif(verdict, "grappe.referencement")["message"]
    verdict = evaluate_dossier(dossier([_sans_declaration(date_retrait="2024-03-01") for _ in range(15)], "2024",
                                       submitted_at=DEPOT))
    assert "retirée du référencement le 01/03/2024" in motif(verdict, "grappe.referencement")["message"]
    hospi = [_sans_declaration(couloir="hospitalier") for _ in range(15)]
    assert motif(evaluate_dossier(dossier(hospi, "2024", submitted_at=DEPOT)), "grappe.logiciel")["ok"] is False
    for m in hospi:
        m["ght"] = True
    assert motif(evaluate_dossier(dossier(hospi, "2024", submitted_at=DEPOT)), "grappe.logiciel")["ok"] is True


def test_erreurs_situees_des_nouveaux_champs() -> None:
    premier = membre(commande_sons={"solution": "", "vague": 3, "date_commande": "2024-02-30", "statut": "livre"})
    premier["referencement_segur"] = {"solution": "X", "version": "1", "editeur": "E", "vague": 1,
                                      "secteurs": ["inconnu"], "date_referencement": "2023-01-01"}
    with pytest.raises(RulesInputError) as exc:
        evaluate_dossier(dossier([premier], "2024"))
    assert exc.value.erreurs == (
        "members[0].referencement_segur.secteurs : liste non vide de secteurs attendue (personnes_agees, "
        "handicap_adultes, handicap_enfants, domicile, protection_enfance, ahi, pjm, difficultes_specifiques, autre)",
        "members[0].commande_sons.solution : texte non vide attendu",
        "members[0].commande_sons.vague : vague « 3 » inconnue (attendu : 1, 2)",
        "members[0].commande_sons.statut : statut « livre » inconnu (attendu : commande, deploye, paye)",
        "members[0].commande_sons.date_commande : date invalide (« 2024-02-30 », format AAAA-MM-JJ)",
    )


def test_le_schema_json_decrit_les_nouveaux_champs() -> None:
    import json
    from pathlib import Path

    import jsonschema

    schema = json.loads((Path(__file__).parents[2] / "docs" / "rules.schema.json").read_text(encoding="utf-8"))
    valideur = jsonschema.Draft202012Validator({**schema, "$ref": "#/$defs/entree"})
    donnees = dossier([_sans_declaration(), membre(commande_sons=commande(date_deploiement="2024-05-01",
                                                                           statut="deploye")),
                       membre(cas="usage", commande_sons=None)], "2024")
    assert not list(valideur.iter_errors(donnees))
    ni_l_un_ni_l_autre = membre()
    del ni_l_un_ni_l_autre["solution_referencee_segur"]
    assert list(valideur.iter_errors(dossier([ni_l_un_ni_l_autre], "2024")))


def _eligibilite(verdict: dict) -> str:
    (trace,) = motifs_de(verdict, "membre.sons_eligibilite")
    assert trace["ok"] and not trace["bloquant"] and "(non déclarée)" in trace["message"]
    return trace["message"]


def test_eligibilite_sons_derivee_des_vagues_pour_une_ahi() -> None:
    """A CHRS (AHI): covered by vague 2 only — eligible while vague 2 takes orders, not in 2024."""
    ahi = membre(categorie="214", sons_eligible="derive")
    message = _eligibilite(evaluer(ahi, submitted_at="2025-04-01T10:00:00+02:00", campagne="2025"))
    assert (f"{ahi['finess_et']} : éligible (secteur « accueil, hébergement, insertion (AHI) » couvert par la vague 2, "
            "ouverte aux commandes du 01/01/2025 au 31/12/2025)") in message
    message = _eligibilite(evaluer(ahi))
    assert "non éligible" in message and "aucune vague ouverte à cette date (vague 2 du 01/01/2025" in message


@pytest.mark.parametrize(("avec_commande", "eligible"), [(True, True), (False, False)])
def test_eligibilite_sons_derivee_de_la_commande_apres_la_vague(avec_commande: bool, eligible: bool) -> None:
    """An EHPAD in June 2024: vague 1 closed on 28/02/2024, vague 2 not open yet: eligible by its order only."""
    champs = {"commande_sons": commande()} if avec_commande else {}
    verdict = evaluer(membre(sons_eligible="derive", **champs), submitted_at="2024-06-01T10:00:00+02:00")
    message = _eligibilite(verdict)
    assert (" : éligible (commande SONS de la vague 1 du 15/11/2023" in message) is eligible
    assert (" : non éligible (secteur" in message) is not eligible


def test_eligibilite_sons_derivee_decide_l_exigence_logicielle_des_ahi_en_2025() -> None:
    """2025: an AHI eligible to the SONS needs a solution candidate to the Ségur referencing; not eligible, none."""
    def ahi() -> dict:
        return membre(categorie="214", sons_eligible="derive", solution_referencee_segur=False)

    pendant = evaluate_dossier(dossier([ahi() for _ in range(15)], "2025", submitted_at="2025-04-01T10:00:00+02:00"))
    apres = evaluate_dossier(dossier([ahi() for _ in range(15)], "2025", submitted_at="2026-03-01T10:00:00+01:00",
                                     date_parametres="2026-01-15"))
    assert motif(pendant, "grappe.logiciel")["ok"] is False
    assert motif(apres, "grappe.logiciel")["ok"] is True
    assert "non éligible" in _eligibilite(apres)


def test_le_schema_json_admet_l_eligibilite_sons_derivee() -> None:
    import json
    from pathlib import Path

    import jsonschema

    schema = json.loads((Path(__file__).parents[2] / "docs" / "rules.schema.json").read_text(encoding="utf-8"))
    valideur = jsonschema.Draft202012Validator({**schema, "$ref": "#/$defs/entree"})
    assert not list(valideur.iter_errors(dossier([membre(sons_eligible="derive")], "2024")))
