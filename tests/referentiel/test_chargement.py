"""Loading geography and nomenclatures: FINESS département codes, classification, idempotence, audit, errors."""

from __future__ import annotations

import shutil

import pytest
from django.core.management import CommandError, call_command

from esms.comptes.models import AuditEvent
from esms.comptes.permissions import SYSTEME
from esms.referentiel.erreurs import FichierIntrouvable
from esms.referentiel.models import Categorie, Commune, Departement, Region, StatutJuridique
from esms.referentiel.services import charger_referentiel
from tests.referentiel.generateur import DOSSIER_REFERENTIEL


def test_chargement_du_jeu_de_test(referentiel):
    assert referentiel["regions"] == 7  # the COM (975) is left out: no ARS region
    assert Region.objects.get(code="94").est_corse
    assert Region.objects.get(code="04").est_outre_mer
    assert not Region.objects.filter(code="975").exists()
    codes = dict(Departement.objects.values_list("code", "code_finess"))
    assert codes["971"] == "9A" and codes["972"] == "9B" and codes["973"] == "9C" and codes["974"] == "9D"
    assert codes["2A"] == "2A" and codes["01"] == "01"
    assert Departement.objects.get(code="2B").est_corse
    assert Departement.objects.get(code="974").est_outre_mer
    # A current commune wins over a commune déléguée with the same code.
    assert Commune.objects.get(code_insee="01053").nom == "Bourg-en-Bresse"
    assert Commune.objects.filter(code_insee="75113").exists()
    assert StatutJuridique.objects.get(code="60").code_agr1 == "2000"


def test_categories_classees_par_les_regles(referentiel):
    ehpad = Categorie.objects.get(code="500")
    assert ehpad.eligible and ehpad.secteur == "personnes_agees"
    assert "L.312-1" in ehpad.motif_eligibilite and ehpad.source_eligibilite
    assert Categorie.objects.get(code="183").secteur == "handicap_enfants"
    pharmacie = Categorie.objects.get(code="620")
    assert not pharmacie.eligible and pharmacie.secteur == "autre"
    usld = Categorie.objects.get(code="362")
    assert not usld.eligible and "USLD" in usld.motif_eligibilite


def test_chargement_idempotent_et_audite_une_fois(referentiel):
    avant = AuditEvent.objects.filter(action="referentiel.charger").count()
    assert avant == 1
    comptes = charger_referentiel(actor=SYSTEME, dossier=DOSSIER_REFERENTIEL)
    assert comptes == referentiel
    assert Departement.objects.count() == 9 and Categorie.objects.count() == 7
    assert AuditEvent.objects.filter(action="referentiel.charger").count() == 2


def test_fichier_manquant_message_en_francais(db, tmp_path):
    shutil.copytree(DOSSIER_REFERENTIEL, tmp_path / "ref")
    (tmp_path / "ref" / "cog_communes.csv.gz").unlink()
    with pytest.raises(FichierIntrouvable, match="introuvable.*cog_communes.csv.gz"):
        charger_referentiel(actor=SYSTEME, dossier=tmp_path / "ref")
    assert not Region.objects.exists()


def test_commande(db, capsys):
    call_command("charger_referentiel", dossier=str(DOSSIER_REFERENTIEL))
    assert "9 départements" in capsys.readouterr().out
    with pytest.raises(CommandError, match="option --dossier"):
        call_command("charger_referentiel", dossier="/nulle/part")


def test_les_fichiers_livres_avec_la_plateforme_suffisent(db, capsys, settings, tmp_path):
    settings.SHARED_DATA_DIR = tmp_path  # empty: the package's own files are read
    call_command("charger_referentiel")
    sortie = capsys.readouterr().out
    assert "101 départements" in sortie and "312 catégories" in sortie


def test_un_agent_ars_ne_peut_pas_charger(db, make_user, referentiel):
    from django.core.exceptions import PermissionDenied

    agent = make_user("agent_ars", region="84")
    with pytest.raises(PermissionDenied):
        charger_referentiel(actor=agent, dossier=DOSSIER_REFERENTIEL)


@pytest.mark.realdata
def test_chargement_des_donnees_partagees(db, shared_data):
    comptes = charger_referentiel(actor=SYSTEME, dossier=shared_data)
    assert comptes["regions"] == 18 and comptes["departements"] == 101
    assert comptes["categories"] == 312 and comptes["statuts_juridiques"] == 69
    assert comptes["communes"] > 34_000
    assert Departement.objects.get(code="976").code_finess == "9F"
