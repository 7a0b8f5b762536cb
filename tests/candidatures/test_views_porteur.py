"""Porteur pages: list, creating a grappe, the edition page (members, search, documents, live verdict) and
filing, with the rules' refusals shown in French and nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from esms.candidatures.models import Document, Dossier, Membre
from esms.comptes.models import Role
from tests import factories

CONFIRME = {"confirmation": "on"}  # the explicit confirmation of the summary page


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def porteur(ref, make_user):
    factories.version_parametres()
    return make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])


@pytest.fixture
def brouillon(porteur, ref):
    return factories.dossier_brouillon(porteur, ref.og_ara, ref.et_ara)


def html(response) -> str:
    return response.content.decode()


def test_mes_dossiers_lists_the_ej_dossiers_with_a_create_button(client, porteur, brouillon, ref, make_user):
    autre = factories.dossier_depose(ref.og_corse, region=ref.corse)
    client.force_login(porteur)
    page = html(client.get(reverse("candidatures:liste")))
    assert "Créer une grappe" in page
    assert brouillon.grappe.nom in page
    assert autre.grappe.nom not in page


def test_instructors_are_sent_to_their_queue(client, ref, make_user):
    client.force_login(make_user(Role.AGENT_ARS, region="84"))
    response = client.get(reverse("candidatures:liste"))
    assert response.status_code == 302
    assert response["Location"] == reverse("candidatures:instruction")


def test_porteur_creates_a_grappe(client, porteur, ref):
    client.force_login(porteur)
    page = html(client.get(reverse("candidatures:creer")))
    assert escape(ref.og_ara.raison_sociale) in page
    response = client.post(reverse("candidatures:creer"), {
        "campagne": "2024", "porteur": ref.og_ara.pk, "nom": "Grappe de l'Ain",
        "solution": factories.solution_referencee("DUI Alpha").pk, "description": "Projet commun"})
    dossier = Dossier.objects.get(grappe__nom="Grappe de l'Ain")
    assert (dossier.grappe.solution.nom, dossier.grappe.solution_dui) == ("DUI Alpha", "DUI Alpha")
    assert response.status_code == 302
    assert response["Location"] == reverse("candidatures:edition", args=[dossier.pk])
    assert dossier.etat == "brouillon" and dossier.grappe.creee_par == porteur


def test_creation_form_errors_are_next_to_fields_and_summarised(client, porteur, ref):
    client.force_login(porteur)
    response = client.post(reverse("candidatures:creer"), {"campagne": "2024", "porteur": ref.og_ara.pk, "nom": ""})
    page = html(response)
    assert response.status_code == 200
    assert "Le formulaire contient 1 erreur" in page
    assert 'href="#id_nom"' in page
    assert not Dossier.objects.exists()


def test_only_porteurs_create_grappes(client, ref, make_user):
    client.force_login(make_user(Role.AGENT_ARS, region="84"))
    assert client.get(reverse("candidatures:creer")).status_code == 403


def test_edition_page_shows_members_verdict_and_missing_documents(client, porteur, brouillon, ref):
    client.force_login(porteur)
    page = html(client.get(reverse("candidatures:edition", args=[brouillon.pk])))
    assert ref.et_ara[0].finess_et in page and ref.et_ara[0].raison_sociale in page
    assert "Grappe non recevable" in page  # 2 members < 15
    assert "minimum requis : 15" in page
    assert "Lettre d&#x27;engagement du porteur" in page  # missing documents
    assert 'hx-trigger="grappe-modifiee from:body"' in page


def test_paste_finess_numbers_adds_members(client, porteur, brouillon, ref):
    nouveaux = factories.etablissements(ref.ain, ref.og_ara, 3, nom="FOYER")
    client.force_login(porteur)
    response = client.post(reverse("candidatures:ajouter_membres", args=[brouillon.pk]),
                           {"finess": "\n".join(e.pk for e in nouveaux), "cas": "acquisition"})
    assert response.status_code == 302
    assert Membre.objects.filter(grappe=brouillon.grappe, cas="acquisition").count() == 3


def test_adding_members_with_htmx_returns_the_members_section_and_refreshes_the_verdict(client, porteur, brouillon, ref):
    et = factories.etablissement(ref.ain, ref.og_ara, "SAAD DU LAC")
    client.force_login(porteur)
    response = client.post(reverse("candidatures:ajouter_membres", args=[brouillon.pk]),
                           {"finess": et.pk, "cas": "usage"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "grappe-modifiee"
    assert '<section id="membres"' in html(response) and "SAAD DU LAC" in html(response)
    verdict = html(client.get(reverse("candidatures:verdict", args=[brouillon.pk]), HTTP_HX_REQUEST="true"))
    assert "3 établissement(s) éligible(s) sur 3" in verdict


def test_wrong_or_unknown_finess_numbers_are_refused_and_nothing_is_added(client, porteur, brouillon, ref):
    client.force_login(porteur)
    page = html(client.post(reverse("candidatures:ajouter_membres", args=[brouillon.pk]),
                            {"finess": "12345", "cas": "usage"}))
    assert "12345 : le numéro FINESS doit comporter 9 caractères" in page
    inconnu = factories.finess("01")
    ouvert = factories.etablissement(ref.ain, ref.og_ara, "EHPAD OUVERT")
    page = html(client.post(reverse("candidatures:ajouter_membres", args=[brouillon.pk]),
                            {"finess": f"{ouvert.pk} {inconnu}", "cas": "usage"}))
    assert f"{inconnu} : aucun établissement avec ce numéro FINESS." in page
    assert not Membre.objects.filter(etablissement=ouvert).exists()


def test_member_declarations_are_saved_and_checked(client, porteur, brouillon, ref):
    et = ref.et_ara[0]
    client.force_login(porteur)
    url = reverse("candidatures:modifier_membre", args=[brouillon.pk, et.pk])
    prefixe = f"m{et.pk}-"
    response = client.post(url, {prefixe + "cas": "mise_a_niveau", prefixe + "part_heures_eligibles": "0,8",
                                 prefixe + "deja_finance_pour": "", prefixe + "sons_eligible": "on"})
    assert response.status_code == 302
    membre = Membre.objects.get(grappe=brouillon.grappe, etablissement=et)
    assert (membre.cas, str(membre.part_heures_eligibles)) == ("mise_a_niveau", "0.800")
    page = html(client.post(url, {prefixe + "cas": "usage", prefixe + "part_heures_eligibles": "1,5"},
                            HTTP_HX_REQUEST="true"))
    assert "Membre " + et.pk + " non enregistré" in page
    membre.refresh_from_db()
    assert membre.cas == "mise_a_niveau"


def test_remove_a_member(client, porteur, brouillon, ref):
    client.force_login(porteur)
    client.post(reverse("candidatures:retirer_membre", args=[brouillon.pk, ref.et_ara[1].pk]))
    assert list(brouillon.grappe.membres.values_list("etablissement_id", flat=True)) == [ref.et_ara[0].pk]


def test_search_the_referentiel_for_open_establishments(client, porteur, brouillon, ref):
    ferme = factories.etablissement(ref.ain, ref.og_ara, "EHPAD LES TILLEULS FERME")
    ferme.ouvert = False
    ferme.save()
    client.force_login(porteur)
    url = reverse("candidatures:recherche_etablissements", args=[brouillon.pk])
    page = html(client.get(url, {"q": "tilleuls"}, HTTP_HX_REQUEST="true"))
    assert "2 établissements ouverts" in page
    assert ferme.pk not in page
    assert "Ajouter" not in page  # both are already members
    page = html(client.get(url, {"q": "sole"}, HTTP_HX_REQUEST="true"))
    assert ref.et_corse[0].pk in page and "Ajouter" in page
    # Without JavaScript, the edition page shows the same results.
    assert ref.et_corse[0].pk in html(client.get(reverse("candidatures:edition", args=[brouillon.pk]), {"q": "sole"}))


def test_search_is_paginated(client, porteur, brouillon, ref):
    factories.etablissements(ref.ain, ref.og_ara, 25, nom="RESIDENCE")
    client.force_login(porteur)
    url = reverse("candidatures:recherche_etablissements", args=[brouillon.pk])
    page = html(client.get(url, {"q": "residence"}))
    assert "25 établissements ouverts" in page and "Page 1 sur 2" in page
    assert "RESIDENCE 24" in html(client.get(url, {"q": "residence", "page": 2}))


def test_upload_a_document_then_download_it(client, porteur, brouillon):
    client.force_login(porteur)
    response = client.post(reverse("candidatures:deposer_document", args=[brouillon.pk]),
                           {"type": "lettre_engagement", "fichier": factories.pdf_upload("lettre.pdf")})
    assert response.status_code == 302
    document = Document.objects.get(dossier=brouillon)
    page = html(client.get(reverse("candidatures:edition", args=[brouillon.pk])))
    assert "lettre.pdf" in page
    assert "/media/" not in page
    telechargement = client.get(reverse("candidatures:document", args=[brouillon.pk, document.pk]))
    assert b"".join(telechargement.streaming_content).startswith(b"%PDF")
    assert 'filename="lettre.pdf"' in telechargement["Content-Disposition"]


def test_a_document_in_a_wrong_format_is_refused(client, porteur, brouillon):
    client.force_login(porteur)
    page = html(client.post(reverse("candidatures:deposer_document", args=[brouillon.pk]), {
        "type": "devis", "fichier": SimpleUploadedFile("virus.exe", b"MZ")}))
    assert "« virus.exe » : format non accepté" in page
    assert not Document.objects.exists()


def test_an_oversized_document_is_stopped_while_the_request_is_read(client, porteur, brouillon, settings):
    """Issue 9, point 1: the « documents » limit applies while Django reads the request (not the largest of all
    kinds); the page names the file, nothing is stored."""
    settings.ESMS_LIMITES_TELEVERSEMENT = {"documents": 4096}
    client.force_login(porteur)
    page = html(client.post(reverse("candidatures:deposer_document", args=[brouillon.pk]), {
        "type": "devis", "fichier": SimpleUploadedFile("devis.pdf", b"%PDF-" + b"x" * 20_000)}))
    assert "« devis.pdf » : le fichier dépasse la taille maximale admise (4 Kio)" in page
    assert not Document.objects.exists()


def test_filing_a_dossier_that_is_not_admissible_is_refused_with_the_reasons(client, porteur, brouillon):
    client.force_login(porteur)
    response = client.post(reverse("candidatures:deposer", args=[brouillon.pk]), CONFIRME)
    page = html(response)
    assert response.status_code == 200
    assert "Dépôt refusé : le dossier n&#x27;est pas recevable." in page
    assert "minimum requis : 15" in page
    brouillon.refresh_from_db()
    assert (brouillon.etat, brouillon.numero, brouillon.verdict) == ("brouillon", None, None)


def test_filing_after_the_deadline_is_refused(client, ref, make_user):
    parametres = factories.parametres_campagne_ouverte(autour_de=timezone.localdate() - timedelta(days=100))
    factories.version_parametres(parametres=parametres)
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    dossier = factories.dossier_brouillon(porteur, ref.og_ara, factories.etablissements(ref.ain, ref.og_ara, 15),
                                          pieces=True)
    client.force_login(porteur)
    page = html(client.post(reverse("candidatures:deposer", args=[dossier.pk]), CONFIRME))
    assert "Dépôt refusé : la date limite de l&#x27;appel régional était le" in page
    dossier.refresh_from_db()
    assert dossier.etat == "brouillon"


def test_missing_documents_block_the_filing(client, porteur, ref):
    dossier = factories.dossier_brouillon(porteur, ref.og_ara, factories.etablissements(ref.ain, ref.og_ara, 15))
    client.force_login(porteur)
    page = html(client.post(reverse("candidatures:deposer", args=[dossier.pk]), CONFIRME))
    assert "Dépôt refusé : pièces manquantes." in page
    assert "Convention de grappe" in page


def test_filing_an_admissible_dossier_freezes_it(client, porteur, ref, make_user):
    agent = make_user(Role.AGENT_ARS, region="84")
    dossier = factories.dossier_brouillon(porteur, ref.og_ara, factories.etablissements(ref.ain, ref.og_ara, 15),
                                          pieces=True)
    client.force_login(porteur)
    response = client.post(reverse("candidatures:deposer", args=[dossier.pk]), CONFIRME)
    dossier.refresh_from_db()
    assert response["Location"] == reverse("candidatures:dossier", args=[dossier.pk])
    assert dossier.etat == "depose" and dossier.numero.startswith("2024-84-")
    assert dossier.montant_demande == 75_000
    assert agent.notifications.filter(lien=reverse("candidatures:dossier", args=[dossier.pk])).exists()
    # A filed dossier is read-only: the edition page sends back to the dossier page, writes are refused.
    response = client.get(reverse("candidatures:edition", args=[dossier.pk]))
    assert response["Location"] == reverse("candidatures:dossier", args=[dossier.pk])
    page = html(client.post(reverse("candidatures:retirer_membre", args=[dossier.pk, dossier.grappe.membres.first().etablissement_id])))
    assert "il ne peut plus être modifié" in page
    assert dossier.grappe.membres.count() == 15
    page = html(client.get(reverse("candidatures:dossier", args=[dossier.pk])))
    assert "Modifier le dossier" not in page and "Verdict des règles au dépôt" in page


def test_grappe_fields_are_saved(client, porteur, brouillon):
    client.force_login(porteur)
    beta = factories.solution_referencee("DUI Beta", "2")
    page = html(client.get(reverse("candidatures:edition", args=[brouillon.pk])))
    assert "Solution retenue : DUI Test 1.0" in page and "Solution référencée Ségur" not in page  # no tick box
    client.post(reverse("candidatures:modifier_grappe", args=[brouillon.pk]),
                {"nom": "Nouveau nom", "solution": beta.pk, "description": "x"})
    brouillon.grappe.refresh_from_db()
    assert (brouillon.grappe.nom, brouillon.grappe.solution, brouillon.grappe.solution_dui) == ("Nouveau nom", beta,
                                                                                                "DUI Beta")
    page = html(client.post(reverse("candidatures:modifier_grappe", args=[brouillon.pk]),
                            {"nom": "Nouveau nom", "solution": "999999"}))
    assert "Sélectionnez un choix valide" in page
    page = html(client.post(reverse("candidatures:modifier_grappe", args=[brouillon.pk]), {"nom": ""}))
    assert "Le formulaire contient 1 erreur" in page


def test_essms_manager_sees_the_dossier_read_only(client, porteur, brouillon, ref, make_user):
    gestionnaire = make_user(Role.GESTIONNAIRE_ESSMS, etablissements=[ref.et_ara[0].pk])
    client.force_login(gestionnaire)
    assert brouillon.grappe.nom in html(client.get(reverse("candidatures:liste")))
    page = html(client.get(reverse("candidatures:dossier", args=[brouillon.pk])))
    assert brouillon.grappe.nom in page
    assert "Envoyer le message" not in page and "Modifier le dossier" not in page and "Annotations" not in page
    assert client.get(reverse("candidatures:edition", args=[brouillon.pk])).status_code == 403
    assert client.post(reverse("candidatures:retirer_membre", args=[brouillon.pk, ref.et_ara[0].pk])).status_code == 403
    assert client.get(reverse("candidatures:creer")).status_code == 403


def test_writes_are_post_only(client, porteur, brouillon):
    client.force_login(porteur)
    assert client.get(reverse("candidatures:ajouter_membres", args=[brouillon.pk])).status_code == 405


def test_a_search_result_is_added_with_the_funding_case_chosen_never_a_silent_default(client, porteur, brouillon,
                                                                                        ref):
    """Issue 16: members added from the search silently got the « usage » case."""
    et = factories.etablissement(ref.ain, ref.og_ara, "SAAD DES SAULES")
    client.force_login(porteur)
    resultats = html(client.get(reverse("candidatures:recherche_etablissements", args=[brouillon.pk]),
                                {"q": "SAULES"}, HTTP_HX_REQUEST="true"))
    assert f'<select class="fr-select" id="cas-{et.pk}" name="cas" required>' in resultats
    assert '<option value="" selected disabled>Choisir le cas…</option>' in resultats
    assert 'name="cas" value="usage"' not in resultats
    url = reverse("candidatures:ajouter_membres", args=[brouillon.pk])
    refus = html(client.post(url, {"finess": et.pk}, HTTP_HX_REQUEST="true"))
    assert "Cas de financement : choisissez-le" in refus
    assert not Membre.objects.filter(grappe=brouillon.grappe, etablissement=et).exists()
    ajout = html(client.post(url, {"finess": et.pk, "cas": "mise_a_niveau"}, HTTP_HX_REQUEST="true"))
    assert "1 établissement ajouté à la grappe, cas « Mise à niveau du DUI existant »" in ajout
    assert Membre.objects.get(grappe=brouillon.grappe, etablissement=et).cas == "mise_a_niveau"
