"""The public statistics page: aggregates only — no porteur name, no amount of a dossier not decided, no dossier
number — with the map, the tables, their exports and the sources of the headline figures."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.urls import reverse

from esms.candidatures.models import Dossier
from esms.pilotage import selectors
from esms.pilotage.chiffres_cles import CHIFFRES_CLES
from esms.pilotage.graphiques import nombre
from esms.referentiel.models import Etablissement, OrganismeGestionnaire

from .test_exports import SLUGS_PUBLICS


def _page(client, **params) -> str:
    reponse = client.get(reverse("statistiques:accueil"), params)
    assert reponse.status_code == 200
    return reponse.content.decode()


@pytest.mark.parametrize("campagne", [None, "2024"])
def test_no_private_data_on_the_public_page_nor_its_exports(client, jeu, campagne):
    params = {"campagne": campagne} if campagne else {}
    textes = [_page(client, **params)]
    for slug in SLUGS_PUBLICS:
        for format in ("csv",):
            textes.append(client.get(reverse("statistiques:export", args=[slug, format]), params)
                          .content.decode("utf-8-sig"))
    tout = "\n".join(textes)
    non_retenus = Dossier.objects.exclude(pk__in=Dossier.objects.filter(selectors.q_retenu()).values("pk"))
    for dossier in non_retenus.select_related("grappe__porteur"):
        assert dossier.grappe.porteur.raison_sociale not in tout
        assert dossier.grappe.nom not in tout
        assert dossier.numero not in tout
    for dossier in (jeu.dossiers.instruction, jeu.dossiers.national_depose):  # distinctive requested amounts
        assert str(dossier.montant_demande) not in tout and nombre(dossier.montant_demande) not in tout
    for nom in OrganismeGestionnaire.objects.values_list("raison_sociale", flat=True):
        assert nom not in tout  # no porteur is named, not even the retained ones
    for nom in Etablissement.objects.values_list("raison_sociale", flat=True):
        assert f">{nom}<" not in tout
    assert "Association Secrète Instruction" not in tout and "777" not in tout.replace("\u202f", "")


def test_public_page_content(client, jeu):
    html = _page(client)
    assert 'class="pilotage-carte"' in html and 'id="carte-regions"' in html and 'id="carte-departements"' in html
    assert html.count('role="img"') >= 5
    for chiffre in CHIFFRES_CLES:
        assert chiffre.source in html
    assert "Chiffres calculés le " in html
    assert f">{nombre(selectors.etablissements_embarques())}<" in html
    for slug in SLUGS_PUBLICS:
        assert f'id="tableau-{slug}"' in html
        assert reverse("statistiques:export", args=[slug, "csv"]) in html


def test_public_campagne_filter(client, jeu):
    reponse = client.get(reverse("statistiques:accueil"), {"campagne": "2023"})
    assert reponse.context["indicateurs"]["etablissements_embarques"] == selectors.etablissements_embarques(
        campagne="2023")
    assert reverse("statistiques:export", args=["regions", "csv"]) + "?campagne=2023" in reponse.content.decode()


@pytest.mark.realdata
def test_headline_figures_agree_with_the_shared_data(shared_data: Path):
    with open(shared_data / "esms_numerique_chiffres_cles.csv", encoding="utf-8") as fichier:
        publics = {ligne["indicateur"]: ligne for ligne in csv.DictReader(fichier, delimiter=";")}
    for chiffre in CHIFFRES_CLES:
        ligne = publics[chiffre.indicateur]
        assert float(ligne["valeur"]) == chiffre.valeur, chiffre.indicateur
        assert (ligne["unite"], ligne["periode"], ligne["source_url"]) == (chiffre.unite, chiffre.periode,
                                                                         chiffre.source)
