"""Browser journey of a candidature: a porteur builds a 15-establishment grappe (paste + live search with
htmx), uploads its documents and files it; an ARS agent instructs it and asks for a complement; the porteur
sends it back; the agent retains it; the envelope drops by the amount; the convention PDF downloads."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from esms.comptes.models import Role
from esms.financement import services as enveloppes
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOT_DE_PASSE = "mot-de-passe-test-1"


def _montant(texte: str) -> re.Pattern:
    """A French amount as displayed (narrow no-break spaces between thousands): « 75 000 € »."""
    return re.compile(re.escape(texte).replace(r"\ ", r"\s"))


def _attendre(page, texte: str) -> None:
    """Waits (up to the default timeout) until the main content shows `texte`: never reads a page still loading."""
    expect(page.locator("main")).to_contain_text(texte)


def _connexion(page, username: str) -> None:
    page.goto(reverse("comptes:login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(MOT_DE_PASSE)
    with page.expect_navigation():  # waits for the new page, not the old one
        page.get_by_role("button", name="Se connecter").click()


def _menu(page, entree: str) -> None:
    with page.expect_navigation():  # waits for the new page, not the old one
        page.get_by_role("navigation", name="Menu principal").get_by_role("link", name=entree).click()


def _deconnexion(page) -> None:
    with page.expect_navigation():  # waits for the new page, not the old one
        page.get_by_role("button", name="Se déconnecter").click()


def _transition(page, libelle: str, **champs: str) -> None:
    page.locator("summary", has_text=re.compile(f"^{re.escape(libelle)}$")).click()
    formulaire = page.locator("details[open] form")
    for label, valeur in champs.items():
        formulaire.get_by_label(label).fill(valeur)
    with page.expect_navigation():  # waits for the new page, not the old one
        formulaire.get_by_role("button", name=re.compile("^Confirmer")).click()


def test_parcours_candidature(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ref = factories.mini_referentiel()
    factories.version_parametres()
    membres = factories.etablissements(ref.ain, ref.og_ara, 14, nom="EHPAD DES CHENES")
    dernier = factories.etablissement(ref.ain, ref.og_ara, "RESIDENCE LE BELVEDERE")
    factories.make_user(Role.RESPONSABLE_OG, username="porteur", organismes=[ref.og_ara.pk])
    factories.make_user(Role.AGENT_ARS, username="agent", region="84")
    admin = factories.make_user(Role.ADMIN_NATIONAL, username="admin")
    alpha = factories.solution_referencee("DUI Alpha", "2")
    env = enveloppes.creer_enveloppe(actor=admin, campagne=factories.campagne(), region=ref.ara)
    enveloppes.doter(actor=admin, enveloppe=env, montant=500_000, libelle="Délégation 2024")

    # The porteur creates the grappe.
    _connexion(page, "porteur")
    _menu(page, "Dossiers")
    page.get_by_role("link", name="Créer une grappe").click()
    page.get_by_label("Nom de la grappe").fill("Grappe des Chênes")
    page.get_by_label("Rechercher dans le registre").fill("alpha")  # htmx search of the register
    page.locator(f'label[for="solution-{alpha.pk}"]').click()
    expect(page.get_by_label("DUI Alpha 2 — Éditeur Test")).to_be_checked()
    with page.expect_navigation():  # waits for the new page, not the old one
        page.get_by_role("button", name="Créer la grappe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Grappe des Chênes"))

    # 14 members pasted, the 15th found in the référentiel with htmx; the verdict refreshes by itself.
    page.get_by_label("Numéros FINESS géographiques (ET)").fill("\n".join(e.pk for e in membres))
    with page.expect_navigation():  # waits for the new page, not the old one
        page.get_by_role("button", name="Ajouter ces établissements").click()
    _attendre(page, "Établissements membres (14)")
    expect(page.locator("#verdict")).to_contain_text("Grappe non recevable")
    page.get_by_label("Nom ou numéro FINESS").fill("belvedere")
    resultat = page.locator("#resultats tr", has_text=dernier.pk)
    # The funding case is chosen, never a silent default: without it the browser does not send the form.
    resultat.get_by_role("button", name=re.compile("^Ajouter")).click()
    expect(resultat.get_by_role("combobox")).to_have_js_property("validity.valueMissing", True)
    resultat.get_by_role("combobox").select_option(label="Usage (DUI existant mis à niveau par le SONS)")
    resultat.get_by_role("button", name=re.compile("^Ajouter")).click()
    expect(page.locator("#membres h2", has_text="(15)")).to_have_count(1)
    expect(page.locator("#membres")).to_contain_text("cas « Usage (DUI existant mis à niveau par le SONS) »")
    expect(page.locator("#verdict")).to_contain_text("Grappe recevable")
    expect(page.locator("#verdict")).to_contain_text(_montant("75 000 €"))

    # Documents, then filing.
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
    with page.expect_navigation():  # waits for the new page, not the old one
        page.get_by_role("button", name="Confirmer le dépôt").click()
    _attendre(page, "Dossier déposé sous le numéro 2024-84-")
    url_dossier = page.url
    _deconnexion(page)

    # The ARS agent opens the instruction and asks for a complement.
    _connexion(page, "agent")
    _menu(page, "Dossiers")
    page.locator("table a", has_text="2024-84-").click()
    _transition(page, "Passer en instruction")
    _attendre(page, "Le dossier est « en instruction »")
    _transition(page, "Demander un complément", **{"Pièces ou précisions demandées au porteur": "Joindre les devis."})
    _attendre(page, "Complément demandé")
    _deconnexion(page)

    # The porteur sends the dossier back.
    _connexion(page, "porteur")
    page.goto(url_dossier)
    page.get_by_role("link", name="Compléter le dossier").click()
    _attendre(page, "Joindre les devis.")
    with page.expect_navigation():  # waits for the new page, not the old one
        page.get_by_role("button", name="Renvoyer le dossier complété").click()
    _attendre(page, "En instruction")
    _deconnexion(page)

    # The agent retains it at the computed amount; the envelope drops; the convention downloads.
    _connexion(page, "agent")
    page.goto(url_dossier)
    _transition(page, "Retenir")  # money: the amount and the envelope after it are confirmed first
    expect(page.get_by_role("heading", level=1)).to_contain_text("pour 75 000 €")
    expect(page.locator("#disponible-apres")).to_contain_text("425 000 €")
    page.get_by_role("button", name="Confirmer : retenir pour 75 000 €").click()
    _attendre(page, "Le dossier est « retenu »")
    with page.expect_download() as telechargement:
        page.get_by_role("link", name=re.compile("Télécharger la convention")).click()
    chemin = telechargement.value.path()
    with open(chemin, "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    _menu(page, "Enveloppes")
    for montant in ("500 000 €", "75 000 €", "425 000 €"):
        expect(page.locator("main")).to_contain_text(_montant(montant))
