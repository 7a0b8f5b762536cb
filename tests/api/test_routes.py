"""Every route, whatever its scope: anonymous → 401, malformed/unknown/revoked/expired token or inactive account
→ 401, token without the route's scope → 403, always with the French error body and its stable code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from esms.api import services
from esms.api.api import api
from esms.api.forms import portees_ouvertes
from esms.api.models import JetonAPI
from tests.api.conftest import verifier_erreur
from tests.api.routes import ROUTES

pytestmark = pytest.mark.django_db


def test_la_table_des_routes_couvre_chaque_operation():
    document = api.get_openapi_schema()
    operations = {(methode.upper(), chemin.removeprefix("/api/v1"))
                  for chemin, ops in document["paths"].items() for methode in ops}
    assert operations == {(r.methode, r.gabarit) for r in ROUTES}


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonyme_recoit_401(route, monde, anonyme):
    reponse = anonyme.requete(route.methode, route.adresse(monde))
    verifier_erreur(reponse, 401, "non_authentifie")
    assert reponse["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("route", ROUTES, ids=str)
@pytest.mark.parametrize("entete", ["Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer esms_pasunjeton",
                                    "Bearer esms_0123456789_" + "x" * 43])
def test_jeton_mal_forme_ou_inconnu_recoit_401(route, entete, monde, client):
    reponse = client.generic(route.methode, f"/api/v1{route.adresse(monde)}", HTTP_AUTHORIZATION=entete)
    verifier_erreur(reponse, 401, "non_authentifie" if entete.startswith("Basic") else "jeton_invalide")


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_jeton_revoque_recoit_401(route, monde, jeton):
    appelant = jeton(monde.admin)
    services.revoquer_jeton(actor=monde.admin, jeton=JetonAPI.objects.get())
    verifier_erreur(appelant.requete(route.methode, route.adresse(monde)), 401, "jeton_revoque")


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_jeton_expire_recoit_401(route, monde, jeton):
    appelant = jeton(monde.admin, expire_dans=timedelta(days=1))
    JetonAPI.objects.update(expire_le=timezone.now() - timedelta(seconds=1))
    verifier_erreur(appelant.requete(route.methode, route.adresse(monde)), 401, "jeton_expire")


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_compte_desactive_recoit_401(route, monde, jeton):
    appelant = jeton(monde.admin)
    monde.admin.is_active = False
    monde.admin.save()
    verifier_erreur(appelant.requete(route.methode, route.adresse(monde)), 401, "compte_inactif")


@pytest.mark.parametrize("route", [r for r in ROUTES if r.portee], ids=str)
def test_jeton_sans_la_portee_recoit_403(route, monde, jeton):
    acteur = getattr(monde, route.acteur)
    autres = [code for code, _ in portees_ouvertes(acteur) if code != route.portee]
    corps = verifier_erreur(jeton(acteur, autres).requete(route.methode, route.adresse(monde)), 403,
                            "portee_insuffisante")
    assert route.portee in corps["message"]


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_un_jeton_avec_la_portee_est_servi(route, monde, jeton):
    portees = [route.portee] if route.portee else ["referentiel:lire"]
    reponse = jeton(getattr(monde, route.acteur), portees).requete(route.methode, route.adresse(monde))
    assert reponse.status_code == route.servi, reponse.content


def test_la_derniere_utilisation_est_notee_au_plus_une_fois_par_minute(monde, jeton):
    appelant = jeton(monde.admin, ["referentiel:lire"])
    assert appelant.get("/moi").status_code == 200
    premiere = JetonAPI.objects.get().derniere_utilisation
    assert premiere is not None
    assert appelant.get("/moi").status_code == 200
    assert JetonAPI.objects.get().derniere_utilisation == premiere
    JetonAPI.objects.update(derniere_utilisation=premiere - timedelta(minutes=2))
    appelant.get("/moi")
    assert JetonAPI.objects.get().derniere_utilisation > premiere


def test_le_jeton_ne_sert_pas_de_session(monde, jeton, client):
    """A browser session does not authenticate the API (tokens only): no CSRF-able writes."""
    client.force_login(monde.admin)
    verifier_erreur(client.get("/api/v1/moi"), 401, "non_authentifie")
