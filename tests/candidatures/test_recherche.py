"""The queue search ignores case and accents, on SQLite and PostgreSQL alike (issue 16: « isere » found nothing)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from esms.candidatures import selectors
from esms.candidatures.models import Grappe
from esms.candidatures.recherche import plier
from esms.comptes.models import Role
from tests import factories


@pytest.fixture
def dossiers(ref):
    isere = factories.dossier_depose(ref.og_ara, region=ref.ara, etat="depose")
    Grappe.objects.filter(pk=isere.grappe_id).update(nom="Résidences de l'Isère")
    ref.og_ara.raison_sociale = "ŒUVRE SAINT-ÉTIENNE"
    ref.og_ara.save()
    autre = factories.dossier_depose(factories.organisme("01", "Association du Rhône"), region=ref.ara, etat="depose")
    return isere, autre


def test_plier_enleve_casse_et_accents():
    assert plier("ISÈRE") == plier("isère") == plier("Isere") == "isere"
    assert plier("Saint-Étienne ÇA") == "saint-etienne ca"


@pytest.mark.parametrize("terme", ["isere", "ISERE", "Isère", "ISÈRE", "isÉre"])
def test_la_recherche_ignore_accents_et_casse(dossiers, make_user, terme):
    isere, autre = dossiers
    agent = make_user(Role.AGENT_ARS, region="84")
    trouves = list(selectors.file_instruction(actor=agent, filtres={"q": terme}))
    assert trouves == [isere]


def test_la_recherche_porte_aussi_sur_le_porteur_accentue(dossiers, make_user):
    isere, autre = dossiers
    agent = make_user(Role.AGENT_ARS, region="84")
    assert list(selectors.file_instruction(actor=agent, filtres={"q": "saint-etienne"})) == [isere]
    assert list(selectors.file_instruction(actor=agent, filtres={"q": "rhone"})) == [autre]


def test_la_page_de_la_file_trouve_isere(client, dossiers, make_user):
    isere, _ = dossiers
    client.force_login(make_user(Role.AGENT_ARS, region="84"))
    response = client.get(reverse("candidatures:instruction"), {"q": "isere"})
    assert [d.pk for d in response.context["page_obj"]] == [isere.pk]
