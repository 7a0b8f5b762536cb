"""Every table's export (CSV, XLSX, ODS) holds exactly the table of the page, and that table the selectors'
figures; the HTML table shows the same numbers."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from esms.pilotage import selectors
from esms.pilotage.graphiques import nombre

SLUGS_NATIONAUX = ["indicateurs", "regions", "departements", "enveloppes", "etats", "secteurs", "tailles-grappes",
                   "tailles-organismes", "evolution", "sons-region", "sons-secteur", "parts-solutions",
                   "sons-sans-projet"]
SLUGS_PUBLICS = ["chiffres-cles", "indicateurs", "regions", "departements", "montants", "eligibles"]


def _csv(reponse) -> list[list[str]]:
    assert reponse.status_code == 200 and reponse["Content-Type"].startswith("text/csv")
    texte = reponse.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(texte), delimiter=";"))


def _xlsx(reponse) -> list[list]:
    assert reponse.status_code == 200
    classeur = load_workbook(io.BytesIO(reponse.content), read_only=True)
    lignes = [list(ligne) for ligne in classeur.active.iter_rows(values_only=True)]
    largeur = len(lignes[0])
    return [ligne + [None] * (largeur - len(ligne)) for ligne in lignes]  # trailing empty cells are not stored


def _cellules(tableau) -> list[list]:
    """The table's rows as a spreadsheet stores them (an empty string is an empty cell)."""
    return [[None if v == "" else v for v in ligne] for ligne in tableau.lignes_export()]


def _texte(valeur) -> str:
    return "" if valeur is None else str(valeur)


@pytest.mark.parametrize("slug", SLUGS_NATIONAUX)
def test_national_exports_equal_the_page_tables(client, utilisateurs, slug):
    client.force_login(utilisateurs.admin)
    page = client.get(reverse("pilotage:accueil"), {"campagne": "2024"})
    tableau = page.context["tableaux"][slug]
    lignes = _csv(client.get(reverse("pilotage:export", args=[slug, "csv"]), {"campagne": "2024"}))
    assert lignes[0] == tableau.entetes
    assert lignes[1:] == [[_texte(v) for v in ligne] for ligne in tableau.lignes_export()]
    feuille = _xlsx(client.get(reverse("pilotage:export", args=[slug, "xlsx"]), {"campagne": "2024"}))
    assert feuille[0] == tableau.entetes
    assert feuille[1:] == _cellules(tableau)
    ods = client.get(reverse("pilotage:export", args=[slug, "ods"]), {"campagne": "2024"})
    assert ods.status_code == 200 and ods["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert "campagne-" not in ods["Content-Disposition"] and f"-2024-{slug}.ods" in ods["Content-Disposition"]


@pytest.mark.parametrize("slug", SLUGS_PUBLICS)
def test_public_exports_equal_the_page_tables(client, jeu, slug):
    page = client.get(reverse("statistiques:accueil"))
    tableau = page.context["tableaux"][slug]
    lignes = _csv(client.get(reverse("statistiques:export", args=[slug, "csv"])))
    assert lignes[0] == tableau.entetes
    assert lignes[1:] == [[_texte(v) for v in ligne] for ligne in tableau.lignes_export()]
    assert _xlsx(client.get(reverse("statistiques:export", args=[slug, "xlsx"])))[1:] == _cellules(tableau)


def test_regional_export_is_the_regional_table(client, utilisateurs):
    client.force_login(utilisateurs.ars_ara)
    lignes = _csv(client.get(reverse("pilotage:export_region", args=["84", "departements", "csv"])))
    attendu = selectors.couverture(par="departement", region="84")
    assert [ligne[0] for ligne in lignes[1:-1]] == [d["code"] for d in attendu]
    assert [int(ligne[4]) for ligne in lignes[1:-1]] == [d["embarques"] for d in attendu]
    assert int(lignes[-1][4]) == selectors.etablissements_embarques(region="84")


def test_tables_hold_the_selectors_figures(client, utilisateurs):
    client.force_login(utilisateurs.admin)
    tableaux = client.get(reverse("pilotage:accueil")).context["tableaux"]
    regions = {ligne[0]: ligne for ligne in tableaux["regions"].lignes}
    for r in selectors.couverture(par="region"):
        assert regions[r["code"]][2:] == [r["eligibles"], r["dossiers_retenus"], r["embarques"], r["taux"]]
    assert tableaux["regions"].total[4] == selectors.etablissements_embarques()
    assert tableaux["regions"].total[3] == selectors.dossiers_retenus()["dossiers"]
    enveloppes = selectors.enveloppes_par_region()
    assert [ligne[1:] for ligne in tableaux["enveloppes"].lignes] == [
        [e["dotation"], e["engage"], e["disponible"], e["versements_programmes"], e["versements_ordonnes"],
         e["versements_payes"], e["versements_programmes"] + e["versements_ordonnes"] + e["versements_payes"]]
        for e in enveloppes]
    etats = selectors.dossiers_par_etat_et_appel()
    assert [ligne[-1] for ligne in tableaux["etats"].lignes] == [e["total"] for e in etats]
    assert [ligne[1:] for ligne in tableaux["evolution"].lignes] == [
        [m["deposes"], m["retenus"], m["non_retenus"]] for m in selectors.evolution_mensuelle()]


def test_html_table_shows_the_same_numbers(client, utilisateurs):
    client.force_login(utilisateurs.admin)
    reponse = client.get(reverse("pilotage:accueil"))
    html = reponse.content.decode()
    tableau = reponse.context["tableaux"]["enveloppes"]
    for ligne in tableau.lignes:
        for valeur in ligne[1:]:
            assert f">{nombre(valeur)}<" in html
    assert '<caption>Enveloppes et versements par ARS</caption>' in html
    assert '<th scope="col"' in html and '<th scope="row">' in html
