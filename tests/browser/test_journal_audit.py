"""Browser: the audit log printed raw Python dictionaries on a page 18 000 px long, with no filter or export
(issue 16, item 5). The administrator now reads labels and before → after changes, filters and exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esms.comptes import audit
from esms.comptes.models import Role
from tests import factories
from tests.browser.connexion import avec_second_facteur

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_journal_lisible_filtre_et_exporte(page):
    factories.mini_referentiel()
    admin = factories.make_user(Role.ADMIN_NATIONAL, username="admin-audit")
    for i in range(120):
        audit.record(actor=admin, action="dossiers.retenir", object_type="candidatures.Dossier", object_id=str(i),
                     object_repr=f"2024-84-{i:05d}", before={"etat": "en_instruction"},
                     after={"etat": "retenu", "montant_retenu": "425000", "verdict": {"eligible": True}})
    avec_second_facteur(page, admin)
    page.goto(reverse("comptes:audit"))
    expect(page.get_by_role("heading", name="Journal d'audit")).to_be_visible()
    page.get_by_label("Action").select_option(label="Dossier retenu")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("120 événements.")).to_be_visible()
    premiere = page.locator("table tbody tr").first
    expect(premiere).to_contain_text("Dossier retenu")
    expect(premiere).to_contain_text("en_instruction → retenu")
    expect(page.locator("table")).not_to_contain_text("{'")
    hauteur = page.evaluate("document.documentElement.scrollHeight")
    assert hauteur < 12_000, hauteur  # 50 events a page
    page.get_by_role("link", name="Page suivante").click()
    expect(page.get_by_text("Page 2 sur 3")).to_be_visible()
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Exporter le journal filtré CSV").click()
    contenu = Path(telechargement.value.path()).read_text(encoding="utf-8-sig")
    assert contenu.count("Dossier retenu") == 120 and "{'" not in contenu
