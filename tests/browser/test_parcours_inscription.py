"""Browser journeys of self-service accounts, with the e-mails read from a real SMTP server on loopback:
sign-up → address verification → claim of the organisme → validation by the ARS agent → first grappe, completed
and filed;
and a forgotten password reset through the e-mailed link."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esms.candidatures.etats import Etat
from esms.candidatures.models import Dossier
from esms.comptes.models import Role
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MDP = "Une-phrase-de-passe-solide-42"


def _lien(recu, chemin: str) -> str:
    return re.search(rf"https?://\S+{re.escape(chemin)}\S+/", recu.partie("text/plain")).group(0)


def _connexion(page, identifiant: str, mot_de_passe: str) -> None:
    page.goto(reverse("comptes:login"))
    page.get_by_label("Identifiant").fill(identifiant)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def _deconnexion(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()


def _texte(page) -> str:
    return page.inner_text("main")


def test_sign_up_claim_validation_first_grappe(page, smtp, settings, live_server, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ESMS_BASE_URL = live_server.url
    ref = factories.mini_referentiel()
    factories.version_parametres()
    membres = [*ref.et_ara, *factories.etablissements(ref.ain, ref.og_ara, 13, nom="EHPAD DES TILLEULS")]
    factories.make_user(Role.AGENT_ARS, username="agent", region="84", email="agent@ars-ara.example",
                        password="mot-de-passe-test-1")

    # Sign-up from the login page.
    page.goto(reverse("comptes:login"))
    page.get_by_role("link", name=re.compile("créer un compte")).click()
    page.get_by_label("Adresse électronique professionnelle").fill("camille@asso-ain.example")
    page.get_by_label("Prénom").fill("Camille")
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_label("Mot de passe").fill(MDP)
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_role("heading", name="Vérifiez votre messagerie").wait_for()

    # The verification e-mail, read from the SMTP server.
    [verification] = smtp.boite.pour("camille@asso-ain.example")
    assert verification.sujet == "[ESMS numérique] Confirmez votre adresse électronique"
    page.goto(_lien(verification, "/comptes/inscription/verification/"))
    page.get_by_text("Votre adresse est vérifiée").wait_for()
    _connexion(page, "camille@asso-ain.example", MDP)

    # The claim of the organisme, with a supporting document.
    page.get_by_role("link", name=re.compile("Camille Martin")).click()
    page.get_by_role("link", name="Demander un rattachement").click()
    page.get_by_label("Organisme gestionnaire (FINESS EJ)").check()
    page.get_by_label("Numéro FINESS juridique (EJ) de l'organisme").fill(ref.og_ara.pk)
    page.get_by_label("Votre fonction dans l'organisme").fill("Directrice générale")
    page.get_by_label("Justificatif").set_input_files(
        {"name": "delegation.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% delegation\n"})
    page.get_by_role("button", name="Envoyer la demande").click()
    page.get_by_text("Votre demande est transmise à l'ARS de la région").wait_for()
    assert "En attente de validation" in _texte(page)
    [alerte] = smtp.boite.pour("agent@ars-ara.example")
    assert "Demande de rattachement à valider" in alerte.sujet
    _deconnexion(page)

    # The ARS agent validates it.
    _connexion(page, "agent", "mot-de-passe-test-1")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Comptes").click()
    page.get_by_role("link", name=re.compile("Demandes de rattachement en attente : 1")).click()
    page.get_by_role("link", name=re.compile("Organisme gestionnaire")).click()
    assert "Directrice générale" in _texte(page)
    page.get_by_role("button", name="Valider le rattachement").click()
    page.get_by_text("Décision enregistrée").wait_for()
    _deconnexion(page)
    [decision] = [r for r in smtp.boite.pour("camille@asso-ain.example") if "rattachement" in r.sujet]
    assert decision.sujet == "[ESMS numérique] Votre demande de rattachement est validée"

    # The new porteur creates its first grappe, its DUI picked in the register of referenced solutions.
    alpha = factories.solution_referencee("DUI Alpha", "2")
    _connexion(page, "camille@asso-ain.example", MDP)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Dossiers").click()
    page.get_by_role("link", name="Créer une grappe").click()
    page.get_by_label("Nom de la grappe").fill("Grappe des Tilleuls")
    page.get_by_label("Rechercher dans le registre").fill("alpha")  # htmx search of the register
    page.locator(f'label[for="solution-{alpha.pk}"]').click()
    expect(page.get_by_label("DUI Alpha 2 — Éditeur Test")).to_be_checked()
    with page.expect_navigation():  # waits for the new page, not the old one
        page.get_by_role("button", name="Créer la grappe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Grappe des Tilleuls"))

    # It completes the grappe (15 members of its organisme), uploads the required documents and files it.
    page.get_by_label("Numéros FINESS géographiques (ET)").fill("\n".join(e.pk for e in membres))
    with page.expect_navigation():
        page.get_by_role("button", name="Ajouter ces établissements").click()
    expect(page.locator("main")).to_contain_text(f"Établissements membres ({len(membres)})")
    expect(page.locator("#verdict")).to_contain_text("Grappe recevable")
    for type_, nom in (("Lettre d'engagement du porteur", "lettre.pdf"), ("Convention de grappe", "convention.pdf"),
                       ("Attestation de non-cumul des fonds européens", "non-cumul.pdf")):
        page.get_by_label("Type de pièce").select_option(label=type_)
        page.get_by_label("Fichier").set_input_files(
            {"name": nom, "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% test\n"})
        with page.expect_navigation():
            page.get_by_role("button", name="Déposer la pièce").click()
    expect(page.locator("#verdict")).to_contain_text("Aucune pièce manquante.")
    page.get_by_role("link", name="Vérifier et déposer le dossier").click()  # the summary, then the confirmation
    page.locator('label[for="id_confirmation"]').click()
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer le dépôt").click()
    expect(page.locator("main")).to_contain_text("Dossier déposé sous le numéro 2024-84-")
    dossier = Dossier.objects.get(grappe__nom="Grappe des Tilleuls")
    assert dossier.etat == Etat.DEPOSE and dossier.grappe.porteur_id == ref.og_ara.pk
    assert dossier.grappe.membres.count() == len(membres)
    # The filing reaches the ARS agent by e-mail, from the SMTP server.
    assert f"[ESMS numérique] Dossier {dossier} : déposé" in [r.sujet for r in smtp.boite.pour("agent@ars-ara.example")]


def test_password_reset_read_from_the_smtp_server(page, smtp, settings, live_server):
    settings.ESMS_BASE_URL = live_server.url
    factories.mini_referentiel()
    factories.make_user(Role.AGENT_ARS, username="agent", region="84", email="agent@ars-ara.example")

    page.goto(reverse("comptes:login"))
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.get_by_label("Adresse électronique de votre compte").fill("agent@ars-ara.example")
    page.get_by_role("button", name="Recevoir le lien").click()
    page.get_by_role("heading", name="Vérifiez votre messagerie").wait_for()

    [recu] = smtp.boite.pour("agent@ars-ara.example")
    assert recu.sujet == "[ESMS numérique] Réinitialisation de votre mot de passe"
    assert "Choisir un nouveau mot de passe" in recu.partie("text/html")
    lien = re.search(r"https?://\S+/comptes/mot-de-passe/nouveau/\S+/", recu.partie("text/plain")).group(0)
    page.goto(lien)
    page.locator("input[name=new_password1]").fill(MDP)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(MDP)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    page.get_by_role("heading", name="Mot de passe modifié").wait_for()

    _connexion(page, "agent", MDP)
    page.get_by_role("button", name="Se déconnecter").wait_for()
    # The link served once.
    page.goto(lien)
    page.get_by_role("heading", name="Lien invalide ou expiré").wait_for()
