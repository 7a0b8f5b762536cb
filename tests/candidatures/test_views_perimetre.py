"""Scope: users outside a dossier's scope get 404 on every page, download, export and action of it (never
learning that it exists); the queue's exports never contain it; anonymous users are sent to the login page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from esms.candidatures import services
from esms.candidatures.models import Avis, Dossier
from esms.comptes.models import Role
from esms.financement import services as enveloppes
from tests import factories


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def dossier(ref, make_user):
    """A retained ARA dossier, with a document and an avis."""
    factories.version_parametres()
    porteur = make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk])
    agent = make_user(Role.AGENT_ARS, region="84")
    expert = make_user(Role.AGENT_ARS, region="84")
    admin = make_user(Role.ADMIN_NATIONAL)
    dossier = factories.dossier_brouillon(porteur, ref.og_ara, factories.etablissements(ref.ain, ref.og_ara, 15),
                                          pieces=True)
    services.deposer(actor=porteur, dossier=dossier)
    env = enveloppes.creer_enveloppe(actor=admin, campagne=dossier.grappe.campagne, region=ref.ara)
    enveloppes.doter(actor=admin, enveloppe=env, montant=500_000, libelle="Délégation")
    dossier = Dossier.objects.get(pk=dossier.pk)
    services.appliquer(actor=agent, dossier=dossier, transition="ouvrir_instruction")
    services.demander_avis(actor=agent, dossier=dossier, expert=expert, question="?")
    services.retenir(actor=agent, dossier=Dossier.objects.get(pk=dossier.pk), montant=50_000)
    return Dossier.objects.get(pk=dossier.pk)


def _urls(dossier) -> list[tuple[str, str]]:
    pk = dossier.pk
    document = dossier.documents.first().pk
    avis = Avis.objects.get(dossier=dossier).pk
    return [
        ("get", reverse("candidatures:dossier", args=[pk])),
        ("get", reverse("candidatures:document", args=[pk, document])),
        ("get", reverse("candidatures:convention_pdf", args=[pk])),
        ("get", reverse("candidatures:export_membres", args=[pk, "csv"])),
        ("get", reverse("candidatures:export_membres", args=[pk, "xlsx"])),
        ("get", reverse("candidatures:export_membres", args=[pk, "ods"])),
        ("get", reverse("candidatures:edition", args=[pk])),
        ("get", reverse("candidatures:verdict", args=[pk])),
        ("get", reverse("candidatures:recherche_etablissements", args=[pk]) + "?q=EHPAD"),
        ("post", reverse("candidatures:transition", args=[pk, "ouvrir_suivi_usage"])),
        ("post", reverse("candidatures:transition", args=[pk, "classer_sans_suite"])),
        ("post", reverse("candidatures:message", args=[pk])),
        ("post", reverse("candidatures:annoter", args=[pk])),
        ("post", reverse("candidatures:demander_avis", args=[pk])),
        ("post", reverse("candidatures:rendre_avis", args=[pk, avis])),
        ("post", reverse("candidatures:modifier_grappe", args=[pk])),
        ("post", reverse("candidatures:ajouter_membres", args=[pk])),
        ("post", reverse("candidatures:deposer_document", args=[pk])),
        ("post", reverse("candidatures:deposer", args=[pk])),
        ("post", reverse("candidatures:retirer_membre", args=[pk, dossier.grappe.membres.first().etablissement_id])),
    ]


@pytest.fixture(params=["agent_autre_region", "porteur_autre_ej", "gestionnaire_autre_et"])
def intrus(request, ref, make_user):
    if request.param == "agent_autre_region":
        return make_user(Role.AGENT_ARS, region="94")
    if request.param == "porteur_autre_ej":
        return make_user(Role.RESPONSABLE_OG, organismes=[ref.og_corse.pk])
    return make_user(Role.GESTIONNAIRE_ESSMS, etablissements=[ref.et_corse[0].pk])


def test_outsiders_get_404_on_every_url_of_the_dossier(client, dossier, intrus):
    client.force_login(intrus)
    etat = dossier.etat
    for methode, url in _urls(dossier):
        donnees = {"texte": "x", "commentaire": "x", "question": "x", "nom": "x", "finess": "x"} if methode == "post" else {}
        response = getattr(client, methode)(url, donnees)
        assert response.status_code == 404, (methode, url, response.status_code)
        assert "La page demandée n" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.etat == etat


def test_insiders_reach_the_read_urls(client, dossier):
    agent = dossier.instructeur
    client.force_login(agent)
    for methode, url in _urls(dossier)[:6]:
        assert getattr(client, methode)(url).status_code == 200, url


@pytest.mark.parametrize("format", ["csv", "xlsx", "ods"])
def test_queue_exports_never_contain_dossiers_out_of_scope(client, dossier, make_user, format):
    client.force_login(make_user(Role.AGENT_ARS, region="94"))
    response = client.get(reverse("candidatures:export", args=[format]))
    assert response.status_code == 200
    assert dossier.numero.encode() not in response.content
    client.force_login(dossier.instructeur)
    response = client.get(reverse("candidatures:export", args=["csv"]))
    assert dossier.numero in response.content.decode("utf-8-sig")


def test_anonymous_users_are_sent_to_login(client, dossier):
    for _methode, url in _urls(dossier)[:3]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("comptes:login") in response["Location"]


def test_post_only_and_csrf(dossier):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(dossier.instructeur)
    url = reverse("candidatures:annoter", args=[dossier.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"texte": "sans jeton"}).status_code == 403
    assert not dossier.annotations.exists()
