"""Envelope pages: state per envelope in scope, ledger lines, creation and dotation by the national admin."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esms.candidatures import services as candidatures
from esms.comptes.models import Role
from esms.financement import services
from esms.financement.models import Enveloppe, LigneEnveloppe
from tests import factories
from tests.pages import texte as html


@pytest.fixture
def env_corse(ref, admin):
    env = services.creer_enveloppe(actor=admin, campagne=factories.campagne(), region=ref.corse)
    services.doter(actor=admin, enveloppe=env, montant=40_000, libelle="Délégation Corse")
    return env


def test_agent_sees_the_envelopes_of_its_region_with_their_state(client, ref, env_ara, env_corse, make_user):
    agent = make_user(Role.AGENT_ARS, region="84")
    dossier = factories.dossier_depose(ref.og_ara, region=ref.ara, montant=100_000)
    candidatures.retenir(actor=agent, dossier=dossier, montant=80_000)
    client.force_login(agent)
    page = html(client.get(reverse("financement:enveloppes")))
    assert env_ara.libelle in page and env_corse.libelle not in page
    assert "250 000 €" in page and "80 000 €" in page and "170 000 €" in page
    assert "Créer une enveloppe" not in page
    detail = html(client.get(reverse("financement:enveloppe", args=[env_ara.pk])))
    assert "Délégation FMIS" in detail and "+250 000 €" in detail and "-80 000 €" in detail
    assert f'href="{reverse("candidatures:dossier", args=[dossier.pk])}"' in detail
    assert str(agent) in detail


def test_the_state_of_every_envelope_comes_from_one_query(client, ref, admin, env_ara, env_corse):
    client.force_login(admin)
    client.get(reverse("financement:enveloppes"))  # warm up the session and the navigation
    with CaptureQueriesContext(connection) as requetes:
        client.get(reverse("financement:enveloppes"), {"campagne": "2024"})
    assert sum("financement_ligneenveloppe" in q["sql"] for q in requetes.captured_queries) == 1


def test_envelope_of_another_region_is_a_404(client, env_ara, env_corse, make_user):
    client.force_login(make_user(Role.AGENT_ARS, region="84"))
    assert client.get(reverse("financement:enveloppe", args=[env_corse.pk])).status_code == 404


def test_porteurs_have_no_envelope_page(client, ref, make_user):
    client.force_login(make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk]))
    assert client.get(reverse("financement:enveloppes")).status_code == 403


def test_admin_creates_an_envelope_and_adds_a_dotation(client, ref, admin):
    camp = factories.campagne()
    client.force_login(admin)
    response = client.post(reverse("financement:creer"), {"campagne": camp.pk, "region": "94", "libelle": ""})
    assert response.status_code == 302
    env = Enveloppe.objects.get(region=ref.corse)
    assert env.libelle == "Enveloppe 2024 – Corse"
    client.post(reverse("financement:creer"), {"campagne": camp.pk, "region": ""})
    assert Enveloppe.objects.filter(region__isnull=True).count() == 1
    donnees = {"enveloppe": env.pk, "montant": "120000", "libelle": "Circulaire"}
    # first the confirmation, with the amount and the balance after it; nothing written yet
    confirmation = html(client.post(reverse("financement:doter"), donnees))
    assert "Confirmer la dotation de 120 000 €" in confirmation and "Enveloppe 2024 – Corse" in confirmation
    assert not LigneEnveloppe.objects.filter(enveloppe=env).exists()
    client.post(reverse("financement:doter"), {**donnees, "confirme": "1"})
    assert LigneEnveloppe.objects.get(enveloppe=env).montant == 120_000
    page = html(client.get(reverse("financement:enveloppes")))
    assert "120 000 €" in page and "Créer une enveloppe" in page


def test_dotation_errors(client, ref, admin, env_ara):
    client.force_login(admin)
    page = html(client.post(reverse("financement:doter"), {"enveloppe": env_ara.pk, "montant": "0", "libelle": ""}))
    assert "Le formulaire contient 2 erreurs" in page
    assert LigneEnveloppe.objects.count() == 1


def test_agents_cannot_create_nor_endow(client, env_ara, make_user):
    client.force_login(make_user(Role.AGENT_ARS, region="84"))
    assert client.post(reverse("financement:doter"), {"enveloppe": env_ara.pk, "montant": "1", "libelle": "x"}
                       ).status_code == 403
    assert client.post(reverse("financement:creer"), {"campagne": env_ara.campagne_id}).status_code == 403
    assert client.get(reverse("financement:doter")).status_code == 405


def test_navigation_shows_dossiers_and_envelopes_by_permission(client, ref, make_user):
    client.force_login(make_user(Role.AGENT_ARS, region="84"))
    page = html(client.get("/"))
    assert 'href="/candidatures/"' in page and 'href="/financement/enveloppes/"' in page
    client.force_login(make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk]))
    page = html(client.get("/"))
    assert 'href="/candidatures/"' in page and 'href="/financement/enveloppes/"' not in page
