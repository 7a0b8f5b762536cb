"""SONS purchase orders: file import (located errors, nothing written), vendor push through the API (scoped to
its solutions and to establishments that authorised it), shown on the establishment page."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from esms.comptes.models import AuditEvent, Role
from esms.referencement import services
from esms.referencement.erreurs import ImportRefuse
from esms.referencement.models import CommandeSons
from tests import factories
from tests.api.conftest import verifier_erreur
from tests.referencement import monde as registre
from tests.referencement.fichiers import csv_fichier, xlsx_fichier

pytestmark = pytest.mark.django_db

ENTETE = ["FINESS ET", "SIREN", "Solution", "Version", "Vague", "Date de commande", "Date de déploiement", "Statut"]


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN_NATIONAL)


@pytest.fixture
def alpha(db):
    return registre.solution("Alpha DUI", "3.2", siren="732829320")


def test_import_des_commandes(admin, ref, alpha):
    lignes = [[ref.et_ara[0].pk, "732829320", "Alpha DUI", "3.2", "1", "15/11/2023", "", "commandé"],
              [ref.et_ara[1].pk, "732 829 320", "alpha dui", "3.2", "vague 1", "2024-01-10", "2024-05-02", "Déployé"]]
    bilan = services.importer_commandes(actor=admin, fichier=xlsx_fichier(ENTETE, lignes, "sons.xlsx"), nom="sons.xlsx")
    assert (bilan.crees, bilan.modifies) == (2, 0)
    deployee = CommandeSons.objects.get(etablissement=ref.et_ara[1])
    assert deployee.statut == "deploye" and deployee.date_deploiement.isoformat() == "2024-05-02"
    lignes[0][7] = "Payé au vendeur"
    lignes[0][6] = "01/03/2024"
    bilan = services.importer_commandes(actor=admin, fichier=csv_fichier(ENTETE, lignes, "sons.csv"), nom="sons.csv")
    assert (bilan.crees, bilan.modifies, bilan.inchanges) == (0, 1, 1)
    assert CommandeSons.objects.get(etablissement=ref.et_ara[0]).statut == "paye"
    assert AuditEvent.objects.filter(action="sons.importer").count() == 2


def test_import_refuse_chaque_erreur_situee(admin, ref, alpha):
    inconnu = factories.finess("01")
    lignes = [[ref.et_ara[0].pk, "732829320", "Alpha DUI", "9.9", "1", "15/11/2023", "", "commandé"],
              [inconnu, "732829320", "Alpha DUI", "3.2", "1", "15/11/2023", "", "commandé"],
              [ref.et_ara[1].pk, "732829320", "Alpha DUI", "3.2", "1", "15/11/2023", "01/11/2023", "déployé"],
              [ref.et_corse[0].pk, "732829320", "Alpha DUI", "3.2", "1", "15/11/2023", "", "livré"],
              [ref.et_corse[1].pk, "732829320", "Alpha DUI", "3.2", "1", "15/11/2023", "", "déployé"],
              [ref.et_corse[0].pk, "732829320", "Alpha DUI", "3.2", "2", "15/11/2025", "", "commandé"],
              [ref.et_corse[0].pk, "732829320", "Alpha DUI", "3.2", "2", "16/11/2025", "", "commandé"]]
    with pytest.raises(ImportRefuse) as exc:
        services.importer_commandes(actor=admin, fichier=csv_fichier(ENTETE, lignes, "sons.csv"), nom="sons.csv")
    assert exc.value.messages == [
        "sons.csv, ligne 2, colonne « solution » : solution « Alpha DUI 9.9 » de l'éditeur 732829320 absente du "
        "registre des solutions référencées.",
        f"sons.csv, ligne 3, colonne « finess_et » : établissement {inconnu} inconnu du référentiel FINESS.",
        "sons.csv, ligne 4, colonne « date_deploiement » : date de déploiement antérieure à la date de commande.",
        "sons.csv, ligne 5, colonne « statut » : statut « livré » inconnu (attendu : commandé, déployé, payé au "
        "vendeur).",
        "sons.csv, ligne 6, colonne « date_deploiement » : date de déploiement manquante pour une commande déployée "
        "ou payée.",
        f"sons.csv, ligne 8, colonne « finess_et » : commande de la vague 2 pour {ref.et_corse[0].pk} déjà présente "
        "ligne 7 (doublon).",
    ]
    assert not CommandeSons.objects.exists()


@pytest.fixture
def vendeur(make_user, ref):
    return make_user(Role.EDITEUR, username="api-alpha", etablissements=[ref.et_ara[0].pk])


def _pousser(jeton, compte, **corps):
    return jeton(compte, ["sons:ecrire", "sons:lire"]).post("/sons/commandes", json.dumps(corps),
                                                            content_type="application/json")


def test_l_editeur_pousse_une_commande_puis_son_deploiement(jeton, vendeur, ref):
    solution = registre.solution_de(vendeur)
    corps = {"finess_et": ref.et_ara[0].pk, "solution_id": solution.pk, "vague": 1, "date_commande": "2023-10-02",
             "statut": "commande"}
    reponse = _pousser(jeton, vendeur, **corps)
    assert reponse.status_code == 201, reponse.content
    assert reponse.json()["statut"] == "commande" and reponse.json()["region"] == "84"
    reponse = _pousser(jeton, vendeur, **{**corps, "statut": "deploye", "date_deploiement": "2024-04-11"})
    assert reponse.status_code == 200
    commande = CommandeSons.objects.get()
    assert (commande.statut, commande.canal, commande.date_deploiement.isoformat()) == ("deploye", "api", "2024-04-11")
    assert AuditEvent.objects.filter(action="sons.declarer").count() == 2
    corps_refus = verifier_erreur(_pousser(jeton, vendeur, **corps), 409, "refus_metier")
    assert "ne peut pas revenir en arrière" in corps_refus["message"]
    verifier_erreur(_pousser(jeton, vendeur, **{**corps, "statut": "deploye"}), 409, "refus_metier")
    lecture = jeton(vendeur, ["sons:lire"]).get("/sons/commandes").json()
    assert [c["finess_et"] for c in lecture["items"]] == [ref.et_ara[0].pk]


def test_l_editeur_reste_dans_son_perimetre(jeton, vendeur, make_user, ref):
    autre_solution = registre.solution("Bêta Social", "1")
    a_moi = registre.solution_de(vendeur, nom="Alpha DUI")
    base = {"vague": 1, "date_commande": "2023-10-02", "statut": "commande"}
    corps = verifier_erreur(_pousser(jeton, vendeur, finess_et=ref.et_ara[0].pk, solution_id=autre_solution.pk,
                                     **base), 403, "hors_perimetre")
    assert "n'est pas une solution de votre éditeur" in corps["message"]
    corps = verifier_erreur(_pousser(jeton, vendeur, finess_et=ref.et_ara[1].pk, solution_id=a_moi.pk, **base),
                            403, "hors_perimetre")
    assert "n'a pas autorisé ce compte éditeur" in corps["message"]
    verifier_erreur(_pousser(jeton, vendeur, finess_et=ref.et_ara[0].pk, solution_id=999_999, **base), 404,
                    "introuvable")
    assert not CommandeSons.objects.exists()
    # An order of another vendor's solution on an authorised establishment stays invisible to this vendor.
    CommandeSons.objects.create(etablissement=ref.et_ara[0], solution=autre_solution, vague=1,
                                date_commande="2023-09-01", canal="fichier")
    assert jeton(vendeur, ["sons:lire"]).get("/sons/commandes").json()["total"] == 0


def test_page_etablissement_et_liste(client, admin, ref, alpha):
    CommandeSons.objects.create(etablissement=ref.et_ara[0], solution=alpha, vague=1, date_commande="2023-09-01",
                                date_deploiement="2024-02-01", statut="deploye", canal="fichier")
    client.force_login(admin)
    page = client.get(reverse("referentiel:etablissement", args=[ref.et_ara[0].pk])).content.decode()
    assert "Commandes SONS (Prestation Ségur)" in page and "01/02/2024" in page and "Déployé" in page
    page = client.get(reverse("referencement:commandes")).content.decode()
    assert ref.et_ara[0].pk in page and "Importer des commandes" in page


def test_import_par_la_page(client, admin, ref, alpha):
    client.force_login(admin)
    lignes = [[ref.et_ara[0].pk, "732829320", "Alpha DUI", "3.2", "3", "15/11/2023", "", "commandé"]]
    reponse = client.post(reverse("referencement:importer_commandes"), {"fichier": csv_fichier(ENTETE, lignes, "s.csv")})
    assert reponse.status_code == 400
    assert "s.csv, ligne 2, colonne « vague » : vague « 3 » inconnue (attendu : 1 ou 2)." in reponse.content.decode()


def test_import_par_la_page_trop_gros_ou_bombe(client, admin, ref, alpha, settings):
    """Oversize: stopped while the request is read; gzip bomb: refused by the ratio cap; nothing written."""
    import gzip

    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin)
    settings.ESMS_LIMITES_TELEVERSEMENT = {"tableurs": 2000}
    reponse = client.post(reverse("referencement:importer_commandes"),
                          {"fichier": SimpleUploadedFile("sons.csv", b"x" * 10_000)})
    assert reponse.status_code == 413
    assert "« sons.csv » : le fichier dépasse la taille maximale admise (2 Kio)" in reponse.content.decode()
    ligne = f"{ref.et_ara[0].pk};732829320;Alpha DUI;3.2;1;15/11/2023;;commandé\n".encode()
    bombe = gzip.compress(";".join(ENTETE).encode() + b"\n" + ligne * (20 * 1024 * 1024 // len(ligne)))
    settings.ESMS_LIMITES_TELEVERSEMENT = {}
    reponse = client.post(reverse("referencement:importer_commandes"),
                          {"fichier": SimpleUploadedFile("sons.csv.gz", bombe)})
    assert reponse.status_code == 400
    assert "archive refusée, son contenu décompressé dépasse 100 fois sa taille compressée" in reponse.content.decode()
    assert not CommandeSons.objects.exists() and not AuditEvent.objects.filter(action="sons.importer").exists()


def test_l_editeur_voit_ses_deploiements(client, vendeur, ref):
    a_moi = registre.solution_de(vendeur)
    autre = registre.solution("Bêta Social", "1")
    CommandeSons.objects.create(etablissement=ref.et_ara[0], solution=a_moi, vague=1, date_commande="2023-09-01",
                                date_deploiement="2024-02-01", statut="deploye", canal="api")
    CommandeSons.objects.create(etablissement=ref.et_ara[1], solution=autre, vague=1, date_commande="2023-09-01",
                                canal="fichier")
    client.force_login(vendeur)
    page = client.get(reverse("referencement:commandes")).content.decode()
    assert "Vos déploiements" in page and "déployé 1" in page
    assert ref.et_ara[0].pk in page and ref.et_ara[1].pk not in page and "Importer des commandes" not in page
