"""Schemathesis against the OpenAPI document: generated valid and invalid requests on every operation, with a
real token and factory data, never answer a server error, and every answer matches the documented schema,
status codes and content type. A few examples per operation keep the run short (about a minute)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from esms.api.api import api

pytestmark = pytest.mark.django_db

# ESMS_SCHEMATHESIS_FACTEUR=10 multiplies the examples for a longer, deeper run.
FACTEUR = int(os.environ.get("ESMS_SCHEMATHESIS_FACTEUR", "1"))
EXEMPLES = {GenerationMode.POSITIVE: 25 * FACTEUR, GenerationMode.NEGATIVE: 15 * FACTEUR}
VERIFICATIONS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


@pytest.fixture
def wsgi():
    """Django's WSGI application, without closing the test transaction's connection after each request (as
    Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _operations():
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    return [resultat.ok() for resultat in schema.get_all_operations()]


@pytest.mark.parametrize("mode", list(EXEMPLES), ids=lambda m: m.value)
def test_aucune_erreur_serveur(mode, monde, jeton, wsgi):
    entetes = {
        "admin": {"Authorization": f"Bearer {jeton(monde.admin).chaine}"},
        "editeur": {"Authorization": f"Bearer {jeton(monde.editeur_ara).chaine}"},
    }
    operations = _operations()
    assert len(operations) >= 20
    statuts: list[int] = []
    for operation in operations:
        acteur = "editeur" if operation.path.startswith("/api/v1/usages/") else "admin"
        _essai(operation, mode, entetes[acteur], wsgi, statuts)()
    # Every operation was really exercised, and the valid requests were mostly served.
    assert len(statuts) >= 3 * len(operations)
    if mode == GenerationMode.POSITIVE:
        assert statuts.count(200) >= len(operations)


def _essai(operation, mode, autorisation: dict, application, statuts: list[int]):
    """The property test of one operation: every generated request, with the token, passes the checks."""

    @settings(max_examples=EXEMPLES[mode], deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def essai(case):
        case.headers = {**(case.headers or {}), **autorisation}
        reponse = case.call(app=application)
        statuts.append(reponse.status_code)
        case.validate_response(reponse, checks=VERIFICATIONS)

    return essai
