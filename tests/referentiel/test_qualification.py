"""Qualification of an establishment's sector: region-scoped write, mandatory reason, audited before/after."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from esms.comptes.models import AuditEvent, Role
from esms.comptes.permissions import SYSTEME
from esms.referentiel.models import Etablissement
from esms.referentiel.services import importer_finess, qualifier_etablissement
from tests.referentiel import generateur
from tests.referentiel.generateur import numero

EHPAD_AIN = numero("01", 1)


@pytest.fixture
def agent_ara(utilisateur):
    return utilisateur(Role.AGENT_ARS, region="84")


@pytest.fixture
def agent_corse(utilisateur):
    return utilisateur(Role.AGENT_ARS, region="94")


def test_agent_de_la_region_qualifie(importe, agent_ara):
    et = qualifier_etablissement(actor=agent_ara, finess_et=EHPAD_AIN, secteur="domicile",
                                 motif="Activité principale de SAAD constatée lors de l'inspection")
    assert et.secteur == "domicile" and et.qualifie_par == agent_ara and et.qualifie_le is not None
    evenement = AuditEvent.objects.get(action="referentiel.qualifier", object_id=EHPAD_AIN)
    assert evenement.actor == agent_ara
    assert evenement.before["secteur"] == "personnes_agees" and evenement.after["secteur"] == "domicile"
    assert "inspection" in evenement.comment


def test_agent_d_une_autre_region_refuse(importe, agent_corse):
    with pytest.raises(PermissionDenied):
        qualifier_etablissement(actor=agent_corse, finess_et=EHPAD_AIN, secteur="domicile", motif="Essai")
    assert Etablissement.objects.get(pk=EHPAD_AIN).secteur_qualifie == ""
    assert not AuditEvent.objects.filter(action="referentiel.qualifier").exists()


def test_vue_403_pour_une_autre_region(client, importe, agent_corse):
    client.force_login(agent_corse)
    page = client.get(reverse("referentiel:etablissement", args=[EHPAD_AIN])).content.decode()
    assert "Qualifier l'établissement" not in page
    reponse = client.post(reverse("referentiel:qualifier", args=[EHPAD_AIN]), {"secteur": "domicile", "motif": "x"})
    assert reponse.status_code == 403
    assert not AuditEvent.objects.filter(action="referentiel.qualifier").exists()


def test_vue_pour_l_agent_de_la_region(client, importe, agent_ara):
    client.force_login(agent_ara)
    url = reverse("referentiel:etablissement", args=[EHPAD_AIN])
    assert "Qualifier l'établissement" in client.get(url).content.decode()
    sans_motif = client.post(reverse("referentiel:qualifier", args=[EHPAD_AIN]), {"secteur": "domicile", "motif": ""})
    assert sans_motif.status_code == 400
    assert "Le motif de la qualification est obligatoire." in sans_motif.content.decode()
    reponse = client.post(reverse("referentiel:qualifier", args=[EHPAD_AIN]),
                          {"secteur": "domicile", "motif": "Service à domicile"}, follow=True)
    html = reponse.content.decode()
    assert "La qualification de l&#x27;établissement est enregistrée." in html
    assert "Services à domicile" in html and "Motif : Service à domicile" in html


def test_motif_obligatoire_et_secteur_connu(importe, agent_ara):
    with pytest.raises(ValidationError) as erreur:
        qualifier_etablissement(actor=agent_ara, finess_et=EHPAD_AIN, secteur="inconnu", motif=" ")
    assert set(erreur.value.message_dict) == {"secteur", "motif"}
    with pytest.raises(ValidationError, match="déjà celui"):
        qualifier_etablissement(actor=agent_ara, finess_et=EHPAD_AIN, secteur="personnes_agees", motif="Rien")


def test_porteur_et_anonyme_refuses(importe, utilisateur):
    porteur = utilisateur(Role.RESPONSABLE_OG, organismes=[generateur.EJ_AIN])
    with pytest.raises(PermissionDenied):
        qualifier_etablissement(actor=porteur, finess_et=EHPAD_AIN, secteur="domicile", motif="x")
    with pytest.raises(PermissionDenied):
        qualifier_etablissement(actor=None, finess_et=EHPAD_AIN, secteur="domicile", motif="x")


def test_administrateur_national_et_retour_au_secteur_de_la_categorie(importe, admin, client):
    qualifier_etablissement(actor=admin, finess_et=numero("2A", 1), secteur="ahi", motif="Accueil de jour AHI")
    client.force_login(admin)
    reponse = client.get(reverse("referentiel:recherche"), {"secteur": "ahi"})
    # The CHRS is AHI by its category; the EHPAD only by its qualification.
    assert sorted(et.finess_et for et in reponse.context["page_obj"]) == sorted([numero("69", 1), numero("2A", 1)])
    et = qualifier_etablissement(actor=admin, finess_et=numero("2A", 1), secteur="", motif="Erreur de saisie")
    assert et.secteur_qualifie == "" and et.secteur == "personnes_agees"
    assert AuditEvent.objects.filter(action="referentiel.qualifier").count() == 2


def test_l_import_conserve_la_qualification(importe, admin):
    qualifier_etablissement(actor=admin, finess_et=EHPAD_AIN, secteur="domicile", motif="Qualifié")
    importer_finess(actor=SYSTEME, chemin=generateur.ET_2, confirmer=True)  # changes this EHPAD's telephone
    et = Etablissement.objects.get(pk=EHPAD_AIN)
    assert et.telephone == "0474999999" and et.secteur_qualifie == "domicile"
