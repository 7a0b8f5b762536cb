"""Browser: a user logs in and finds an establishment by name (Debian's Chromium through Playwright)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from esms.comptes.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_and_find_an_establishment_by_name(page, ref, make_user, live_server):
    make_user(Role.AGENT_ARS, username="agent.ara", password="mot-de-passe-ars-1", region="84")
    page.goto("/")
    page.get_by_role("link", name="Se connecter").first.click()
    page.get_by_label("Identifiant").fill("agent.ara")
    page.get_by_label("Mot de passe").fill("mot-de-passe-ars-1")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Établissements").click()
    page.get_by_label("Numéro FINESS ou nom").fill("tilleuls 1")
    page.get_by_label("Numéro FINESS ou nom").press("Enter")
    ligne = page.get_by_role("row", name=re.compile("EHPAD LES TILLEULS 1"))
    expect(ligne).to_have_count(1)  # waits for the results: never counts rows of a page still loading
    ligne.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"{ref.et_ara[1].pk}"))
    expect(page.locator("main")).to_contain_text(ref.et_ara[1].pk)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^EHPAD LES TILLEULS 1"))
