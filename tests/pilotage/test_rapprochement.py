"""The national dashboard reconciles the ARS envelopes, the national envelope and the Caisse des dépôts
fees with the programme total published for the campaign (2024: 87 M€ = 71,5 + 15,2 + 0,3), and shows
the gap."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from esms.comptes.permissions import SYSTEME
from esms.financement import services as financement
from esms.pilotage import agregats, selectors, tableaux_de_bord
from esms.rules import campagne_to_dict, load_campagne
from tests import factories


@pytest.fixture(autouse=True)
def cache_vide():
    cache.clear()
    yield
    cache.clear()


def _doter(campagne, region, montant):
    enveloppe = financement.creer_enveloppe(actor=SYSTEME, campagne=campagne, region=region)
    financement.doter(actor=SYSTEME, enveloppe=enveloppe, montant=montant, libelle="Délégation")


def test_ecart_au_budget_publie_2024(ref):
    camp = factories.campagne("2024")
    factories.version_parametres(camp, parametres=campagne_to_dict(load_campagne("2024")))
    _doter(camp, ref.ara, 8_000_000)
    _doter(camp, ref.corse, 500_000)
    _doter(camp, None, 15_200_000)
    [ligne] = selectors.rapprochement_budgetaire(campagne="2024")
    assert ligne["total_publie"] == 87_000_000
    assert ligne["enveloppes_ars"] == 8_500_000 and ligne["enveloppe_nationale"] == 15_200_000
    assert ligne["frais_gestion"] == 300_000
    assert ligne["total_plateforme"] == 24_000_000
    assert ligne["ecart"] == 24_000_000 - 87_000_000
    assert ligne["hors_programme"] == {"soutien_innovation": 1_500_000, "ressources_segur_regionales": 1_500_000}
    page = tableaux_de_bord.tableau_de_bord(agregats.donnees_du_perimetre(region=None, campagne="2024"))
    tableau = page["tableaux"]["rapprochement"]
    assert tableau.lignes == [["2024", 87_000_000, 71_500_000, 8_500_000, 15_200_000, 15_200_000, 300_000,
                               24_000_000, -63_000_000]]
    assert "soutien_innovation" in tableau.note


def test_budget_2023_entierement_dote_sans_ecart(ref):
    camp = factories.campagne("2023")
    factories.version_parametres(camp, parametres=campagne_to_dict(load_campagne("2023")))
    _doter(camp, ref.ara, 67_000_000)
    _doter(camp, None, 16_700_000)
    [ligne] = selectors.rapprochement_budgetaire(campagne="2023")
    assert ligne["ecart"] == 0 and ligne["total_publie"] == 84_000_000
    assert ligne["hors_programme"]["sons"] == 51_000_000


def test_pas_de_rapprochement_sur_un_tableau_regional(ref):
    page = tableaux_de_bord.tableau_de_bord(agregats.donnees_du_perimetre(region="84", campagne=None), region="84")
    assert "rapprochement" not in page["tableaux"]


def test_les_pages_publiques_disent_ce_que_disent_les_regles(client, ref):
    from django.urls import reverse

    from esms.pilotage.chiffres_cles import CHIFFRES_CLES

    regles = load_campagne("2024")
    par_nom = {c.indicateur: c for c in CHIFFRES_CLES}
    assert par_nom["Taille minimale d'un groupement (AAP régional)"].valeur == regles.grappe.taille_min.valeur
    assert par_nom["Seuil AAP national (groupement multirégional)"].valeur == regles.grappe.seuil_national.valeur
    assert regles.grappe.appel_grappe_mono_regionale.valeur == "regional"
    html = client.get(reverse("statistiques:accueil")).content.decode()
    assert "15 ESSMS ou plus, situés dans une même région" in html
    assert "50 ESSMS ou plus, situés dans plusieurs régions" in html
