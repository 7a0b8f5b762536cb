"""SONS steering: coverage by region and sector (ordered, deployed), solutions' shares among funded ESSMS,
ESSMS with a SONS order and no ESMS numérique project; national and regional perimeters."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from esms.candidatures.models import Grappe
from esms.pilotage import selectors_sons
from esms.referencement.models import CommandeSons
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def sons(jeu):
    atlas = factories.solution_referencee("Atlas", "1")
    boreal = factories.solution_referencee("Boréal", "2")
    Grappe.objects.filter(pk=jeu.dossiers.retenu_ara.grappe_id).update(solution=atlas)
    Grappe.objects.filter(pk=jeu.dossiers.suivi_corse.grappe_id).update(solution=boreal)

    def commande(et, solution, statut="commande"):
        CommandeSons.objects.create(etablissement=et, solution=solution, vague=1, date_commande=date(2023, 9, 1),
                                    date_deploiement=date(2024, 3, 1) if statut != "commande" else None,
                                    statut=statut, canal="fichier")

    commande(jeu.et_ara[1], atlas, "deploye")
    commande(jeu.et_ara[2], atlas, "paye")
    commande(jeu.et_ara[3], atlas)
    commande(jeu.et_idf[11], boreal)  # member of a national dossier still filed: has a project
    commande(jeu.dossiers.non_retenu.grappe.membres.first().etablissement, boreal, "deploye")  # also in instruction
    sans_grappe = factories.etablissement(jeu.isere, jeu.og_secret, "EHPAD SANS PROJET")
    commande(sans_grappe, boreal)
    return sans_grappe


def test_couverture_par_region_et_par_secteur(jeu, sons):
    par_region = {ligne["cle"]: ligne for ligne in selectors_sons.couverture_sons(par="region")}
    assert (par_region["84"]["commandes"], par_region["84"]["deployes"]) == (5, 3)
    assert (par_region["11"]["commandes"], par_region["11"]["deployes"]) == (1, 0)
    assert par_region["84"]["taux_commandes"] == round(100 * 5 / par_region["84"]["eligibles"], 1)
    par_secteur = {ligne["cle"]: ligne for ligne in selectors_sons.couverture_sons(par="secteur", region="84")}
    assert par_secteur["personnes_agees"]["commandes"] == 4  # et_ara[1..3] and the new EHPAD
    assert par_secteur["domicile"]["deployes"] == 1  # the SAAD of Isère


def test_parts_des_solutions_parmi_les_financs(jeu, sons):
    parts = {p["solution"]: p for p in selectors_sons.parts_solutions(campagne="2024")}
    assert parts["Atlas (Éditeur Test)"]["etablissements"] == 17  # retenu_ara's members, the closed one included
    assert parts["Boréal (Éditeur Test)"]["etablissements"] == len(jeu.et_corse)
    assert "DUI X (hors registre)" in parts
    assert round(sum(p["part"] for p in parts.values())) == 100


def test_commandes_sans_projet(jeu, sons):
    lignes = selectors_sons.sons_sans_projet()
    assert {ligne["finess_et"] for ligne in lignes} == {sons.pk}
    # Once its other dossier is refused too, the Isère SAAD has no project left.
    jeu.dossiers.instruction.etat = "non_retenu"
    jeu.dossiers.instruction.save()
    assert {ligne["finess_et"] for ligne in selectors_sons.sons_sans_projet()} == {
        sons.pk, jeu.dossiers.non_retenu.grappe.membres.first().etablissement_id}
    assert {ligne["finess_et"] for ligne in selectors_sons.sons_sans_projet(region="11")} == set()


def test_le_tableau_de_bord_national_montre_la_couverture_sons(client, utilisateurs, sons):
    client.force_login(utilisateurs.admin)
    page = client.get(reverse("pilotage:accueil"))
    contenu = page.content.decode()
    assert "SONS (Prestation Ségur) et solutions DUI" in contenu and 'id="g-sons-region"' in contenu
    tableau = page.context["tableaux"]["sons-region"]
    assert ["Auvergne-Rhône-Alpes", tableau.lignes[0][1]] == tableau.lignes[0][:2] or any(
        ligne[0] == "Auvergne-Rhône-Alpes" and ligne[2] == 5 for ligne in tableau.lignes)
    regional = client.get(reverse("pilotage:region", args=["11"]))
    assert "sons-region" not in regional.context["tableaux"] and "sons-secteur" in regional.context["tableaux"]
