"""Usage pages: the porteur reports and uploads, the ARS reviews, validates and exports, scopes hold."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esms.comptes.models import Role
from esms.comptes.navigation import navigation_for
from esms.usages.models import Preuve, RapportIndicateurs
from tests.usages.fabrique import DEBUT, FIN, csv_bytes, evenements

PERIODE = {"debut": DEBUT.isoformat(), "fin": FIN.isoformat()}


def _url(suivi, nom="dossier"):
    return reverse(f"usages:{nom}", args=[suivi.dossier.pk])


def test_porteur_reports_uploads_and_sees_the_gap(client, suivi, porteur):
    client.force_login(porteur)
    assert client.get(reverse("usages:liste")).status_code == 200
    page = client.get(_url(suivi), PERIODE)
    assert page.status_code == 200 and "Déposer une preuve d'usage" in page.content.decode()
    reponse = client.post(_url(suivi, "saisir"), {**PERIODE, "finess_et": suivi.ets[0], "dui_actifs": 9,
                                                  "ind_taux_dui_actifs": "0.9"})
    assert reponse.status_code == 302 and RapportIndicateurs.objects.get().dui_actifs == 9
    fichier = SimpleUploadedFile("extraction.csv", csv_bytes(evenements(suivi.ets[:1], {suivi.ets[0]: 4})))
    reponse = client.post(_url(suivi, "deposer_preuve"), {**PERIODE, "fichier": fichier})
    assert reponse.status_code == 302 and Preuve.objects.get().resultats == {suivi.ets[0]: 4}
    page = client.get(reponse["Location"]).content.decode()
    assert "Écart signalé" in page and "Déclaré supérieur de 5 au nombre prouvé" in page


def test_a_refused_upload_shows_the_located_error(client, suivi, porteur):
    client.force_login(porteur)
    fichier = SimpleUploadedFile("extraction.csv", csv_bytes([f"U1;{suivi.ets[0]};demain;creation;infirmier"]))
    reponse = client.post(_url(suivi, "deposer_preuve"), {**PERIODE, "fichier": fichier})
    assert reponse.status_code == 400
    assert "extraction.csv, ligne 2, colonne « horodatage » : « demain »" in reponse.content.decode()
    assert not Preuve.objects.exists()


def test_indicator_file_upload_and_template(client, suivi, porteur):
    client.force_login(porteur)
    modele = client.get(_url(suivi, "modele_indicateurs"), {"format": "csv"})
    assert modele.status_code == 200 and b"finess_et;dui_actifs;" in modele.content and b"taux_dui_actifs" in modele.content
    fichier = SimpleUploadedFile("ind.csv", csv_bytes([f"{suivi.ets[0]};abc"], "finess_et;dui_actifs"))
    reponse = client.post(_url(suivi, "importer"), {**PERIODE, "fichier": fichier})
    assert reponse.status_code == 400 and "ind.csv, ligne 2, colonne « dui_actifs »" in reponse.content.decode()
    fichier = SimpleUploadedFile("ind.csv", csv_bytes([f"{et};3" for et in suivi.ets], "finess_et;dui_actifs"))
    assert client.post(_url(suivi, "importer"), {**PERIODE, "fichier": fichier}).status_code == 302
    assert RapportIndicateurs.objects.count() == len(suivi.ets)


def test_ars_validates_and_exports_the_payment_orders(client, suivi, porteur, agent):
    valeurs = {"ind_taux_dui_actifs": "0.9", "ind_taux_ins_qualifiee": "0.8", "ind_documents_dmp": "2",
               "ind_messages_mssante": "12"}
    client.force_login(porteur)
    for et in suivi.ets:
        client.post(_url(suivi, "saisir"), {**PERIODE, "finess_et": et, "dui_actifs": 3, **valeurs})
    client.force_login(agent)
    page = client.get(_url(suivi), PERIODE).content.decode()
    assert "Décision de l'ARS sur les usages" in page and "Déposer une preuve" not in page
    assert "Atteintes" in page
    refus = client.post(_url(suivi, "decider"), {**PERIODE, "decision": "rejeter", "motif": ""})
    assert refus.status_code == 400 and "Le motif du rejet est obligatoire" in refus.content.decode()
    # validating orders exactly the payment the page announced: without it, or with another amount, refused
    annonce = int(re.search(r'name="montant_confirme" value="(\d+)"', page).group(1))
    assert annonce > 0 and "Valider ordonnera un versement de" in page
    assert client.post(_url(suivi, "decider"), {**PERIODE, "decision": "valider", "motif": "OK"}).status_code == 400
    autre = client.post(_url(suivi, "decider"), {**PERIODE, "decision": "valider", "motif": "OK",
                                                 "montant_confirme": annonce + 1})
    assert autre.status_code == 400 and "vous aviez confirmé" in autre.content.decode()
    assert client.post(_url(suivi, "decider"), {**PERIODE, "decision": "valider", "motif": "OK",
                                                "montant_confirme": annonce}).status_code == 302
    liste = client.get(reverse("usages:versements"))
    assert liste.status_code == 200 and "Solde" in liste.content.decode()
    export = client.get(reverse("usages:versements"), {"format": "csv"})
    texte = export.content.decode("utf-8-sig")
    assert texte.splitlines()[0].startswith("Numéro de dossier;Convention;Porteur (FINESS EJ)")
    assert f"{suivi.dossier.numero};CONV-{suivi.dossier.numero};" in texte and ";Solde;" in texte


def test_scopes_hold_on_the_pages(client, suivi, make_user, ref):
    autre = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_corse.pk])
    client.force_login(autre)
    assert client.get(_url(suivi), PERIODE).status_code == 404
    autre_agent = make_user(Role.AGENT_ARS, region="94")
    client.force_login(autre_agent)
    assert client.get(_url(suivi), PERIODE).status_code == 404
    gestionnaire = make_user(Role.GESTIONNAIRE_ESSMS, etablissements=[suivi.ets[0]])
    client.force_login(gestionnaire)
    assert client.get(_url(suivi), PERIODE).status_code == 200
    assert client.get(reverse("usages:versements")).status_code == 403


def test_vendor_authorisation_page(client, suivi, porteur, make_user):
    editeur = make_user(Role.EDITEUR, username="editeur.atlas", etablissements=[suivi.ets[0]])
    client.force_login(porteur)
    page = client.get(reverse("usages:editeurs"))
    assert page.status_code == 200 and "editeur.atlas" in page.content.decode()
    reponse = client.post(reverse("usages:autoriser"), {"editeur": editeur.pk, "finess_et": suivi.ets[1]})
    assert reponse.status_code == 302 and editeur.etablissements.filter(pk=suivi.ets[1]).exists()
    client.post(reverse("usages:revoquer"), {"editeur": "editeur.atlas", "finess_et": suivi.ets[1]})
    assert not editeur.etablissements.filter(pk=suivi.ets[1]).exists()


@pytest.mark.parametrize("role,attendu", [(Role.RESPONSABLE_OG, True), (Role.AGENT_ARS, True), (Role.EDITEUR, False)])
def test_navigation_entry(make_user, ref, role, attendu):
    scope = {Role.RESPONSABLE_OG: {"organismes": [ref.og_ara.pk]}, Role.AGENT_ARS: {"region": "84"},
             Role.EDITEUR: {"etablissements": [ref.et_ara[0].pk]}}[role]
    user = make_user(role, **scope)
    assert any(item["label"] == "Usages" for item in navigation_for(user, "/")) is attendu
