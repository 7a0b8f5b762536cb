"""Browser: the ARS agent's instruction tools (issue 16, item 3) — each test reproduces a defect seen in Chromium."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esms.candidatures.models import Grappe
from esms.comptes.models import Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def connexion(page, username: str) -> None:
    page.goto(reverse("comptes:login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("mot-de-passe-test-1")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_isere_sans_accent_trouve_le_dossier_de_l_isere(page):
    ref = factories.mini_referentiel()
    isere = factories.dossier_depose(ref.og_ara, region=ref.ara, etat="depose")
    Grappe.objects.filter(pk=isere.grappe_id).update(nom="Résidences de l'Isère")
    factories.dossier_depose(ref.og_ara, region=ref.ara, etat="depose")
    agent = factories.make_user(Role.AGENT_ARS, username="agent-isere", region="84")
    connexion(page, agent.username)
    page.goto(reverse("candidatures:instruction"))
    page.get_by_label("Recherche (numéro").fill("isere")
    page.get_by_role("button", name="Filtrer").click()
    lignes = page.locator("table tbody tr")
    expect(lignes).to_have_count(1)
    expect(lignes.first).to_contain_text("Résidences de l'Isère")
