"""Browser: an ARS agent clicks the label « Annotation privée » and types a note; the note lands in the private
annotations, never in the messages: the porteur, logged in afterwards, does not see it (issue 9, point 6)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esms.candidatures.models import Annotation, Message
from tests.securite.monde import construire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "Trésorerie du porteur très fragile"


def _connexion(page, username: str) -> None:
    page.goto(reverse("comptes:login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("mot-de-passe-test-1")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_une_annotation_saisie_par_son_etiquette_ne_parvient_jamais_au_porteur(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monde = construire()
    url = reverse("candidatures:dossier", args=[monde.dossier.pk])
    _connexion(page, monde.ars_ara.username)
    page.goto(url)
    page.locator("label", has_text="Annotation privée").click()  # what a user does: click the label, then type
    page.keyboard.type(SECRET)
    expect(page.locator("#annotations textarea")).to_have_value(SECRET)
    expect(page.locator("#messagerie textarea")).to_have_value("")
    page.get_by_role("button", name="Annoter").click()
    expect(page.locator("#annotations blockquote", has_text=SECRET)).to_have_count(1)
    assert Annotation.objects.filter(texte=SECRET).count() == 1
    assert not Message.objects.filter(texte__contains=SECRET).exists()

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()
    _connexion(page, monde.porteur_ara.username)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(monde.dossier.numero))
    expect(page.locator("#messagerie")).to_be_visible()
    expect(page.get_by_text(SECRET)).to_have_count(0)
    expect(page.locator("#annotations")).to_have_count(0)
    assert SECRET not in page.content()
