"""Who sees which dashboard: the national administrator every perimeter, an ARS agent its region only (another
region: 404, the national one: redirected or 403), porteurs, ESSMS managers and vendors nothing, anonymous
visitors the public statistics only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from esms.pilotage import selectors


def _client(client, user):
    client.force_login(user)
    return client


NATIONAL = reverse("pilotage:accueil")
REGION_84 = reverse("pilotage:region", args=["84"])
REGION_11 = reverse("pilotage:region", args=["11"])


def test_admin_sees_the_national_dashboard_and_every_region(client, utilisateurs):
    c = _client(client, utilisateurs.admin)
    assert c.get(NATIONAL).status_code == 200
    assert c.get(REGION_84).status_code == 200
    assert c.get(REGION_11).status_code == 200
    assert c.get(reverse("pilotage:export", args=["regions", "csv"])).status_code == 200
    assert c.get(reverse("pilotage:export_region", args=["11", "etats", "xlsx"])).status_code == 200


def test_admin_region_filter_leads_to_the_regional_dashboard(client, utilisateurs):
    reponse = _client(client, utilisateurs.admin).get(NATIONAL, {"region": "94", "campagne": "2024"})
    assert reponse.status_code == 302 and reponse["Location"] == reverse("pilotage:region", args=["94"]) + "?campagne=2024"
    assert _client(client, utilisateurs.admin).get(NATIONAL, {"region": "99"}).status_code == 404


def test_ars_agent_is_sent_to_its_region(client, utilisateurs):
    c = _client(client, utilisateurs.ars_ara)
    reponse = c.get(NATIONAL, {"campagne": "2024", "region": "11"})
    assert reponse.status_code == 302 and reponse["Location"] == REGION_84 + "?campagne=2024"
    assert c.get(REGION_84).status_code == 200


@pytest.mark.parametrize("chemin", [
    REGION_11, reverse("pilotage:export_region", args=["11", "enveloppes", "csv"]),
    reverse("pilotage:region", args=["94"]), reverse("pilotage:region", args=["99"]),
])
def test_ars_agent_never_sees_another_region(client, utilisateurs, chemin):
    assert _client(client, utilisateurs.ars_ara).get(chemin).status_code == 404


def test_ars_agent_has_no_national_export(client, utilisateurs):
    c = _client(client, utilisateurs.ars_ara)
    assert c.get(reverse("pilotage:export", args=["regions", "csv"])).status_code == 403


def test_ars_agent_without_region_is_refused(client, utilisateurs):
    assert _client(client, utilisateurs.ars_sans_region).get(NATIONAL).status_code == 403


def test_the_regional_page_holds_only_the_regions_figures(client, utilisateurs, jeu):
    reponse = _client(client, utilisateurs.ars_ara).get(REGION_84)
    contenu = reponse.context
    tableaux = contenu["tableaux"]
    assert "regions" not in tableaux  # no other region's row
    assert [ligne[0] for ligne in tableaux["enveloppes"].lignes] == ["Auvergne-Rhône-Alpes"]
    assert {ligne[2] for ligne in tableaux["departements"].lignes} == {"Auvergne-Rhône-Alpes"}
    assert contenu["indicateurs"]["etablissements_embarques"] == selectors.etablissements_embarques(region="84")
    assert contenu["indicateurs"]["etablissements_embarques"] < selectors.etablissements_embarques()
    html = reponse.content.decode()
    assert "Fondation francilienne" not in html and "Groupe National Confidentiel" not in html


@pytest.mark.parametrize("role", ["porteur", "gestionnaire", "editeur"])
@pytest.mark.parametrize("chemin", [NATIONAL, REGION_84, reverse("pilotage:export", args=["regions", "csv"]),
                                    reverse("pilotage:export_region", args=["84", "regions", "csv"])])
def test_other_roles_have_no_dashboard(client, utilisateurs, role, chemin):
    assert _client(client, getattr(utilisateurs, role)).get(chemin).status_code == 403


@pytest.mark.parametrize("chemin", [NATIONAL, REGION_84, reverse("pilotage:export", args=["regions", "csv"]),
                                    reverse("pilotage:export_region", args=["84", "regions", "csv"])])
def test_anonymous_is_sent_to_the_login_page(client, jeu, chemin):
    reponse = client.get(chemin)
    assert reponse.status_code == 302 and reponse["Location"].startswith(reverse("comptes:login"))


def test_anonymous_reads_the_public_statistics(client, jeu):
    assert client.get(reverse("statistiques:accueil")).status_code == 200
    assert client.get(reverse("statistiques:export", args=["regions", "csv"])).status_code == 200


def test_navigation(client, utilisateurs):
    liens = {item["label"] for item in client.get(reverse("statistiques:accueil")).context["navigation"]}
    assert "Statistiques" in liens and "Pilotage" not in liens
    client.force_login(utilisateurs.ars_ara)
    liens = {item["label"] for item in client.get(reverse("statistiques:accueil")).context["navigation"]}
    assert {"Statistiques", "Pilotage"} <= liens
    client.force_login(utilisateurs.porteur)
    liens = {item["label"] for item in client.get(reverse("statistiques:accueil")).context["navigation"]}
    assert "Pilotage" not in liens


def test_cache_is_keyed_by_perimeter(client, utilisateurs):
    """The national page, computed first, is never served for a region (nor the other way round)."""
    _client(client, utilisateurs.admin).get(NATIONAL)
    regional = _client(client, utilisateurs.ars_ara).get(REGION_84).context
    assert regional["indicateurs"]["etablissements_embarques"] == selectors.etablissements_embarques(region="84")
    national = _client(client, utilisateurs.admin).get(NATIONAL).context
    assert national["indicateurs"]["etablissements_embarques"] == selectors.etablissements_embarques()


def test_unknown_campagne_or_format(client, utilisateurs):
    c = _client(client, utilisateurs.admin)
    assert c.get(NATIONAL, {"campagne": "1999"}).context["campagne"] is None
    assert c.get(reverse("pilotage:export", args=["regions", "pdf"])).status_code == 404
    assert c.get(reverse("pilotage:export", args=["inconnu", "csv"])).status_code == 404
