"""Importer on the generated mini extracts: territories, coordinates, quoting, EJ stubs and EJ file, upsert
semantics (closing, single-field change, unchanged re-import writing nothing), older extract, command."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection

from esms.comptes.models import AuditEvent
from esms.comptes.permissions import SYSTEME
from esms.referentiel.erreurs import ErreurImport
from esms.referentiel.importer import ecriture
from esms.referentiel.models import Etablissement, ImportFiness, OrganismeGestionnaire
from esms.referentiel.services import importer_finess
from tests.referentiel import generateur
from tests.referentiel.conftest import EcrituresReferentiel
from tests.referentiel.generateur import numero


def test_import_du_mini_extrait(importe):
    assert importe.statut == ImportFiness.Statut.REUSSI
    assert (importe.nb_crees, importe.nb_modifies, importe.nb_fermes, importe.nb_rejetes) == (11, 0, 0, 0)
    assert importe.date_extraction == date(2021, 1, 8)
    assert len(importe.sha256) == 64 and importe.duree_secondes is not None
    assert importe.details["organismes_ebauches"] == 5
    assert Etablissement.objects.count() == 11
    assert AuditEvent.objects.filter(action="referentiel.importer", object_id=str(importe.pk)).count() == 1


def test_corse_et_outre_mer(importe):
    ajaccio = Etablissement.objects.get(pk=numero("2A", 1))
    assert (ajaccio.departement_id, ajaccio.region_id, ajaccio.code_commune) == ("2A", "94", "2A004")
    bastia = Etablissement.objects.get(pk=numero("2B", 1))
    assert (bastia.departement_id, bastia.code_commune) == ("2B", "2B033")
    attendus = {numero("9701", 1): ("971", "01", "97105"), numero("9702", 1): ("972", "02", "97209"),
                numero("9703", 1): ("973", "03", "97302"), numero("9704", 1): ("974", "04", "97411")}
    for finess, (departement, region, commune) in attendus.items():
        et = Etablissement.objects.get(pk=finess)
        assert (et.departement_id, et.region_id, et.code_commune) == (departement, region, commune)


@pytest.mark.parametrize(("prefixe", "lat", "lon"), [
    ("01", 46.2052, 5.2255), ("75", 48.8322, 2.3561), ("2A", 41.9192, 8.7386), ("2B", 42.6970, 9.4509),
    ("9701", 15.9985, -61.7261), ("9702", 14.6161, -61.0588), ("9703", 4.9224, -52.3135),
    ("9704", -20.8821, 55.4504),
])
def test_coordonnees_converties_en_wgs84(importe, prefixe, lat, lon):
    """Lambert-93 in metropolitan France, UTM 20N/22N/40S overseas (from sourcecoordet or the département)."""
    et = Etablissement.objects.get(pk=numero(prefixe, 1))
    assert et.coord_x is not None
    assert et.latitude == pytest.approx(lat, abs=1e-5)
    assert et.longitude == pytest.approx(lon, abs=1e-5)


def test_sans_coordonnees(importe):
    lyon = Etablissement.objects.get(pk=numero("69", 1))
    assert lyon.coord_x is None and lyon.latitude is None and lyon.longitude is None


def test_valeurs_affichees_et_ponctuation_windows(importe):
    residence = Etablissement.objects.get(pk=numero("01", 2))
    assert residence.raison_sociale == 'RESIDENCE "L’ŒILLET" AMBERIEU'
    assert residence.raison_sociale_longue == "Résidence autonomie l’Œillet"
    assert residence.nom_recherche == "RESIDENCE L OEILLET AMBERIEU RESIDENCE AUTONOMIE L OEILLET"
    ime = Etablissement.objects.get(pk=numero("75", 1))
    assert (ime.numero_voie, ime.complement_voie, ime.type_voie, ime.voie) == ("5", "B", "BD", "ARAGO")
    assert ime.date_ouverture == date(1975, 9, 1) and ime.date_maj_finess == date(2019, 1, 15)


def test_eligibilite_et_secteur_viennent_de_la_categorie(importe):
    ehpad = Etablissement.objects.select_related("categorie").get(pk=numero("01", 1))
    assert ehpad.categorie.eligible and ehpad.secteur == "personnes_agees"
    ch = Etablissement.objects.select_related("categorie").get(pk=numero("9702", 1))
    assert not ch.categorie.eligible and ch.secteur == "autre"


def test_organisme_ebauche(importe):
    ebauche = OrganismeGestionnaire.objects.get(pk=generateur.EJ_SANS_FICHIER)
    assert ebauche.raison_sociale == "" and ebauche.est_ebauche
    assert ebauche.etablissements.count() == 1


def _ecritures_et(monkeypatch) -> list[int]:
    """Spy on the set-based writer: number of ET/EJ rows passed to each write."""
    lignes: list[int] = []
    for nom in ("inserer", "mettre_a_jour"):
        original = getattr(ecriture, nom)

        def espion(modele, attributs, donnees, _original=original):
            donnees = list(donnees)
            if modele in (Etablissement, OrganismeGestionnaire):  # not the history rows
                lignes.append(len(donnees))
            return _original(modele, attributs, donnees)

        monkeypatch.setattr(ecriture, nom, espion)
    original_cles = ecriture.mettre_a_jour_cles

    def espion_cles(modele, cles, **valeurs):
        lignes.append(len(cles))
        return original_cles(modele, cles, **valeurs)

    monkeypatch.setattr(ecriture, "mettre_a_jour_cles", espion_cles)
    return lignes


def _ctid() -> dict[str, str]:
    with connection.cursor() as curseur:
        curseur.execute("SELECT finess_et, ctid::text FROM referentiel_etablissement")
        return dict(curseur.fetchall())


def test_reimport_identique_n_ecrit_aucune_ligne(importe, monkeypatch, django_assert_max_num_queries):
    lignes = _ecritures_et(monkeypatch)
    avant = list(Etablissement.objects.order_by("pk").values())
    ctid = _ctid() if connection.vendor == "postgresql" else None
    with EcrituresReferentiel() as capture, django_assert_max_num_queries(15):
        second = importer_finess(actor=SYSTEME, chemin=generateur.ET_1)
    assert (second.nb_crees, second.nb_modifies, second.nb_fermes) == (0, 0, 0)
    assert sum(lignes) == 0
    assert capture.ecritures == []
    assert list(Etablissement.objects.order_by("pk").values()) == avant
    if ctid is not None:
        assert _ctid() == ctid  # PostgreSQL: no tuple rewritten
    assert Etablissement.objects.filter(dernier_import=second).count() == 0


def test_extrait_suivant_ferme_modifie_et_cree(importe, monkeypatch):
    lignes = _ecritures_et(monkeypatch)
    ehpad_avant = Etablissement.objects.values().get(pk=numero("01", 1))
    suivant = importer_finess(actor=SYSTEME, chemin=generateur.ET_2, confirmer=True)
    assert (suivant.nb_crees, suivant.nb_modifies, suivant.nb_fermes) == (1, 1, 1)
    assert suivant.details["compteur_entete"] == "97"
    assert sum(lignes) == 3  # exactly the three rows
    pharmacie = Etablissement.objects.get(pk=numero("75", 2))
    assert not pharmacie.ouvert and pharmacie.ferme_le == date(2021, 3, 1)
    ehpad = Etablissement.objects.values().get(pk=numero("01", 1))
    difference = {k for k in ehpad if ehpad[k] != ehpad_avant[k]}
    assert difference == {"telephone", "empreinte", "dernier_import_id"}
    assert ehpad["telephone"] == "0474999999"
    assert Etablissement.objects.filter(dernier_import=suivant).count() == 3
    # The other establishments are untouched.
    assert Etablissement.objects.get(pk=numero("2A", 1)).dernier_import_id == importe.pk


def test_reouverture(importe, ecrire):
    importer_finess(actor=SYSTEME, chemin=generateur.ET_2, confirmer=True)
    plus_tard = ecrire(generateur.fichier_et("2021-05-01", generateur.etablissements_1()))
    resultat = importer_finess(actor=SYSTEME, chemin=plus_tard, confirmer=True)
    pharmacie = Etablissement.objects.get(pk=numero("75", 2))
    assert pharmacie.ouvert and pharmacie.ferme_le is None
    assert resultat.nb_fermes == 1  # the SSIAD created in March is absent again


def test_extrait_plus_ancien_mis_en_attente(referentiel):
    importer_finess(actor=SYSTEME, chemin=generateur.ET_2)
    avant = list(Etablissement.objects.order_by("pk").values())
    attente = importer_finess(actor=SYSTEME, chemin=generateur.ET_1)
    assert attente.statut == ImportFiness.Statut.A_CONFIRMER
    assert "n'est pas plus récente que celle du dernier import appliqué" in attente.motif_attente
    assert list(Etablissement.objects.order_by("pk").values()) == avant


def test_fichier_gzip(referentiel, ecrire):
    import gzip

    chemin = ecrire(gzip.compress(generateur.ET_1.read_bytes()), "etalab-cs1100507-stock-test.csv.gz")
    assert importer_finess(actor=SYSTEME, chemin=chemin).nb_crees == 11


def test_fichier_ej_puis_et(referentiel):
    resultat = importer_finess(actor=SYSTEME, chemin=generateur.ET_1, chemin_ej=generateur.EJ_1)
    import_ej = ImportFiness.objects.get(pk=resultat.details["import_ej_id"])
    assert import_ej.type_fichier == "ej" and import_ej.nb_crees == 4
    assert resultat.details["organismes_ebauches"] == 1  # only the EJ absent from the EJ file
    ain = OrganismeGestionnaire.objects.get(pk=generateur.EJ_AIN)
    assert ain.raison_sociale == "ASSOCIATION AINDINOISE" and ain.statut_juridique_id == "60"
    assert (ain.siren, ain.departement_id, ain.code_commune) == ("123456789", "01", "01053")
    assert ain.adresse == "1 PL DE LA MAIRIE" and ain.date_creation == date(1980, 1, 1)
    assert OrganismeGestionnaire.objects.get(pk=generateur.EJ_PARIS).raison_sociale == 'FONDATION "LES GOBELINS"'
    assert OrganismeGestionnaire.objects.get(pk=generateur.EJ_CORSE).departement_id == "2A"
    assert not ain.est_ebauche


def test_fichier_ej_complete_les_ebauches(importe):
    resultat = importer_finess(actor=SYSTEME, chemin=generateur.EJ_1)  # detected as an EJ file
    assert resultat.type_fichier == "ej"
    assert (resultat.nb_crees, resultat.nb_modifies) == (0, 4)
    assert OrganismeGestionnaire.objects.get(pk=generateur.EJ_CORSE).raison_sociale == "CCAS D'AJACCIO"
    again = importer_finess(actor=SYSTEME, chemin=generateur.EJ_1)
    assert (again.nb_crees, again.nb_modifies) == (0, 0)


def test_ej_fourni_a_la_place_d_un_et(referentiel):
    with pytest.raises(ErreurImport, match="ligne 2, champ type de ligne : fichier d'établissements"):
        importer_finess(actor=SYSTEME, chemin=generateur.ET_2, chemin_ej=generateur.ET_1)
    assert not OrganismeGestionnaire.objects.exists()


def test_commande_json(referentiel, capsys):
    call_command("import_finess", str(generateur.ET_1), "--json")
    sortie = capsys.readouterr().out.strip().splitlines()
    assert "11 créé(s)" in sortie[1]
    resume = json.loads(sortie[-1])
    assert resume["crees"] == 11 and resume["rejetes"] == 0 and resume["date_extraction"] == "2021-01-08"
    assert resume["secondes"] >= 0


def test_commande_chemin_par_defaut(referentiel, capsys, monkeypatch):
    monkeypatch.setenv("ESMS_FINESS_FILE", str(generateur.ET_1))
    call_command("import_finess")
    assert "ESMS_FINESS_FILE" in capsys.readouterr().out


def test_commande_hors_ligne(referentiel, settings, monkeypatch, tmp_path):
    from django.core.management import CommandError

    monkeypatch.delenv("ESMS_FINESS_FILE", raising=False)
    settings.SHARED_DATA_DIR = tmp_path / "absent"
    settings.FINESS_API = "http://127.0.0.1:9/api/1/datasets/finess/"
    with pytest.raises(CommandError, match="Téléchargement du fichier FINESS impossible, êtes-vous hors ligne ?"):
        call_command("import_finess")


def test_commande_sans_referentiel(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="charger_referentiel"):
        call_command("import_finess", str(generateur.ET_1))


def test_seul_l_administrateur_national_importe(referentiel, make_user):
    from django.core.exceptions import PermissionDenied

    agent = make_user("agent_ars", region="84")
    with pytest.raises(PermissionDenied):
        importer_finess(actor=agent, chemin=generateur.ET_1)
    admin = make_user("admin_national")
    assert importer_finess(actor=admin, chemin=generateur.ET_1).acteur == admin


def test_fichiers_statiques_a_jour():
    for chemin, octets in generateur.fichiers_statiques().items():
        assert chemin.read_bytes() == octets, f"{chemin} : relancez python -m tests.referentiel.generateur"
