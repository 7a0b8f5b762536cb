"""Bad input: each class of error stops the import with the file line and field name in French, and writes
nothing (the failure itself is recorded as an ImportFiness row « échoué » with its audit event).
--skip-invalid imports the valid lines and writes a rejects report."""

from __future__ import annotations

import csv
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command

from esms.comptes.models import AuditEvent
from esms.comptes.permissions import SYSTEME
from esms.referentiel.erreurs import ErreurImport
from esms.referentiel.models import Etablissement, ImportFiness
from esms.referentiel.services import importer_finess
from tests.referentiel import generateur
from tests.referentiel.conftest import photographie
from tests.referentiel.generateur import mauvaise_cle, numero

DATE = "2021-02-01"  # later than the fixture imported first, so that only the error can stop the import


def lignes() -> list[str]:
    """Lines of the mini extract without its metadata line: file lines 2–12 are ET, 13–23 geolocalisation."""
    return generateur.fichier_et(DATE, generateur.etablissements_1()).decode("cp1252").splitlines()[1:]


def remplacer(rang: int, ancien: str, nouveau: str) -> Callable[[], bytes]:
    """File whose file line `rang` has `ancien` replaced by `nouveau`."""
    def construire() -> bytes:
        contenu = lignes()
        assert ancien in contenu[rang - 2]
        contenu[rang - 2] = contenu[rang - 2].replace(ancien, nouveau, 1)
        return generateur.contenu(DATE, contenu)
    return construire


def _utf8() -> bytes:
    return generateur.contenu(DATE, lignes()).decode("cp1252").encode("utf-8")


def _octet_non_decodable() -> bytes:
    return generateur.contenu(DATE, lignes()).replace(b"DES LILAS", b"DES LI\x81AS")


def _ligne_utf8_isolee() -> bytes:
    octets = generateur.contenu(DATE, lignes())
    return octets.replace(b"IME DES GOBELINS", "IMÉ DES GOBELINS".encode())


def _sans_geolocalisation() -> bytes:
    return generateur.contenu(DATE, lignes()[:11])


def _geolocalisations_manquantes() -> bytes:
    return generateur.contenu(DATE, lignes()[:-2])


def _derniere_ligne_coupee() -> bytes:
    return generateur.contenu(DATE, lignes()).rstrip(b"\n")[:-12]


def _sans_entete() -> bytes:
    return ("\n".join(lignes()) + "\n").encode("cp1252")


def _en_double() -> bytes:
    contenu = lignes()
    return generateur.contenu(DATE, [*contenu[:11], contenu[0], *contenu[11:]])


CAS = {
    "fichier UTF-8": (_utf8, "ligne 2, champ libcategetab : fichier encodé en UTF-8 : caractère encodé en UTF-8 (« é » lu « Ã© »)"),
    "ligne UTF-8 isolée": (_ligne_utf8_isolee, "ligne 4, champ rs : caractère encodé en UTF-8 (« É » lu « Ã‰ »)"),
    "octet non décodable": (_octet_non_decodable, "ligne 2, champ voie : octet non décodable en ISO-8859-1 / Windows-1252 (0x81)"),
    "nombre de champs": (remplacer(5, ";2010-02-01;;2020-12-01;", ";2010-02-01;;2020-12-01"),
                         "ligne 5, champ numuai : 31 champs au lieu de 32 (ligne tronquée ?)"),
    "champ en trop": (remplacer(6, "CHRS LE PONT", "CHRS;LE PONT"), "ligne 6, champ numuai : 33 champs au lieu de 32"),
    "clé FINESS ET": (remplacer(2, numero("01", 1), mauvaise_cle(numero("01", 1))),
                      f"ligne 2, champ nofinesset : clé de contrôle FINESS invalide ({mauvaise_cle(numero('01', 1))})"),
    "clé FINESS EJ": (remplacer(4, generateur.EJ_PARIS, mauvaise_cle(generateur.EJ_PARIS)),
                      "ligne 4, champ nofinessej : clé de contrôle FINESS invalide"),
    "numéro trop court": (remplacer(3, numero("01", 2), "01000002"),
                          "ligne 3, champ nofinesset : le numéro FINESS doit comporter 9 caractères"),
    "département du numéro": (remplacer(9, ";9A;GUADELOUPE;", ";9B;MARTINIQUE;"),
                              "ligne 9, champ nofinesset : le numéro FINESS"),
    "catégorie inconnue": (remplacer(7, ";500;", ";999;"), "ligne 7, champ categetab : catégorie d'établissement inconnue"),
    "département inconnu": (remplacer(8, ";2B;HAUTE CORSE;", ";2C;HAUTE CORSE;"),
                            "ligne 8, champ departement : département inconnu « 2C »"),
    "date illisible": (remplacer(10, ";1960-01-01;", ";1960-13-01;"),
                       "ligne 10, champ dateouv : date invalide « 1960-13-01 » (attendu AAAA-MM-JJ)"),
    "date au mauvais format": (remplacer(11, ";1995-01-01;", ";01/01/1995;"), "ligne 11, champ dateouv : date invalide"),
    "SIRET": (remplacer(2, "12345678900011", "1234567890001X"), "ligne 2, champ siret : SIRET invalide"),
    "commune": (remplacer(2, ";053;01;", ";53;01;"), "ligne 2, champ commune : code commune invalide"),
    "raison sociale vide": (remplacer(4, "IME DES GOBELINS", ""), "ligne 4, champ rs : raison sociale vide"),
    "valeur trop longue": (remplacer(4, ";B;", ";BIS-TER;"), "ligne 4, champ compvoie : valeur trop longue"),
    "coordonnée": (remplacer(13, "geolocalisation;", "geolocalisation;", ), None),
    "fichier tronqué sans geolocalisation": (_sans_geolocalisation,
                                             "ligne 12, champ geolocalisation : aucune ligne geolocalisation alors que le fichier décrit 11 établissement(s) : fichier tronqué"),
    "geolocalisations manquantes": (_geolocalisations_manquantes, "ligne 11, champ geolocalisation : aucune ligne geolocalisation pour l'établissement"),
    "dernière ligne coupée": (_derniere_ligne_coupee, "ligne 23, champ "),
    "entête absente": (_sans_entete, "ligne 1, champ entête : ligne de métadonnées « finess;etalab;<n>;<date> » absente"),
    "date d'extraction": (lambda: generateur.contenu("2021-02-30", lignes()), "ligne 1, champ date d'extraction : date invalide"),
    "type de ligne": (remplacer(20, "geolocalisation;", "geoloc;"), "ligne 20, champ type de ligne : type de ligne inconnu « geoloc »"),
    "établissement en double": (_en_double, "ligne 13, champ nofinesset : établissement en double (déjà ligne 2)"),
    "fichier vide": (lambda: b"", "ligne 1, champ entête : fichier vide"),
    "entête seule": (lambda: generateur.contenu(DATE, []), "ligne 1, champ type de ligne : aucune ligne de données"),
}
CAS.pop("coordonnée")
CAS["coordonnée"] = (lambda: generateur.contenu(DATE, [*lignes()[:11], lignes()[11].replace(".", ",", 1), *lignes()[12:]]),
                     "ligne 13, champ coordxet : coordonnée invalide")


@pytest.mark.parametrize("cas", list(CAS))
def test_erreur_localisee_et_rien_d_ecrit(importe, ecrire, cas):
    construire, message = CAS[cas]
    chemin = ecrire(construire())
    avant = photographie()
    with pytest.raises(ErreurImport) as erreur:
        importer_finess(actor=SYSTEME, chemin=chemin)
    assert str(erreur.value).startswith(message), str(erreur.value)
    assert photographie() == avant
    echec = ImportFiness.objects.order_by("-pk").first()
    assert echec.statut == ImportFiness.Statut.ECHOUE and echec.erreur == str(erreur.value)
    assert AuditEvent.objects.filter(action="referentiel.import_echoue", object_id=str(echec.pk)).exists()


def test_premiere_anomalie_et_nombre_total(importe, ecrire):
    contenu = lignes()
    contenu[0] = contenu[0].replace(";500;", ";999;")
    contenu[3] = contenu[3].replace(";620;", ";998;")
    with pytest.raises(ErreurImport, match=r"^ligne 2, champ categetab .*\(1 autre\(s\) anomalie\(s\).*cochez "
                                           "« Importer les lignes valides") as erreur:
        importer_finess(actor=SYSTEME, chemin=ecrire(generateur.contenu(DATE, contenu)))
    assert "--skip-invalid" not in str(erreur.value)  # shown on the imports page: no command-line option
    with pytest.raises(CommandError, match=r"En ligne de commande : relancez avec --skip-invalid\.$"):
        call_command("import_finess", ecrire(generateur.contenu(DATE, contenu)))


def test_commande_code_retour_et_message(importe, ecrire):
    chemin = ecrire(CAS["clé FINESS ET"][0]())
    with pytest.raises(CommandError, match="ligne 2, champ nofinesset : clé de contrôle FINESS invalide"):
        call_command("import_finess", str(chemin))


def test_encodage_utf8_explicite(importe, ecrire):
    """A real UTF-8 file imports with encodage="utf-8"; latin-1 bytes in it are then reported."""
    resultat = importer_finess(actor=SYSTEME, chemin=ecrire(_utf8()), encodage="utf-8")
    assert resultat.nb_crees == 0 and resultat.nb_modifies == 0
    avec_latin1 = _utf8().replace(b"IME DES GOBELINS", "IMÉ DES GOBELINS".encode("latin-1"))
    with pytest.raises(ErreurImport, match="ligne 4, champ rs : octet non décodable en UTF-8 \\(0xC9\\)"):
        importer_finess(actor=SYSTEME, chemin=ecrire(avec_latin1), encodage="utf-8")


def test_skip_invalid_importe_les_lignes_valides(importe, ecrire, var_temporaire):
    contenu = lignes()
    ancienne_pharmacie = numero("75", 2)
    contenu[3] = contenu[3].replace(";620;", ";998;")  # the pharmacy (already imported) is rejected …
    contenu[0] = contenu[0].replace("0474000001", "0474000002")  # … the EHPAD changes …
    contenu[13] = contenu[13] + ";en trop"  # … the geolocalisation of the Paris IME (file line 15) is broken
    resultat = importer_finess(actor=SYSTEME, chemin=ecrire(generateur.contenu(DATE, contenu)), ignorer_invalides=True)
    assert (resultat.nb_crees, resultat.nb_modifies, resultat.nb_fermes, resultat.nb_rejetes) == (0, 1, 0, 2)
    assert resultat.details["anomalies"] == 2
    # Rejected establishments are neither updated nor closed.
    assert Etablissement.objects.get(pk=ancienne_pharmacie).ouvert
    assert Etablissement.objects.get(pk=numero("01", 1)).telephone == "0474000002"
    with open(resultat.rapport_rejets, encoding="utf-8-sig") as fichier:
        rapport = list(csv.reader(fichier, delimiter=";"))
    assert rapport[0] == ["ligne", "champ", "valeur", "message"]
    assert rapport[1][:3] == ["5", "categetab", "998"]
    assert rapport[2][:2] == ["15", "datemaj"] and "7 champs au lieu de 6" in rapport[2][3]
    assert Etablissement.objects.get(pk=numero("75", 1)).dernier_import_id == importe.pk
    assert str(var_temporaire) in resultat.rapport_rejets


def test_skip_invalid_refuse_un_fichier_sans_ligne_valide(importe, ecrire):
    contenu = [ligne.replace(ligne.split(";")[18], "999") if ligne.startswith("structureet") else ligne
               for ligne in lignes()]
    avant = photographie()
    with pytest.raises(ErreurImport, match="aucune ligne valide"):
        importer_finess(actor=SYSTEME, chemin=ecrire(generateur.contenu(DATE, contenu)), ignorer_invalides=True)
    assert photographie() == avant


def test_skip_invalid_ne_sauve_pas_un_fichier_utf8(importe, ecrire):
    with pytest.raises(ErreurImport, match="fichier encodé en UTF-8"):
        importer_finess(actor=SYSTEME, chemin=ecrire(_utf8()), ignorer_invalides=True)


def test_ej_mal_forme(referentiel, ecrire):
    contenu = generateur.organismes()
    contenu[1] = contenu[1].replace(";61;", ";99;")
    with pytest.raises(ErreurImport, match="ligne 3, champ statutjuridique : statut juridique inconnu"):
        importer_finess(actor=SYSTEME, chemin=generateur.ET_1,
                        chemin_ej=ecrire(generateur.contenu("2021-01-08", contenu), "ej.csv"))
    assert not Etablissement.objects.exists()
    contenu = generateur.organismes()
    contenu[0] = contenu[0] + ";2021-01-08;trop"
    with pytest.raises(ErreurImport, match="ligne 2, champ datecrea : 25 champs au lieu de 23"):
        importer_finess(actor=SYSTEME, chemin=ecrire(generateur.contenu("2021-01-08", contenu), "ej.csv"))
