"""FINESS+ Structures (JSON) import: the published example, streaming, schema and platform checks, snapshot vs
daily flow, hold for confirmation, rollback and field history."""

from __future__ import annotations

import copy
import gzip
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from esms.comptes.permissions import SYSTEME
from esms.referentiel import chargement
from esms.referentiel.erreurs import ErreurImport, ImportRefuse
from esms.referentiel.importer import format_plus
from esms.referentiel.models import (
    ChangementFiness,
    Etablissement,
    GroupeFiness,
    ImportFiness,
    MembreGroupe,
    OrganismeGestionnaire,
)
from esms.referentiel.services import annuler_import, charger_referentiel, confirmer_import, importer_finess

EXEMPLE = format_plus.SCHEMA.parent / "finess-plus" / "sample-finess-structures-journalier-20260309.json"


@pytest.fixture(scope="session")
def dossier_nomenclatures(tmp_path_factory):
    """The package's reference files, communes cut down to Ain and Corse-du-Sud (loading all 37 590 takes
    seconds; the importer does not read communes)."""
    dossier = tmp_path_factory.mktemp("nomenclatures")
    for fichier in chargement.FICHIERS:
        shutil.copy(chargement.DOSSIER_PAQUET / fichier, dossier / fichier)
    with gzip.open(chargement.DOSSIER_PAQUET / chargement.FICHIER_COMMUNES, "rt", encoding="utf-8") as flux:
        lignes = [ligne for rang, ligne in enumerate(flux) if rang == 0 or ligne.split(";")[3] in ("01", "2A")]
    with gzip.open(dossier / chargement.FICHIER_COMMUNES, "wt", encoding="utf-8") as flux:
        flux.writelines(lignes)
    return dossier


@pytest.fixture
def nomenclatures(db, dossier_nomenclatures):
    """The geography and nomenclatures shipped in the package."""
    return charger_referentiel(actor=SYSTEME, dossier=dossier_nomenclatures)


@pytest.fixture
def exemple() -> dict:
    return json.loads(EXEMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def ecrire_json(tmp_path):
    def _ecrire(document: dict, nom: str = "finess-structures-journalier-20260310.json", compresse: bool = False):
        chemin = tmp_path / (nom + (".gz" if compresse else ""))
        octets = json.dumps(document, ensure_ascii=False).encode()
        chemin.write_bytes(gzip.compress(octets) if compresse else octets)
        return chemin

    return _ecrire


def _ege(document: dict, numero: str) -> dict:
    return next(e for p in document["pmej"] for e in p["ege"] if e["informationsGeneralesEGE"]["numFinessEge"] == numero)


def test_l_exemple_publie_s_importe_en_entier(nomenclatures):
    resultat = importer_finess(actor=SYSTEME, chemin=EXEMPLE)
    assert resultat.statut == ImportFiness.Statut.REUSSI and resultat.type_fichier == "plus"
    assert resultat.nature == ImportFiness.Nature.FLUX  # « journalier » in the name
    assert resultat.date_extraction == date(2026, 3, 9)
    # 27 EGE, of which the two Wallis-et-Futuna hospitals are out of scope; 23 PMEJ minus the Wallis agency.
    assert resultat.details["hors_perimetre"] == {"Wallis-et-Futuna": 2}
    assert resultat.nb_rejetes == 0 and resultat.nb_crees == 25
    assert Etablissement.objects.count() == 25 and OrganismeGestionnaire.objects.count() == 22
    assert not Etablissement.objects.filter(pk__startswith="98").exists()
    clinique = Etablissement.objects.get(pk="010780195")
    assert (clinique.raison_sociale, clinique.raison_sociale_longue) == ("CLINIQUE CONVERT", "CLINIQUE DOCTEUR CONVERT")
    assert (clinique.categorie_id, clinique.siret, clinique.code_commune) == ("365", "77220148900022", "01053")
    assert (clinique.departement_id, clinique.region_id, clinique.organisme_id) == ("01", "84", "010000156")
    assert clinique.ligne_acheminement == "01000 BOURG EN BRESSE" and clinique.lieu_dit_bp == "BP 132"
    assert (clinique.latitude, clinique.longitude) == (46.211257, 5.254203)
    assert (clinique.coord_x, clinique.coord_y) == (873766.07, 6570414.61)  # X/Y swapped back
    assert json.loads(clinique.evenements) == [["003", "1956-11-16"], ["007", "1956-11-16"]]
    organisme = OrganismeGestionnaire.objects.get(pk="010000016")
    assert organisme.raison_sociale == "MAISON DE RETRAITE - DIVONNE-LES-BAINS"
    assert (organisme.siren, organisme.statut_juridique_id, organisme.code_ape) == ("260104633", "21", "87.10A")
    assert not organisme.ouvert and organisme.date_fermeture == date(2019, 3, 3)
    # An EGE's state is independent of its PMEJ's: 010000339 is closed, its EHPAD is open.
    assert Etablissement.objects.get(pk="010780906").ouvert
    assert GroupeFiness.objects.filter(type_groupe="GCC").count() == 5
    assert GroupeFiness.objects.filter(type_groupe="GCO").count() == 14
    assert GroupeFiness.objects.get(identifiant="GCC-1").membres.count() == 9


def test_gzip_et_reimport_sans_ecriture(nomenclatures, exemple, ecrire_json):
    chemin = ecrire_json(exemple, compresse=True)
    premier = importer_finess(actor=SYSTEME, chemin=chemin)
    assert premier.nb_crees == 25
    second = importer_finess(actor=SYSTEME, chemin=chemin)
    assert (second.nb_crees, second.nb_modifies, second.nb_fermes) == (0, 0, 0)
    assert second.statut == ImportFiness.Statut.REUSSI  # same date but nothing to change: not held
    assert not ChangementFiness.objects.exists()


def test_erreur_de_schema_localisee_rien_d_ecrit(nomenclatures, exemple, ecrire_json):
    exemple["pmej"][5]["ege"][1]["informationsGeneralesEGE"]["numFinessEge"] = "12345"
    with pytest.raises(ErreurImport, match=r"^pmej\[5\]\.ege\[1\]\.informationsGeneralesEGE\.numFinessEge : "
                                           r"valeur « 12345 » .*schéma FINESS\+"):
        importer_finess(actor=SYSTEME, chemin=ecrire_json(exemple))
    assert not Etablissement.objects.exists() and not OrganismeGestionnaire.objects.exists()
    assert ImportFiness.objects.get().statut == ImportFiness.Statut.ECHOUE


def test_propriete_obligatoire_absente(nomenclatures, exemple, ecrire_json):
    del exemple["pmej"][2]["informationsGeneralesPMEJ"]["denominationPm"]
    with pytest.raises(ErreurImport, match=r"^pmej\[2\]\.informationsGeneralesPMEJ\.denominationPm : propriété "
                                           "obligatoire « denominationPm » absente"):
        importer_finess(actor=SYSTEME, chemin=ecrire_json(exemple))


def test_regles_de_la_plateforme_et_skip_invalid(nomenclatures, exemple, ecrire_json):
    ege = _ege(exemple, "010780195")
    ege["informationsGeneralesEGE"]["numFinessEge"] = "010780196"  # wrong Luhn key
    _ege(exemple, "010780211")["categorieentiteGeographiqueExercice"] = "999"
    chemin = ecrire_json(exemple)
    with pytest.raises(ErreurImport, match=r"numFinessEge : clé de contrôle FINESS invalide \(010780196\)"):
        importer_finess(actor=SYSTEME, chemin=chemin)
    resultat = importer_finess(actor=SYSTEME, chemin=chemin, ignorer_invalides=True)
    assert resultat.nb_crees == 23 and resultat.nb_rejetes == 2
    rapport = Path(resultat.rapport_rejets).read_text(encoding="utf-8-sig")
    assert "categorieentiteGeographiqueExercice" in rapport and "catégorie d'établissement inconnue" in rapport


def test_cle_corse_acceptee(nomenclatures, exemple, ecrire_json):
    from esms.rules.finess import cle_finess

    numero = "2A000001" + cle_finess("2A000001")
    ege = copy.deepcopy(_ege(exemple, "010780195"))
    ege["informationsGeneralesEGE"]["numFinessEge"] = numero
    exemple["pmej"][1]["ege"].append(ege)
    importer_finess(actor=SYSTEME, chemin=ecrire_json(exemple))
    corse = Etablissement.objects.get(pk=numero)
    assert (corse.departement_id, corse.region_id) == ("2A", "94")


def test_instantane_ferme_les_absents_flux_jamais(nomenclatures, exemple, ecrire_json):
    importer_finess(actor=SYSTEME, chemin=EXEMPLE)
    reduit = copy.deepcopy(exemple)
    reduit["generatedAt"] = "2026-03-10T03:00:00Z"
    reduit["pmej"] = [p for p in reduit["pmej"] if p["informationsGeneralesPMEJ"]["numFinessPm"] != "010000255"]
    ouverts = Etablissement.objects.filter(organisme_id="010000255", ouvert=True)
    assert ouverts.count() == 4  # of 5: one is closed in the example
    flux = importer_finess(actor=SYSTEME, chemin=ecrire_json(reduit), nature="flux")
    assert flux.nb_fermes == 0 and ouverts.count() == 4
    reduit["generatedAt"] = "2026-04-01T03:00:00Z"
    instantane = importer_finess(actor=SYSTEME, chemin=ecrire_json(reduit, "finess-structures-mensuel-202604.json"),
                                 confirmer=True)
    assert instantane.nature == ImportFiness.Nature.INSTANTANE and instantane.nb_fermes == 4
    assert not ouverts.exists()
    assert Etablissement.objects.filter(organisme_id="010000255", ferme_le=date(2026, 4, 1)).count() == 4


def test_fermeture_massive_mise_en_attente_puis_confirmee(nomenclatures, exemple, ecrire_json, admin):
    importer_finess(actor=SYSTEME, chemin=EXEMPLE)
    reduit = copy.deepcopy(exemple)
    reduit["generatedAt"] = "2026-04-01T03:00:00Z"
    reduit["pmej"] = reduit["pmej"][:3]
    avant = sorted(Etablissement.objects.values_list("pk", "ouvert"))
    attente = importer_finess(actor=SYSTEME, chemin=ecrire_json(reduit), nature="instantane")
    assert attente.statut == ImportFiness.Statut.A_CONFIRMER
    assert "au-delà du seuil de 2,0 %" in attente.motif_attente
    assert sorted(Etablissement.objects.values_list("pk", "ouvert")) == avant  # nothing closed
    fermes = attente.apercu["fermes"]
    assert fermes["total"] == attente.nb_fermes > 0
    assert fermes["par_region"] == [["Auvergne-Rhône-Alpes", fermes["total"]]]
    assert len(fermes["premieres"]) == min(20, fermes["total"])
    applique = confirmer_import(actor=admin, pk=attente.pk)
    assert applique.pk == attente.pk and applique.statut == ImportFiness.Statut.REUSSI
    assert applique.confirme_par == admin and applique.nb_fermes == fermes["total"]
    with pytest.raises(ImportRefuse, match="n'est pas en attente"):
        confirmer_import(actor=admin, pk=attente.pk)


def test_annulation_et_historique(nomenclatures, exemple, ecrire_json, admin):
    premier = importer_finess(actor=SYSTEME, chemin=EXEMPLE)
    etat_initial = sorted(Etablissement.objects.values_list())
    organismes_initiaux = sorted(OrganismeGestionnaire.objects.values_list())
    suivant = copy.deepcopy(exemple)
    suivant["generatedAt"] = "2026-03-10T03:00:00Z"
    _ege(suivant, "010780195")["informationsGeneralesEGE"]["nomEgeCourt"] = "CLINIQUE CONVERT RENOMMEE"
    _ege(suivant, "010780906")["etatObjet"] = "I"
    _ege(suivant, "010780906")["informationsGeneralesEGE"]["dateFermeture"] = "2026-03-10"
    suivant["pmej"][1]["informationsGeneralesPMEJ"]["denominationPm"] = "NOUVEAU NOM"
    resultat = importer_finess(actor=SYSTEME, chemin=ecrire_json(suivant), confirmer=True)  # 1 closure of 16: > 2 %
    assert resultat.statut == ImportFiness.Statut.REUSSI
    assert (resultat.nb_crees, resultat.nb_modifies, resultat.nb_fermes) == (0, 2, 1)
    changement = ChangementFiness.objects.get(cle="010780195", champ="raison_sociale")
    assert (json.loads(changement.avant), json.loads(changement.apres)) == ("CLINIQUE CONVERT",
                                                                             "CLINIQUE CONVERT RENOMMEE")
    assert ChangementFiness.objects.filter(objet="ej", cle="010000156", champ="raison_sociale").exists()
    with pytest.raises(ImportRefuse, match=f"l'import n° {resultat.pk}, appliqué après celui-ci"):
        annuler_import(actor=admin, pk=premier.pk)
    annuler_import(actor=admin, pk=resultat.pk)
    assert sorted(Etablissement.objects.values_list()) == etat_initial
    assert sorted(OrganismeGestionnaire.objects.values_list()) == organismes_initiaux
    annuler_import(actor=admin, pk=premier.pk)
    assert not Etablissement.objects.exists() and not OrganismeGestionnaire.objects.exists()
    assert ImportFiness.objects.get(pk=premier.pk).statut == ImportFiness.Statut.ANNULE


def _groupes() -> tuple[list, list]:
    return (sorted(GroupeFiness.objects.values_list()),
            sorted(MembreGroupe.objects.values_list("groupe_id", "pm_smsse_id", "ege_id", "role")))


def test_annulation_restaure_les_groupes_et_leurs_membres(nomenclatures, exemple, ecrire_json, admin):
    premier = importer_finess(actor=SYSTEME, chemin=EXEMPLE)
    etat_initial = _groupes()
    assert len(etat_initial[0]) == 19 and etat_initial[1]
    suivant = copy.deepcopy(exemple)
    suivant["generatedAt"] = "2026-03-10T03:00:00Z"
    suivant["gcc"][0]["nomGcc"] = "GCC RENOMME"
    retire = suivant["gcc"][0]["pmejDuGcc"].pop()
    suivant["gco"][0]["pmejDuGco"].append({"pmSmsseId": "1", "typeRoleEntiteGroupe": "M"})
    suivant["gcc"].append({**copy.deepcopy(exemple["gcc"][1]), "gccId": "999", "nomGcc": "GCC NOUVEAU"})
    suivant["gcc"][1]["etatObjet"] = "I"
    resultat = importer_finess(actor=SYSTEME, chemin=ecrire_json(suivant))
    assert resultat.statut == ImportFiness.Statut.REUSSI and resultat.details["groupes_modifies"] == 4
    gcc = GroupeFiness.objects.get(pk="GCC-1")
    assert gcc.nom == "GCC RENOMME" and gcc.dernier_import_id == resultat.pk
    assert not gcc.membres.filter(pm_smsse_id=retire["pmSmsseId"]).exists()
    assert GroupeFiness.objects.get(pk="GCO-403").membres.filter(pm_smsse_id="1").exists()
    assert not GroupeFiness.objects.get(pk="GCC-2").ouvert and GroupeFiness.objects.filter(pk="GCC-999").exists()
    assert ChangementFiness.objects.filter(import_finess=resultat, objet="gr").count() == 3  # the new one has none

    # Unchanged groups are not rewritten: a re-import of the same state writes no group row.
    avant_reimport = _groupes()
    importer_finess(actor=SYSTEME, chemin=ecrire_json(suivant, "finess-structures-journalier-20260310-bis.json"))
    assert _groupes() == avant_reimport
    assert ChangementFiness.objects.filter(objet="gr").count() == 3

    comptes = annuler_import(actor=admin, pk=ImportFiness.objects.filter(statut="reussi").latest("pk").pk)
    assert (comptes.details["annulation"]["groupes_restaures"], comptes.details["annulation"]["groupes_supprimes"]) \
        == (0, 0)
    comptes = annuler_import(actor=admin, pk=resultat.pk)
    assert (comptes.details["annulation"]["groupes_restaures"], comptes.details["annulation"]["groupes_supprimes"]) \
        == (3, 1)
    assert _groupes() == etat_initial  # fields, members and dernier_import as before
    annuler_import(actor=admin, pk=premier.pk)
    assert _groupes() == ([], [])


def test_commande_confirmer_et_annuler(nomenclatures, exemple, ecrire_json, capsys):
    call_command("import_finess", str(EXEMPLE))
    avant = sorted(Etablissement.objects.values_list("pk", "ouvert", "ferme_le"))
    reduit = copy.deepcopy(exemple)
    reduit["generatedAt"] = "2026-04-01T03:00:00Z"
    reduit["pmej"] = reduit["pmej"][:2]
    call_command("import_finess", str(ecrire_json(reduit)), "--nature", "instantane", "--json")
    sortie = capsys.readouterr().out
    attente = json.loads(sortie.strip().splitlines()[-1])
    assert attente["statut"] == "a_confirmer" and "EN ATTENTE DE CONFIRMATION" in sortie
    call_command("import_finess", "--confirmer", str(attente["import"]))
    assert "réussi" in capsys.readouterr().out
    call_command("import_finess", "--annuler", str(attente["import"]))
    assert "annulé" in capsys.readouterr().out
    assert sorted(Etablissement.objects.values_list("pk", "ouvert", "ferme_le")) == avant
    with pytest.raises(CommandError, match="n'est pas un import appliqué"):
        call_command("import_finess", "--annuler", str(attente["import"]))


# ---------------------------------------------------------------------------------------------------------------
# Pages


def test_pages_attente_confirmation_annulation_historique(nomenclatures, exemple, ecrire_json, client_admin,
                                                          utilisateur):
    from django.urls import reverse

    from esms.comptes.models import Role

    importer_finess(actor=SYSTEME, chemin=EXEMPLE)
    reduit = copy.deepcopy(exemple)
    reduit["generatedAt"] = "2026-04-01T03:00:00Z"
    _ege(reduit, "010780195")["informationsGeneralesEGE"]["nomEgeCourt"] = "CLINIQUE CONVERT RENOMMEE"
    reduit["pmej"] = reduit["pmej"][:3]
    attente = importer_finess(actor=SYSTEME, chemin=ecrire_json(reduit), nature="instantane")
    page = client_admin.get(reverse("referentiel:import", args=[attente.pk])).content.decode()
    assert "Import en attente de confirmation" in page, page[page.find("<main"):page.find("<main")+3000]
    assert "Établissements fermés" in page and "Auvergne-Rhône-Alpes" in page and "Confirmer et appliquer" in page
    assert "À confirmer" in client_admin.get(reverse("referentiel:imports")).content.decode()

    agent = utilisateur(Role.AGENT_ARS, region="84")
    client_admin.force_login(agent)
    assert client_admin.post(reverse("referentiel:confirmer", args=[attente.pk])).status_code == 403
    assert ImportFiness.objects.get(pk=attente.pk).statut == ImportFiness.Statut.A_CONFIRMER

    admin = utilisateur(Role.ADMIN_NATIONAL, username="admin2")
    client_admin.force_login(admin)
    client_admin.post(reverse("referentiel:confirmer", args=[attente.pk]))
    assert ImportFiness.objects.get(pk=attente.pk).statut == ImportFiness.Statut.REUSSI
    fiche = client_admin.get(reverse("referentiel:etablissement", args=["010780195"])).content.decode()
    assert "Historique des imports FINESS" in fiche and "CLINIQUE CONVERT RENOMMEE" in fiche
    client_admin.post(reverse("referentiel:annuler", args=[attente.pk]))
    assert ImportFiness.objects.get(pk=attente.pk).statut == ImportFiness.Statut.ANNULE
    assert Etablissement.objects.get(pk="010780195").raison_sociale == "CLINIQUE CONVERT"


def test_page_organisme_nom_siren_et_groupes(nomenclatures, exemple, ecrire_json, client_admin):
    from django.urls import reverse

    # Make one GCC point to an organisme of the file (the published sample's groups point elsewhere).
    exemple["gcc"][0]["pmejDuGcc"].append({"pmSmsseId": "1", "typeRoleEntiteGroupe": "M"})
    importer_finess(actor=SYSTEME, chemin=ecrire_json(exemple))
    page = client_admin.get(reverse("referentiel:organisme", args=["010000016"])).content.decode()
    assert "MAISON DE RETRAITE - DIVONNE-LES-BAINS" in page and "260104633" in page
    assert "GCC 21-52 Côte d&#x27;Or-Haute-Marne" in page
