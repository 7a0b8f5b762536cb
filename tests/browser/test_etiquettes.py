"""Browser: an ARS agent labels a dossier and finds it again by its label in the queue (issue 16, item 3 —
labels per campaign, as in démarches-simplifiées)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esms.candidatures import etiquettes
from esms.comptes.models import Role
from tests import factories
from tests.browser.accessibilite import verifier
from tests.browser.connexion import par_formulaire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_etiqueter_un_dossier_puis_filtrer_la_file(page):
    ref = factories.mini_referentiel()
    etiquete = factories.dossier_depose(ref.og_ara, region=ref.ara, etat="depose")
    autre = factories.dossier_depose(ref.og_ara, region=ref.ara, etat="depose")
    etiquettes.creer_par_defaut(etiquete.grappe.campagne)
    agent = factories.make_user(Role.AGENT_ARS, username="agent-etiquettes", region="84")
    par_formulaire(page, agent.username)
    page.goto(reverse("candidatures:dossier", args=[etiquete.pk]))
    section = page.get_by_role("region", name="Étiquettes d'instruction")
    section.get_by_label("Complet", exact=True).check(force=True)  # the DSFR checkbox is drawn by its label
    section.get_by_role("button", name="Enregistrer les étiquettes").click()
    expect(page.get_by_text("Étiquettes enregistrées : Complet.")).to_be_visible()
    expect(page.get_by_role("region", name="Étiquettes d'instruction").locator("p.fr-tag")).to_have_text(["Complet"])
    verifier(page, contexte="étiquettes du dossier")
    page.goto(reverse("candidatures:instruction"))
    page.get_by_label("Étiquette").select_option(label=f"Complet ({etiquete.grappe.campagne.code})")
    page.get_by_role("button", name="Filtrer").click()
    lignes = page.locator("table tbody tr")
    expect(lignes).to_have_count(1)
    expect(lignes.first).to_contain_text(str(etiquete))
    expect(lignes.first).not_to_contain_text(str(autre))
    verifier(page, contexte="file filtrée par étiquette")
