"""Browser: under the Content-Security-Policy (no 'unsafe-inline'), the main pages raise no CSP violation in
Chromium, DSFR's JavaScript starts and htmx still searches as you type (issue 9, point 8)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.securite.monde import construire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation the page reports (the event fires for scripts, styles, style attributes, images, frames…).
ECOUTE = """window.__violations = [];
document.addEventListener("securitypolicyviolation",
  e => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"""


def _connexion(page, username: str) -> None:
    page.goto(reverse("comptes:login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("mot-de-passe-test-1")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_les_pages_principales_respectent_la_csp(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monde = construire()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(ECOUTE)
    visitees = []

    def visiter(adresse: str) -> None:
        page.goto(adresse)
        page.wait_for_load_state("load")
        expect(page.locator("html")).to_have_attribute("data-fr-js", "true")  # DSFR's JavaScript ran
        violations = page.evaluate("window.__violations")
        assert not violations, f"{adresse} : {violations}"
        visitees.append(adresse)

    visiter("/")
    visiter("/statistiques/")
    _connexion(page, monde.ars_ara.username)  # national admins need a TOTP step (tested in tests/comptes)
    for adresse in ("/pilotage/", "/pilotage/regions/84/", reverse("candidatures:dossier", args=[monde.dossier.pk]),
                    reverse("usages:dossier", args=[monde.dossier.pk]), "/candidatures/instruction/",
                    f"/referentiel/etablissements/{monde.et_membre}/", "/financement/enveloppes/", "/api/jetons/"):
        visiter(adresse)

    # htmx under the policy: typing in the search box swaps the results in without reloading the page.
    visiter("/referentiel/etablissements/")
    page.get_by_label("Numéro FINESS ou nom").fill("tilleuls 1")
    expect(page.get_by_role("row", name=re.compile("EHPAD LES TILLEULS 1"))).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=tilleuls"))
    assert not page.evaluate("window.__violations")
    assert not console, console
    assert len(visitees) == 11
