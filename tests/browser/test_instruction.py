"""Browser: the ARS agent's instruction tools (issue 16, item 3) — each test reproduces a defect seen in Chromium."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esms.candidatures.models import Grappe
from esms.comptes.models import Role
from tests import factories
from tests.browser.connexion import par_formulaire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


connexion = par_formulaire  # other journeys import it from here

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


def test_retenir_plusieurs_dossiers_montre_les_montants_avant_d_engager(page):
    from esms.candidatures.models import Dossier
    from esms.financement import services as enveloppes

    ref = factories.mini_referentiel()
    admin = factories.make_user(Role.ADMIN_NATIONAL)
    a = factories.dossier_depose(ref.og_ara, region=ref.ara, montant=150_000)
    b = factories.dossier_depose(ref.og_ara, region=ref.ara, montant=275_000)
    env = enveloppes.creer_enveloppe(actor=admin, campagne=a.grappe.campagne, region=ref.ara)
    enveloppes.doter(actor=admin, enveloppe=env, montant=1_000_000, libelle="Délégation")
    agent = factories.make_user(Role.AGENT_ARS, username="agent-lot", region="84")
    connexion(page, agent.username)
    page.goto(reverse("candidatures:instruction"))
    for dossier in (a, b):  # the DSFR checkbox input is drawn by its label's pseudo-element
        page.get_by_label(f"Sélectionner le dossier {dossier}").check(force=True)
    page.locator("select[name=decision]").select_option("retenir")
    page.get_by_role("button", name="Appliquer aux dossiers cochés").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("retenir 2 dossiers pour 425")
    expect(page.get_by_text("575")).to_be_visible()  # available after: 1 000 000 − 425 000
    assert not Dossier.objects.filter(etat="retenu").exists()  # nothing committed before confirming
    page.get_by_role("button", name="Confirmer : retenir pour").click()
    expect(page.get_by_text("appliqué à 2 dossiers")).to_be_visible()
    assert set(Dossier.objects.filter(etat="retenu").values_list("pk", flat=True)) == {a.pk, b.pk}
