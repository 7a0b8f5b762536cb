"""The rules against the five published texts (shared/reference/sources): their own dates, including
the last second before and the first second after each deadline in Paris time, their thresholds, routing
on ESSMS only, the 2022 Corse reservation, software referencing by year, the lead ARS, budget lines and
programme facts. docs/regles-sources.md names these tests sentence by sentence."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from esms.rules import evaluate_dossier, load_campagne
from esms.rules.budget import rapprocher
from esms.rules.decisions.delais import verifier_engagement

from .fabrique import dossier, echecs, membre, membres, motif

PARIS = ZoneInfo("Europe/Paris")


def evaluer(liste: list[dict], campagne: str, submitted_at: str, **champs) -> dict:  # type: ignore[type-arg]
    return evaluate_dossier(dossier(liste, campagne, submitted_at=submitted_at, **champs))


def national() -> list[dict]:  # type: ignore[type-arg]
    return membres(25, "84") + membres(25, "11")


def multiregional() -> list[dict]:  # type: ignore[type-arg]
    return membres(10, "84") + membres(8, "11")


# --- 1. Calendars ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("campagne", "liste", "instant", "dans_les_delais"),
    [
        # 2024 national call: 15 Feb → 1 June 2024 (text 000)
        ("2024", national, "2024-02-14T23:59:59+01:00", False),
        ("2024", national, "2024-02-15T00:00:00+01:00", True),
        ("2024", national, "2024-06-01T23:59:59+02:00", True),
        ("2024", national, "2024-06-02T00:00:00+02:00", False),
        # 2024 multi-regional: filed with an ARS until 1 June 2024 (texts 000, 001)
        ("2024", multiregional, "2024-06-01T23:59:59+02:00", True),
        ("2024", multiregional, "2024-06-02T00:00:00+02:00", False),
        # 2024 regional: 15 Jan → 15 Sept 2024 (texts 000, 001)
        ("2024", lambda: membres(15, "84"), "2024-01-14T23:59:59+01:00", False),
        ("2024", lambda: membres(15, "84"), "2024-01-15T00:00:00+01:00", True),
        ("2024", lambda: membres(15, "84"), "2024-09-15T23:59:59+02:00", True),
        ("2024", lambda: membres(15, "84"), "2024-09-16T00:00:00+02:00", False),
        # 2023 multi-regional: 16 Jan → 15 June 2023 (text 002)
        ("2023", multiregional, "2023-01-15T23:59:59+01:00", False),
        ("2023", multiregional, "2023-01-16T00:00:00+01:00", True),
        ("2023", multiregional, "2023-06-15T23:59:59+02:00", True),
        ("2023", multiregional, "2023-06-16T00:00:00+02:00", False),
        # 2023 national: 15 Feb → 15 June 2023 (text 002)
        ("2023", national, "2023-02-14T23:59:59+01:00", False),
        ("2023", national, "2023-02-15T00:00:00+01:00", True),
        ("2023", national, "2023-06-15T23:59:59+02:00", True),
        ("2023", national, "2023-06-16T00:00:00+02:00", False),
        # 2023 regional: until 15 Sept 2023 (text 002)
        ("2023", lambda: membres(15, "84"), "2023-09-15T23:59:59+02:00", True),
        ("2023", lambda: membres(15, "84"), "2023-09-16T00:00:00+02:00", False),
    ],
)
def test_calendriers_des_textes(campagne: str, liste, instant: str, dans_les_delais: bool) -> None:  # type: ignore[no-untyped-def]
    verdict = evaluer(liste(), campagne, instant)
    assert verdict["dans_les_delais"] is dans_les_delais, motif(verdict, "delais.depot")["message"]
    assert verdict["eligible"] is dans_les_delais


CORSE_2022 = [
    ("2022-03-17T23:59:59+01:00", False, None),
    ("2022-03-18T00:00:00+01:00", True, "1"),
    ("2022-06-15T23:59:59+02:00", True, "1"),
    ("2022-06-16T00:00:00+02:00", True, "2"),
    ("2022-09-30T23:59:59+02:00", True, "2"),
    ("2022-10-01T00:00:00+02:00", False, None),
]


@pytest.mark.parametrize(("instant", "dans_les_delais", "fenetre"), CORSE_2022)
def test_appel_corse_2022_et_ses_deux_fenetres(instant: str, dans_les_delais: bool, fenetre: str | None) -> None:
    """Text 003: call 18/03/2022 → 30/09/2022, windows → 15/06 and 16/06 → 30/09."""
    verdict = evaluer(membres(8, "94"), "2022", instant)
    assert verdict["dans_les_delais"] is dans_les_delais
    assert (verdict["fenetre"] or {}).get("code") == fenetre
    if dans_les_delais:
        assert verdict["ouverture"] == "2022-03-18"


def test_depot_corse_avant_l_ouverture_regionale_est_premature() -> None:
    """The national regional-call date (14/03/2022) does not open the Corse call (18/03/2022)."""
    verdict = evaluer(membres(8, "94"), "2022", "2022-03-15T10:00:00+01:00")
    assert not verdict["dans_les_delais"]
    assert "prématuré" in motif(verdict, "delais.depot")["message"]
    ailleurs = evaluer(membres(15, "84"), "2022", "2022-03-15T10:00:00+01:00")
    assert ailleurs["dans_les_delais"] and ailleurs["fenetre"] is None


@pytest.mark.parametrize(
    ("instant", "ok"),
    [("2022-12-29T23:59:59+01:00", True), ("2022-12-30T00:00:00+01:00", False)],
)
def test_date_limite_d_engagement_2022(instant: str, ok: bool) -> None:
    """Text 003: « L'engagement … doit intervenir avant le 30 décembre 2022 »."""
    verdict = verifier_engagement(datetime.fromisoformat(instant), load_campagne("2022"), "94")
    assert verdict.ok is ok
    if not ok:
        assert "avant le 30/12/2022" in verdict.motifs[0].message
    assert verifier_engagement(datetime(2024, 12, 31, tzinfo=PARIS), load_campagne("2024")).ok


# --- 2. Routing counts ESSMS -------------------------------------------------------------------------


def test_un_hopital_d_une_autre_region_ne_rend_pas_le_dossier_multiregional_ni_en_retard() -> None:
    liste = membres(15, "84") + [membre("11", categorie="355")]
    verdict = evaluer(liste, "2024", "2024-07-01T10:00:00+02:00")  # after the multi-regional deadline
    assert verdict["appel"] == "regional" and verdict["dans_les_delais"] and verdict["eligible"]
    assert verdict["nb_essms_routage"] == 15
    comptes = motif(verdict, "appel.membres_comptes")
    assert "Centre Hospitalier" in comptes["message"] and "L.312-1" in comptes["message"]


def test_une_usld_ne_fait_pas_passer_la_grappe_a_l_appel_national() -> None:
    liste = membres(25, "84") + membres(24, "11") + [membre("11", categorie="362")]
    verdict = evaluer(liste, "2024", "2024-05-01T10:00:00+02:00")
    assert verdict["appel"] == "multiregional" and verdict["nb_essms_routage"] == 49
    assert "USLD" in motif(verdict, "appel.membres_comptes")["message"]


# --- 3. Single-region grappes of 50 or more -----------------------------------------------------------


def test_grappe_de_50_dans_une_region_va_a_l_appel_regional_en_2024() -> None:
    verdict = evaluer(membres(60, "84"), "2024", "2024-09-15T12:00:00+02:00")
    assert verdict["appel"] == "regional" and verdict["eligible"]
    assert verdict["date_limite"] == "2024-09-15"


# --- 4. 2022 Corse: indicative threshold --------------------------------------------------------------


def test_corse_2022_sous_huit_structures_reserve_et_non_refus() -> None:
    verdict = evaluer(membres(5, "94"), "2022", "2022-05-02T10:00:00+02:00")
    assert verdict["eligible"] is True
    assert [r["rule"] for r in verdict["reserves"]] == ["grappe.taille_reserve"]
    assert "appréciera" in verdict["reserves"][0]["message"]
    assert "grappe.taille" not in echecs(verdict)


def test_hors_corse_2022_et_corse_2024_le_minimum_reste_ferme() -> None:
    assert not evaluer(membres(7, "04"), "2022", "2022-05-02T10:00:00+02:00")["eligible"]
    verdict = evaluer(membres(7, "94"), "2024", "2024-05-02T10:00:00+02:00")
    assert not verdict["eligible"] and verdict["reserves"] == []


# --- 5. Software referencing by year ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("campagne", "instant", "referencement", "ght", "ok"),
    [
        ("2022", "2022-05-02T10:00:00+02:00", "resah", False, True),
        ("2022", "2022-05-02T10:00:00+02:00", "segur", False, True),
        ("2023", "2023-05-02T10:00:00+02:00", "resah", False, False),
        ("2023", "2023-05-02T10:00:00+02:00", "segur", False, True),
        ("2023", "2023-05-02T10:00:00+02:00", "segur_hospitalier", True, True),
        ("2023", "2023-05-02T10:00:00+02:00", "segur_hospitalier", False, False),
        ("2024", "2024-05-02T10:00:00+02:00", "resah", False, False),
    ],
)
def test_referencement_par_annee(campagne: str, instant: str, referencement: str, ght: bool, ok: bool) -> None:
    liste = membres(15, "84", referencement=referencement, ght=ght, solution_referencee_segur=False)
    verdict = evaluer(liste, campagne, instant)
    assert verdict["eligible"] is ok, motif(verdict, "grappe.logiciel")["message"]


def test_referencement_posterieur_au_depot_ne_compte_pas() -> None:
    liste = membres(15, "84", referencement="segur", date_referencement="2024-06-01")
    assert not evaluer(liste, "2024", "2024-05-02T10:00:00+02:00")["eligible"]
    liste = membres(15, "84", referencement="segur", date_referencement="2024-05-02")
    assert evaluer(liste, "2024", "2024-05-02T10:00:00+02:00")["eligible"]


def test_ahi_et_pjm_exemptes_en_2024_meme_dans_un_projet_mixte() -> None:
    """Text 000: AHI and PJM ESSMS have no obligation of « référencé Ségur »."""
    liste = membres(13, "84") + [
        membre("84", categorie="214", solution_referencee_segur=False),
        membre("84", categorie="340", solution_referencee_segur=False),
    ]
    assert evaluer(liste, "2024", "2024-05-02T10:00:00+02:00")["eligible"]
    liste = membres(14, "84") + [membre("84", categorie="500", solution_referencee_segur=False)]
    assert not evaluer(liste, "2024", "2024-05-02T10:00:00+02:00")["eligible"]


# --- 6. Lead ARS chosen by the porteur ----------------------------------------------------------------


def test_le_porteur_choisit_l_ars_parmi_les_regions_de_ses_membres() -> None:
    defaut = evaluer(multiregional(), "2024", "2024-05-02T10:00:00+02:00")
    assert defaut["region_pilote"] == "84" == defaut["region_pilote_par_defaut"]
    assert "par défaut" in motif(defaut, "appel.region_pilote")["message"]
    choisi = evaluer(multiregional(), "2024", "2024-05-02T10:00:00+02:00", region_pilote="11")
    assert choisi["region_pilote"] == "11" and choisi["region_pilote_par_defaut"] == "84"
    message = motif(choisi, "appel.region_pilote")["message"]
    assert "choisie par le porteur : 11" in message and "Par défaut" in message
    hors = evaluer(multiregional(), "2024", "2024-05-02T10:00:00+02:00", region_pilote="93")
    assert not hors["eligible"] and "appel.region_pilote" in echecs(hors)


# --- 7. Budget lines -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("campagne", "regional", "national", "frais", "hors"),
    [
        ("2023", 67_000_000, 16_700_000, 300_000, {"sons": 51_000_000, "soutien_innovation": 3_000_000, "ressources_segur_regionales": 12_000_000}),
        ("2024", 71_500_000, 15_200_000, 300_000, {"soutien_innovation": 1_500_000, "ressources_segur_regionales": 1_500_000}),
    ],
)
def test_lignes_budgetaires_publiees(campagne: str, regional: int, national: int, frais: int, hors: dict) -> None:  # type: ignore[type-arg]
    enveloppes = load_campagne(campagne).enveloppes
    assert (enveloppes.regional.valeur, enveloppes.appel_national.valeur, enveloppes.frais_gestion.valeur) == (
        regional,
        national,
        frais,
    )
    assert enveloppes.total.valeur == regional + national + frais
    assert dict(enveloppes.lignes_hors_programme.valeur) == hors
    juste = rapprocher(load_campagne(campagne), enveloppes_ars=regional, enveloppe_nationale=national)
    assert juste.ok and juste.valeur.ecart == 0
    court = rapprocher(load_campagne(campagne), enveloppes_ars=regional - 1_000, enveloppe_nationale=national)
    assert not court.ok and court.valeur.ecart == -1_000 and "en dessous" in court.motifs[0].message


# --- 8. Equipment asked, capped at 10 000 € (text 000) ---------------------------------------------------


@pytest.mark.parametrize(("demande", "retenu"), [(4_000, 4_000), (10_000, 10_000), (10_001, 10_000)])
def test_plafond_d_equipement_sur_le_montant_demande(demande: int, retenu: int) -> None:
    liste = membres(15, "84", montant_equipement_demande=demande)
    petit = liste[1]["finess_ej"]
    verdict = evaluer(
        liste, "2024", "2024-05-02T10:00:00+02:00", organismes=[{"finess_ej": petit, "nb_essms_geres": 3}]
    )
    par_et = {ligne["finess_et"]: ligne["detail"] for ligne in verdict["financement"]["par_membre"]}
    assert par_et[liste[1]["finess_et"]]["equipement"] == retenu  # a member of a small OG, not the porteur
    assert par_et[liste[0]["finess_et"]]["equipement"] == 0  # the porteur manages 40 ESSMS


# --- 9. Programme facts --------------------------------------------------------------------------------


def test_faits_du_programme() -> None:
    programme = load_campagne("2024").programme
    assert programme.cible_dui_actifs.valeur.valeur == 410_000
    assert str(programme.cible_dui_actifs.valeur.echeance) == "2024-12-31"
    assert programme.cible_essms.valeur.valeur == 36_500
    assert str(programme.cible_essms.valeur.echeance) == "2025-12-31"
    codes = [d.code for d in programme.documents_requis.valeur]
    assert {"lettre_engagement", "convention_grappe", "non_cumul_ue", "devis", "repartition_domicile"} == set(codes)
    assert load_campagne("2024").usage.tolerance_ecart.a_confirmer
    calendrier = load_campagne("2024").calendrier
    assert calendrier.fuseau("04") == "Europe/Paris" and calendrier.fuseaux_par_region.a_confirmer
