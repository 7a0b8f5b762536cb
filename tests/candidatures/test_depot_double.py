"""A dossier is filed once: the service refuses a second filing, and the filing form sent twice at the same moment
(double click, two tabs) files it once and answers both with the dossier page."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from esms.candidatures import services
from esms.candidatures.models import Dossier, Transition
from esms.candidatures.workflow import TransitionInterdite
from esms.comptes.models import AuditEvent, Role
from tests import factories


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _brouillon(ref, make_user):
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    factories.version_parametres()
    brouillon = factories.dossier_brouillon(porteur, ref.og_ara, factories.etablissements(ref.ain, ref.og_ara, 15),
                                            pieces=True)
    return porteur, brouillon


@pytest.mark.django_db
def test_deposer_deux_fois_refuse_le_second_sans_rien_ecrire(ref, make_user):
    porteur, brouillon = _brouillon(ref, make_user)
    depose = services.deposer(actor=porteur, dossier=brouillon)
    with pytest.raises(TransitionInterdite, match="déposé"):
        services.deposer(actor=porteur, dossier=brouillon)  # the stale object still says « brouillon »
    depose.refresh_from_db()
    assert depose.etat == "depose" and depose.numero
    assert Transition.objects.filter(dossier=depose, nom="deposer").count() == 1
    assert AuditEvent.objects.filter(action="dossiers.deposer", object_id=str(depose.pk)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_formulaire_de_depot_envoye_deux_fois_en_meme_temps(ref, make_user):
    porteur, brouillon = _brouillon(ref, make_user)
    url = reverse("candidatures:deposer", args=[brouillon.pk])
    barriere = threading.Barrier(2)
    reponses: list = []
    verrou = threading.Lock()

    def envoyer():
        client = Client()
        client.force_login(porteur)
        try:
            barriere.wait()
            reponse = client.post(url, {"confirmation": "on"})
            resultat = (reponse.status_code, reponse.get("Location"))
        except Exception as exc:  # any failure must fail the test, with its reason
            resultat = (f"erreur {type(exc).__name__}: {exc}", None)
        finally:
            connections.close_all()
        with verrou:
            reponses.append(resultat)

    fils = [threading.Thread(target=envoyer) for _ in range(2)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=120)
    page = reverse("candidatures:dossier", args=[brouillon.pk])
    assert reponses == [(302, page), (302, page)], reponses
    dossier = Dossier.objects.get(pk=brouillon.pk)
    assert dossier.etat == "depose" and dossier.numero
    assert Transition.objects.filter(dossier=dossier, nom="deposer").count() == 1
    assert AuditEvent.objects.filter(action="dossiers.deposer", object_id=str(dossier.pk)).count() == 1


@pytest.mark.django_db
def test_apres_le_depot_le_formulaire_renvoie_a_la_page_du_dossier(ref, make_user, client):
    porteur, brouillon = _brouillon(ref, make_user)
    client.force_login(porteur)
    url = reverse("candidatures:deposer", args=[brouillon.pk])
    assert client.post(url, {"confirmation": "on"}).status_code == 302
    reponse = client.post(url, {"confirmation": "on"}, follow=True)
    assert reponse.redirect_chain[-1][0] == reverse("candidatures:dossier", args=[brouillon.pk])
    assert "est déjà déposé" in reponse.content.decode()
    assert Transition.objects.filter(dossier=brouillon, nom="deposer").count() == 1
