"""Browser journey of a candidature: a porteur builds a 15-establishment grappe (paste + live search with
htmx), uploads its documents and files it; an ARS agent instructs it and asks for a complement; the porteur
sends it back; the agent retains it; the envelope drops by the amount; the convention PDF downloads."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from esms.comptes.models import Role
from esms.financement import services as enveloppes
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOT_DE_PASSE = "mot-de-passe-test-1"


def _texte(page) -> str:
    return page.inner_text("main").replace("\u202f", " ").replace("\xa0", " ")


def _connexion(page, username: str) -> None:
    page.goto(reverse("comptes:login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def _menu(page, entree: str) -> None:
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name=entree).click()
    page.wait_for_load_state()


def _deconnexion(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()


def _transition(page, libelle: str, **champs: str) -> None:
    page.locator("summary", has_text=re.compile(f"^{re.escape(libelle)}$")).click()
    formulaire = page.locator("details[open] form")
    for label, valeur in champs.items():
        formulaire.get_by_label(label).fill(valeur)
    formulaire.get_by_role("button", name=re.compile("^Confirmer")).click()
    page.wait_for_load_state()


def test_parcours_candidature(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ref = factories.mini_referentiel()
    factories.version_parametres()
    membres = factories.etablissements(ref.ain, ref.og_ara, 14, nom="EHPAD DES CHENES")
    dernier = factories.etablissement(ref.ain, ref.og_ara, "RESIDENCE LE BELVEDERE")
    factories.make_user(Role.PORTEUR, username="porteur", organismes=[ref.og_ara.pk])
    factories.make_user(Role.AGENT_ARS, username="agent", region="84")
    admin = factories.make_user(Role.ADMIN_NATIONAL, username="admin")
    env = enveloppes.creer_enveloppe(actor=admin, campagne=factories.campagne(), region=ref.ara)
    enveloppes.doter(actor=admin, enveloppe=env, montant=500_000, libelle="Délégation 2024")

    # The porteur creates the grappe.
    _connexion(page, "porteur")
    _menu(page, "Dossiers")
    page.get_by_role("link", name="Créer une grappe").click()
    page.get_by_label("Nom de la grappe").fill("Grappe des Chênes")
    page.get_by_label("Solution DUI").fill("DUI Alpha")
    page.get_by_role("button", name="Créer la grappe").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Grappe des Chênes")

    # 14 members pasted, the 15th found in the référentiel with htmx; the verdict refreshes by itself.
    page.get_by_label("Numéros FINESS géographiques (ET)").fill("\n".join(e.pk for e in membres))
    page.get_by_role("button", name="Ajouter ces établissements").click()
    page.wait_for_load_state()
    assert "Établissements membres (14)" in _texte(page)
    assert "Grappe non recevable" in page.locator("#verdict").inner_text()
    page.get_by_label("Nom ou numéro FINESS").fill("belvedere")
    resultat = page.locator("#resultats tr", has_text=dernier.pk)
    resultat.get_by_role("button", name=re.compile("^Ajouter")).click()
    page.locator("#membres h2", has_text="(15)").wait_for()
    page.locator("#verdict", has_text="Grappe recevable").wait_for()
    assert "75 000 €" in page.locator("#verdict").inner_text().replace("\u202f", " ").replace("\xa0", " ")

    # Documents, then filing.
    for type_, nom in (("Lettre d'engagement du porteur", "lettre.pdf"), ("Convention de grappe", "convention.pdf"),
                       ("Attestation de non-cumul des fonds européens", "non-cumul.pdf")):
        page.get_by_label("Type de pièce").select_option(label=type_)
        page.get_by_label("Fichier").set_input_files(
            {"name": nom, "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% test\n"})
        page.get_by_role("button", name="Déposer la pièce").click()
        page.wait_for_load_state()
    assert "Aucune pièce manquante." in page.locator("#verdict").inner_text()
    page.get_by_role("button", name="Déposer le dossier").click()
    page.wait_for_load_state()
    assert "Dossier déposé sous le numéro 2024-84-" in _texte(page)
    url_dossier = page.url
    _deconnexion(page)

    # The ARS agent opens the instruction and asks for a complement.
    _connexion(page, "agent")
    _menu(page, "Dossiers")
    page.locator("table a", has_text="2024-84-").click()
    _transition(page, "Passer en instruction")
    assert "Le dossier est « en instruction »" in _texte(page)
    _transition(page, "Demander un complément", **{"Pièces ou précisions demandées au porteur": "Joindre les devis."})
    assert "Complément demandé" in _texte(page)
    _deconnexion(page)

    # The porteur sends the dossier back.
    _connexion(page, "porteur")
    page.goto(url_dossier)
    page.get_by_role("link", name="Compléter le dossier").click()
    assert "Joindre les devis." in _texte(page)
    page.get_by_role("button", name="Renvoyer le dossier complété").click()
    page.wait_for_load_state()
    assert "En instruction" in _texte(page)
    _deconnexion(page)

    # The agent retains it at the computed amount; the envelope drops; the convention downloads.
    _connexion(page, "agent")
    page.goto(url_dossier)
    _transition(page, "Retenir")
    assert "Le dossier est « retenu »" in _texte(page)
    with page.expect_download() as telechargement:
        page.get_by_role("link", name=re.compile("Télécharger la convention")).click()
    chemin = telechargement.value.path()
    with open(chemin, "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    _menu(page, "Enveloppes")
    texte = _texte(page)
    assert "500 000 €" in texte and "75 000 €" in texte and "425 000 €" in texte
