"""Fixtures of the référentiel tests: the small geography/nomenclature set, FINESS files, users."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esms.comptes.models import Role
from esms.comptes.permissions import SYSTEME
from esms.referentiel.models import Etablissement, OrganismeGestionnaire
from esms.referentiel.services import charger_referentiel, importer_finess
from tests.referentiel import generateur


@pytest.fixture(autouse=True)
def var_temporaire(settings, tmp_path):
    """Rejects reports and uploads go to a temporary var/ directory."""
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    return settings.VAR_DIR


@pytest.fixture
def referentiel(db):
    """Regions, départements, communes, categories and statuses of the hand-written fixture set."""
    return charger_referentiel(actor=SYSTEME, dossier=generateur.DOSSIER_REFERENTIEL)


@pytest.fixture
def ecrire(tmp_path):
    """Write bytes to a FINESS-like file name under tmp_path and return its path."""

    def _ecrire(octets: bytes, nom: str = "etalab-cs1100507-stock-test.csv") -> Path:
        chemin = tmp_path / nom
        chemin.write_bytes(octets)
        return chemin

    return _ecrire


@pytest.fixture
def importe(referentiel):
    """The first mini extract, imported."""
    return importer_finess(actor=SYSTEME, chemin=generateur.ET_1)


@pytest.fixture
def utilisateur(make_user):
    def _utilisateur(role: str, **scope):
        return make_user(role, password="mot-de-passe-test-1", **scope)

    return _utilisateur


@pytest.fixture
def admin(utilisateur):
    return utilisateur(Role.ADMIN_NATIONAL)


@pytest.fixture
def client_admin(client, admin):
    client.force_login(admin)
    return client


def photographie() -> dict:
    """Every ET and EJ row, to prove that a failed import wrote nothing."""
    return {
        "et": list(Etablissement.objects.order_by("pk").values()),
        "ej": list(OrganismeGestionnaire.objects.order_by("pk").values()),
    }


class EcrituresReferentiel(CaptureQueriesContext):
    """Captures the SQL statements that write ET or EJ rows."""

    TABLES = ("referentiel_etablissement", "referentiel_organismegestionnaire")

    def __init__(self):
        super().__init__(connection)

    @property
    def ecritures(self) -> list[str]:
        return [q["sql"] for q in self.captured_queries
                if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "COPY"))
                and any(t in q["sql"] for t in self.TABLES)]
