"""Vendor routes: indicator submission and evidence upload (multipart), through the usages services, only for
the establishments that authorised the vendor; refused input answers a located French error and writes nothing."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from esms.comptes.models import AuditEvent, Role
from esms.usages import services
from esms.usages.models import Preuve, RapportIndicateurs
from tests.api.conftest import verifier_erreur
from tests.usages.fabrique import DEBUT, FIN, construire_dossier, csv_bytes, evenements

pytestmark = pytest.mark.django_db


@pytest.fixture
def suivi(ref, make_user):
    """A dossier in usage follow-up (15 ARA establishments) and a vendor authorised by its first two."""
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    agent = make_user(Role.AGENT_ARS, region="84")
    suivi = construire_dossier(ref, porteur, agent)
    editeur = make_user(Role.EDITEUR, username="editeur-dui", etablissements=[ref.et_corse[0].pk])
    for finess in suivi.ets[:2]:
        services.autoriser_editeur(actor=porteur, editeur=editeur, finess_et=finess)
    suivi.porteur, suivi.editeur = porteur, editeur
    return suivi


def _rapport(finess: str, **autres) -> dict:
    return {"finess_et": finess, "debut": DEBUT.isoformat(), "fin": FIN.isoformat(), "dui_actifs": 42,
            "valeurs": {"taux_dui_actifs": 0.9, "messages_mssante": "12"}, **autres}


def _poster(appelant, corps) -> object:
    return appelant.post("/usages/indicateurs", json.dumps(corps), content_type="application/json")


def test_un_editeur_transmet_les_indicateurs_d_un_etablissement_qui_l_a_autorise(suivi, jeton):
    reponse = _poster(jeton(suivi.editeur, ["usages:ecrire"]), _rapport(suivi.ets[0]))
    assert reponse.status_code == 201, reponse.content
    corps = reponse.json()
    assert corps["finess_et"] == suivi.ets[0] and corps["dui_actifs"] == 42 and corps["canal"] == "api"
    assert corps["dossier"] == {"id": suivi.dossier.pk, "numero": suivi.dossier.numero}
    assert corps["valeurs"] == {"taux_dui_actifs": "0.9", "messages_mssante": "12"}
    rapport = RapportIndicateurs.objects.get()
    assert rapport.auteur == suivi.editeur
    assert AuditEvent.objects.filter(action="usages.declarer_indicateurs", actor=suivi.editeur).exists()


def test_un_editeur_n_atteint_pas_un_etablissement_qui_ne_l_a_pas_autorise(suivi, jeton):
    appelant = jeton(suivi.editeur, ["usages:ecrire"])
    corps = verifier_erreur(_poster(appelant, _rapport(suivi.ets[5])), 403, "hors_perimetre")
    assert suivi.ets[5] in corps["message"]
    verifier_erreur(appelant.post("/usages/preuves", {"finess_et": suivi.ets[5], "debut": DEBUT, "fin": FIN,
                                                      "fichier": SimpleUploadedFile("e.csv", b"x")}),
                    403, "hors_perimetre")
    assert not RapportIndicateurs.objects.exists()


def test_refus_metier_en_409(suivi, ref, jeton):
    appelant = jeton(suivi.editeur, ["usages:ecrire"])
    corps = verifier_erreur(_poster(appelant, _rapport(ref.et_corse[0].pk)), 409, "refus_metier")
    assert "aucun dossier" in corps["message"]
    corps = verifier_erreur(_poster(appelant, _rapport(suivi.ets[0], valeurs={"inconnu": 1})), 409, "refus_metier")
    assert "inconnu du catalogue" in corps["details"][0]["message"]
    assert not RapportIndicateurs.objects.exists()


@pytest.mark.parametrize("modification, champ", [
    ({"dui_actifs": -1}, "body.rapport.dui_actifs"), ({"debut": "01/10/2024"}, "body.rapport.debut"),
    ({"finess_et": "123"}, "body.rapport.finess_et"), ({"fin": "2024-09-01"}, "body.rapport"),
    ({"valeurs": {"taux": [1]}}, "body.rapport.valeurs.taux"),
])
def test_saisie_invalide_422_localisee(modification, champ, suivi, jeton):
    corps = verifier_erreur(_poster(jeton(suivi.editeur, ["usages:ecrire"]), _rapport(suivi.ets[0], **modification)),
                            422, "donnees_invalides")
    assert champ in {d["champ"] for d in corps["details"]}, corps
    assert not RapportIndicateurs.objects.exists()


def test_json_illisible_400(suivi, jeton):
    reponse = jeton(suivi.editeur, ["usages:ecrire"]).post("/usages/indicateurs", "{pas du json",
                                                          content_type="application/json")
    verifier_erreur(reponse, 400, "requete_illisible")


def test_depot_d_une_preuve(suivi, jeton):
    actifs = {suivi.ets[0]: 3, suivi.ets[1]: 5}
    fichier = SimpleUploadedFile("extraction.csv", csv_bytes(evenements(suivi.ets[:2], actifs)), content_type="text/csv")
    reponse = jeton(suivi.editeur, ["usages:ecrire"]).post(
        "/usages/preuves", {"finess_et": suivi.ets[0], "debut": DEBUT.isoformat(), "fin": FIN.isoformat(),
                            "fichier": fichier})
    assert reponse.status_code == 201, reponse.content
    corps = reponse.json()
    assert corps["dui_actifs"] == actifs and corps["format"] == "csv" and corps["rang_journal"] == 1
    assert corps["dossier"]["id"] == suivi.dossier.pk and len(corps["sha256"]) == 64
    assert Preuve.objects.get().canal == "api"


def test_preuve_contenant_un_etablissement_non_autorisant_403(suivi, jeton):
    """The file itself names an establishment of the grappe that did not authorise the vendor: refused, nothing
    recorded."""
    lignes = evenements([suivi.ets[0], suivi.ets[5]], {suivi.ets[0]: 2, suivi.ets[5]: 2})
    reponse = jeton(suivi.editeur, ["usages:ecrire"]).post(
        "/usages/preuves", {"finess_et": suivi.ets[0], "debut": DEBUT.isoformat(), "fin": FIN.isoformat(),
                            "fichier": SimpleUploadedFile("extraction.csv", csv_bytes(lignes))})
    corps = verifier_erreur(reponse, 403, "hors_perimetre")
    assert suivi.ets[5] in corps["message"]
    assert not Preuve.objects.exists()


@pytest.mark.parametrize("contenu, extrait", [
    (b"%PDF-1.4 pas un csv", "format"),
    (b"usager;finess_et;horodatage\nU1;X;2024-12-01\n", "colonne"),
    ("nom;usager;finess_et;horodatage;type_evenement;role_auteur\nDupont;U1;{et};2024-12-01T10:00:00+01:00;"
     "mise_a_jour;infirmier\n", "identifi"),
])
def test_preuve_refusee_422_et_rien_d_ecrit(contenu, extrait, suivi, jeton):
    if isinstance(contenu, str):
        contenu = contenu.format(et=suivi.ets[0]).encode()
    reponse = jeton(suivi.editeur, ["usages:ecrire"]).post(
        "/usages/preuves", {"finess_et": suivi.ets[0], "debut": DEBUT.isoformat(), "fin": FIN.isoformat(),
                            "fichier": SimpleUploadedFile("extraction.csv", contenu)})
    corps = verifier_erreur(reponse, 422, "donnees_invalides")
    assert extrait in corps["message"].lower(), corps
    assert corps["details"] and corps["details"][0]["champ"] == "fichier"
    assert not Preuve.objects.exists()


def test_depot_sans_fichier_422(suivi, jeton):
    corps = verifier_erreur(jeton(suivi.editeur, ["usages:ecrire"]).post(
        "/usages/preuves", {"finess_et": suivi.ets[0], "debut": DEBUT.isoformat(), "fin": FIN.isoformat()}),
        422, "donnees_invalides")
    assert corps["details"][0]["champ"] == "file.fichier"


def test_un_porteur_transmet_aussi_par_l_api(suivi, jeton):
    reponse = _poster(jeton(suivi.porteur, ["usages:ecrire"]), _rapport(suivi.ets[7]))
    assert reponse.status_code == 201 and reponse.json()["canal"] == "api"


@pytest.mark.parametrize("role", ["ars_ara", "gestionnaire_ara"])
def test_roles_sans_declaration(role, monde, jeton):
    """Roles without `usages.declarer` cannot get the scope; a token forced to hold it is refused (403)."""
    from esms.api.models import JetonAPI

    appelant = jeton(getattr(monde, role), ["referentiel:lire"])
    JetonAPI.objects.update(portees=["usages:ecrire"])
    verifier_erreur(_poster(appelant, _rapport(monde.ref.et_ara[0].pk)), 403, "non_habilite")


@pytest.mark.parametrize("modification, champ", [
    ({"dui_actifs": "1e999999"}, "body.rapport.dui_actifs"), ({"dui_actifs": 12.5}, "body.rapport.dui_actifs"),
    ({"dui_actifs": "12"}, "body.rapport.dui_actifs"), ({"dui_actifs": 10**19}, "body.rapport.dui_actifs"),
    ({"valeurs": {"taux_dui_actifs": "1e999990"}}, "body.rapport.valeurs.taux_dui_actifs"),
    ({"valeurs": {"taux_dui_actifs": 9223372036854775807}}, "body.rapport.valeurs.taux_dui_actifs"),
])
def test_nombres_stricts_422_sans_rien_ecrire(modification, champ, suivi, jeton):
    """Issue 9, point 1: `1e999990` through the API stored 2 MB in the report and 2 MB in the audit event."""
    corps = verifier_erreur(_poster(jeton(suivi.editeur, ["usages:ecrire"]), _rapport(suivi.ets[0], **modification)),
                            422, "donnees_invalides")
    assert champ in {d["champ"] for d in corps["details"]}, corps
    assert not RapportIndicateurs.objects.exists()
    assert not AuditEvent.objects.filter(action="usages.declarer_indicateurs").exists()


def test_exposant_json_brut_refuse(suivi, jeton):
    corps = json.dumps(_rapport(suivi.ets[0])).replace('"dui_actifs": 42', '"dui_actifs": 1e999999')
    reponse = jeton(suivi.editeur, ["usages:ecrire"]).post("/usages/indicateurs", corps, content_type="application/json")
    assert reponse.status_code in (400, 422) and not RapportIndicateurs.objects.exists()
    corps = json.dumps(_rapport(suivi.ets[0])).replace('"taux_dui_actifs": 0.9', '"taux_dui_actifs": 1e999990')
    reponse = jeton(suivi.editeur, ["usages:ecrire"]).post("/usages/indicateurs", corps, content_type="application/json")
    assert reponse.status_code in (400, 422) and not RapportIndicateurs.objects.exists()
