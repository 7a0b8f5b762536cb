"""Import of the ANS list: CSV and XLSX, every bad-input class located (file, line, column), nothing written."""

from __future__ import annotations

import pytest

from esms.comptes.models import AuditEvent, Role
from esms.referencement import services
from esms.referencement.erreurs import ImportRefuse
from esms.referencement.models import Editeur, HistoriqueSolution, Solution
from tests.referencement.fichiers import ENTETE_REGISTRE, LIGNES_REGISTRE, csv_fichier, xlsx_fichier

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN_NATIONAL)


def _refus(admin, fichier) -> list[str]:
    with pytest.raises(ImportRefuse) as exc:
        services.importer_registre(actor=admin, fichier=fichier, nom=fichier.name)
    assert not Solution.objects.exists() and not Editeur.objects.exists()
    assert not HistoriqueSolution.objects.exists()
    return exc.value.messages


@pytest.mark.parametrize("fabrique", [csv_fichier, xlsx_fichier])
def test_import_cree_le_registre(admin, fabrique):
    nom = "liste.csv" if fabrique is csv_fichier else "liste.xlsx"
    bilan = services.importer_registre(actor=admin, fichier=fabrique(ENTETE_REGISTRE, LIGNES_REGISTRE, nom), nom=nom)
    assert (bilan.crees, bilan.modifies) == (4, 0)
    alpha4 = Solution.objects.get(nom="Alpha DUI", version="4.0")
    assert alpha4.vague == 2
    assert alpha4.secteurs == ["personnes_agees", "handicap_adultes", "handicap_enfants", "ahi"]
    beta = Solution.objects.get(nom="Bêta Social")
    assert beta.statut == "retiree" and beta.date_retrait.isoformat() == "2024-06-30"
    assert Solution.objects.get(nom="Gamma Hôpital").couloir == "hospitalier"
    assert Editeur.objects.count() == 3
    assert HistoriqueSolution.objects.count() == 4
    assert AuditEvent.objects.filter(action="referencement.importer").count() == 1


def test_reimport_versionne_les_changements(admin):
    services.importer_registre(actor=admin, fichier=csv_fichier(ENTETE_REGISTRE, LIGNES_REGISTRE), nom="a.csv")
    lignes = [list(ligne) for ligne in LIGNES_REGISTRE]
    lignes[0][6] = "Personnes âgées; Handicap; Domicile"
    bilan = services.importer_registre(actor=admin, fichier=csv_fichier(ENTETE_REGISTRE, lignes), nom="b.csv")
    assert (bilan.crees, bilan.modifies, bilan.inchanges) == (0, 1, 3)
    alpha = Solution.objects.get(nom="Alpha DUI", version="3.2")
    versions = list(alpha.historique.order_by("numero"))
    assert [v.numero for v in versions] == [1, 2]
    assert "domicile" not in versions[0].donnees["secteurs"] and "domicile" in versions[1].donnees["secteurs"]
    assert "b.csv, ligne 2" in versions[1].motif


def test_secteur_inconnu(admin):
    lignes = [list(LIGNES_REGISTRE[0])]
    lignes[0][6] = "Personnes âgées; Petite enfance"
    messages = _refus(admin, csv_fichier(ENTETE_REGISTRE, lignes))
    assert messages == ["registre.csv, ligne 2, colonne « secteurs » : secteur « Petite enfance » inconnu "
                        "(attendu : personnes âgées, handicap, domicile, protection de l'enfance, AHI, PJM, "
                        "difficultés spécifiques)."]


def test_solution_en_double(admin):
    lignes = [LIGNES_REGISTRE[0], LIGNES_REGISTRE[1], LIGNES_REGISTRE[0]]
    messages = _refus(admin, csv_fichier(ENTETE_REGISTRE, lignes))
    assert len(messages) == 1
    assert messages[0].startswith("registre.csv, ligne 4, colonne « solution » : solution « Alpha DUI 3.2 »")
    assert "déjà présente ligne 2 (doublon)" in messages[0]


def test_cle_siren_invalide_en_xlsx_avec_la_lettre_de_colonne(admin):
    lignes = [list(LIGNES_REGISTRE[0])]
    lignes[0][1] = "732829321"
    messages = _refus(admin, xlsx_fichier(ENTETE_REGISTRE, lignes))
    assert messages == ["registre.xlsx, ligne 2, colonne B « siren » : SIREN 732829321 : clé de contrôle "
                        "invalide (algorithme de Luhn)."]


def test_toutes_les_erreurs_sont_situees_et_rien_n_est_ecrit(admin):
    lignes = [list(ligne) for ligne in LIGNES_REGISTRE]
    lignes[0][5] = "vague 3"
    lignes[1][7] = "31/02/2025"
    lignes[2][4] = "ambulatoire"
    lignes[3][0] = "Autre nom"
    lignes[3][1] = "732829320"  # Alpha's SIREN under another name
    messages = _refus(admin, csv_fichier(ENTETE_REGISTRE, lignes))
    assert messages == [
        "registre.csv, ligne 2, colonne « vague » : vague « vague 3 » inconnue (attendu : 1 ou 2, ou « vague 1 », "
        "« vague 2 »).",
        "registre.csv, ligne 3, colonne « date_referencement » : date « 31/02/2025 » invalide (JJ/MM/AAAA attendu).",
        "registre.csv, ligne 4, colonne « couloir » : couloir « ambulatoire » inconnu (attendu : médico-social ou "
        "hospitalier).",
        "registre.csv, ligne 5, colonne « editeur » : le SIREN 732829320 est celui de « Éditeur Alpha » (ligne 2).",
    ]


def test_colonne_manquante(admin):
    entete = [c for c in ENTETE_REGISTRE if c != "SIREN"]
    lignes = [[v for i, v in enumerate(LIGNES_REGISTRE[0]) if i != 1]]
    assert _refus(admin, csv_fichier(entete, lignes)) == ["registre.csv, ligne 1 : colonne « siren » manquante."]


def test_retiree_sans_date(admin):
    lignes = [list(LIGNES_REGISTRE[2])]
    lignes[0][9] = ""
    assert _refus(admin, csv_fichier(ENTETE_REGISTRE, lignes)) == [
        "registre.csv, ligne 2, colonne « statut » : solution retirée sans date de retrait (colonne « date_retrait »)."]


def test_fichier_trop_gros_refuse_sans_tout_lire(admin, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.ESMS_LIMITES_TELEVERSEMENT = {"tableurs": 1000}
    gros = SimpleUploadedFile("registre.csv", b"x" * 1001)
    assert _refus(admin, gros) == ["« registre.csv » : le fichier dépasse la taille maximale admise (1000 octets). "
                                   "Rien n'a été enregistré."]


def test_bombe_xlsx_refusee(admin, settings):
    settings.ESMS_LIMITES_DECOMPRESSION = {"tableurs": 1000}
    messages = _refus(admin, xlsx_fichier(ENTETE_REGISTRE, LIGNES_REGISTRE))
    assert messages == ["« registre.xlsx » : archive refusée, son contenu décompressé dépasse la taille maximale "
                        "admise (1000 octets). Rien n'a été enregistré."]


def test_bombe_gzip_refusee(admin):
    """A gzip CSV is accepted (decompressed under the caps); 20 MB of a repeated line in ~20 KB is a bomb."""
    import gzip

    from django.core.files.uploadedfile import SimpleUploadedFile

    ligne = ";".join(LIGNES_REGISTRE[0]).encode() + b"\n"
    bombe = gzip.compress(";".join(ENTETE_REGISTRE).encode() + b"\n" + ligne * (20 * 1024 * 1024 // len(ligne)))
    messages = _refus(admin, SimpleUploadedFile("registre.csv.gz", bombe))
    assert len(messages) == 1 and messages[0].startswith("« registre.csv.gz » : archive refusée, son contenu "
                                                          "décompressé dépasse 100 fois sa taille compressée")


def test_csv_gzip_accepte(admin):
    import gzip

    from django.core.files.uploadedfile import SimpleUploadedFile

    contenu = csv_fichier(ENTETE_REGISTRE, LIGNES_REGISTRE).read()
    bilan = services.importer_registre(actor=admin, fichier=SimpleUploadedFile("liste.csv.gz", gzip.compress(contenu)),
                                       nom="liste.csv.gz")
    assert bilan.crees == 4


def test_televersement_trop_gros_arrete_pendant_la_lecture_de_la_requete(client, admin, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.ESMS_LIMITES_TELEVERSEMENT = {"tableurs": 1000}
    client.force_login(admin)
    reponse = client.post(reverse("referencement:importer"), {"fichier": SimpleUploadedFile("r.csv", b"x" * 5000)})
    assert reponse.status_code == 413
    assert "« r.csv » : le fichier dépasse la taille maximale admise (1000 octets)" in reponse.content.decode()
    assert not Solution.objects.exists() and not AuditEvent.objects.filter(action="referencement.importer").exists()


def test_format_et_contenu_illisibles(admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert _refus(admin, SimpleUploadedFile("liste.pdf", b"%PDF")) == [
        "liste.pdf : format non accepté (CSV ou XLSX attendu)."]
    assert _refus(admin, SimpleUploadedFile("liste.xlsx", b"pas un zip")) == [
        "« liste.xlsx » : classeur illisible (archive ZIP endommagée)."]
    assert _refus(admin, SimpleUploadedFile("liste.csv", b"")) == ["liste.csv : le fichier est vide."]


def test_seul_un_administrateur_national_importe(make_user, ref):
    from django.core.exceptions import PermissionDenied

    agent = make_user(Role.AGENT_ARS, region="84")
    with pytest.raises(PermissionDenied):
        services.importer_registre(actor=agent, fichier=csv_fichier(ENTETE_REGISTRE, LIGNES_REGISTRE), nom="a.csv")
