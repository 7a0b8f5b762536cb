"""ProConnect login against a real OpenID provider on loopback: success, wrong nonce, expired token, unknown
user, logout at the provider. No part of the protocol is mocked."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from esms.comptes.models import AuditEvent, Role
from tests.serveurs.oidc import Navigateur, remplacer_parametre


@pytest.fixture
def proconnect(fournisseur_oidc, settings):
    for nom, valeur in fournisseur_oidc.reglages().items():
        setattr(settings, nom, valeur)
    return fournisseur_oidc


@pytest.fixture
def agent(ref, make_user):
    return make_user(Role.AGENT_ARS, username="a.martin", region="84", email="Agent.ARA@ars.sante.fr")


def _demarrer(client) -> str:
    response = client.get(reverse("comptes:proconnect"))
    assert response.status_code == 302
    return response["Location"]


def _refus(client, retour) -> str:
    response = client.get(retour, follow=True)
    assert "_auth_user_id" not in client.session
    return response.content.decode()


def test_agent_signs_in_with_pkce_state_and_nonce(client, proconnect, agent):
    assert "S'identifier avec" in client.get(reverse("comptes:login")).content.decode()
    url = _demarrer(client)
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(proconnect.configuration["authorization_endpoint"])
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32 and params["response_type"] == "code"
    retour = Navigateur().autoriser(url, "agent.ara")
    assert retour.startswith(reverse("comptes:proconnect_retour") + "?code=")
    response = client.get(retour)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == agent.pk
    agent.refresh_from_db()
    assert (agent.first_name, agent.last_name) == ("Alex", "Martin")
    assert AuditEvent.objects.filter(action="comptes.connexion", actor=agent).exists()
    # The state is single use: replaying the provider's answer is refused.
    client.logout()
    assert client.get(retour)["Location"] == reverse("comptes:login")
    assert "_auth_user_id" not in client.session


def test_wrong_nonce_is_refused(client, proconnect, agent):
    url = remplacer_parametre(_demarrer(client), "nonce", "nonce-choisi-par-un-attaquant-0123456789")
    html = _refus(client, Navigateur().autoriser(url, "agent.ara"))
    assert "Connexion ProConnect refusée" in html and "Nonce" in html
    assert AuditEvent.objects.filter(action="comptes.proconnect_refuse").exists()


def test_expired_id_token_is_refused(client, fournisseur_oidc_en_retard, settings, agent):
    for nom, valeur in fournisseur_oidc_en_retard.reglages().items():
        setattr(settings, nom, valeur)
    html = _refus(client, Navigateur().autoriser(_demarrer(client), "agent.ara"))
    assert "Connexion ProConnect refusée" in html and "expired" in html
    assert "expired" in AuditEvent.objects.get(action="comptes.proconnect_refuse").comment


def test_unknown_user_is_refused_and_not_created(client, proconnect, agent, django_user_model):
    comptes = django_user_model.objects.count()
    html = _refus(client, Navigateur().autoriser(_demarrer(client), "inconnu"))
    assert "aucun compte d&#x27;agent actif pour l&#x27;adresse personne@ars.sante.fr" in html
    assert django_user_model.objects.count() == comptes
    assert AuditEvent.objects.get(action="comptes.proconnect_refuse").object_repr == "personne@ars.sante.fr"


def test_a_porteur_account_cannot_be_reached_through_proconnect(client, proconnect, ref, make_user):
    make_user(Role.RESPONSABLE_OG, organismes=[ref.og_ara.pk], email="agent.ara@ars.sante.fr")
    html = _refus(client, Navigateur().autoriser(_demarrer(client), "agent.ara"))
    assert "aucun compte d&#x27;agent actif" in html


def test_logout_ends_the_session_at_the_provider(client, proconnect, agent):
    navigateur = Navigateur()
    url = _demarrer(client)
    client.get(navigateur.autoriser(url, "agent.ara"))
    assert "_auth_user_id" in client.session
    response = client.post(reverse("comptes:logout"))
    assert response["Location"].startswith(proconnect.configuration["end_session_endpoint"] + "?id_token_hint=")
    assert "_auth_user_id" not in client.session
    assert navigateur.deconnecter(response["Location"]).startswith("/?state=")
    # No session left at the provider: a new sign-in asks for the login again.
    assert navigateur.demande_une_connexion(_demarrer(client))
    assert AuditEvent.objects.filter(action="comptes.deconnexion", actor=agent).exists()
