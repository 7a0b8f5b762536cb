"""Indicator reports (form, CSV/XLSX file with located errors, vendor API service) and vendor authorisations."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied

from esms.comptes.models import AuditEvent, Role
from esms.usages import services
from esms.usages.erreurs import UsageRefuse
from esms.usages.models import Canal, Preuve, RapportIndicateurs
from tests.usages.fabrique import DEBUT, FIN, csv_bytes, evenements


def test_a_report_records_who_when_and_how(suivi, porteur):
    rapport = services.declarer_indicateurs(actor=porteur, dossier=suivi.dossier, finess_et=suivi.ets[0], debut=DEBUT,
                                            fin=FIN, dui_actifs=42, valeurs={"taux_dui_actifs": "0,85", "documents_dmp": 3})
    assert (rapport.auteur, rapport.canal, rapport.dui_actifs) == (porteur, Canal.FORMULAIRE, 42)
    assert rapport.valeurs == {"taux_dui_actifs": "0.85", "documents_dmp": "3"}
    assert rapport.cree_le is not None
    assert AuditEvent.objects.filter(action="usages.declarer_indicateurs").exists()


@pytest.mark.parametrize("finess,dui,valeurs,message", [
    ("010999992", 3, {}, "n'est pas membre de la grappe"),
    (None, -1, {}, "nombre entier positif attendu"),
    (None, 3, {"inconnu": 1}, "indicateur « inconnu » : inconnu du catalogue"),
    (None, 3, {"taux_dui_actifs": "beaucoup"}, "indicateur « taux_dui_actifs » : nombre décimal attendu"),
])
def test_a_wrong_report_is_refused(suivi, porteur, finess, dui, valeurs, message):
    with pytest.raises(UsageRefuse, match=message):
        services.declarer_indicateurs(actor=porteur, dossier=suivi.dossier, finess_et=finess or suivi.ets[0],
                                      debut=DEBUT, fin=FIN, dui_actifs=dui, valeurs=valeurs)
    assert not RapportIndicateurs.objects.exists()


def test_indicator_file_is_imported_whole(suivi, porteur):
    lignes = [f"{et};{10 + i};0,9;0.8;2;15" for i, et in enumerate(suivi.ets[:3])]
    contenu = csv_bytes(lignes, "finess_et;dui_actifs;taux_dui_actifs;taux_ins_qualifiee;documents_dmp;messages_mssante")
    rapports = services.importer_indicateurs(actor=porteur, dossier=suivi.dossier, fichier=contenu, nom="ind.csv",
                                             debut=DEBUT, fin=FIN)
    assert [(r.etablissement_id, r.dui_actifs, r.canal, r.nom_fichier) for r in rapports] == [
        (et, 10 + i, Canal.FICHIER, "ind.csv") for i, et in enumerate(suivi.ets[:3])]
    assert rapports[0].valeurs["taux_dui_actifs"] == "0.9"


def test_indicator_file_errors_are_located_and_nothing_is_written(suivi, porteur):
    lignes = [f"{suivi.ets[0]};10;0,9", "010999992;4;0.5", f"{suivi.ets[1]};dix;x", f"{suivi.ets[0]};3;"]
    contenu = csv_bytes(lignes, "finess_et;dui_actifs;taux_dui_actifs")
    with pytest.raises(UsageRefuse) as refus:
        services.importer_indicateurs(actor=porteur, dossier=suivi.dossier, fichier=contenu, nom="ind.csv",
                                      debut=DEBUT, fin=FIN)
    assert refus.value.messages == [
        "ind.csv, ligne 3, colonne « finess_et » : l'établissement 010999992 n'est pas membre de la grappe.",
        "ind.csv, ligne 4, colonne « dui_actifs » : nombre entier positif attendu, en chiffres (reçu « dix »).",
        "ind.csv, ligne 4, colonne « taux_dui_actifs » : nombre décimal attendu, en chiffres, sans exposant (reçu « x »).",
        f"ind.csv, ligne 5, colonne « finess_et » : établissement {suivi.ets[0]} déjà déclaré ligne 2.",
    ]
    assert not RapportIndicateurs.objects.exists()


def test_xlsx_file_with_a_lost_leading_zero_and_located_errors(suivi, porteur):
    from openpyxl import Workbook

    classeur = Workbook()
    feuille = classeur.active
    feuille.append(["finess_et", "dui_actifs", "messages_mssante"])
    feuille.append([int(suivi.ets[0]), 12, 30])  # a spreadsheet turned the FINESS into a number
    feuille.append([suivi.ets[1], None, "trente"])
    sortie = io.BytesIO()
    classeur.save(sortie)
    with pytest.raises(UsageRefuse) as refus:
        services.importer_indicateurs(actor=porteur, dossier=suivi.dossier, fichier=sortie.getvalue(), nom="ind.xlsx",
                                      debut=DEBUT, fin=FIN)
    assert refus.value.messages == [
        "ind.xlsx, ligne 3, colonne B, « dui_actifs » : nombre de DUI actifs manquant.",
        "ind.xlsx, ligne 3, colonne C, « messages_mssante » : nombre décimal attendu, en chiffres, sans exposant (reçu « trente »).",
    ]
    feuille.delete_rows(3)
    sortie = io.BytesIO()
    classeur.save(sortie)
    rapports = services.importer_indicateurs(actor=porteur, dossier=suivi.dossier, fichier=sortie.getvalue(),
                                             nom="ind.xlsx", debut=DEBUT, fin=FIN)
    assert [(r.etablissement_id, r.dui_actifs) for r in rapports] == [(suivi.ets[0], 12)]


@pytest.mark.parametrize("contenu,nom,message", [
    (b"", "ind.csv", "le fichier est vide"),
    (b"finess_et;taux\n", "ind.csv", "colonne « dui_actifs » manquante"),
    (b"x", "ind.pdf", "format non accepté"),
    (b"not a workbook", "ind.xlsx", "classeur illisible"),
])
def test_bad_indicator_files(suivi, porteur, contenu, nom, message):
    with pytest.raises(UsageRefuse, match=message):
        services.importer_indicateurs(actor=porteur, dossier=suivi.dossier, fichier=contenu, nom=nom, debut=DEBUT, fin=FIN)


# --- Vendors --------------------------------------------------------------------------------------

@pytest.fixture
def editeur(suivi, make_user):
    return make_user(Role.EDITEUR, etablissements=[suivi.ets[0]])


def test_vendor_pushes_indicators_and_evidence_for_authorised_establishments(suivi, editeur):
    rapport = services.soumettre_indicateurs(actor=editeur, finess_et=suivi.ets[0], debut=DEBUT, fin=FIN,
                                             dui_actifs=5, valeurs={"taux_dui_actifs": 0.9})
    assert (rapport.dossier, rapport.canal, rapport.auteur) == (suivi.dossier, Canal.API, editeur)
    fichier = io.BytesIO(csv_bytes(evenements(suivi.ets[:1], {suivi.ets[0]: 5})))
    preuve = services.deposer_preuve(actor=editeur, finess_et=suivi.ets[0], fichier=fichier, nom="api.csv",
                                     debut=DEBUT, fin=FIN)
    assert preuve.canal == Canal.API and preuve.resultats == {suivi.ets[0]: 5}


def test_vendor_refused_for_an_establishment_that_did_not_authorise_it(suivi, editeur):
    with pytest.raises(PermissionDenied, match=rf"{suivi.ets[1]} n'a pas autorisé l'éditeur"):
        services.soumettre_indicateurs(actor=editeur, finess_et=suivi.ets[1], debut=DEBUT, fin=FIN, dui_actifs=5)
    with pytest.raises(PermissionDenied, match=rf"{suivi.ets[1]} n'a pas autorisé l'éditeur"):
        services.deposer_preuve(actor=editeur, finess_et=suivi.ets[1], nom="api.csv", debut=DEBUT, fin=FIN,
                                fichier=csv_bytes(evenements(suivi.ets[1:2], {suivi.ets[1]: 2})))
    # evidence sent for its own establishment but holding another one's events
    with pytest.raises(PermissionDenied, match=rf"{suivi.ets[1]} n'a pas autorisé"):
        services.deposer_preuve(actor=editeur, finess_et=suivi.ets[0], nom="api.csv", debut=DEBUT, fin=FIN,
                                fichier=csv_bytes(evenements(suivi.ets[:2], {suivi.ets[0]: 2, suivi.ets[1]: 2})))
    assert not RapportIndicateurs.objects.exists() and not Preuve.objects.exists()


def test_authorisation_by_the_porteur_and_revocation(suivi, porteur, make_user):
    editeur = make_user(Role.EDITEUR, etablissements=[suivi.ets[0]])
    services.autoriser_editeur(actor=porteur, editeur=editeur, finess_et=suivi.ets[1])
    assert services.soumettre_indicateurs(actor=editeur, finess_et=suivi.ets[1], debut=DEBUT, fin=FIN, dui_actifs=1)
    with pytest.raises(UsageRefuse, match="déjà autorisé"):
        services.autoriser_editeur(actor=porteur, editeur=editeur, finess_et=suivi.ets[1])
    services.revoquer_editeur(actor=porteur, editeur=editeur.username, finess_et=suivi.ets[1])
    with pytest.raises(PermissionDenied):
        services.soumettre_indicateurs(actor=editeur, finess_et=suivi.ets[1], debut=DEBUT, fin=FIN, dui_actifs=1)
    actions = list(AuditEvent.objects.filter(action__startswith="usages.").values_list("action", flat=True))
    assert "usages.autoriser_editeur" in actions and "usages.revoquer_editeur" in actions


def test_only_managers_of_the_establishment_authorise(suivi, make_user, ref):
    editeur = make_user(Role.EDITEUR, etablissements=[suivi.ets[0]])
    gestionnaire = make_user(Role.GESTIONNAIRE_ESSMS, etablissements=[suivi.ets[2]])
    services.autoriser_editeur(actor=gestionnaire, editeur=editeur, finess_et=suivi.ets[2])
    with pytest.raises(PermissionDenied, match="n'est pas dans votre périmètre"):
        services.autoriser_editeur(actor=gestionnaire, editeur=editeur, finess_et=suivi.ets[3])
    autre_porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_corse.pk])
    with pytest.raises(PermissionDenied):
        services.autoriser_editeur(actor=autre_porteur, editeur=editeur, finess_et=suivi.ets[3])
    agent = make_user(Role.AGENT_ARS, region="84")
    with pytest.raises(PermissionDenied):
        services.autoriser_editeur(actor=agent, editeur=editeur, finess_et=suivi.ets[3])
    with pytest.raises(UsageRefuse, match="n'est pas un éditeur"):
        services.autoriser_editeur(actor=gestionnaire, editeur=gestionnaire, finess_et=suivi.ets[2])


def test_a_porteur_outside_the_dossier_cannot_report(suivi, make_user, ref):
    autre = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_corse.pk])
    with pytest.raises(PermissionDenied):
        services.declarer_indicateurs(actor=autre, dossier=suivi.dossier, finess_et=suivi.ets[0], debut=DEBUT, fin=FIN,
                                      dui_actifs=1)
    with pytest.raises(PermissionDenied):
        services.deposer_preuve(actor=autre, dossier=suivi.dossier, nom="x.csv", debut=DEBUT, fin=FIN,
                                fichier=csv_bytes(evenements(suivi.ets[:1], {suivi.ets[0]: 1})))
