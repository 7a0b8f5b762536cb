"""Fixtures of the API tests: a small référentiel in two regions, users of every role, dossiers and envelopes
in both regions, and a helper that issues tokens through the service and calls the API with them."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from esms.api import services
from esms.candidatures.models import Membre
from esms.comptes.models import Role
from esms.comptes.permissions import SYSTEME
from esms.financement import services as financement
from tests import factories


@pytest.fixture(autouse=True)
def cache_vide():
    """The dashboards' figures are cached per perimeter: every test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def monde(ref, make_user):
    """Two regions (ARA 84, Corse 94), one OG and dossiers in each, envelopes, and one user per role and place."""
    admin = make_user(Role.ADMIN_NATIONAL, username="admin")
    camp = factories.campagne("2024")
    dossier_ara = factories.dossier_depose(ref.og_ara, region=ref.ara, montant=120_000, camp=camp)
    dossier_corse = factories.dossier_depose(ref.og_corse, region=ref.corse, montant=80_000, camp=camp)
    brouillon_ara = factories.dossier_depose(ref.og_ara, region=ref.ara, etat="brouillon", camp=camp)
    Membre.objects.create(grappe=dossier_ara.grappe, etablissement=ref.et_ara[0])
    Membre.objects.create(grappe=dossier_corse.grappe, etablissement=ref.et_corse[0])
    env_ara = financement.creer_enveloppe(actor=admin, campagne=camp, region=ref.ara)
    financement.doter(actor=admin, enveloppe=env_ara, montant=1_000_000, libelle="Délégation ARA")
    env_corse = financement.creer_enveloppe(actor=admin, campagne=camp, region=ref.corse)
    financement.doter(actor=admin, enveloppe=env_corse, montant=300_000, libelle="Délégation Corse")
    return SimpleNamespace(
        ref=ref, camp=camp, admin=admin,
        dossier_ara=dossier_ara, dossier_corse=dossier_corse, brouillon_ara=brouillon_ara,
        env_ara=env_ara, env_corse=env_corse,
        ars_ara=make_user(Role.AGENT_ARS, username="ars-ara", region="84"),
        ars_corse=make_user(Role.AGENT_ARS, username="ars-corse", region="94"),
        porteur_ara=make_user(Role.RESPONSABLE_OG, username="porteur-ara", organismes=[ref.og_ara.pk]),
        porteur_corse=make_user(Role.RESPONSABLE_OG, username="porteur-corse", organismes=[ref.og_corse.pk]),
        gestionnaire_ara=make_user(Role.GESTIONNAIRE_ESSMS, username="gest-ara", etablissements=[ref.et_ara[0].pk]),
        editeur_ara=make_user(Role.EDITEUR, username="editeur-ara", etablissements=[ref.et_ara[0].pk]),
    )


class Appelant:
    """Calls the API with one token (or none): `get`, `post` return the response; `json` decodes it."""

    def __init__(self, chaine: str | None) -> None:
        self.chaine = chaine
        self.client = Client()

    def _entetes(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.chaine}"} if self.chaine else {}

    def get(self, chemin: str, **params):
        return self.client.get(f"/api/v1{chemin}", params, **self._entetes())

    def post(self, chemin: str, data=None, **kwargs):
        return self.client.post(f"/api/v1{chemin}", data, **kwargs, **self._entetes())

    def requete(self, methode: str, chemin: str):
        """A request without parameters nor body (a POST sends an empty JSON body)."""
        if methode == "POST":
            return self.client.post(f"/api/v1{chemin}", "", content_type="application/json", **self._entetes())
        return getattr(self.client, methode.lower())(f"/api/v1{chemin}", **self._entetes())


@pytest.fixture
def jeton(db):
    """`jeton(user, portees=…, expire_dans=…)` → an `Appelant` with a fresh token of that user."""

    def fabriquer(utilisateur, portees=None, *, expire_dans: timedelta | None = None) -> Appelant:
        if portees is None:
            from esms.api.forms import portees_ouvertes

            portees = [code for code, _ in portees_ouvertes(utilisateur)]
        expire_le = timezone.now() + expire_dans if expire_dans else None
        _, chaine = services.creer_jeton(actor=SYSTEME, utilisateur=utilisateur, nom="Test", portees=portees,
                                         expire_le=expire_le)
        return Appelant(chaine)

    return fabriquer


@pytest.fixture
def anonyme() -> Appelant:
    return Appelant(None)


def verifier_erreur(reponse, statut: int, code: str) -> dict:
    """The response is the API's French error body with this status and code."""
    assert reponse.status_code == statut, reponse.content
    assert reponse["Content-Type"].startswith("application/json")
    corps = reponse.json()
    assert set(corps) == {"code", "message", "details"}, corps
    assert corps["code"] == code, corps
    assert corps["message"] and isinstance(corps["details"], list)
    return corps
