"""Browser: creating a grappe offered closed campaigns (issue 16); only campaigns with an open call are listed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esms.comptes.models import Role
from tests import factories
from tests.browser.test_instruction import connexion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_la_campagne_close_n_est_pas_proposee(page):
    ref = factories.mini_referentiel()
    factories.version_2024()  # shipped 2024 parameters: closed since September 2024
    factories.version_parametres(factories.campagne("2025"), parametres=factories.parametres_campagne_ouverte("2024"))
    porteur = factories.make_user(Role.RESPONSABLE_OG, username="porteur-creation", organismes=[ref.og_ara.pk])
    connexion(page, porteur.username)
    page.goto(reverse("candidatures:creer"))
    options = page.locator("select[name=campagne] option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_attribute("value", "2025")
