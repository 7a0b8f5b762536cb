"""Browser: the porteur clicks « Télécharger le dossier (zip) » on the dossier page and gets the zip of the whole
dossier (summary PDF, documents, messages, manifest), without the instructors' private notes; the page with the
button passes the accessibility check (issue 16, point 3)."""

from __future__ import annotations

import zipfile

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esms.candidatures.models import Annotation
from tests.browser import connexion
from tests.browser.accessibilite import verifier
from tests.securite.monde import construire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "Trésorerie du porteur très fragile"


def test_le_porteur_telecharge_son_dossier_en_zip(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monde = construire()
    Annotation.objects.create(dossier=monde.dossier, auteur=monde.ars_ara, texte=SECRET)
    connexion.par_formulaire(page, monde.porteur_ara.username)
    page.goto(reverse("candidatures:dossier", args=[monde.dossier.pk]))
    bouton = page.get_by_role("link", name="Télécharger le dossier (zip)")
    expect(bouton).to_be_visible()
    verifier(page, contexte="page du dossier avec le téléchargement du dossier")
    with page.expect_download() as telechargement:
        bouton.click()
    assert telechargement.value.suggested_filename == f"dossier-{monde.dossier.numero}.zip"
    with zipfile.ZipFile(telechargement.value.path()) as zf:
        noms = set(zf.namelist())
        assert {"dossier.pdf", "messages.txt", "manifeste.csv"} <= noms
        assert "instruction.txt" not in noms
        assert len([n for n in noms if n.startswith("pieces/")]) == monde.dossier.documents.count()
        assert zf.read("dossier.pdf").startswith(b"%PDF")
        assert all(SECRET.encode() not in zf.read(n) for n in noms)
