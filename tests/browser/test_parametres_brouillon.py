"""Browser: a national administrator edits a section of the campaign's parameters in the form editor, types
a wrong value and sees the French message on that field, corrects it and the draft is saved; then compares
the draft with the version in force side by side, and opens its simulation (issue 16 item 6, issue 17 item 1)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esms.candidatures.models import VersionParametres
from esms.comptes.models import Role
from tests import factories
from tests.browser.accessibilite import verifier
from tests.browser.connexion import par_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


_connecter = par_session


def test_editer_une_section_avec_une_erreur_puis_comparer_au_brouillon(page, live_server):
    version = factories.version_2024()
    _connecter(page, live_server, factories.make_user(Role.ADMIN_NATIONAL, username="admin-parametres"))
    page.goto(reverse("campagnes:detail", args=["2024"]))
    page.get_by_role("link", name="Éditer les paramètres (brouillon)").click()

    champ = page.locator("#p-grappe-taille_min-valeur")
    champ.fill("quinze")
    page.get_by_role("button", name="Enregistrer la section dans le brouillon").click()
    erreur = page.locator("#p-grappe-taille_min-erreur")
    expect(erreur).to_have_text("Taille min (grappe) : nombre entier attendu (par exemple 15), et non « quinze »")
    expect(page.locator("#p-grappe-taille_min-valeur")).to_have_value("quinze")  # what was typed stays
    expect(page.get_by_role("alert")).to_contain_text("La section n'a pas été enregistrée")
    assert not VersionParametres.objects.filter(statut=VersionParametres.Statut.BROUILLON).exists()

    page.locator("#p-grappe-taille_min-valeur").fill("16")
    page.locator("#p-grappe-taille_min-source").fill("Instruction de test, annexe 2")
    page.get_by_role("button", name="Enregistrer la section dans le brouillon").click()
    expect(page.get_by_text("Section « Grappe (taille, appels, organismes) » enregistrée dans le brouillon")).to_be_visible()
    expect(page.locator("#p-grappe-taille_min-erreur")).to_have_count(0)
    expect(page.locator("#p-grappe-taille_min-valeur")).to_have_value("16")
    brouillon = VersionParametres.objects.get(statut=VersionParametres.Statut.BROUILLON)
    assert brouillon.parametres["grappe"]["taille_min"]["valeur"] == 16

    page.get_by_role("link", name="Comparer le brouillon à la version en vigueur").click()
    expect(page.locator("#resume")).to_have_text(
        f"1 paramètre diffère entre la version {version.numero} et la version {brouillon.numero}.")
    ligne = page.locator('tr[data-chemin="grappe.taille_min"]')
    expect(ligne.locator("del")).to_have_text("15")
    expect(ligne.locator("ins").first).to_have_text("16")
    expect(ligne).to_contain_text("Instruction de test, annexe 2")

    # Comparing a version with itself shows no difference.
    page.locator("#b").select_option(str(version.numero))
    page.get_by_role("button", name="Comparer").click()
    expect(page.locator("#resume")).to_have_text(
        f"Aucune différence entre la version {version.numero} et la version {version.numero}.")

    page.goto(reverse("campagnes:simulation", args=["2024"]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Simulation du brouillon — campagne 2024")
    expect(page.locator("#dossiers-changes")).to_contain_text("Aucun dossier ne change.")


def test_une_liste_se_modifie_ligne_par_ligne_avec_l_erreur_a_sa_place(page, live_server):
    version = factories.version_2024()
    regions = version.parametres["grappe"]["regions_corse_outre_mer"]["valeur"]
    _connecter(page, live_server, factories.make_user(Role.ADMIN_NATIONAL, username="admin-listes"))
    page.goto(reverse("campagnes:section", args=["2024", "grappe"]))
    liste = page.locator("#p-grappe-regions_corse_outre_mer")
    lignes = 'input[name="grappe.regions_corse_outre_mer__valeur"]'
    expect(page.locator(lignes)).to_have_count(len(regions) + 1)  # one row per region + an empty row
    liste.get_by_label("Nouvel élément").fill("9")
    page.get_by_role("button", name="Enregistrer la section dans le brouillon").click()
    expect(page.locator("#p-grappe-regions_corse_outre_mer-erreur")).to_contain_text(
        f"ligne {len(regions) + 1} : code « 9 » invalide (par exemple 84)")
    verifier(page, contexte="liste en erreur")
    assert not VersionParametres.objects.filter(statut=VersionParametres.Statut.BROUILLON).exists()
    liste = page.locator("#p-grappe-regions_corse_outre_mer")
    liste.get_by_label(f"Élément {len(regions) + 1}").fill("84")  # the typed row stays, corrected
    liste.get_by_label("Élément 1", exact=True).fill("")  # emptied: removed
    page.get_by_role("button", name="Enregistrer la section dans le brouillon").click()
    expect(page.get_by_text("enregistrée dans le brouillon")).to_be_visible()
    brouillon = VersionParametres.objects.get(statut=VersionParametres.Statut.BROUILLON)
    assert brouillon.parametres["grappe"]["regions_corse_outre_mer"]["valeur"] == [*regions[1:], "84"]
    expect(page.locator(lignes)).to_have_count(len(regions) + 1)
