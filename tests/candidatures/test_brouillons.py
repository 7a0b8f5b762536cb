"""Draft parameter versions: the form editor (errors placed on their field, nothing written), the comparison
of two versions, the simulation of a draft on the campaign's dossiers (nothing written), publication."""

from __future__ import annotations

import copy
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import yaml
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.urls import reverse

from esms.candidatures import brouillons, regles, services
from esms.candidatures.erreurs import CandidatureRefusee
from esms.candidatures.models import Document, Dossier, VersionParametres
from esms.candidatures.parametres_formulaire import champs
from esms.candidatures.regles import campagne_de, version_en_vigueur
from esms.candidatures.simulation import simuler_campagne
from esms.comptes.models import AuditEvent, Role
from tests import factories

PARIS = ZoneInfo("Europe/Paris")
PIECES = [Document.Type.LETTRE_ENGAGEMENT, Document.Type.CONVENTION_GRAPPE, Document.Type.NON_CUMUL_UE]


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN_NATIONAL, username="admin", password="bon-mot-de-passe-1")


@pytest.fixture
def connecte(client, admin):
    client.login(request=HttpRequest(), username="admin", password="bon-mot-de-passe-1")
    return client


def _post_section(version: VersionParametres, section: str, **valeurs: str | list[str]) -> dict[str, str | list[str]]:
    """The form as the page fills it from `version` (a list: its rows and the empty one), with some values typed over."""
    donnees: dict[str, str | list[str]] = {}
    for champ in champs(section, version.parametres[section]):
        donnees[f"{champ.chemin}__valeur"] = [*champ.lignes, ""] if champ.nature == "liste" else champ.valeur
        if not champ.bloc:
            donnees.update({f"{champ.chemin}__source": champ.source, f"{champ.chemin}__statut": champ.statut,
                            f"{champ.chemin}__note": champ.note})
    donnees.update({f"{cle.replace('__', '.')}__valeur": v for cle, v in valeurs.items()})
    return donnees


def test_a_draft_applies_to_no_dossier_until_published(db, admin):
    v1 = factories.version_2024()
    contenu = {**v1.parametres["grappe"], "taille_min": {**v1.parametres["grappe"]["taille_min"], "valeur": 20}}
    brouillon = brouillons.enregistrer_section(actor=admin, campagne=v1.campagne, section="grappe", contenu=contenu)
    assert brouillon.statut == VersionParametres.Statut.BROUILLON
    assert version_en_vigueur(v1.campagne) == v1
    # A second section goes into the same draft.
    versement = v1.parametres["versement"]
    assert brouillons.enregistrer_section(actor=admin, campagne=v1.campagne, section="versement",
                                          contenu=versement).pk == brouillon.pk
    assert AuditEvent.objects.filter(action="campagnes.brouillon", actor=admin).count() == 2
    publiee = brouillons.publier(actor=admin, version=brouillon, date_effet=date(2024, 1, 2), motif="Annexe 2")
    assert version_en_vigueur(v1.campagne, date(2024, 6, 1)) == publiee
    assert publiee.parametres["grappe"]["taille_min"]["valeur"] == 20
    with pytest.raises(CandidatureRefusee, match="déjà publiée"):
        brouillons.publier(actor=admin, version=publiee, date_effet=date(2024, 1, 3), motif="Encore")


def test_only_the_national_admin_edits_a_draft(ref, make_user):
    v1 = factories.version_2024()
    agent = make_user(Role.AGENT_ARS, region="84")
    with pytest.raises(PermissionDenied):
        brouillons.enregistrer_section(actor=agent, campagne=v1.campagne, section="grappe",
                                       contenu=v1.parametres["grappe"])
    assert not VersionParametres.objects.filter(statut=VersionParametres.Statut.BROUILLON).exists()


def test_form_errors_are_french_on_their_field_and_nothing_is_written(db, connecte):
    v1 = factories.version_2024()
    url = reverse("campagnes:section", args=["2024", "grappe"])
    assert 'name="grappe.taille_min__valeur"' in connecte.get(url).content.decode()
    donnees = _post_section(v1, "grappe", grappe__taille_min="quinze", grappe__taille_min_corse_outre_mer="8")
    donnees["grappe.seuil_national__source"] = ""
    reponse = connecte.post(url, donnees)
    assert reponse.status_code == 400
    html = reponse.content.decode()
    assert 'id="p-grappe-taille_min-erreur"' in html
    assert "Taille min (grappe) : nombre entier attendu (par exemple 15), et non « quinze »" in html
    assert "Seuil national (grappe) : source obligatoire" in html
    # A value the rules refuse for coherence is placed on the field they name.
    donnees = _post_section(v1, "grappe", grappe__taille_min="5", grappe__taille_min_corse_outre_mer="8")
    html = connecte.post(url, donnees).content.decode()
    assert "Taille min corse outre mer (grappe) : ne peut dépasser grappe.taille_min" in html
    assert not VersionParametres.objects.filter(statut=VersionParametres.Statut.BROUILLON).exists()

    reponse = connecte.post(url, _post_section(v1, "grappe", grappe__taille_min="16"))
    assert reponse.status_code == 302
    brouillon = VersionParametres.objects.get(statut=VersionParametres.Statut.BROUILLON)
    assert brouillon.parametres["grappe"]["taille_min"]["valeur"] == 16
    assert brouillon.parametres["calendrier"] == v1.parametres["calendrier"]


def test_comparison_lists_changed_parameters_with_sources(db, admin, connecte):
    v1 = factories.version_2024()
    grappe = v1.parametres["grappe"]
    contenu = {**grappe, "taille_min": {"valeur": 20, "source": "Instruction fictive, annexe 2", "statut": "confirmé"}}
    brouillon = brouillons.enregistrer_section(actor=admin, campagne=v1.campagne, section="grappe", contenu=contenu)
    html = connecte.get(reverse("campagnes:comparer", args=["2024"]),
                        {"a": v1.numero, "b": brouillon.numero}).content.decode()
    assert "1 paramètre diffère" in html
    assert 'data-chemin="grappe.taille_min"' in html
    assert "<del>15</del>" in html and "<ins>20</ins>" in html
    assert "Instruction fictive, annexe 2" in html


@pytest.fixture
def dossier(ref, make_user):
    """A filed, eligible dossier of 15 members in campaign 2024."""
    factories.version_2024()
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    dossier = services.creer_grappe(actor=porteur, campagne_code="2024", porteur=ref.og_ara.pk,
                                    nom="Grappe de l'Ain", solution=factories.solution_referencee("DUI Alpha"))
    ets = factories.etablissements(ref.ain, ref.og_ara, 15)
    services.ajouter_membres(actor=porteur, dossier=dossier, finess_et=[e.pk for e in ets])
    for type_piece in PIECES:
        services.deposer_document(actor=porteur, dossier=dossier, type=type_piece, fichier=factories.pdf_upload())
    dossier = services.deposer(actor=porteur, dossier=dossier, maintenant=datetime(2024, 5, 2, 10, tzinfo=PARIS))
    assert dossier.verdict["eligible"] is True
    return dossier


def test_simulation_of_a_draft_on_filed_dossiers_writes_nothing(dossier, admin, connecte):
    campagne = dossier.grappe.campagne
    v1 = version_en_vigueur(campagne)
    grappe = v1.parametres["grappe"]
    brouillon = brouillons.enregistrer_section(
        actor=admin, campagne=campagne, section="grappe",
        contenu={**grappe, "taille_min": {**grappe["taille_min"], "valeur": 16}})

    resultat = simuler_campagne(campagne, campagne_de(v1), campagne_de(brouillon))
    # The bulk loader feeds the rules what the per-dossier adapter feeds them.
    attendu = regles.evaluer(dossier.grappe, submitted_at=dossier.depose_le, version=brouillon)
    (change,) = resultat.simulation.verdicts_changes
    assert (change.eligible_avant, change.eligible_apres, change.regles) == (True, False, ("grappe.taille",))
    assert resultat.simulation.apres.eligible[0] is attendu["eligible"] is False
    assert resultat.simulation.avant.total[0] == dossier.verdict["financement"]["total"]

    html = connecte.get(reverse("campagnes:simulation", args=["2024"])).content.decode()
    assert dossier.numero in html and "taille minimale de la grappe" in html
    csv = connecte.get(reverse("campagnes:simulation_export", args=["2024", "dossiers", "csv"]))
    assert csv["Content-Type"].startswith("text/csv")
    ligne = csv.content.decode("utf-8-sig").splitlines()[1].split(";")
    assert ligne[0] == dossier.numero and ligne[3:7] == ["oui", "non", "taille minimale de la grappe", "grappe.taille"]
    dossier_relu = Dossier.objects.get(pk=dossier.pk)
    assert dossier_relu.verdict == dossier.verdict and dossier_relu.version_id == v1.pk


def test_command_simulates_a_draft_file_and_locates_errors(dossier, tmp_path):
    parametres = copy.deepcopy(version_en_vigueur(dossier.grappe.campagne).parametres)
    parametres["grappe"]["taille_min"]["valeur"] = 16
    brouillon = tmp_path / "brouillon.yaml"
    brouillon.write_text(yaml.safe_dump(parametres, allow_unicode=True), encoding="utf-8")
    sortie = io.StringIO()
    call_command("simuler", campagne="2024", parametres=brouillon, sortie=tmp_path, stdout=sortie)
    texte = sortie.getvalue()
    assert "Dossiers éligibles : 1 → 0 ; verdicts changés : 1" in texte
    assert f"{dossier.numero} devient non éligible (taille minimale de la grappe)" in texte
    lignes = (tmp_path / "simulation-2024-dossiers.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lignes[1].startswith(f"{dossier.numero};regional;84;oui;non;")

    brouillon.write_text("grappe:\n  taille_min: [\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"brouillon.yaml, ligne \d+, colonne \d+ : YAML invalide"):
        call_command("simuler", campagne="2024", parametres=brouillon)
    parametres["grappe"]["taille_min"]["valeur"] = "seize"
    brouillon.write_text(yaml.safe_dump(parametres, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError, match="brouillon.yaml : grappe.taille_min : "):
        call_command("simuler", campagne="2024", parametres=brouillon)


def test_a_list_is_edited_row_by_row_with_errors_on_its_rows(db, connecte):
    v1 = factories.version_2024()
    url = reverse("campagnes:section", args=["2024", "grappe"])
    regions = v1.parametres["grappe"]["regions_corse_outre_mer"]["valeur"]
    page = connecte.get(url).content.decode()
    assert page.count('name="grappe.regions_corse_outre_mer__valeur"') == len(regions) + 1  # + the empty row
    # a bad code and a duplicate: said on the field, row by row, and nothing written
    html = connecte.post(url, _post_section(v1, "grappe", grappe__regions_corse_outre_mer=[*regions, "9", regions[0]])
                         ).content.decode()
    assert f"ligne {len(regions) + 1} : code « 9 » invalide (par exemple 84)" in html
    assert "un même élément figure deux fois" in html
    assert not VersionParametres.objects.filter(statut=VersionParametres.Statut.BROUILLON).exists()
    # remove the first (emptied row), add one in the empty row
    reponse = connecte.post(url, _post_section(v1, "grappe",
                                               grappe__regions_corse_outre_mer=["", *regions[1:], "84"]))
    assert reponse.status_code == 302
    brouillon = VersionParametres.objects.get(statut=VersionParametres.Statut.BROUILLON)
    assert brouillon.parametres["grappe"]["regions_corse_outre_mer"]["valeur"] == [*regions[1:], "84"]
    # the other lists of the section are kept as they were
    assert (brouillon.parametres["grappe"]["regions_seuil_indicatif"]["valeur"]
            == v1.parametres["grappe"]["regions_seuil_indicatif"]["valeur"])
