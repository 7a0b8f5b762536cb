"""Browser: the FINESS import page told a web user to « relancez avec --skip-invalid », an option of a command
line they do not have (issue 16). A refused upload now says what to do on the page itself."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esms.comptes.models import Role
from esms.comptes.permissions import SYSTEME
from esms.referentiel.models import ImportFiness
from esms.referentiel.services import charger_referentiel, importer_finess
from tests import factories
from tests.browser.connexion import avec_second_facteur
from tests.referentiel import generateur

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_un_import_refuse_dit_quoi_faire_sur_la_page_sans_option_de_commande(page, tmp_path):
    charger_referentiel(actor=SYSTEME, dossier=generateur.DOSSIER_REFERENTIEL)
    importer_finess(actor=SYSTEME, chemin=generateur.ET_1)  # a first extract is in place
    admin = factories.make_user(Role.ADMIN_NATIONAL, username="admin-finess")
    fichier = tmp_path / "finess.csv"  # two establishments of an unknown category: two anomalies
    fichier.write_bytes(generateur.ET_2.read_bytes().replace(b";500;", b";998;", 2))
    avec_second_facteur(page, admin)
    page.goto(reverse("referentiel:imports"))
    page.locator("#id_fichier").set_input_files(str(fichier))
    with page.expect_navigation():
        page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.locator("main")).to_contain_text("Échoué")
    expect(page.locator("main")).to_contain_text("1 autre(s) anomalie(s)")
    expect(page.locator("main")).to_contain_text("cochez « Importer les lignes valides et produire un rapport des rejets »")
    expect(page.locator("main")).not_to_contain_text("--skip-invalid")
    assert ImportFiness.objects.filter(statut=ImportFiness.Statut.ECHOUE).count() == 1
