"""Browser: assigning and following dossiers (issue 16, point 3, as in démarches-simplifiées). An agent takes a
dossier, reassigns it to a colleague, who finds it in « Mes dossiers »; following a dossier, the colleague is
notified of the porteur's message. Each new page and state passes the accessibility check."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esms.candidatures import services
from esms.comptes.models import Notification, Role
from tests import factories
from tests.browser.accessibilite import verifier
from tests.browser.connexion import par_formulaire as connexion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def deconnexion(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()


def test_prendre_reattribuer_puis_suivre_un_dossier(page):
    ref = factories.mini_referentiel()
    dossier = factories.dossier_depose(ref.og_ara, region=ref.ara, etat="en_instruction")
    autre = factories.dossier_depose(ref.og_ara, region=ref.ara, etat="en_instruction")
    agent = factories.make_user(Role.AGENT_ARS, username="agent-prend", region="84", first_name="Alice",
                                last_name="Prend")
    collegue = factories.make_user(Role.AGENT_ARS, username="collegue-recoit", region="84", first_name="Bruno",
                                   last_name="Reçoit")
    porteur = factories.make_user(Role.RESPONSABLE_OG, username="porteur-ecrit", organismes=[ref.og_ara.pk])

    connexion(page, agent.username)
    page.goto(reverse("candidatures:dossier", args=[dossier.pk]))
    boite = page.locator("#affectation")
    expect(boite).to_contain_text("non attribué")
    verifier(page, contexte="dossier non attribué")
    boite.get_by_role("button", name="Me l'attribuer").click()
    expect(page.get_by_text("vous est attribué ; vous le suivez")).to_be_visible()
    expect(page.locator("#affectation")).to_contain_text("Alice Prend (vous)")
    verifier(page, contexte="dossier attribué à soi")
    page.locator("#affectation").get_by_label("Attribuer à").select_option(label="Bruno Reçoit (Auvergne-Rhône-Alpes)")
    page.locator("#affectation").get_by_role("button", name="Enregistrer l'attribution").click()
    expect(page.get_by_text("est attribué à Bruno Reçoit")).to_be_visible()
    expect(page.locator("#historique")).to_contain_text("Réattribué à Bruno Reçoit")
    deconnexion(page)

    connexion(page, collegue.username)
    page.goto(reverse("candidatures:instruction"))
    page.get_by_role("link", name="Mes dossiers : 1").click()
    lignes = page.locator("#decision-lot table tbody tr")
    expect(lignes).to_have_count(1)
    expect(lignes.first).to_contain_text(str(dossier))
    verifier(page, contexte="file « Mes dossiers »")

    page.goto(reverse("candidatures:dossier", args=[autre.pk]))
    page.locator("#affectation").get_by_role("button", name="Suivre").click()
    expect(page.get_by_text("Vous suivez le dossier")).to_be_visible()
    expect(page.locator("#affectation").get_by_role("button", name="Ne plus suivre")).to_be_visible()
    verifier(page, contexte="dossier suivi")

    services.envoyer_message(actor=porteur, dossier=autre, texte="Nous avons une question sur le devis.")
    assert Notification.objects.filter(destinataire=collegue, sujet=f"Nouveau message sur le dossier {autre}").exists()
    page.goto(reverse("candidatures:suivis"))
    ligne = page.locator("tbody tr", has_text=str(autre))
    expect(ligne).to_contain_text("1 nouveauté")
    verifier(page, contexte="dossiers suivis")
    ligne.get_by_role("link", name=str(autre)).click()
    expect(page.get_by_text("Nous avons une question sur le devis.")).to_be_visible()


def test_attribuer_plusieurs_dossiers_depuis_la_file(page):
    ref = factories.mini_referentiel()
    a = factories.dossier_depose(ref.og_ara, region=ref.ara, etat="depose")
    b = factories.dossier_depose(ref.og_ara, region=ref.ara, etat="depose")
    agent = factories.make_user(Role.AGENT_ARS, username="agent-lot-attribution", region="84")
    collegue = factories.make_user(Role.AGENT_ARS, username="collegue-lot", region="84", first_name="Chloé",
                                   last_name="Lot")
    connexion(page, agent.username)
    page.goto(reverse("candidatures:instruction"))
    for dossier in (a, b):
        page.get_by_label(f"Sélectionner le dossier {dossier}").check(force=True)
    page.get_by_label("Attribuer à").select_option(label="Chloé Lot (Auvergne-Rhône-Alpes)")
    page.get_by_role("button", name="Attribuer les dossiers cochés").click()
    expect(page.get_by_text("2 dossiers attribués à Chloé Lot")).to_be_visible()
    page.get_by_role("link", name="Non attribués : 0").click()
    expect(page.locator("#decision-lot table tbody tr")).to_have_text("Aucun dossier ne correspond aux filtres.")
    verifier(page, contexte="file après attribution par lot")
    assert set(type(a).objects.filter(instructeur=collegue).values_list("pk", flat=True)) == {a.pk, b.pk}
