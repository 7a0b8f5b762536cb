"""Browser journey of the bourse (issue 13): a newcomer (establishment manager) declares a need, the ARS
computes the proposals, the newcomer then the porteur accept, and the porteur's grappe becomes admissible."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from esms.bourse import services as bourse
from esms.candidatures import regles
from esms.candidatures import services as candidatures
from esms.comptes.models import Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOT_DE_PASSE = "mot-de-passe-test-1"


def _connexion(page, username: str) -> None:
    page.goto(reverse("comptes:login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def _bourse(page) -> None:
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Bourse aux grappes").click()
    page.wait_for_load_state()


def _deconnexion(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()


def test_parcours_bourse(page):
    ref = factories.mini_referentiel()
    factories.version_parametres(factories.campagne("2025"), parametres=factories.parametres_campagne_ouverte("2025"))
    porteur = factories.make_user(Role.RESPONSABLE_OG, username="porteur", organismes=[ref.og_ara.pk])
    siens = factories.etablissements(ref.ain, ref.og_ara, 14, nom="EHPAD DES CHENES")
    for rang, e in enumerate(siens):
        e.latitude, e.longitude = 46.20 + rang * 0.001, 5.22
        e.save()
    dossier = candidatures.creer_grappe(actor=porteur, campagne_code="2025", porteur=ref.og_ara.pk,
                                        nom="Grappe des Chênes",
                                        solution=factories.solution_referencee("DUI Alpha"))
    candidatures.ajouter_membres(actor=porteur, dossier=dossier, finess_et=[e.pk for e in siens])
    bourse.ouvrir_grappe(actor=porteur, dossier=dossier, places=2, cloture=timezone.localdate() + timedelta(days=30))
    nouveau = factories.etablissement(ref.ain, factories.organisme("01", "Association voisine"), "EHPAD ISOLE")
    nouveau.latitude, nouveau.longitude = 46.25, 5.30
    nouveau.save()
    factories.make_user(Role.GESTIONNAIRE_ESSMS, username="nouveau", etablissements=[nouveau.pk])
    factories.make_user(Role.AGENT_ARS, username="agent", region="84")

    _connexion(page, "nouveau")
    _bourse(page)
    page.get_by_label("Établissement (FINESS géographique)").fill(nouveau.pk)
    page.get_by_label("Campagne").first.fill("2025")
    page.get_by_label("Distance maximale (km)").fill("20")
    page.get_by_label("Contact (nom, courriel ou téléphone)").fill("direction@ehpad-isole.example")
    page.get_by_role("button", name="Déclarer le besoin").click()
    page.wait_for_load_state()
    assert "Besoin déclaré" in page.inner_text("body")
    _deconnexion(page)

    _connexion(page, "agent")
    page.goto(reverse("bourse:marche") + "?campagne=2025&region=84")
    assert "EHPAD ISOLE" in page.inner_text("main") and "Grappe des Chênes" in page.inner_text("main")
    page.get_by_role("button", name="Calculer les propositions de la région").click()
    page.wait_for_load_state()
    assert "1 proposition(s) envoyée(s)" in page.inner_text("body")
    _deconnexion(page)

    for utilisateur in ("nouveau", "porteur"):
        _connexion(page, utilisateur)
        _bourse(page)
        page.get_by_role("button", name="Accepter la proposition EHPAD ISOLE").click()
        page.wait_for_load_state()
        _deconnexion(page)
    page.wait_for_load_state()
    verdict = regles.evaluer(dossier.grappe)
    assert verdict["eligible"] and verdict["nb_membres_eligibles"] == 15

    _connexion(page, "porteur")
    page.goto(reverse("candidatures:edition", args=[dossier.pk]))
    assert "Établissements membres (15)" in page.inner_text("main")
