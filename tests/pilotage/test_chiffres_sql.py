"""Every figure of the dashboards equals an independent SQL count, written by hand on the tables (no ORM), for
the national perimeter, a region, a campagne, and both together. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection

from esms.pilotage import selectors

PERIMETRES = [(None, None), ("84", None), ("11", None), ("94", "2024"), (None, "2023"), ("11", "2024")]
RETENU = ("(d.etat IN ('retenu', 'conventionne', 'en_suivi_usage', 'solde') "
          "OR (d.etat = 'clos' AND d.montant_retenu IS NOT NULL))")
MEMBRES_RETENUS = f"""
    FROM candidatures_membre m
    JOIN candidatures_grappe g ON g.id = m.grappe_id
    JOIN candidatures_campagne ca ON ca.id = g.campagne_id
    JOIN candidatures_dossier d ON d.grappe_id = g.id
    JOIN referentiel_etablissement e ON e.finess_et = m.etablissement_id
    JOIN referentiel_categorie c ON c.code = e.categorie_id
    WHERE {RETENU}"""
DOSSIERS = """
    FROM candidatures_dossier d
    JOIN candidatures_grappe g ON g.id = d.grappe_id
    JOIN candidatures_campagne ca ON ca.id = g.campagne_id
    WHERE d.etat <> 'brouillon'"""


def sql(requete: str, params=()) -> list[tuple]:
    with connection.cursor() as curseur:
        curseur.execute(requete, list(params))
        return [tuple(ligne) for ligne in curseur.fetchall()]


def filtres(region, campagne, *, par_membre: bool) -> tuple[str, list]:
    """WHERE additions: the establishment's region for members, `Dossier.regions` for dossiers."""
    clauses, params = [], []
    if campagne:
        clauses.append("ca.code = %s")
        params.append(campagne)
    if region and par_membre:
        clauses.append("e.region_id = %s")
        params.append(region)
    elif region:
        clauses.append("EXISTS (SELECT 1 FROM candidatures_dossier_regions dr WHERE dr.dossier_id = d.id "
                       "AND dr.region_id = %s)")
        params.append(region)
    return "".join(f" AND {c}" for c in clauses), params


@pytest.mark.parametrize(("region", "campagne"), PERIMETRES)
def test_indicateurs_cles(jeu, region, campagne):
    where, params = filtres(region, campagne, par_membre=True)
    [(embarques,)] = sql(f"SELECT COUNT(DISTINCT m.etablissement_id) {MEMBRES_RETENUS}{where}", params)
    where, params = filtres(region, campagne, par_membre=False)
    [(dossiers, montant)] = sql(f"SELECT COUNT(*), COALESCE(SUM(d.montant_retenu), 0) {DOSSIERS} AND {RETENU}{where}",
                                params)
    ind = selectors.indicateurs_cles(region=region, campagne=campagne)
    assert (ind["etablissements_embarques"], ind["dossiers"], ind["montant_retenu"]) == (embarques, dossiers, montant)
    assert ind["cible_etablissements"] == 36_500
    assert ind["taux_etablissements"] == round(100 * embarques / 36_500, 1)


def test_the_dataset_covers_the_tricky_cases(jeu):
    """Hand-checked national figures: a closed establishment counts once, closed-after-refusal does not."""
    ind = selectors.indicateurs_cles()
    assert ind["etablissements_embarques"] == 22 + 10 + 9
    assert ind["dossiers"] == 6
    assert ind["montant_retenu"] == 80_000 + 50_000 + 60_000 + 40_000 + 20_000 + 70_000


@pytest.mark.parametrize(("region", "campagne"), PERIMETRES)
def test_couverture_par_region_et_departement(jeu, region, campagne):
    eligibles = {}
    for colonne in ("region_id", "departement_id"):
        eligibles[colonne] = dict(sql(
            f"SELECT e.{colonne}, COUNT(*) FROM referentiel_etablissement e "
            "JOIN referentiel_categorie c ON c.code = e.categorie_id WHERE e.ouvert = %s AND c.eligible = %s "
            f"GROUP BY e.{colonne}", [True, True]))
    where, params = filtres(None, campagne, par_membre=True)
    embarques = {colonne: dict(sql(f"SELECT e.{colonne}, COUNT(DISTINCT m.etablissement_id) {MEMBRES_RETENUS}{where} "
                                   f"GROUP BY e.{colonne}", params)) for colonne in ("region_id", "departement_id")}
    retenus = dict(sql(f"SELECT dr.region_id, COUNT(*) FROM candidatures_dossier_regions dr "
                       f"JOIN candidatures_dossier d ON d.id = dr.dossier_id "
                       f"JOIN candidatures_grappe g ON g.id = d.grappe_id "
                       f"JOIN candidatures_campagne ca ON ca.id = g.campagne_id WHERE {RETENU}{where} "
                       "GROUP BY dr.region_id", params))

    regions = selectors.couverture(par="region", region=region, campagne=campagne)
    attendu_regions = sql("SELECT code FROM referentiel_region" + (" WHERE code = %s" if region else "")
                          + " ORDER BY code", [region] if region else [])
    assert [r["code"] for r in regions] == [code for (code,) in attendu_regions]
    for r in regions:
        assert r["eligibles"] == eligibles["region_id"].get(r["code"], 0)
        assert r["embarques"] == embarques["region_id"].get(r["code"], 0)
        assert r["dossiers_retenus"] == retenus.get(r["code"], 0)
        assert r["taux"] == (round(100 * r["embarques"] / r["eligibles"], 1) if r["eligibles"] else None)

    departements = selectors.couverture(par="departement", region=region, campagne=campagne)
    attendu = sql("SELECT code FROM referentiel_departement" + (" WHERE region_id = %s" if region else "")
                  + " ORDER BY code", [region] if region else [])
    assert [d["code"] for d in departements] == [code for (code,) in attendu]
    for d in departements:
        assert d["eligibles"] == eligibles["departement_id"].get(d["code"], 0)
        assert d["embarques"] == embarques["departement_id"].get(d["code"], 0)


@pytest.mark.parametrize(("region", "campagne"), PERIMETRES)
def test_enveloppes_et_versements(jeu, region, campagne):
    clauses, params = [], []
    if campagne:
        clauses.append("ca.code = %s")
        params.append(campagne)
    if region:
        clauses.append("en.region_id = %s")
        params.append(region)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    ledger = {r: (dotation, solde) for r, dotation, solde in sql(
        "SELECT en.region_id, COALESCE(SUM(CASE WHEN l.type = 'dotation' THEN l.montant ELSE 0 END), 0), "
        "COALESCE(SUM(l.montant), 0) FROM financement_enveloppe en "
        "JOIN candidatures_campagne ca ON ca.id = en.campagne_id "
        f"LEFT JOIN financement_ligneenveloppe l ON l.enveloppe_id = en.id{where} GROUP BY en.region_id", params)}
    clauses, params = ["v.statut <> 'annule'"], []
    if campagne:
        clauses.append("ca.code = %s")
        params.append(campagne)
    if region:
        clauses.append("d.appel <> 'national' AND d.region_pilote_id = %s")
        params.append(region)
    paiements: dict = {}
    for r, statut, total in sql(
            "SELECT CASE WHEN d.appel = 'national' THEN NULL ELSE d.region_pilote_id END, v.statut, SUM(v.montant) "
            "FROM financement_versement v JOIN candidatures_dossier d ON d.id = v.dossier_id "
            "JOIN candidatures_grappe g ON g.id = d.grappe_id JOIN candidatures_campagne ca ON ca.id = g.campagne_id "
            f"WHERE {' AND '.join(clauses)} GROUP BY 1, v.statut", params):
        paiements.setdefault(r, {})[statut] = total

    lignes = {ligne["region"]: ligne for ligne in selectors.enveloppes_par_region(region=region, campagne=campagne)}
    assert set(lignes) == set(ledger) | set(paiements)
    for code, ligne in lignes.items():
        dotation, solde = ledger.get(code, (0, 0))
        assert (ligne["dotation"], ligne["engage"], ligne["disponible"]) == (dotation, dotation - solde, solde)
        verse = paiements.get(code, {})
        assert ligne["versements_programmes"] == verse.get("programme", 0)
        assert ligne["versements_ordonnes"] == verse.get("ordonne", 0)
        assert ligne["versements_payes"] == verse.get("paye", 0)


def test_enveloppes_hand_checked(jeu):
    lignes = {ligne["region"]: ligne for ligne in selectors.enveloppes_par_region(campagne="2024")}
    assert lignes["84"]["engage"] == 80_000 + 60_000 - 10_000
    assert lignes["84"]["versements_payes"] == 40_000 and lignes["84"]["versements_ordonnes"] == 25_000
    assert lignes[None]["versements_ordonnes"] == 35_000  # the national call's dossier pays on the national envelope
    assert lignes[None]["libelle"] == "Enveloppe nationale (appel national)"


@pytest.mark.parametrize(("region", "campagne"), PERIMETRES)
def test_dossiers_par_etat_et_appel(jeu, region, campagne):
    where, params = filtres(region, campagne, par_membre=False)
    comptes = {(etat, appel): n for etat, appel, n in
               sql(f"SELECT d.etat, d.appel, COUNT(*) {DOSSIERS}{where} GROUP BY d.etat, d.appel", params)}
    lignes = selectors.dossiers_par_etat_et_appel(region=region, campagne=campagne)
    assert "brouillon" not in {ligne["etat"] for ligne in lignes}
    for ligne in lignes:
        for appel in ("regional", "multiregional", "national"):
            assert ligne[appel] == comptes.get((ligne["etat"], appel), 0)
        assert ligne["total"] == sum(n for (etat, _), n in comptes.items() if etat == ligne["etat"])
    assert sum(ligne["total"] for ligne in lignes) == sum(comptes.values())


def _mois(colonne: str) -> str:
    if connection.vendor == "postgresql":
        return f"to_char({colonne} AT TIME ZONE 'Europe/Paris', 'YYYY-MM')"
    return f"strftime('%%Y-%%m', {colonne})"  # stored in UTC: the test dates are mid-month, same month in Paris


@pytest.mark.parametrize(("region", "campagne"), PERIMETRES)
def test_evolution_mensuelle(jeu, region, campagne):
    where, params = filtres(region, campagne, par_membre=False)
    deposes = dict(sql(f"SELECT {_mois('d.depose_le')}, COUNT(*) {DOSSIERS} AND d.depose_le IS NOT NULL{where} "
                       "GROUP BY 1", params))
    decides = {mois: (retenus, autres) for mois, retenus, autres in sql(
        f"SELECT {_mois('d.decide_le')}, SUM(CASE WHEN {RETENU} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {RETENU} THEN 0 ELSE 1 END) {DOSSIERS} AND d.decide_le IS NOT NULL{where} GROUP BY 1", params)}
    lignes = selectors.evolution_mensuelle(region=region, campagne=campagne)
    actifs = sorted(set(deposes) | set(decides))
    assert [ligne["mois"] for ligne in lignes][:1] == actifs[:1] and [ligne["mois"] for ligne in lignes][-1:] == actifs[-1:]
    for ligne in lignes:
        assert ligne["deposes"] == deposes.get(ligne["mois"], 0)
        assert (ligne["retenus"], ligne["non_retenus"]) == tuple(int(x) for x in decides.get(ligne["mois"], (0, 0)))
    assert sum(ligne["deposes"] for ligne in lignes) == sum(deposes.values())
    mois = [ligne["mois"] for ligne in lignes]
    assert mois == sorted(set(mois)) and len(mois) == len(set(mois))


@pytest.mark.parametrize(("region", "campagne"), PERIMETRES)
def test_secteurs_embarques(jeu, region, campagne):
    where, params = filtres(region, campagne, par_membre=True)
    attendu = dict(sql(f"SELECT COALESCE(NULLIF(e.secteur_qualifie, ''), c.secteur), "
                       f"COUNT(DISTINCT m.etablissement_id) {MEMBRES_RETENUS}{where} GROUP BY 1", params))
    lignes = selectors.secteurs_embarques(region=region, campagne=campagne)
    assert {ligne["secteur"]: ligne["etablissements"] for ligne in lignes} == attendu
    total = sum(attendu.values())
    for ligne in lignes:
        assert ligne["part"] == round(100 * ligne["etablissements"] / total, 1)


def test_qualified_sector_wins(jeu):
    secteurs = {ligne["secteur"]: ligne["etablissements"] for ligne in selectors.secteurs_embarques(region="84")}
    assert secteurs["domicile"] == 1  # et_ara[0], an EHPAD qualified "domicile" by an agent


BANDES_GRAPPE = "CASE WHEN n < 15 THEN 0 WHEN n < 20 THEN 1 WHEN n < 30 THEN 2 WHEN n < 50 THEN 3 ELSE 4 END"
BANDES_ORGANISME = "CASE WHEN n < 2 THEN 0 WHEN n < 5 THEN 1 WHEN n < 10 THEN 2 WHEN n < 50 THEN 3 ELSE 4 END"


@pytest.mark.parametrize(("region", "campagne"), PERIMETRES)
def test_tailles_des_grappes(jeu, region, campagne):
    where, params = filtres(region, campagne, par_membre=False)
    attendu = {bande: (dossiers, membres) for bande, dossiers, membres in sql(
        f"SELECT {BANDES_GRAPPE} AS bande, COUNT(*), SUM(n) FROM ("
        f"  SELECT d.id, (SELECT COUNT(*) FROM candidatures_membre m WHERE m.grappe_id = d.grappe_id) AS n "
        f"  {DOSSIERS} AND {RETENU}{where}) t GROUP BY 1", params)}
    lignes = selectors.tailles_grappes(region=region, campagne=campagne)
    assert [ligne["tranche"] for ligne in lignes] == [0, 1, 2, 3, 4]
    for ligne in lignes:
        dossiers, membres = attendu.get(ligne["tranche"], (0, 0))
        assert (ligne["dossiers"], ligne["etablissements"]) == (dossiers, int(membres))


@pytest.mark.parametrize(("region", "campagne"), PERIMETRES)
def test_tailles_des_organismes(jeu, region, campagne):
    where, params = filtres(region, campagne, par_membre=True)
    attendu = dict(sql(
        f"SELECT {BANDES_ORGANISME} AS bande, COUNT(DISTINCT et) FROM ("
        f"  SELECT m.etablissement_id AS et, (SELECT COUNT(*) FROM referentiel_etablissement e2 "
        f"    JOIN referentiel_categorie c2 ON c2.code = e2.categorie_id "
        f"    WHERE e2.finess_ej = e.finess_ej AND e2.ouvert = %s AND c2.eligible = %s) AS n "
        f"  {MEMBRES_RETENUS}{where}) t GROUP BY 1", [True, True, *params]))
    lignes = selectors.tailles_organismes(region=region, campagne=campagne)
    assert {ligne["tranche"]: ligne["etablissements"] for ligne in lignes if ligne["etablissements"]} == attendu


def test_eligibles_par_region_et_secteur(jeu):
    attendu: dict = {}
    for region, secteur, n in sql(
            "SELECT e.region_id, COALESCE(NULLIF(e.secteur_qualifie, ''), c.secteur), COUNT(*) "
            "FROM referentiel_etablissement e JOIN referentiel_categorie c ON c.code = e.categorie_id "
            "WHERE e.ouvert = %s AND c.eligible = %s GROUP BY 1, 2", [True, True]):
        attendu.setdefault(region, {})[secteur] = n
    lignes = selectors.eligibles_par_region_et_secteur()
    assert {ligne["region"] for ligne in lignes} == {code for (code,) in sql("SELECT code FROM referentiel_region")}
    for ligne in lignes:
        assert ligne["secteurs"] == attendu.get(ligne["region"], {})
        assert ligne["total"] == sum(attendu.get(ligne["region"], {}).values())
