"""The porteur's filing in Chromium, one test per defect of issue 16 (items 1, 2 and the layout bits of 4):
readable refusals, a verdict banner that never contradicts its rules, why an added establishment does not count,
the summary and explicit confirmation before filing, the receipt with its digest, withdrawal, replacing and
deleting documents, complement requests with a deadline answered under the filing date's verdict, confirming a
member's removal, returning to the edited block, date fields that accept what they display."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from esms.candidatures import services
from esms.candidatures.models import Document, Dossier
from esms.comptes.models import Role
from tests import factories
from tests.browser.accessibilite import verifier
from tests.browser.test_parcours_candidature import _connexion, _montant, _transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = {"mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% test\n"}


@pytest.fixture
def monde(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ref = factories.mini_referentiel()
    porteur = factories.make_user(Role.RESPONSABLE_OG, username="porteur", organismes=[ref.og_ara.pk])
    agent = factories.make_user(Role.AGENT_ARS, username="agent", region="84")
    return type("Monde", (), {"ref": ref, "porteur": porteur, "agent": agent})


def _brouillon(monde, n: int = 15, *, pieces: bool = True):
    return factories.dossier_brouillon(monde.porteur, monde.ref.og_ara,
                                       factories.etablissements(monde.ref.ain, monde.ref.og_ara, n), pieces=pieces)


def _edition(page, dossier) -> None:
    page.goto(reverse("candidatures:edition", args=[dossier.pk]))


def test_un_depot_sans_etablissement_dit_quoi_faire_sans_chemin_json(page, monde):
    factories.version_parametres()
    dossier = _brouillon(monde, 0, pieces=False)
    _connexion(page, "porteur")
    _edition(page, dossier)
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("La grappe ne compte aucun établissement : ajoutez au moins un établissement")
    expect(verdict).not_to_contain_text("members")
    page.get_by_role("link", name="Vérifier et déposer le dossier").click()
    page.locator('label[for="id_confirmation"]').click()
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer le dépôt").click()
    alerte = page.get_by_role("alert")
    expect(alerte).to_contain_text("Dépôt refusé : le dossier est incomplet.")
    expect(alerte).to_contain_text("ajoutez au moins un établissement dans la section « Ajouter des établissements »")
    expect(page.locator("main")).not_to_contain_text("liste non vide")
    expect(page.locator("main")).not_to_contain_text("members")


def test_etablissements_ajoutes_qui_ne_comptent_pas_et_bandeau_jamais_vert_avec_une_regle_non_respectee(page, monde):
    factories.version_parametres()
    ref = monde.ref
    dossier = _brouillon(monde)
    hopital = factories.etablissement(ref.ain, ref.og_ara, "CENTRE HOSPITALIER DE BOURG",
                                      factories.categorie("355", "Centre Hospitalier", eligible=False, secteur="autre"))
    usld = factories.etablissement(ref.ain, ref.og_ara, "USLD LES ROSES",
                                   factories.categorie("362", "USLD", eligible=False, secteur="autre"))
    paca = factories.region("93", "Provence-Alpes-Côte d'Azur")
    marseille = factories.etablissement(factories.departement("13", "Bouches-du-Rhône", paca), ref.og_ara,
                                        "EHPAD DE MARSEILLE")
    _connexion(page, "porteur")
    _edition(page, dossier)
    expect(page.locator("#bandeau-verdict")).to_have_class(re.compile("fr-alert--success"))
    expect(page.locator("#bandeau-verdict")).to_have_text(re.compile("^\\s*Grappe recevable\\s"))

    page.get_by_label("Numéros FINESS géographiques (ET)").fill("\n".join([hopital.pk, usld.pk, marseille.pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="Ajouter ces établissements").click()
    message = page.locator("main .fr-alert").first
    expect(message).to_contain_text("3 établissements ajoutés à la grappe, cas « Usage")
    expect(message).to_contain_text(f"{hopital.pk} « CENTRE HOSPITALIER DE BOURG » ne compte pas : ")
    expect(message).to_contain_text("hors art. L.312-1 CASF")
    expect(message).to_contain_text(f"{usld.pk} « USLD LES ROSES » ne compte pas : ")
    expect(message).to_contain_text("unité de soins de longue durée")
    expect(message).to_contain_text("La grappe relève désormais de l'appel multirégional")
    # The banner is no longer green: two rules fail; each excluded member says why in the table.
    bandeau = page.locator("#bandeau-verdict")
    expect(bandeau).not_to_have_class(re.compile("fr-alert--success"))
    expect(bandeau).to_contain_text("règle(s) non respectée(s)")
    expect(page.locator("#membre-" + hopital.pk + "-ligne")).to_contain_text("ne compte pas")
    page.set_viewport_size({"width": 1280, "height": 800})
    verifier(page, contexte="édition après ajout d'établissements qui ne comptent pas")


def test_une_grappe_hors_delais_n_affiche_jamais_respectee_pour_une_information(page, monde):
    factories.version_parametres(
        parametres=factories.parametres_campagne_ouverte(autour_de=timezone.localdate() - timedelta(days=100)))
    dossier = _brouillon(monde)
    _connexion(page, "porteur")
    _edition(page, dossier)
    expect(page.locator("#bandeau-verdict")).to_contain_text("Grappe non recevable — hors délais")
    financement = page.locator("#verdict li", has_text="Dossier non éligible")
    expect(financement).to_contain_text("Information :")
    expect(financement).not_to_contain_text("Respectée")


def test_repondre_a_un_complement_garde_le_verdict_de_la_date_de_depot(page, monde):
    il_y_a_100_jours = timezone.now() - timedelta(days=100)
    factories.version_parametres(parametres=factories.parametres_campagne_ouverte(autour_de=il_y_a_100_jours.date()))
    dossier = services.deposer(actor=monde.porteur, dossier=_brouillon(monde), maintenant=il_y_a_100_jours)
    services.appliquer(actor=monde.agent, dossier=dossier, transition="ouvrir_instruction")
    services.demander_complement(actor=monde.agent, dossier=dossier, commentaire="Joindre les devis.",
                                 delai=timezone.localdate() + timedelta(days=10))
    _connexion(page, "porteur")
    page.goto(reverse("candidatures:dossier", args=[dossier.pk]))
    page.get_by_role("link", name="Compléter le dossier").click()
    expect(page.locator("#complement")).to_contain_text("Réponse attendue au plus tard le")
    verdict = page.locator("#verdict")
    expect(page.locator("#bandeau-verdict")).to_contain_text("Grappe recevable")
    expect(verdict).not_to_contain_text("hors délais")
    expect(verdict).to_contain_text(_montant("Financement calculé : 75 000 €"))
    with page.expect_navigation():
        page.get_by_role("button", name="Renvoyer le dossier complété").click()
    expect(page.locator("main")).to_contain_text("Le dossier est « en instruction »")


def test_recapitulatif_confirmation_explicite_et_accuse_de_depot(page, monde):
    factories.version_parametres()
    dossier = _brouillon(monde)
    _connexion(page, "porteur")
    _edition(page, dossier)
    page.get_by_role("link", name="Vérifier et déposer le dossier").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vérifier et déposer le dossier")
    expect(page.locator("#recap-montant")).to_have_text(_montant("75 000 €"))
    expect(page.locator("#recap-date-limite")).to_contain_text("23 h 59")
    expect(page.get_by_role("heading", name="Établissements membres (15)")).to_be_visible()
    expect(page.get_by_role("heading", name="Pièces (3)")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    verifier(page, contexte="récapitulatif avant dépôt")  # axe-core: no violation, no horizontal scroll
    # Without the explicit confirmation nothing is filed.
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer le dépôt").click()
    expect(page.locator("main")).to_contain_text("cochez la case pour confirmer le dépôt")
    assert Dossier.objects.get(pk=dossier.pk).etat == "brouillon"
    page.locator('label[for="id_confirmation"]').click()
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer le dépôt").click()
    expect(page.locator("main")).to_contain_text("Dossier déposé sous le numéro 2024-84-")
    dossier.refresh_from_db()
    canonique = json.dumps(dossier.contenu_depose, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert dossier.empreinte_depot == hashlib.sha256(canonique.encode()).hexdigest()
    with page.expect_download() as telechargement:
        page.get_by_role("link", name=re.compile("Télécharger l'accusé de dépôt")).click()
    assert telechargement.value.suggested_filename == f"accuse-de-depot-{dossier.numero}.pdf"
    with open(telechargement.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"


def test_le_porteur_retire_son_dossier_apres_confirmation(page, monde):
    factories.version_parametres()
    dossier = services.deposer(actor=monde.porteur, dossier=_brouillon(monde))
    _connexion(page, "porteur")
    page.goto(reverse("candidatures:dossier", args=[dossier.pk]))
    _transition(page, "Retirer le dossier", **{"Motif du retrait (facultatif)": "Projet abandonné."})
    expect(page.locator("main")).to_contain_text("Le dossier est « retiré par le porteur »")
    assert Dossier.objects.get(pk=dossier.pk).etat == "retire"


def test_remplacer_et_supprimer_une_piece_avant_le_depot_revient_au_bloc_des_pieces(page, monde):
    factories.version_parametres()
    dossier = _brouillon(monde)
    _connexion(page, "porteur")
    _edition(page, dossier)
    ligne = page.locator("#documents tr", has_text="convention_grappe.pdf")
    ligne.locator("summary", has_text="Remplacer").click()
    ligne.get_by_label(re.compile("Nouvelle version de")).set_input_files({"name": "convention-v2.pdf", **PDF})
    with page.expect_navigation():
        ligne.get_by_role("button", name="Confirmer le remplacement").click()
    message = page.locator("#documents .fr-alert")
    expect(message).to_contain_text("« convention_grappe.pdf » remplacée par « convention-v2.pdf »")
    expect(message).to_be_in_viewport()
    assert page.url.endswith("#documents")

    ligne = page.locator("#documents tr", has_text="non_cumul_ue.pdf")
    ligne.locator("summary", has_text="Supprimer").click()
    with page.expect_navigation():
        ligne.get_by_role("button", name="Confirmer la suppression").click()
    expect(page.locator("#documents .fr-alert")).to_contain_text("« non_cumul_ue.pdf » supprimée")
    expect(page.locator("#pieces-manquantes")).to_contain_text("Attestation de non-cumul des fonds européens")
    assert sorted(Document.objects.filter(dossier=dossier).values_list("nom_original", flat=True)) == [
        "convention-v2.pdf", "lettre_engagement.pdf"]


def test_retirer_un_membre_demande_confirmation(page, monde):
    factories.version_parametres()
    dossier = _brouillon(monde, 3, pieces=False)
    premier = dossier.grappe.membres.order_by("etablissement_id").first().etablissement
    _connexion(page, "porteur")
    _edition(page, dossier)
    ligne = page.locator(f"#membre-{premier.pk}-ligne")
    ligne.locator("summary", has_text="Retirer").click()
    expect(page.locator("#membres h2")).to_contain_text("(3)")  # one click removes nothing
    ligne.get_by_role("button", name=re.compile("^Confirmer le retrait")).click()
    expect(page.locator("#membres h2")).to_contain_text("(2)")
    expect(page.locator("#membres")).to_contain_text(f"Établissement {premier.pk} retiré de la grappe.")


def test_enregistrer_la_grappe_revient_au_bloc_et_a_son_message(page, monde):
    factories.version_parametres()
    dossier = _brouillon(monde, 15, pieces=False)
    _connexion(page, "porteur")
    _edition(page, dossier)
    page.get_by_label("Nom de la grappe").fill("Grappe renommée")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la grappe").click()
    assert page.url.endswith("#grappe")
    message = page.locator("#grappe .fr-alert")
    expect(message).to_have_text(re.compile("Grappe enregistrée."))
    expect(message).to_be_in_viewport()


def test_les_champs_de_date_acceptent_ce_qu_ils_affichent(page, monde, settings):
    factories.version_parametres()
    admin = factories.make_user(Role.ADMIN_NATIONAL, username="admin")
    from esms.financement import services as enveloppes

    env = enveloppes.creer_enveloppe(actor=admin, campagne=factories.campagne(), region=monde.ref.ara)
    enveloppes.doter(actor=admin, enveloppe=env, montant=500_000, libelle="Délégation")
    dossier = services.deposer(actor=monde.porteur, dossier=_brouillon(monde))
    services.appliquer(actor=monde.agent, dossier=dossier, transition="ouvrir_instruction")
    _connexion(page, "agent")
    page.goto(reverse("candidatures:dossier", args=[dossier.pk]))

    # The complement request's deadline is pre-filled in the form the date picker shows, and is accepted.
    page.locator("summary", has_text=re.compile("^Demander un complément$")).click()
    delai = page.get_by_label("Date limite de réponse")
    attendu = (timezone.localdate() + timedelta(days=15)).isoformat()
    expect(delai).to_have_value(attendu)
    formulaire = page.locator("details[open] form")
    formulaire.get_by_label("Pièces ou précisions demandées au porteur").fill("Les devis.")
    with page.expect_navigation():
        formulaire.get_by_role("button", name=re.compile("^Confirmer")).click()
    expect(page.locator("main")).to_contain_text("Complément attendu le")
    services.appliquer(actor=monde.porteur, dossier=dossier, transition="repondre_complement")
    services.retenir(actor=monde.agent, dossier=dossier, montant=75_000)

    # The convention's signature date is pre-filled with today and submits as is.
    page.goto(reverse("candidatures:dossier", args=[dossier.pk]))
    page.locator("summary", has_text=re.compile("^Enregistrer la convention signée$")).click()
    date_signature = page.get_by_label("Date de signature")
    expect(date_signature).to_have_value(timezone.localdate().isoformat())
    page.locator("details[open]").get_by_label(re.compile("Convention signée")).set_input_files(
        {"name": "convention-signee.pdf", **PDF})
    with page.expect_navigation():
        page.locator("details[open]").get_by_role("button", name=re.compile("^Confirmer")).click()
    expect(page.locator("main")).to_contain_text("Le dossier est « conventionné »")


def test_un_depot_sans_solution_dui_le_dit_une_fois_sans_chemin_json(page, monde):
    """Defect 1 of issue 16: filing a 16-member grappe with no DUI solution printed
    « members[0].solution_dui : texte non vide attendu » sixteen times."""
    factories.version_parametres()
    dossier = _brouillon(monde, 16)
    grappe = dossier.grappe
    grappe.solution, grappe.solution_dui = None, ""
    grappe.save(update_fields=["solution", "solution_dui"])
    _connexion(page, "porteur")
    _edition(page, dossier)
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("solution DUI")
    for brut in ("solution_dui", "members", "texte non vide"):
        expect(verdict).not_to_contain_text(brut)
    page.get_by_role("link", name="Vérifier et déposer le dossier").click()
    page.locator('label[for="id_confirmation"]').click()
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer le dépôt").click()
    alerte = page.get_by_role("alert")
    expect(alerte).to_contain_text("Dépôt refusé")
    expect(alerte).to_contain_text("solution DUI")
    expect(alerte.get_by_text(re.compile("solution DUI"))).to_have_count(1)
    for brut in ("solution_dui", "members[", "texte non vide"):
        expect(page.locator("main")).not_to_contain_text(brut)
    assert Dossier.objects.get(pk=dossier.pk).etat == "brouillon"
